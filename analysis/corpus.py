"""Find the articles, read them in any encoding, parse their header, join data/metadata.csv.

`load_corpus()` gives one row per article; `paragraphs()` one row per paragraph, the unit of
analysis, with the section heading it stands under.
"""
from __future__ import annotations

import re
import warnings
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

from .clean import CJK, clean_document, ends_sentence

PROJECT_ROOT = Path(__file__).resolve().parents[1]
RAW_DIR = PROJECT_ROOT / "data" / "raw"
METADATA_FILE = PROJECT_ROOT / "data" / "metadata.csv"

COLUMNS = [
    "doc_id", "title", "subtitle", "date", "source", "author", "province", "city", "org",
    "url", "original_title", "encoding", "n_chars_raw", "n_chars_clean", "text", "raw",
]
# What metadata.csv may set; it wins over what the header says.
METADATA_COLUMNS = ["title", "subtitle", "date", "source", "author", "province", "city", "org", "url"]


class CorpusError(ValueError):
    """A file that cannot become an article; the message names the file and the problem."""


# ---------------------------------------------------------------- reading


def _cjk_share(text: str) -> float:
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return 0.0
    return sum(bool(re.match(f"[{CJK}]", c)) for c in chars) / len(chars)


_BOMS = [
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
]


def decode_bytes(data: bytes, name: str = "<bytes>") -> tuple[str, str]:
    """Decode a file's bytes; return (text, encoding). Raises CorpusError naming `name`.

    A byte-order mark decides first, then strict UTF-8; otherwise charset-normalizer picks among
    the encodings Chinese news files come in (GB18030/GBK, Big5, UTF-16 without BOM). A result
    that is not mostly Chinese is rejected, so a binary file or a wrong guess does not pass.
    """
    if not data.strip():
        raise CorpusError(f"{name}: the file is empty")
    text = encoding = None
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text, encoding = data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise CorpusError(f"{name}: starts with a {enc} byte-order mark but does not decode ({exc})")
            break
    if text is None:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            from charset_normalizer import from_bytes

            best = from_bytes(
                data, cp_isolation=["gb18030", "big5", "utf_16_le", "utf_16_be", "big5hkscs"]
            ).best()
            if best is None:
                kind = "a binary file" if b"\x00" in data else "not text in a known encoding"
                raise CorpusError(
                    f"{name}: cannot be decoded: {kind} (tried UTF-8, GB18030/GBK, Big5, UTF-16)"
                ) from None
            text, encoding = str(best), best.encoding
    if "\x00" in text or _cjk_share(text) < 0.2:
        raise CorpusError(
            f"{name}: decoded as {encoding} but it is not Chinese text "
            f"({_cjk_share(text):.0%} Chinese characters): a binary file or an unknown encoding"
        )
    return text, encoding


def read_text(path: str | Path) -> str:
    """The text of one file, whatever its encoding (UTF-8 ± BOM, GB18030/GBK, Big5, UTF-16)."""
    path = Path(path)
    return decode_bytes(path.read_bytes(), str(path))[0]


# ---------------------------------------------------------------- metadata


def read_metadata(path: str | Path | None = None) -> pd.DataFrame:
    """data/metadata.csv (or `path`): one row per doc_id with curated facts; empty frame if absent."""
    path = Path(path) if path else METADATA_FILE
    if not path.exists():
        return pd.DataFrame(columns=["doc_id"])
    meta = pd.read_csv(path, comment="#", dtype=str, keep_default_na=False)
    if "doc_id" not in meta.columns:
        raise CorpusError(f"{path}: needs a doc_id column (the file stem of each article)")
    return meta.set_index("doc_id", drop=False)


def _metadata_for(raw_dir: Path) -> pd.DataFrame:
    for candidate in (raw_dir / "metadata.csv", raw_dir.parent / "metadata.csv"):
        if candidate.exists():
            return read_metadata(candidate)
    return read_metadata(Path("/nonexistent"))


# ---------------------------------------------------------------- the corpus


def load_document(path: str | Path) -> dict:
    """One article as a dict of the corpus columns (metadata.csv not applied)."""
    path = Path(path)
    text, encoding = decode_bytes(path.read_bytes(), str(path))
    cleaned = clean_document(text, path.stem)
    if not cleaned.lines:
        raise CorpusError(
            f"{path}: nothing is left after removing site chrome and the header: "
            "the file holds no article body"
        )
    row = {col: "" for col in COLUMNS}
    row.update(cleaned.meta)
    row.update(
        doc_id=path.stem, encoding=encoding, raw=text, text=cleaned.text,
        n_chars_raw=len(text), n_chars_clean=len(cleaned.text),
    )
    return row


def load_corpus(raw_dir: str | Path | None = None, errors: str = "raise") -> pd.DataFrame:
    """One row per article in `raw_dir` (default data/raw): metadata, clean `text`, `raw`.

    `errors="raise"` stops at the first bad file with a CorpusError naming it; `errors="skip"`
    loads the rest and warns with the list of skipped files and why.
    """
    if errors not in ("raise", "skip"):
        raise ValueError("errors must be 'raise' or 'skip'")
    raw_dir = Path(raw_dir) if raw_dir is not None else RAW_DIR
    files = sorted(raw_dir.glob("*.txt"))
    if not files:
        raise CorpusError(f"{raw_dir}: no .txt files to load")
    rows, skipped = [], []
    for path in tqdm(files, desc="loading articles", disable=len(files) < 50):
        try:
            rows.append(load_document(path))
        except CorpusError as exc:
            if errors == "raise":
                raise
            skipped.append(str(exc))
    if skipped:
        warnings.warn(f"skipped {len(skipped)} file(s):\n" + "\n".join(skipped), stacklevel=2)
    if not rows:
        raise CorpusError(f"{raw_dir}: no file could be loaded:\n" + "\n".join(skipped))
    corpus = pd.DataFrame(rows, columns=COLUMNS)
    meta = _metadata_for(raw_dir)
    for col in METADATA_COLUMNS:
        if col in meta.columns:
            curated = corpus["doc_id"].map(meta[col]).fillna("")
            corpus[col] = curated.where(curated != "", corpus[col])
    corpus["date"] = pd.to_datetime(corpus["date"].replace("", pd.NaT))
    for col in ("n_chars_raw", "n_chars_clean"):
        corpus[col] = corpus[col].astype(int)
    return corpus.reset_index(drop=True)


# ---------------------------------------------------------------- paragraphs


def is_heading(line: str) -> bool:
    """A section heading: a short line (≤ 40 characters) that does not end like a sentence."""
    line = line.strip()
    return 0 < len(line) <= 40 and not ends_sentence(line) and "。" not in line


def paragraphs(corpus: pd.DataFrame) -> pd.DataFrame:
    """One row per paragraph: doc_id, para_no (from 1), section (the heading above it), text."""
    rows = []
    for doc_id, text in zip(corpus["doc_id"], corpus["text"]):
        section, para_no = "", 0
        for line in text.split("\n"):
            if is_heading(line):
                section = line.strip()
                continue
            para_no += 1
            rows.append({"doc_id": doc_id, "para_no": para_no, "section": section, "text": line.strip()})
    return pd.DataFrame(rows, columns=["doc_id", "para_no", "section", "text"])
