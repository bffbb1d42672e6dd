"""Blind human theme coding of paragraphs (tests/fixtures/): the labelled paragraphs with their text, for
checking the codebook against people (analysis.validation.codebook_agreement, notebook 03)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .memo import memo_frame
from .paths import FIXTURES_DIR, SHARED_CORPORA

# the blind label fixtures, tests/fixtures/theme_labels_<name>.csv, in the order reports list them
LABEL_FILES = {name: f"theme_labels_{name}.csv" for name in (
    "seed", "seed_e", "seed_f", "corpora", "cctv", "cctv2", "cctv3", "cctv4", "cctv5", "cctv6", "cctv7", "cctv8",
    "cctv9", "cctv10", "cctv10b", "cctv11", "cctv12", "cctv13", "cctv14", "cctv15", "cctv16", "cctv17", "cctv18",
    "cctv19", "cctv20", "cctv21", "cctv22", "cctv23")}
# fixtures that recode another fixture's paragraphs (a second coder or team): never train on one and test on the other
RECODINGS = {"seed_e": "seed", "seed_f": "seed", "cctv10b": "cctv10"}
XWLB_FILE = "xwlb_2020_2022.jsonl.xz"
# the ../shared/corpora files the CCTV fixtures' paragraphs are read from: 2020-2022, or both corpora (2012-2022)
_BOTH_CORPORA = {"cctv", "cctv2", "cctv9", "cctv10", "cctv10b", "cctv11", "cctv12", "cctv13"}
CORPORA_FILES = {name: ("xwlb_2012_2019.jsonl.xz", XWLB_FILE) if name in _BOTH_CORPORA else (XWLB_FILE,)
                 for name in LABEL_FILES if name != "seed" and RECODINGS.get(name) != "seed"}


def _split_themes(value) -> tuple[str, ...]:
    if isinstance(value, (tuple, list)):
        return tuple(value)
    if not isinstance(value, str):
        return ()
    return tuple(t.strip() for t in value.split(";") if t.strip())


def item_lines(text: str) -> list[str]:
    """The paragraphs of a CCTV (xwlb) item as the corpora fixture numbers them: the non-empty lines
    of `text`, stripped; `line_no` is the 0-based index in this list."""
    return [line.strip() for line in (text or "").split("\n") if line.strip()]


def line_sha(line: str) -> str:
    """The fixture's check on a paragraph's text: the first 12 hex digits of sha1(line)."""
    import hashlib

    return hashlib.sha1(line.encode("utf-8")).hexdigest()[:12]


def load_theme_labels(which: str = "seed", corpora_dir: str | Path | None = None) -> pd.DataFrame | None:
    """Human theme coding of paragraphs (tests/fixtures/theme_labels_<which>.csv), with their text.

    Returns doc_id, para_no, themes (tuple of theme ids, empty = no theme), note, text (and `half` for
    "cctv").
    - "seed": paragraphs of the seed articles (data/raw, numbered as `paragraphs(load_corpus())`).
    - "seed_e": the same 81 paragraphs coded later by another blind coder (E), who read "following the
      Party's instructions" in the mobilisation definition literally where the first coders did not.
    - "seed_f": the same paragraphs coded by a third team (two blind coders and an adjudicator), who read it as E.
    - "corpora": 75 CCTV paragraphs of 2020-2022; the fixture holds only ids and labels (item_id, line_no,
      sha), the text is read from ../shared/corpora/xwlb_2020_2022.jsonl.xz and checked against `sha`.
    - "cctv": 156 CCTV paragraphs of 2012-2022 naming united-front actors, the adjudicated consensus of
      two coders; same form, read from both xwlb files; `half` is "dev" (the half rules were tuned on)
      or "heldout" (never looked at while tuning), split by item with a fixed seed.
    - "cctv2": 150 CCTV paragraphs of 2012-2022 (one per item), a second blind set coded by two other coders
      and adjudicated, held out from every codebook revision; same form, read from both xwlb files.
    - "cctv3": 160 CCTV paragraphs of 2020-2022 (one per item; 110 from items naming 政协, 统战, 民主党派, 工商联,
      侨联, a democratic party or 侨胞, 50 from other epidemic items), a third blind set (two coders and an
      adjudicator, 2026-12-06), held out from the third codebook revision; read from the 2020-2022 file.
    - "cctv4": 160 more CCTV paragraphs of 2020-2022 drawn the same way from items in no other fixture, a fourth
      blind set (two coders, adjudicated), held out from the fourth codebook revision; read from the 2020-2022 file.
    The CCTV fixtures return None when their ../shared file is absent (a fresh clone has no ../shared).
    The coders saw only the codebook's definitions.
    """
    if which not in LABEL_FILES:
        raise ValueError(f"which must be one of {sorted(LABEL_FILES)}, not {which!r}")
    labels = pd.read_csv(FIXTURES_DIR / LABEL_FILES[which], dtype=str, keep_default_na=False)
    if which == "seed" or RECODINGS.get(which) == "seed":  # the seed paragraphs, read from data/raw
        from .corpus import load_corpus, paragraphs

        paras = paragraphs(load_corpus())
        labels["para_no"] = labels["para_no"].astype(int)
        out = labels.merge(paras[["doc_id", "para_no", "text"]], on=["doc_id", "para_no"], how="left")
        missing = out[out["text"].isna()]
        if len(missing):
            raise ValueError(f"{which} labels name paragraphs not in the corpus: "
                             f"{missing[['doc_id', 'para_no']].values.tolist()}")
    else:
        import json
        import lzma

        paths = [Path(corpora_dir or SHARED_CORPORA) / name for name in CORPORA_FILES[which]]
        if not all(p.exists() for p in paths):
            return None
        path = paths[-1].parent
        wanted = set(labels["item_id"])

        def read_items() -> pd.DataFrame:
            found = {}
            for file in paths:
                with lzma.open(file, "rt", encoding="utf-8") as fh:
                    for line in fh:
                        item = json.loads(line)
                        if item.get("id") in wanted:
                            found[item["id"]] = item.get("text") or ""
            return pd.DataFrame({"id": list(found), "text": list(found.values())})

        # Decompressing the files costs a second or more: the labelled items are kept in the cache, keyed
        # by the files' sizes and modification times and by the ids wanted.
        stats = [(str(p.resolve()), p.stat().st_size, p.stat().st_mtime_ns) for p in paths]
        items = memo_frame("labels", [*stats, *sorted(wanted)], read_items)
        texts = dict(zip(items["id"], items["text"]))
        lines, bad = [], []
        for item_id, no, sha in zip(labels["item_id"], labels["line_no"].astype(int), labels["sha"]):
            paras = item_lines(texts.get(item_id, ""))
            text = paras[no] if no < len(paras) else None
            if text is None or line_sha(text) != sha:
                bad.append((item_id, no))
            lines.append(text)
        if bad:
            raise ValueError(f"{path}: labelled paragraphs missing or changed (item_id, line_no): {bad}")
        out = pd.DataFrame(
            {"doc_id": labels["item_id"], "para_no": labels["line_no"].astype(int), "themes": labels["themes"],
             "note": labels.get("note", ""), "text": lines}
        )
        if "half" in labels:
            out["half"] = labels["half"]
    out["themes"] = out["themes"].map(_split_themes)
    columns = ["doc_id", "para_no", "themes", "note", "text"] + (["half"] if "half" in out else [])
    return out[columns].reset_index(drop=True)
