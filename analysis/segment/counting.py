"""Corpus-scale counting: `count_corpus` counts each group's content tokens while the texts are segmented (on
every core), a chunk at a time in Arrow and numpy, with the token cache; `term_frequencies` counts with it.
"""
from __future__ import annotations

import os
from itertools import chain
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from .tokencache import TokenStore, _store
from .tokenizer import _Keep, _keep, _normalize, get_tokenizer
from .workers import FORKED, _run_parallel, _workers


def count_corpus(
    texts: list[str],
    groups,
    *,
    user_dict: Path | str | None = None,
    engine: str = "rjieba",
    cache: bool = True,
    cache_dir: Path | str | None = None,
    workers: int | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    """Content tokens counted per group: a frame of group, term, count (occurrences), docs (number of
    texts holding the term), one row per (group, term) that occurs, in no particular order
    (`count_table(...).to_pandas()`).

    `groups` gives each text's group (an int). The counts are those of
    `tokenize_corpus(texts, stopwords=False, drop_genre=False)` group by group, with the same token
    cache, but no text's token list is built twice: a text not in the cache is segmented, filtered
    and counted by the process that segments it (on every core for a large corpus), a chunk of texts
    at a time in Arrow and numpy (_count_tokens); a worker writes its texts' tokens to a cache pack of
    its own and sends its counts once, at the end. `term_frequencies` counts with it; stopwords are
    dropped from the counts afterwards, once per term.
    """
    return count_table(texts, groups, user_dict=user_dict, engine=engine, cache=cache, cache_dir=cache_dir,
                       workers=workers, progress=progress).to_pandas()


def count_table(texts: list[str], groups, *, user_dict: Path | str | None = None, engine: str = "rjieba",
                cache: bool = True, cache_dir: Path | str | None = None, workers: int | None = None,
                progress: bool = True, merge: bool = True):
    """count_corpus's counts as an Arrow table (group, term, count, docs). merge=False leaves the tables of the
    chunks concatenated, not summed per (group, term): when every text is a group of its own (the paragraphs'
    term matrix) no (group, term) occurs in two chunks."""
    import multiprocessing as mp

    import pyarrow as pa

    texts = list(texts)
    for text in texts:
        if not isinstance(text, str):
            raise TypeError(f"count_corpus() needs str texts, got {type(text).__name__}")
    groups = np.asarray([int(g) for g in groups], dtype=np.int64)
    if len(groups) != len(texts):
        raise ValueError(f"{len(groups)} groups for {len(texts)} texts")
    user_dict, store = _store(user_dict, engine, cache, cache_dir)
    tables: list = []  # this process's counts, one table per chunk, merged at the end
    todo: list[int] = list(range(len(texts)))
    bar = tqdm(total=len(texts), desc="tokenize", unit="text", disable=not progress or len(texts) < 2)
    if store is not None and store.entries:  # (an empty cache: the keys are made where the texts are
        found = [store.get(TokenStore.key(text)) for text in texts]  # segmented)
        todo = [i for i in todo if found[i] is None]
        hits = [i for i, joined in enumerate(found) if joined is not None]
        for k in range(0, len(hits), 1000):  # the cache holds content tokens
            some = hits[k : k + 1000]
            tables.append(_count_joined([found[i] for i in some], groups[some]))
        bar.update(len(hits))
        del found
    new_keys: list[str] = []
    new_tokens: list = []
    if todo:
        get_tokenizer(user_dict, engine)  # once here, so forked workers inherit it
    n = _workers(workers, sum(len(texts[i]) for i in todo) * 3)
    if "fork" not in mp.get_all_start_methods():
        n = 1  # the workers keep their counts until every one of them has started a flush (see _flush)
    # Chunks of up to 1,000 texts: each chunk's distinct tokens are classified once (_count_tokens),
    # so larger chunks cost less; at least 8 per process, so no process waits long for the last one.
    size = max(1, min(1000, -(-len(todo) // (n * 8))))
    chunks = [todo[k : k + size] for k in range(0, len(todo), size)]

    call = os.urandom(8).hex()  # names this call's counts in the workers

    def job(chunk):  # this process: the texts themselves, their joined tokens returned
        return [texts[i] for i in chunk], None, groups[chunk], user_dict, engine, store is not None, call

    def remote_job(chunk):  # a worker reads the texts from the list it was started with and keeps their
        pack = str(store.dir) if store is not None else None  # tokens for a pack in this folder
        return None, chunk, groups[chunk], user_dict, engine, pack, call

    def collect(chunk, joined, _):
        if store is not None and joined is not None:
            new_keys.extend(TokenStore.key(texts[i]) for i in chunk)
            new_tokens.append(joined)
        bar.update(len(chunk))

    def local(args):  # this process counts its own chunks into `tables`
        return _count_chunk(args, into=tables)

    flushed = []

    def drained(pool, barrier):  # no chunk left to start: each worker will write its pack and send its
        flushed.extend(pool.submit(_flush, call, merge) for _ in range(barrier.parties))  # counts once, after its
        add_new()  # last chunk; meanwhile this process writes its own pack

    def add_new():
        if store is not None and new_keys:
            TokenStore.write(store.dir, new_keys, pa.concat_arrays(new_tokens))

    def finish(pool, barrier):
        tables.extend(f.result() for f in flushed)

    if n > 1 and len(chunks) > 1:
        _run_parallel(chunks, _count_chunk, job, collect, n, local=local, drained=drained, finish=finish,
                      remote=(remote_job, texts))
        if store is not None:
            store.tidy()
    else:
        for chunk in chunks:
            collect(chunk, local(job(chunk)), False)
        add_new()
        if store is not None:
            store.tidy()
    bar.close()
    return _merge(tables) if merge else _concat(tables)


_DENSE_CELLS = 1 << 22  # (group, token) cells of a chunk counted in a dense array up to this many


def _count_tokens(tokens, lens: np.ndarray, groups: np.ndarray, keep: _Keep | None, joined: bool = False):
    """Count the tokens of a chunk of texts into a table of (group, term, count, docs), keeping only
    the tokens `keep` says to keep (None: all but ""); with joined=True also each text's kept tokens
    joined by "\n" (an Arrow string array, as the token cache holds them).

    tokens: all the texts' tokens in one Arrow string array, text after text; lens: how many tokens
    each text has; groups: each text's group. Vectorised, where per-token Python was most of
    term_frequencies' time: the tokens are dictionary-encoded in C++, so each distinct token of the
    chunk is classified (looked up in `keep`) once, and the (text, token) and (group, token) pairs are
    counted with pandas' hash table and numpy."""
    import pyarrow as pa
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(tokens)
    terms = encoded.dictionary
    token = encoded.indices.to_numpy()
    if keep is None:  # tokens from the cache: all kept but the "" of a text without any
        keep_term = pc.not_equal(terms, "").to_numpy(zero_copy_only=False)
    else:
        keep_term = np.fromiter(map(keep.__getitem__, terms.to_pylist()), bool, len(terms))
    mask = keep_term[token]
    token = token[mask].astype(np.int64)
    text = np.repeat(np.arange(len(lens), dtype=np.int64), lens)[mask]
    n = max(len(terms), 1)
    pairs = pd.Series(text * n + token).value_counts(sort=False)  # (text, token) pairs: occurrences
    pair = pairs.index.to_numpy()
    labels, at = np.unique(groups, return_inverse=True)  # the chunk's groups, numbered from 0
    table = _counts_table(labels, at[pair // n], pair % n, terms, pairs.to_numpy(), None)
    if not joined:
        return table, None
    offsets = np.concatenate([[0], np.cumsum(np.bincount(text, minlength=len(lens)))])
    kept = encoded.filter(pa.array(mask)).cast(terms.type)
    kept = pa.LargeListArray.from_arrays(pa.array(offsets, pa.int64()), kept)
    return table, pc.binary_join(kept, pa.scalar("\n", terms.type))


def _flat(lists: list[list[str]]):
    """Token lists as one Arrow array and the lists' lengths (for _count_tokens)."""
    import pyarrow as pa

    return (pa.array(list(chain.from_iterable(lists)), pa.large_string()),
            np.fromiter(map(len, lists), np.int64, len(lists)))


def _count_joined(joined: list[str], groups: np.ndarray):
    """_count_tokens on texts' tokens as the cache holds them (joined by "\n"), split in Arrow."""
    import pyarrow as pa
    import pyarrow.compute as pc

    split = pc.split_pattern(pa.array(joined, pa.large_string()), "\n")
    return _count_tokens(split.flatten(), np.diff(split.offsets.to_numpy()), groups, None)[0]


def _sum_by(cell: np.ndarray, size: int, *weights):
    """The distinct values of `cell` (ints in [0, size)) and, for each weights array, its sums over each
    of them (None: how many times each occurs); in a dense array when `size` is small, else hashed."""
    if size <= _DENSE_CELLS:
        seen = np.bincount(cell, minlength=size)
        cells = np.flatnonzero(seen)
        return cells, [seen[cells] if w is None else
                       np.bincount(cell, weights=w, minlength=size)[cells].astype(np.int64) for w in weights]
    where, cells = pd.factorize(cell)
    return cells, [np.bincount(where, weights=w, minlength=len(cells)).astype(np.int64) for w in weights]


def _counts_table(labels: np.ndarray, group: np.ndarray, token: np.ndarray, terms, counts, docs):
    """The table of (group, term, count, docs) of rows numbered by group (into `labels`) and by term (into
    the Arrow array `terms`): `counts` and `docs` summed per (group, term) (docs None: the rows counted)."""
    import pyarrow as pa

    n = max(len(terms), 1)
    cells, (count, docs) = _sum_by(group * n + token, len(labels) * n, counts, docs)
    return pa.table({"group": labels[cells // n], "term": terms.take(pa.array(cells % n)),
                     "count": count, "docs": docs})


def _empty_table():
    import pyarrow as pa

    return pa.table({"group": pa.array([], pa.int64()), "term": pa.array([], pa.large_string()),
                     "count": pa.array([], pa.int64()), "docs": pa.array([], pa.int64())})


def _concat(tables: list):
    """Tables of counts one after the other (no (group, term) in two of them)."""
    import pyarrow as pa

    empty = _empty_table()
    tables = [t.cast(empty.schema) for t in tables if t.num_rows]
    return pa.concat_tables(tables) if tables else empty


def _merge(tables: list):
    """One table of counts from many: count and docs summed per (group, term)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    tables = [t for t in tables if t.num_rows]
    if not tables:
        return _empty_table()
    if len(tables) == 1:
        return tables[0]
    table = pa.concat_tables(tables)
    encoded = pc.dictionary_encode(table.column("term").combine_chunks())
    labels, at = np.unique(table.column("group").to_numpy(), return_inverse=True)
    return _counts_table(labels, at, encoded.indices.to_numpy(), encoded.dictionary,
                         table.column("count").to_numpy(), table.column("docs").to_numpy())


# What a worker process counted, per count_corpus call, until _flush sends it, and the tokens of its
# pack (folder, [text keys], [joined tokens arrays]); the barrier (FORKED.barrier) makes each worker take
# exactly one _flush; the texts a worker reads by position are FORKED.texts (both set when it starts).
_ACCUMULATED: dict[str, list] = {}
_PACKS: dict[str, tuple[str, list, list]] = {}


def _flush(call: str, merge: bool = True):
    """A worker's end of a count_corpus call: its pack of tokens written, its counts merged and returned.
    Every worker waits here for the others (all forked at the start), so each takes exactly one flush; a
    failure in the calling process aborts the barrier."""
    import pyarrow as pa

    if FORKED.barrier is not None:
        FORKED.barrier.wait()
    pack = _PACKS.pop(call, None)
    if pack and pack[1]:
        TokenStore.write(Path(pack[0]), pack[1], pa.concat_arrays(pack[2]))
    tables = _ACCUMULATED.pop(call, [])
    return _merge(tables) if merge else _concat(tables)


def _count_chunk(args, into: list | None = None):
    """Segment, filter and count a chunk of texts (_count_tokens) into the list of tables `into`, or in a
    worker into its _ACCUMULATED tables of this call; returns the texts' content tokens joined by "\\n"
    for the cache (None without one; a worker keeps them for the pack it writes at _flush)."""
    texts, positions, groups, user_dict, engine, want_joined, call = args
    pack = None
    if texts is None:  # in a worker: positions in the texts it started with, and its pack's folder
        texts = [FORKED.texts[i] for i in positions]
        if want_joined:
            pack = _PACKS.setdefault(call, (want_joined, [], []))
    tk = get_tokenizer(user_dict, engine)
    cut = tk.lcut if engine == "jieba" else tk.cut
    table, joined = _count_tokens(*_flat([cut(_normalize(text)) for text in texts]), groups, _keep(),
                                  joined=bool(want_joined))
    (_ACCUMULATED.setdefault(call, []) if into is None else into).append(table)
    if pack is not None:
        pack[1].extend(map(TokenStore.key, texts))
        pack[2].append(joined)
        return None
    return joined

