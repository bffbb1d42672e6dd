"""Reposts: near-duplicate articles by MinHash over character shingles (datasketch's MinHash LSH)."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

SHINGLE = 5  # characters per shingle: long enough that ordinary phrases of the genre rarely align
NUM_PERM = 64
_DROP = re.compile(r"[\s\W_]+")


def _shingles(text: str, k: int = SHINGLE) -> set[bytes]:
    flat = _DROP.sub("", text)
    return {flat[i:i + k].encode("utf-8") for i in range(max(1, len(flat) - k + 1))}


def near_duplicates(corpus: pd.DataFrame, threshold: float = 0.8, *, num_perm: int = NUM_PERM,
                    progress: bool = True) -> pd.DataFrame:
    """Pairs of articles whose texts are near-duplicates (reposts): doc_id_a, doc_id_b, similarity.

    Candidates come from MinHash LSH (datasketch) at `threshold` on 5-character shingles of the
    clean text (whitespace and punctuation removed, so a repost with other line breaks or chrome
    still matches); `similarity` is the exact Jaccard similarity of the two shingle sets, and only
    pairs at or above `threshold` are returned, sorted by similarity.
    """
    from datasketch import LeanMinHash, MinHash, MinHashLSH
    from tqdm.auto import tqdm

    ids = corpus["doc_id"].tolist()
    shingles = [_shingles(t) for t in corpus["text"]]
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    hashes = MinHash.bulk(shingles, num_perm=num_perm)
    pairs = set()
    for i, m in enumerate(tqdm(hashes, desc="near duplicates", disable=not progress or len(ids) < 1000)):
        m = LeanMinHash(m)
        for j in lsh.query(m):
            pairs.add((j, i))
        lsh.insert(i, m, check_duplication=False)
    rows = []
    for j, i in pairs:
        a, b = shingles[j], shingles[i]
        sim = len(a & b) / len(a | b) if a or b else 1.0
        if sim >= threshold:
            rows.append((ids[j], ids[i], sim))
    out = pd.DataFrame(rows, columns=["doc_id_a", "doc_id_b", "similarity"])
    return out.sort_values(["similarity", "doc_id_a", "doc_id_b"], ascending=[False, True, True],
                           ignore_index=True)


def duplicate_groups(corpus: pd.DataFrame, pairs: pd.DataFrame) -> pd.Series:
    """For every article, the doc_id kept for its group of reposts: the earliest (date, then doc_id)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    index = {d: i for i, d in enumerate(corpus["doc_id"])}
    a = np.array([index[d] for d in pairs["doc_id_a"]], dtype=int)
    b = np.array([index[d] for d in pairs["doc_id_b"]], dtype=int)
    n = len(index)
    graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    order = corpus.assign(_group=label).sort_values(["date", "doc_id"], na_position="last")
    keeper = order.groupby("_group")["doc_id"].first()
    return pd.Series(keeper.loc[label].to_numpy(), index=corpus["doc_id"].to_numpy())


def drop_duplicates(corpus: pd.DataFrame, threshold: float = 0.8) -> tuple[pd.DataFrame, list[dict]]:
    """The corpus without reposts (the earliest of each group kept) and audit rows for what was dropped."""
    pairs = near_duplicates(corpus, threshold)
    if pairs.empty:
        return corpus, []
    keep = duplicate_groups(corpus, pairs)
    sims = {}
    for a, b, s in pairs.itertuples(index=False):
        sims[(a, b)] = sims[(b, a)] = s
    dropped = [d for d, k in keep.items() if d != k]
    log = [{"doc_id": d, "step": 0, "rule": "duplicate",
            "removed": f"article {d} (whole)", "replacement": f"repost of {keep[d]}"
            + (f" (similarity {sims[(d, keep[d])]:.2f})" if (d, keep[d]) in sims else " (same group)")}
           for d in dropped]
    return corpus[~corpus["doc_id"].isin(set(dropped))], log
