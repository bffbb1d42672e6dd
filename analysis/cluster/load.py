"""`load_corpus` on a cluster: a source cleaned into a dataset in the cache (written on the workers), read as a
dask DataFrame (one partition per part) or, for $ANALYSIS_SCHEDULER alone and for a dataset folder read
without a client, as pandas.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

from ..clean import AUDIT_COLUMNS
from ..corpus.audit import remember_audit
from ..corpus.cache import rules_version
from ..dispatch import register
from ..duplicates import drop_duplicates
from ..paths import cache_dir
from ..sources import DATASET_MARKER as MARKER
from ..sources import find_units, fingerprint, is_dataset
from .client import _client, _dd
from .write import write_corpus


def _marker(path) -> dict:
    return json.loads((Path(path) / MARKER).read_text(encoding="utf-8"))


def dataset_files(path) -> list[str]:
    return [str(Path(path) / name) for name in _marker(path)["parts"]]


def read_dataset(path, *, dedupe: bool = False) -> pd.DataFrame:
    """A written corpus dataset as load_corpus returns it (pandas, in memory), with its audit."""
    path = Path(path)
    corpus = pd.concat([pd.read_parquet(f) for f in dataset_files(path)], ignore_index=True)
    audits = sorted((path / "_audit").glob("*.parquet"))
    skipped = [a for a in audits if a.name == "skipped.parquet"]
    frames = [pd.read_parquet(a) for a in audits if a.name != "skipped.parquet"] + [pd.read_parquet(a) for a in skipped]
    audit = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=AUDIT_COLUMNS)
    audit["step"] = audit["step"].astype(int)
    log = []
    if dedupe:
        corpus, log = drop_duplicates(corpus)
        corpus = corpus.reset_index(drop=True)
    audit = pd.concat([audit, pd.DataFrame(log, columns=AUDIT_COLUMNS)], ignore_index=True) if log else audit
    remember_audit(corpus, audit[AUDIT_COLUMNS])
    return corpus


def _dataset_for(source, columns, errors, cache, client) -> Path:
    """The dataset of `source` in the cache (cache_dir("datasets"), shared storage on a cluster),
    written on the cluster when the source or the cleaning rules changed."""
    units = find_units(source).units
    key = hashlib.sha1(json.dumps([[fingerprint(u.path) for u in units], sorted((columns or {}).items()),
                                   errors, rules_version()]).encode()).hexdigest()[:20]
    path = cache_dir("datasets") / key
    if not is_dataset(path):
        write_corpus(source, path, columns=columns, errors=errors, cache=cache, client=client, progress=False)
    return path


@register("load_corpus")
def load_corpus(source=None, *, columns=None, errors="raise", dedupe=False, cache=True, progress=True,
                client=None):
    """load_corpus on a cluster (a dask DataFrame, one partition per part) or from a written dataset."""
    explicit = client is not None
    client = _client(client)
    if client is None:  # a dataset folder read in this process
        return read_dataset(source, dedupe=dedupe)
    path = Path(source) if is_dataset(source) else _dataset_for(source, columns, errors, cache, client)
    if not explicit:  # $ANALYSIS_SCHEDULER (build --scheduler): cleaned on the cluster, given to the notebook
        return read_dataset(path, dedupe=dedupe)  # as pandas, so the notebooks run unchanged
    if dedupe:
        raise NotImplementedError("dedupe=True needs the whole corpus in one process; on a cluster, drop "
                                  "near-duplicates before writing the dataset")
    return read_dask(path)


def _read_part(path: str) -> pd.DataFrame:
    return pd.read_parquet(path)


def read_dask(path) -> object:
    """A written corpus dataset as a dask DataFrame: one partition per part file, read by the workers."""
    import pyarrow.parquet as pq

    files = dataset_files(path)
    meta = pq.read_schema(files[0]).empty_table().to_pandas()
    return _dd().from_map(_read_part, files, meta=meta, enforce_metadata=False)

