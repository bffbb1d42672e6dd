"""The codebook against blind coding of real local CPPCC and united-front web text (issue 23 item 5, third genre).

    .venv/bin/python benchmarks/local_pages.py PAGES.jsonl [PAGES.jsonl ...]
    ANALYSIS_CODEBOOK=old.toml .venv/bin/python benchmarks/local_pages.py ...   # another revision, the same way
    .venv/bin/python benchmarks/local_pages.py --keywords THEME PAGES.jsonl ...  # THEME's keywords, coded alone too

PAGES: JSON lines {"url": ..., "text": ...}, the pages as saved. On the machine that made the fixtures these are
/work/localcppcc/pages_cppcc.jsonl and pages_uf.jsonl (269 pages: local1-local3) and pages_cppcc2.jsonl and
pages_uf2.jsonl (247 more pages found later by searches that skipped every earlier URL: local4), and
pages_cppcc5a.jsonl and pages_cppcc5b.jsonl (266 pages of city and county CPPCCs only, found by two later searches
that skipped every earlier URL: local5), pages_cppcc6a.jsonl and pages_cppcc6b.jsonl (267 more: local6),
pages_cppcc7a.jsonl and pages_cppcc7b.jsonl (264 more: local7), and local8 to local14 (paragraphs of all
these pages that no other set labelled; local9n and local10n are local9's and local10's paragraphs coded by a second
team that also saw the codebook's notes for coders), all of them for all sets: local CPPCC, united-front department,
democratic-party, federation and overseas-Chinese-federation sites found through a web-page search.
Those pages were not kept between sessions; local15-local28 come from a new collection (1,069 pages, 250 of them pages
of local1-local14, whose labelled paragraphs came back with the same text), whose searches are listed in
benchmarks/local_queries.tsv with how the results were kept: running them again rebuilds the pages.
Their text is third-party and is not stored in the repository; the fixtures hold the labels only: `url`, `para_no`
(the paragraph's number in `paragraphs(load_corpus(...))`), `sha` (first 12 hex digits of sha1 of the paragraph) and
`themes`, plus `half` for local1 ("dev", the half of its pages the twelfth revision's first rules were read off, and
"heldout").

The pages go through the study's own pipeline (load_corpus: script conversion, pinyin and page debris removed;
paragraphs), the labelled paragraphs are found by url and `sha` (the text), and the codebook is
measured with codebook_agreement (κ with an article-level bootstrap interval, per theme and pooled). A page given
twice (the same url and text) counts once; the same url with two different texts stops the run. A paragraph is
found on its page by its text (`sha`; `para_no` may differ when a page was saved again), so pages saved anew measure
the labels they hold: a set some of whose pages are missing is measured on the rest, and a labelled paragraph whose
text is not on its page as given is left out, each with a message. A set none of whose pages were given is skipped
with a message.
"""
from __future__ import annotations

import json
import sys
import tempfile
import warnings
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis import code_paragraphs, codebook_agreement, load_corpus, paragraphs  # noqa: E402
from analysis.agreement import _split_themes, line_sha  # noqa: E402
from analysis.paths import FIXTURES_DIR  # noqa: E402

# every local fixture there is (a new set needs no edit here), local1, local2, ... in order, then the sets a second
# team coded, named with a trailing n (local9n, local10n: local9's and local10's paragraphs, coded with the notes)
SETS = {p.name.removeprefix("theme_labels_").removesuffix(".csv"): p.name
        for p in sorted(FIXTURES_DIR.glob("theme_labels_local*.csv"),
                        key=lambda p: (p.stem.endswith("n"), int("".join(filter(str.isdigit, p.stem)))))}
SECOND_TEAMS = tuple(name for name in SETS if name.endswith("n"))


