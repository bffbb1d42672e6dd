"""Paragraphs, the unit of analysis: an article's text split into paragraphs, each with the section heading
it stands under (`paragraphs(corpus)`), on every core and cached for a large corpus.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .clean import ends_sentence
from .dispatch import call, is_dask
from .freshness import code_digest
from .memo import column_digest, memo_frame
from .parallel import PARALLEL_MIN_ITEMS, map_chunks, workers_for

__all__ = ["paragraphs", "is_heading"]


def is_heading(line: str) -> bool:
    """A section heading: a short line (≤ 40 characters) that does not end like a sentence."""
    line = line.strip()
    return 0 < len(line) <= 40 and not ends_sentence(line) and "。" not in line


_SENTENCE_END_RE = re.compile(r"[。!?;…][”’\"')》」』]*$")


def paragraphs(corpus: pd.DataFrame) -> pd.DataFrame:
    """One row per paragraph: doc_id, para_no (from 1), section (the heading above it), text.

    A heading (`is_heading`: 40 characters or fewer, no sentence end, no 。) is not a paragraph; it
    names the section of the paragraphs under it. On a large corpus (2,000 articles or more) the table
    is kept in the cache (.cache/paragraphs) under a digest of the doc_id and text columns and this
    code, so the same corpus is split once; a dask DataFrame is split on the cluster's workers,
    partition by partition.
    """
    if is_dask(corpus):
        return call("paragraphs", corpus)
    if len(corpus) < PARALLEL_MIN_ITEMS:
        return _paragraphs(corpus)
    key = [code_digest("paragraph"), str(corpus["doc_id"].dtype), column_digest(corpus["doc_id"].astype(str)),
           column_digest(corpus["text"].fillna("").astype(str))]
    return memo_frame("paragraphs", key, lambda: _paragraphs_parallel(corpus))


def _paragraphs_parallel(corpus: pd.DataFrame) -> pd.DataFrame:
    """_paragraphs on slices of the corpus, on every core; the slices' frames (Arrow columns) come back
    as buffers and are put together in order."""
    frame = corpus[["doc_id", "text"]]
    size = -(-len(frame) // 8)
    jobs = [(k, k + size) for k in range(0, len(frame), size)]
    parts = map_chunks(_paragraphs_slice, jobs, workers_for(len(frame)), shared=frame)
    return pd.concat(parts, ignore_index=True)


def _paragraphs_slice(job, frame: pd.DataFrame) -> pd.DataFrame:
    start, stop = job
    return _paragraphs(frame.iloc[start:stop])


def _paragraphs(corpus: pd.DataFrame) -> pd.DataFrame:
    # one plain loop over the lines: twice as fast as pandas' split/explode/str methods here
    ids, nos, sections, texts = [], [], [], []
    ends_sentence = _SENTENCE_END_RE.search
    for doc_id, text in zip(corpus["doc_id"].tolist(), corpus["text"].fillna("").tolist()):
        section, n = "", 0
        for line in text.split("\n"):
            line = line.strip()
            if not line:
                continue
            if len(line) <= 40 and "。" not in line and not ends_sentence(line):
                section = line
                continue
            n += 1
            ids.append(doc_id)
            nos.append(n)
            sections.append(section)
            texts.append(line)
    return pd.DataFrame({"doc_id": pd.array(ids, dtype=corpus["doc_id"].dtype),
                         "para_no": np.array(nos, dtype=np.int64),
                         "section": pd.array(sections, dtype="str"), "text": pd.array(texts, dtype="str")})
