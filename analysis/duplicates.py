"""Reposts: near-duplicate articles by MinHash over character shingles (datasketch's MinHash LSH)."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .parallel import iter_chunks, workers_for

SHINGLE = 5  # characters per shingle: long enough that ordinary phrases of the genre rarely align
NUM_PERM = 64
# LSH only proposes candidates; each is then checked by its exact Jaccard similarity, so a false candidate
# costs one set intersection and a missed one is a repost lost. datasketch's default bands (weights 0.5/0.5,
# 5 bands of 11 rows at 0.8) miss a pair of Jaccard 0.85 40% of the time and one of 0.9 15%; weighing
# false negatives 0.95 gives 10 bands of 6 rows: 0.9% missed at 0.85, 0.05% at 0.9 (1 - (1 - s^6)^10).
LSH_WEIGHTS = (0.05, 0.95)
_DROP = re.compile(r"[\s\W_]+")


_P = np.uint64(1_000_003)
_MIX = np.uint64(0x9E3779B97F4A7C15)


def _shingle_hashes(text: str, k: int = SHINGLE) -> np.ndarray:
    """The distinct 32-bit hashes of a text's k-character shingles (whitespace and punctuation
    removed), computed with numpy over the whole text at once (a polynomial hash of the code points,
    then a multiplicative mix), instead of hashing each shingle's bytes in Python."""
    flat = _DROP.sub("", text)
    cp = np.frombuffer(flat.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(cp) < k:
        cp = np.concatenate([cp, np.zeros(k - len(cp), dtype=np.uint64)])
    n = len(cp) - k + 1
    h = np.zeros(n, dtype=np.uint64)
    for j in range(k):  # uint64 arithmetic wraps silently (no overflow checks for integer arrays)
        h = h * _P + cp[j:j + n]
    return np.unique((h * _MIX) >> np.uint64(32))


def near_duplicates(corpus: pd.DataFrame, threshold: float = 0.8, *, num_perm: int = NUM_PERM,
                    progress: bool = True) -> pd.DataFrame:
    """Pairs of articles whose texts are near-duplicates (reposts): doc_id_a, doc_id_b, similarity.

    Candidates come from MinHash LSH (datasketch's MinHash and MinHashLSH, bands weighted against
    missed pairs: LSH_WEIGHTS) at `threshold` on
    5-character shingles of the clean text (whitespace and punctuation removed, so a repost with
    other line breaks or chrome still matches); datasketch hashes the shingles with a custom
    hashfunc (they arrive as 32-bit integers computed with numpy, `_shingle_hashes`, which is what
    makes 58,000 articles take seconds rather than minutes). `similarity` is the exact Jaccard
    similarity of the two shingle sets; only pairs at or above `threshold` are returned, sorted by
    similarity. LSH is a candidate search: a pair whose similarity lies just above `threshold` can be
    missed (see LSH_WEIGHTS). Articles without text (empty or only whitespace) pair with nothing.
    """
    from datasketch import LeanMinHash, MinHash, MinHashLSH
    from tqdm.auto import tqdm

    ids = corpus["doc_id"].tolist()
    texts = corpus["text"].fillna("").tolist()
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=LSH_WEIGHTS)
    template = MinHash(num_perm=num_perm)
    workers = workers_for(len(texts))
    size = max(1, min(2000, -(-len(texts) // (8 * workers))))
    jobs = [(texts[k:k + size], num_perm, template.permutations, template.scheme)
            for k in range(0, len(texts), size)]
    pairs = set()
    bar = tqdm(total=len(texts), desc="near duplicates", disable=not progress or len(ids) < 1000)
    i = 0
    results = iter_chunks(_signatures, jobs, workers)
    try:
        for signatures in results:  # LSH here while the workers hash
            for hashvalues in signatures:
                if texts[i] and not texts[i].isspace():  # an article without text is no repost of another
                    m = LeanMinHash(seed=template.seed, hashvalues=hashvalues, scheme=template.scheme)
                    for j in lsh.query(m):
                        pairs.add((j, i))
                    lsh.insert(i, m, check_duplication=False)
                i += 1
            bar.update(len(signatures))
    finally:
        results.close()  # an error here shuts the workers down at once
        bar.close()
    shingles: dict[int, np.ndarray] = {}
    rows = []
    for j, i in pairs:  # exact Jaccard of the candidates' shingle sets, each computed once
        for k in (j, i):
            if k not in shingles:
                shingles[k] = _shingle_hashes(texts[k])
        a, b = shingles[j], shingles[i]
        both = len(np.intersect1d(a, b, assume_unique=True))
        sim = both / (len(a) + len(b) - both)  # never 0/0: a text shorter than a shingle has one, padded
        if sim >= threshold:
            rows.append((ids[j], ids[i], sim))
    out = pd.DataFrame(rows, columns=["doc_id_a", "doc_id_b", "similarity"])
    return out.sort_values(["similarity", "doc_id_a", "doc_id_b"], ascending=[False, True, True],
                           ignore_index=True)


def _signatures(job) -> list[np.ndarray]:
    """datasketch MinHash hash values of a batch of texts, with the permutations shared by all."""
    from datasketch import MinHash

    texts, num_perm, permutations, scheme = job
    out = []
    for text in texts:
        m = MinHash(num_perm=num_perm, hashfunc=int, permutations=permutations, scheme=scheme)  # 32-bit values
        m.update_batch(_shingle_hashes(text).tolist())
        out.append(m.hashvalues)
    return out


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