def labelled_paragraphs(pages: list[Path]) -> dict[str, pd.DataFrame]:
    """Each fixture's labels joined to its paragraphs' text (url, para_no, themes, half, text)."""
    rows, seen = [], {}
    for path in pages:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            if row["url"] in seen:
                if seen[row["url"]] != row["text"]:
                    raise SystemExit(f"{path}: {row['url']} is given twice with different text")
                continue
            seen[row["url"]] = row["text"]
            rows.append(row)
    with tempfile.TemporaryDirectory() as tmp:
        table = Path(tmp) / "pages.jsonl"
        table.write_text("".join(json.dumps({"id": f"p{i:04d}", "url": r["url"], "text": r["text"]},
                                            ensure_ascii=False) + "\n" for i, r in enumerate(rows)), encoding="utf-8")
        corpus = load_corpus(table, cache=False, progress=False)
    paras = paragraphs(corpus).merge(corpus[["doc_id", "url"]], on="doc_id")
    paras["sha"] = paras["text"].map(line_sha)
    # a paragraph is found by its page and its text (url, sha): a page saved again may number its paragraphs
    # otherwise (a line more or less above), never its text
    paras = paras.drop_duplicates(["url", "sha"])
    out = {}
    for name, file in SETS.items():
        labels = pd.read_csv(FIXTURES_DIR / file, dtype={"sha": str}, keep_default_na=False)
        given = labels["url"].isin(set(corpus["url"]))
        if not given.any():
            print(f"{name}: skipped (none of its pages is among the pages given)")
            continue
        # many to one: a page may repeat a paragraph word for word, and both labelled copies are the one text
        found = labels[given].merge(paras[["url", "sha", "doc_id", "text"]], on=["url", "sha"], how="left",
                                    validate="many_to_one")
        changed = found[found["text"].isna()]
        if (~given).any() or len(changed):
            print(f"{name}: {int(given.sum()) - len(changed)} of its {len(labels)} labelled paragraphs measured "
                  f"({int((~given).sum())} on pages not given, {len(changed)} whose text is not on their page as "
                  f"given, e.g. {changed[['url', 'para_no']].head(2).values.tolist()})")
        found = found[found["text"].notna()].copy()
        if found.empty:
            print(f"{name}: skipped (none of its labelled paragraphs is on its pages as given)")
            continue
        found["themes"] = found["themes"].map(_split_themes)
        out[name] = found
    return out


def main(argv: list[str]) -> int:
    if not argv or argv[0] == "--keywords" and len(argv) < 3:
        print(__doc__)
        return 2
    warnings.simplefilter("ignore")
    if argv[0] == "--keywords":  # each keyword of a theme on the local sets (coded alone: a candidate weak word)
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from codebook_fixtures import print_keyword_counts

        from analysis import load_codebook

        themes = list(load_codebook()["id"])
        if argv[1] not in themes:
            print(f"--keywords: {argv[1]!r} is no theme of the codebook ({', '.join(themes)})")
            return 2
        sets = []
        for name, labels in labelled_paragraphs([Path(a) for a in argv[2:]]).items():
            if name not in SECOND_TEAMS:  # the same paragraphs as local9, local10: counted once
                paras = labels[["doc_id", "para_no", "text"]]
                sets.append((labels, paras, code_paragraphs(paras)))
        print_keyword_counts(argv[1], sets)
        return 0
    for name, labels in labelled_paragraphs([Path(a) for a in argv]).items():
        coded = code_paragraphs(labels[["doc_id", "para_no", "text"]])
        parts = [("all", labels["url"].notna())]
        if "half" in labels:
            parts += [(h, labels["half"] == h) for h in ("dev", "heldout")]
        for part, mask in parts:
            table = codebook_agreement(coded[mask.to_numpy()], labels[mask.to_numpy()]).set_index("theme")
            row = table.loc["pooled"]
            print(f"{name} {part:8s} {int(mask.sum()):4d} paragraphs of {labels.loc[mask, 'url'].nunique():3d} pages"
                  f"  pooled κ {row['kappa']:.3f} [{row['kappa_lo']:.2f}, {row['kappa_hi']:.2f}]"
                  f"  human {int(row['human'])} codebook {int(row['codebook'])} over {int(row['over'])}"
                  f" under {int(row['under'])}")
            if part == "all":
                print(table[["human", "codebook", "over", "under", "kappa"]].round(2).to_string(), "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
