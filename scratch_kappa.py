import sys, pandas as pd
from analysis.agreement import load_theme_labels, LABEL_FILES
from analysis import code_paragraphs, codebook_agreement
pd.set_option("display.width", 200)
for w in (sys.argv[1:] or LABEL_FILES):
    lab = load_theme_labels(w)
    if lab is None: print(w, "missing"); continue
    coded = code_paragraphs(lab.drop(columns=["themes"]))
    t = codebook_agreement(coded, lab, n_boot=200)
    print("==", w, len(lab))
    print(t[["theme","kappa","precision","recall"] if "precision" in t else t.columns].round(2).to_string())
