"""The report's appendix: the codebook, the numbers behind the figures, keyness tables, glossary, figure index."""
from __future__ import annotations

import pandas as pd

from ..outputs import read_table
from .contrasts import key_table_name
from .document import Block, Report

# The organisations of the seed study's question, glossed in its report (a study's own glossary adds terms)
ORGANISATIONS = {"政协": "Chinese People's Political Consultative Conference (CPPCC) committee, national to district "
                         "level",
                 "统战部": "United Front Work Department of a Party committee",
                 "民主党派": "the eight democratic parties (民革, 民盟, 民建, 民进, 农工党, 致公党, 九三学社, 台盟)",
                 "工商联": "federation of industry and commerce (private business)",
                 "侨联": "returned overseas-Chinese federation", "界别": "the sectors in which CPPCC members sit"}


def codebook_table(rep: Report) -> Block:
    cb = rep.ctx.codebook
    table = cb.assign(keywords=cb["keywords"].map(lambda k: "、".join(k[:6]) + (" …" if len(k) > 6 else "")),
                      n_keywords=cb["keywords"].map(len)).set_index("id")[["zh", "en", "definition", "n_keywords",
                                                                             "keywords"]]
    return rep.table(table, "The theme codebook of the study: labels, definitions and the first keywords of each "
                     "theme.")


def group_counts(rep: Report) -> Block:
    by_group = rep.tab("themes_by_group")
    if by_group is None:
        return Block()
    kn = by_group.assign(kn=by_group["k"].astype(str) + "/" + by_group["n"].astype(str)).pivot(
        index="theme", columns="group", values="kn")[list(dict.fromkeys(by_group["group"]))]
    caption = "Paragraphs carrying each theme / paragraphs per group"
    if "03_themes_by_group" in rep.figures:
        caption += f" (the numbers behind Figure {rep.figures['03_themes_by_group']})"
    return rep.table(kn.reindex(list(rep.ctx.labels)).rename(index=rep.ctx.labels), caption + ".")


def _key_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Keyness rows for print: counts, G2 and log ratio rounded, p as text."""
    return df[["term", "n_target", "n_reference", "G2", "p", "log_ratio"]].assign(
        G2=df["G2"].round(1), log_ratio=df["log_ratio"].round(2),
        p=df["p"].map(lambda p: "< 0.001" if p < 0.001 else f"{p:.3f}")).set_index("term")


def keyness_tables(rep: Report) -> Block:
    out = Block()
    key_period, key_ref = rep.tab("keyness_period"), rep.tab("keyness_period_reference")
    if key_period is not None and key_ref is not None:
        last, earlier = key_period["target"].iloc[0], key_period["reference"].iloc[0]
        out += rep.table(_key_rows(key_period.head(10)), f"The ten most {last}-typical terms against {earlier} "
                         "(n_target:n_reference counts; signed G²; p; log ratio in log₂ units).")
        out += rep.table(_key_rows(key_ref.head(10)), f"The ten most {earlier}-typical terms (negative G²: typical of "
                         "the reference).")
    name = key_table_name()
    key_groups = read_table(name) if name is not None else None
    if key_groups is not None and len(key_groups):
        lead, what = key_groups["group"].iloc[0], name.split("_", 1)[1]
        out += rep.table(_key_rows(key_groups[key_groups["group"] == lead].head(10)),
                         f"The ten terms most typical of {lead} against the other {what}s.")
    return out


def place_tables(rep: Report) -> Block:
    out = Block()
    money, within = rep.tab("amounts_by_place"), rep.tab("places_within_articles")
    if money is not None:
        data = (f" (the data of Figure {rep.figures['04_amounts_by_place']})." if "04_amounts_by_place" in rep.figures
                else ".")
        out += rep.table(money[["label", "place", "span", "amount_yuan", "bound", "bound_kind", "given"]]
                         .set_index("place").head(60),
                         "Money figures of the place-by-place sections and clauses, as written and in yuan" + data)
    if within is not None:
        out += rep.table(within.drop(columns=["doc_id"]).set_index(["label", "place"]).head(60),
                         "Places within articles: units, characters, and the head counts and money they give (sums of "
                         "all counts; the same people may be counted twice).")
    return out


def audit_table(rep: Report) -> Block:
    return rep.table(read_table("cleaning_rules").set_index("rule")[["entries", "articles"]],
                     "The cleaning audit: entries per rule (each entry is one removal or repair; notebook 01 lists "
                     "them).")


def glossary_table(rep: Report) -> Block:
    """The organisations (the seed study's, where the corpus names them), then the glossed terms of the corpus."""
    freq = set(rep.tab("terms_corpus")["term"])
    text = "\n".join(rep.corpus["text"].head(2000))
    orgs = {t: v for t, v in ORGANISATIONS.items() if rep.study.is_default or t in text}
    quoted = {t: rep.gloss[t] for t in sorted(rep.gloss) if t in freq and t not in orgs}
    if not orgs and not quoted:
        return Block(["The study's glossary glosses none of the corpus's frequent terms."])
    return rep.table(pd.Series({**orgs, **quoted}, name="gloss").rename_axis("term").to_frame(),
                     "Glossary: " + ("the organisations, then " if orgs else "") + "the Chinese terms of the corpus "
                     "this report may quote, with the English glosses used in the text.")


def figure_index(rep: Report) -> Block:
    from ..outputs import figures_dir

    figures = sorted(figures_dir().glob("0*.png"))
    index = pd.DataFrame([{"figure": p.stem, "notebook": p.stem[:2]} for p in figures], columns=["figure", "notebook"])
    return rep.table(index.set_index("figure"), "Every figure the notebooks saved (PNG at 200 dpi and SVG); each is "
                     "rebuilt by the build. The evidence explorer (`explorer.html`, beside this report) lists the "
                     "paragraphs behind every theme share.")
