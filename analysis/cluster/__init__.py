"""Corpora bigger than one machine: a partitioned Parquet corpus, and the heavy stages on a Dask cluster.

`write_corpus(source, out_dir)` cleans any source `load_corpus` reads and writes it as a Parquet dataset
(`part-*.parquet`, each at most `part_mb` of text, plus `_audit/` and the marker `_corpus.json`), streaming:
a table file is read in chunks of rows, a folder in batches of files, so memory holds one chunk at a time.
Such a folder is itself a source for `load_corpus`.

The public functions dispatch here (one line at their top: `analysis.dispatch`, whose registry this package
fills with `@register("name")` when it is imported) when they are given a dask DataFrame or a
`client=` (a `dask.distributed.Client`), or when $ANALYSIS_SCHEDULER names a scheduler (`build
--scheduler ADDRESS` sets it): `load_corpus` then returns a dask DataFrame whose partitions live on the
workers; `paragraphs`, `tokenize_corpus`, `code_paragraphs`, `place_mentions`, `place_units`,
`unit_amounts` map the pandas function over partitions (still lazy, still on the cluster);
`term_frequencies` (and so `dfm`, `keyness`), `theme_counts`, `theme_shares`, `paragraph_counts` and
`amounts_by_place` reduce per-partition counts with dask's groupby and return a small pandas table equal to
the pandas path's. Nothing here collects the corpus to the client.

Caches on a cluster: every worker reads and writes the token cache, the load cache and the region cache
under its own $ANALYSIS_CACHE_DIR (default .cache/ in the project): set that variable on the workers to a
folder on shared storage so that all workers (and later runs) share them; without it each machine keeps
its own, which is correct but recomputes.

Where things are: client.py (the client, dask DataFrames, `_meta`), write.py (`write_corpus`), load.py
(reading a dataset, `load_corpus` on a cluster), rows.py (row-wise stages mapped over partitions),
reductions.py (counts reduced by dask).
"""
from __future__ import annotations

from ..dispatch import SCHEDULER_ENV, is_dask
from ..sources import is_dataset
from . import reductions, rows  # noqa: F401 (their @register fills the dispatch registry)
from .client import _to_dask, default_client  # noqa: F401 (_to_dask: tests make dask frames with it)
from .load import load_corpus, read_dask, read_dataset
from .write import write_corpus

__all__ = ["write_corpus", "is_dataset", "is_dask", "default_client", "SCHEDULER_ENV", "load_corpus",
           "read_dataset", "read_dask"]
