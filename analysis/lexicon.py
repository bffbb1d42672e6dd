"""Every lexicon file the analysis reads (word lists and rules a researcher edits), read here and nowhere
else. The defaults ship in the package (analysis/resources/lexicon/); a project's own copy of a file, in
data/lexicon/ or $ANALYSIS_LEXICON_DIR, overrides its default (`paths.lexicon_file`: resolved when the package
is imported). Each file starts with a comment saying what it is and where its entries came
from; the readers skip it. The theme codebook (themes.toml) is parsed and checked by
`themes.load_codebook`, which takes its path from here.
"""
from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import pandas as pd

from .freshness import content_memo
from .paths import LEXICON_DIR, lexicon_file  # noqa: F401 (LEXICON_DIR re-exported)

CHROME_FILE = lexicon_file("chrome.csv")
CORRECTIONS_CSV = lexicon_file("corrections.csv")
PAGE_RULES_FILE = lexicon_file("page_chrome.csv")
USER_DICT = lexicon_file("user_dict.txt")
STOPWORDS = lexicon_file("stopwords.txt")
GENRE_STOPWORDS = lexicon_file("stopwords_genre.txt")
RULES_FILE = lexicon_file("place_rules.csv")
CORRECTIONS_FILE = lexicon_file("gazetteer_corrections.csv")
TERMS_FILE = lexicon_file("amount_terms.csv")
GLOSSARY_FILE = lexicon_file("glossary.csv")
CODEBOOK_FILE = lexicon_file("themes.toml")


# A study file adds its own files to these defaults; `analysis.study` names them in the environment (so notebook
# kernels and worker processes read the same study), and they are read at call time.
STUDY_FILES = {"codebook": "ANALYSIS_CODEBOOK", "lexicon": "ANALYSIS_USER_WORDS", "stopwords": "ANALYSIS_STOPWORDS",
               "glossary": "ANALYSIS_GLOSSARY"}


def study_file(kind: str) -> Path | None:
    """The active study's own file of `kind` (codebook, lexicon, stopwords, glossary), or None."""
    value = os.environ.get(STUDY_FILES[kind], "")
    return Path(value) if value else None


def study_bytes() -> bytes:
    """The contents of the active study's lexicon and stopword files (part of every cache key they change)."""
    parts = []
    for kind in ("lexicon", "stopwords"):
        path = study_file(kind)
        parts.append(path.read_bytes() if path is not None else b"")
    return b"\0".join(parts)


def codebook_file() -> Path:
    """The codebook in force: the active study's, else the default."""
    return study_file("codebook") or CODEBOOK_FILE


def read_commented_csv(path: Path) -> list[dict]:
    """Rows of a CSV whose leading lines starting with '#' are a comment about the file."""
    with open(path, encoding="utf-8", newline="") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    return list(csv.DictReader(lines))


# The readers below keep what they read per file and content (freshness.content_memo): an edit of the file, in
# this session or another, is read at the next call, and a revert finds the earlier result again.


@content_memo(lambda: CHROME_FILE)
def chrome_patterns(path: Path | None = None) -> tuple[tuple[str, re.Pattern], ...]:
    """(rule, compiled pattern) pairs from data/lexicon/chrome.csv, in file order."""
    return tuple((r["rule"], re.compile(r["pattern"])) for r in read_commented_csv(path))


@content_memo(lambda: CORRECTIONS_CSV)
def corrections(path: Path | None = None) -> tuple[dict, ...]:
    """Rows of data/lexicon/corrections.csv: doc_id (blank = every file), find, replace, reason."""
    rows = read_commented_csv(path)
    for i, row in enumerate(rows, start=1):
        if not row.get("find") or not (row.get("reason") or "").strip():
            raise ValueError(f"{path}: correction row {i} needs a 'find' text and a 'reason'")
    return tuple(rows)


@content_memo(lambda: PAGE_RULES_FILE)
def page_rules(path: Path | None = None) -> dict[str, tuple[re.Pattern, ...]]:
    """Compiled rules of data/lexicon/page_chrome.csv by kind: {'element': (...), 'end': (...), 'line': (...)}."""
    rules: dict[str, list] = {"element": [], "end": [], "line": []}
    for i, row in enumerate(read_commented_csv(path), start=1):
        kind = (row.get("kind") or "").strip()
        if kind not in rules:
            raise ValueError(f"{path}: row {i} has kind {kind!r}; expected 'element', 'end' or 'line'")
        rules[kind].append(re.compile(row["pattern"]))
    return {k: tuple(v) for k, v in rules.items()}


def _read_lines(path: Path) -> list[str]:
    """Non-empty lines of a lexicon file, comments (#) skipped."""
    lines = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


def read_user_dict(path: Path | str | None = None) -> list[tuple[str, int | None, str | None]]:
    """Entries of a jieba user dictionary as (word, freq or None, tag or None); '#' lines skipped. Without a
    path: the default dictionary, then the active study's own words."""
    if path is None and study_file("lexicon") is not None:
        return read_user_dict(USER_DICT) + read_user_dict(study_file("lexicon"))
    entries = []
    for line in _read_lines(Path(path) if path else USER_DICT):
        parts = line.split()
        word = parts[0]
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        tag = parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else None
        entries.append((word, freq, tag))
    return entries


@content_memo(lambda: STOPWORDS)
def _word_set(path: Path) -> frozenset[str]:
    return frozenset(_read_lines(path))


def load_stopwords(genre: bool = False, path: Path | str | None = None) -> frozenset[str]:
    """The general stopword list (with the active study's own stopwords), or the genre list of official prose
    when `genre=True`."""
    if path is None and not genre and study_file("stopwords") is not None:
        return load_stopwords(path=STOPWORDS) | load_stopwords(path=study_file("stopwords"))
    return _word_set(Path(path) if path else (GENRE_STOPWORDS if genre else STOPWORDS))


@content_memo(lambda: RULES_FILE)
def place_rules(path: Path | str | None = None) -> pd.DataFrame:
    """data/lexicon/place_rules.csv: name, action (ignore/alias), target, province_hint, reason."""
    return pd.DataFrame(read_commented_csv(path)).fillna("")


@content_memo(lambda: CORRECTIONS_FILE)
def gazetteer_corrections(path: Path | str | None = None) -> pd.DataFrame:
    """data/lexicon/gazetteer_corrections.csv: action (add/drop/fix/not_a_division), code, name,
    level, parent, type, source, date, reason."""
    return pd.DataFrame(read_commented_csv(path)).fillna("")


@content_memo(lambda: TERMS_FILE)
def amount_terms(path: Path | str | None = None) -> pd.DataFrame:
    """data/lexicon/amount_terms.csv: term, role (unit/bound/given/ignore), kind, position, note."""
    return pd.DataFrame(read_commented_csv(path)).fillna("")


def glossary(path: Path | str | None = None) -> dict[str, str]:
    """Chinese term -> English gloss (data/lexicon/glossary.csv, then the active study's glossary over it)."""
    if path is None and study_file("glossary") is not None:
        return {**glossary(GLOSSARY_FILE), **glossary(study_file("glossary"))}
    return {r["term"]: r["gloss"] for r in read_commented_csv(Path(path) if path else GLOSSARY_FILE)}
