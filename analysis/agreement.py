"""Does the codebook code as people do? Blind human labels of paragraphs (tests/fixtures/) and Cohen's
kappa of the codebook against them, per theme and pooled (notebook 03)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .codebook import _codebook
from .memo import memo_frame
from .themes import theme_ids
from .paths import FIXTURES_DIR, SHARED_CORPORA

LABEL_FILES = {"seed": "theme_labels_seed.csv", "corpora": "theme_labels_corpora.csv"}
XWLB_FILE = "xwlb_2020_2022.jsonl.xz"


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

    Returns doc_id, para_no, themes (tuple of theme ids, empty = no theme), note, text.
    - "seed": paragraphs of the seed articles (data/raw, numbered as `paragraphs(load_corpus())`).
    - "corpora": CCTV paragraphs; the fixture holds only ids and labels (item_id, line_no, sha), the text
      is read from ../shared/corpora/xwlb_2020_2022.jsonl.xz and checked against `sha`. Returns None
      when that file is absent (a fresh clone has no ../shared).
    The coders saw only the codebook's definitions.
    """
    if which not in LABEL_FILES:
        raise ValueError(f"which must be one of {sorted(LABEL_FILES)}, not {which!r}")
    labels = pd.read_csv(FIXTURES_DIR / LABEL_FILES[which], dtype=str, keep_default_na=False)
    if which == "seed":
        from .corpus import load_corpus, paragraphs

        paras = paragraphs(load_corpus())
        labels["para_no"] = labels["para_no"].astype(int)
        out = labels.merge(paras[["doc_id", "para_no", "text"]], on=["doc_id", "para_no"], how="left")
        missing = out[out["text"].isna()]
        if len(missing):
            raise ValueError(f"seed labels name paragraphs not in the corpus: {missing[['doc_id', 'para_no']].values.tolist()}")
    else:
        import json
        import lzma

        path = Path(corpora_dir or SHARED_CORPORA) / XWLB_FILE
        if not path.exists():
            return None
        wanted = set(labels["item_id"])

        def read_items() -> pd.DataFrame:
            found = {}
            with lzma.open(path, "rt", encoding="utf-8") as fh:
                for line in fh:
                    item = json.loads(line)
                    if item.get("id") in wanted:
                        found[item["id"]] = item.get("text") or ""
            return pd.DataFrame({"id": list(found), "text": list(found.values())})

        # Decompressing the whole file costs most of a second: the labelled items are kept in the cache,
        # keyed by the file's size and modification time and by the ids wanted.
        stat = path.stat()
        items = memo_frame("labels", [str(path.resolve()), stat.st_size, stat.st_mtime_ns, *sorted(wanted)], read_items)
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
    out["themes"] = out["themes"].map(_split_themes)
    return out[["doc_id", "para_no", "themes", "note", "text"]].reset_index(drop=True)


def codebook_agreement(coded: pd.DataFrame, labels: pd.DataFrame, codebook=None) -> pd.DataFrame:
    """Agreement of the codebook's coding with human labels, per theme and pooled (Cohen's kappa).

    `coded`: code_paragraphs output; `labels`: doc_id, para_no, themes (tuple or "a;b" string), e.g.
    load_theme_labels("seed"). Paragraphs are paired on (doc_id, para_no); only labelled paragraphs
    count. One row per theme, then a row "pooled" (all paragraph x theme cells together):
    n (paragraphs), human (paragraphs the coders gave the theme), codebook, both, over (codebook yes,
    human no), under (codebook no, human yes), kappa (sklearn.metrics.cohen_kappa_score; NaN when
    neither side ever gives the theme).
    """
    from sklearn.metrics import cohen_kappa_score

    cb = _codebook(codebook)
    ids = theme_ids(coded, cb)
    lab = labels[["doc_id", "para_no"]].copy()
    lab["_human"] = labels["themes"].map(_split_themes).to_numpy()
    merged = lab.merge(coded[["doc_id", "para_no"] + ids], on=["doc_id", "para_no"], how="left", validate="1:1")
    if merged[ids].isna().any().any():
        raise ValueError("some labelled paragraphs are not in `coded`")
    unknown = sorted({t for ts in lab["_human"] for t in ts} - set(ids))
    if unknown:
        raise ValueError(f"labels use theme ids not in the codebook: {unknown}")
    machine = merged[ids].astype(bool).to_numpy()
    human = np.array([[t in ts for t in ids] for ts in merged["_human"]], dtype=bool).reshape(len(merged), len(ids))

    def row(name, h, m):
        both = int((h & m).sum())
        if not (h.any() or m.any()):
            kappa = float("nan")  # nobody gives the theme: nothing to agree on
        elif (h == m).all():
            kappa = 1.0
        else:
            kappa = float(cohen_kappa_score(h, m))
        return {"theme": name, "n": len(merged), "human": int(h.sum()), "codebook": int(m.sum()), "both": both,
                "over": int((m & ~h).sum()), "under": int((h & ~m).sum()), "kappa": kappa}

    rows = [row(t, human[:, j], machine[:, j]) for j, t in enumerate(ids)]
    rows.append(row("pooled", human.ravel(), machine.ravel()))
    return pd.DataFrame(rows)
