"""The codebook against every blind-coded fixture: what a revision of analysis/resources/lexicon/themes.toml (or a
study's own codebook, through $ANALYSIS_CODEBOOK as the build sets it) is measured with.

    .venv/bin/python benchmarks/codebook_fixtures.py                    # pooled κ of each fixture (3 decimals)
    .venv/bin/python benchmarks/codebook_fixtures.py --themes [SET ...]  # per theme: κ, precision, recall, over, under
    .venv/bin/python benchmarks/codebook_fixtures.py --keywords THEME   # each keyword of THEME: of the coded
        # paragraphs it fires in, how many the coders coded THEME; and the same where it is the only trigger
    .venv/bin/python benchmarks/codebook_fixtures.py --word THEME REGEX [REGEX ...]   # fixture paragraphs
        # matching REGEX: how many the coders and the codebook code THEME (a candidate word's evidence)
    .venv/bin/python benchmarks/codebook_fixtures.py --genre [SET ...]   # the CCTV sets split: paragraphs of items
        # whose title or text names 政协, 统战, 民主党派, 工商联 or 侨联 (the study's genre) and the others, pooled
    ANALYSIS_CODEBOOK=other.toml .venv/bin/python benchmarks/codebook_fixtures.py ...  # another codebook (an older
        # revision: git show REV:analysis/resources/lexicon/themes.toml), measured the same way

The fixtures are tests/fixtures/theme_labels_*.csv (`analysis.agreement.LABEL_FILES`); the CCTV ones hold ids
only and are read from ../shared/corpora (skipped without it). Which sets were held out when, and what each
revision scored on them: tests/fixtures/README.md. A word's evidence on the fixtures is not enough to add it: run
the rule over a corpus and read what it changes (reports/codebook*_errors.md).
"""
from __future__ import annotations

import argparse
import re
import sys
import warnings
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis import code_paragraphs, codebook_agreement  # noqa: E402
from analysis.agreement import CORPORA_FILES, LABEL_FILES, RECODINGS, load_theme_labels  # noqa: E402
from analysis.paths import SHARED_CORPORA  # noqa: E402
from analysis.themes import theme_matches  # noqa: E402


def _fixtures(names):
    for name in names or LABEL_FILES:
        labels = load_theme_labels(name)
        if labels is None:
            print(f"{name}: skipped (its paragraphs are read from ../shared/corpora, which is absent)")
            continue
        paras = labels.drop(columns=["themes"])
        yield name, labels, paras, code_paragraphs(paras)


def _has(themes, theme: str) -> bool:
    return theme in (themes if isinstance(themes, (list, tuple)) else str(themes).split(";"))


def agreement(names, per_theme: bool) -> None:
    for name, labels, _, coded in _fixtures(names):
        table = codebook_agreement(coded, labels, n_boot=0).set_index("theme")
        print(f"{name:8s} {len(labels):4d} paragraphs  pooled κ {table.loc['pooled', 'kappa']:.3f}")
        if per_theme:
            cols = ["human", "codebook", "over", "under", "kappa", "precision", "recall"]
            print(table[cols].round(2).to_string(), "\n")


GENRE = re.compile("政协|统战|民主党派|工商联|侨联")


def genre(names) -> None:
    """Pooled κ of the CCTV sets' paragraphs from items of the study's genre (title or text names one of the
    issue's five bodies) and from the other items, each set and all of them together."""
    import json
    import lzma

    import pandas as pd

    in_genre = {}
    for file in sorted({f for files in CORPORA_FILES.values() for f in files}):
        with lzma.open(SHARED_CORPORA / file, "rt", encoding="utf-8") as fh:
            for line in fh:
                item = json.loads(line)
                in_genre[item["id"]] = bool(GENRE.search((item.get("title") or "") + "\n" + (item.get("text") or "")))
    pooled = {True: ([], []), False: ([], [])}
    default = [n for n in LABEL_FILES if n in CORPORA_FILES and n not in RECODINGS]  # (each paragraph once)
    for name, labels, _, coded in _fixtures(names or default):
        mask = labels["doc_id"].map(in_genre).fillna(False).astype(bool).to_numpy()
        cells = []
        for part in (True, False):
            sel = mask == part
            if sel.any():
                pooled[part][0].append(coded[sel])
                pooled[part][1].append(labels[sel])
                table = codebook_agreement(coded[sel], labels[sel], n_boot=0).set_index("theme")
                cells.append(f"{'genre' if part else 'other'} {int(sel.sum()):4d} κ {table.loc['pooled', 'kappa']:.3f}")
        print(f"{name:8s} " + "   ".join(cells))
    for part, (coded, labels) in pooled.items():
        if coded:
            table = codebook_agreement(pd.concat(coded), pd.concat(labels), n_boot=0).set_index("theme")
            print(f"all {'genre' if part else 'other'} paragraphs: {sum(map(len, coded))}, "
                  f"pooled κ {table.loc['pooled', 'kappa']:.3f}")


def keywords(theme: str) -> None:
    print_keyword_counts(theme, [(labels, paras, coded) for _, labels, paras, coded in _fixtures(None)])


def print_keyword_counts(theme: str, sets) -> None:
    """Each keyword of `theme` over `sets` of (labels, paragraphs, coded): the coders' yes / the coded paragraphs it
    fires in, and the same where it is the theme's only word (a word used loosely codes alone less than half the
    time: a candidate `weak` word). benchmarks/local_pages.py --keywords THEME prints it for the local sets."""
    fires, alone = defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0])
    for labels, paras, coded in sets:
        human = labels.set_index(["doc_id", "para_no"])["themes"].apply(lambda t: _has(t, theme))
        code = coded.set_index(["doc_id", "para_no"])[theme]
        matches = theme_matches(paras)
        for key, group in matches[matches["theme"] == theme].groupby(["doc_id", "para_no"]):
            if not code.get(key, False):
                continue
            words, yes = sorted(set(group["keyword"])), int(bool(human.get(key, False)))
            for word in words:
                fires[word][0] += yes
                fires[word][1] += 1
            if len(words) == 1:
                alone[words[0]][0] += yes
                alone[words[0]][1] += 1
    print(f"{theme}: keyword, coders' yes / coded paragraphs it fires in, and where it is the only trigger")
    for word, (yes, n) in sorted(fires.items(), key=lambda kv: -kv[1][1]):
        print(f"  {word:10s} {yes:3d}/{n:<3d}  alone {alone[word][0]}/{alone[word][1]}")


def word(theme: str, patterns: list[str]) -> None:
    rows = []
    for name, labels, _, coded in _fixtures(None):
        for text, themes, coded_yes in zip(labels["text"], labels["themes"], coded[theme]):
            rows.append((name, "".join(str(text).split()), _has(themes, theme), bool(coded_yes)))
    for pattern in patterns:
        hits = [r for r in rows if re.search(pattern, r[1])]
        missed = [r for r in hits if not r[3]]
        print(f"{pattern}: {len(hits)} fixture paragraphs, coders code {theme} in {sum(r[2] for r in hits)}, "
              f"the codebook in {sum(r[3] for r in hits)}; of the {len(missed)} it leaves uncoded, the coders "
              f"code {sum(r[2] for r in missed)}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--themes", nargs="*", metavar="SET", help="per-theme tables (of these sets; default all)")
    parser.add_argument("--keywords", metavar="THEME")
    parser.add_argument("--word", nargs="+", metavar=("THEME", "REGEX"))
    parser.add_argument("--genre", nargs="*", metavar="SET", help="CCTV sets split into genre and other items")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")  # (the corpora's empty items)
    if args.keywords:
        keywords(args.keywords)
    elif args.word:
        word(args.word[0], args.word[1:])
    elif args.genre is not None:
        genre(args.genre)
    else:
        agreement(args.themes, per_theme=args.themes is not None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
