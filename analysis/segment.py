"""Word segmentation: one jieba tokenizer with the project lexicon, tokenize(), a fast cached corpus path.

- `tokenize(text)` is the reference: a `jieba.Tokenizer` loaded with data/lexicon/user_dict.txt,
  its output filtered to content tokens (no punctuation, whitespace, bare numbers, stopwords).
- `tokenize_corpus(texts)` gives the same tokens for many texts, fast: the Rust port of jieba
  (rjieba, loaded with the same lexicon through its add_word) and a token cache per text under
  .cache/tokens, keyed by the text's hash and the lexicon's hash, so a re-run does not re-segment.
  `benchmarks/bench_tokenize.py` measures its speed and its agreement with jieba.

Lexicon files (data/lexicon/, each documented in its header comment):
  user_dict.txt        domain terms jieba would split, in jieba's `word freq tag` format
  stopwords.txt        a general Chinese stopword list (Stopwords ISO "zh")
  stopwords_genre.txt  genre words of official prose (工作, 积极, 开展 ...): switch with drop_genre
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Iterable
from functools import lru_cache
from itertools import chain, compress
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from .lexicon import (GENRE_STOPWORDS, LEXICON_DIR, STOPWORDS, USER_DICT, _read_lines,  # noqa: F401 (re-exported)
                      load_stopwords, read_user_dict, study_bytes)
from .paths import PROJECT_ROOT  # noqa: F401
CACHE_DIR: Path | None = None  # None: paths.cache_dir("tokens") (.cache/tokens or $ANALYSIS_CACHE_DIR/tokens)

ENGINES = ("jieba", "rjieba")
# Bump when the filtering below changes: it is part of the cache key.
FILTER_VERSION = "3"

# 战“疫”, 抗 “疫”, 冲锋“疫”线: the pun quotes one character; without them the word segments whole.
_QUOTED_YI = tuple(f"{a}疫{b}" for a, b in ["“”", "‘’", '""', "''", "「」", "『』"])
_HAS_WORD_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffA-Za-z]")
# "Bare numbers" in Chinese prose: digits or numeral characters, optionally 第 before and an
# approximation (余/多/近) or a measure word after: 3000, 一, 第一, 五十, 余万元, 3千万元, 107.39万元.
_NUMERAL = "0-9０-９零〇一二三四五六七八九十百千万亿两几数余多近超.．%％"
_UNITS = "元个名人次件条篇项家户只瓶箱份辆盒剂轮天位期批年月日时分号点"
_NUMBER_TOKEN = re.compile(f"^第?[{_NUMERAL}]+[{_UNITS}]*$")
_NUMERAL_CHARS = set("0123456789０１２３４５６７８９零〇一二三四五六七八九十百千万亿两几数")
# A measure word on its own is what jieba leaves of a number it cut off (31/名, 200/余人次, 24/小时,
# 2020/年): one measure character, optionally after 余/多 and before 次, or one of a few longer ones.
# (个人 "individual" is two measure characters and stays.)
_MEASURE_TOKEN = re.compile(f"^(?:[余多]?[{_UNITS}]次?|人次|小时|分钟|日电)$")


# ---------------------------------------------------------------- lexicon files


def lexicon_hash(user_dict: Path | str | None = None, engine: str = "jieba") -> str:
    """Hash of what decides segmentation: the user dictionary's bytes, the engine, the filter version."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    data = Path(user_dict or USER_DICT).read_bytes()
    h = hashlib.sha1(data)
    if user_dict is None or Path(user_dict).resolve() == USER_DICT.resolve():
        h.update(study_bytes())  # the active study's own words and stopwords
    h.update(f"|{engine}|{FILTER_VERSION}".encode())
    return h.hexdigest()[:16]


# ---------------------------------------------------------------- the segmenters


@lru_cache(maxsize=4)
def _jieba(user_dict: str, key: str):
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    for word, freq, tag in _entries(user_dict):
        tk.add_word(word, freq, tag)
    return tk


def _entries(user_dict: str) -> list:
    """The words of `user_dict`, and the active study's own words when it is the default dictionary."""
    if Path(user_dict).resolve() == USER_DICT.resolve():
        return read_user_dict()
    return read_user_dict(user_dict)


@lru_cache(maxsize=4)
def _rjieba(user_dict: str, key: str):
    import rjieba

    tk = rjieba.Jieba()
    for word, freq, tag in _entries(user_dict):
        tk.add_word(word, freq, tag)
    return tk


def get_tokenizer(user_dict: Path | str | None = None, engine: str = "jieba"):
    """The project's tokenizer: a jieba.Tokenizer (or rjieba.Jieba) loaded with the user dictionary."""
    path = str(Path(user_dict or USER_DICT).resolve())
    key = lexicon_hash(path, engine)
    return (_jieba if engine == "jieba" else _rjieba)(path, key)


def _normalize(text: str) -> str:
    """Drop the quotes of the pun 战“疫” (and a space before them). str.replace, not a regex:
    on the corpus path a regex here costs a tenth of the whole time."""
    if "疫" in text:
        for quoted in _QUOTED_YI:
            if quoted in text:
                text = text.replace(" " + quoted, "疫").replace("\u3000" + quoted, "疫")
                text = text.replace(quoted, "疫")
    return text


def segment(text: str, *, user_dict: Path | str | None = None, engine: str = "rjieba") -> list[str]:
    """All tokens of `text` in order (punctuation and spaces included), jieba's precise mode + HMM.

    The only change to the text: the quotes of the pun 战“疫” are dropped, so it segments as 战疫.
    """
    text = _normalize(text)
    tk = get_tokenizer(user_dict, engine)
    return tk.lcut(text) if engine == "jieba" else tk.cut(text)


def is_content(token: str) -> bool:
    """True for a token with a Chinese character or Latin letter that is neither a number
    expression (3000, 第一, 余万元) nor a measure word left by one (名, 余人次, 小时)."""
    if not _HAS_WORD_CHAR.search(token):
        return False
    if _NUMBER_TOKEN.match(token) and any(c in _NUMERAL_CHARS for c in token):
        return False
    return not _MEASURE_TOKEN.match(token)


class _Keep(dict):
    """token -> keep it (is_content and not in `stop`); a token not seen before is classified when it is
    first looked up (__missing__), so the corpus path's hot loop is one dict lookup per token (map and
    itertools.compress, both running in C)."""

    __slots__ = ("stop",)

    def __init__(self, stop: frozenset[str]):
        super().__init__()
        self.stop = stop

    def __missing__(self, token: str) -> bool:
        keep = self[token] = is_content(token) and token not in self.stop
        return keep


_KEEP_MEMO: dict[frozenset, _Keep] = {}  # one per stopword set
_MEMO_LIMIT = 2_000_000  # distinct tokens remembered per stopword set


def _keep(stop: frozenset[str] = frozenset()) -> _Keep:
    memo = _KEEP_MEMO.get(stop)
    if memo is None:
        if len(_KEEP_MEMO) > 8:
            _KEEP_MEMO.clear()
        memo = _KEEP_MEMO[stop] = _Keep(stop)
    elif len(memo) > _MEMO_LIMIT:  # (checked per call: a chunk's new tokens may pass it for a while)
        memo.clear()
    return memo


def _filter(tokens: list[str], stop: frozenset[str] = frozenset()) -> list[str]:
    """The tokens that are content (is_content) and not in `stop`, in order."""
    return list(compress(tokens, map(_keep(stop).__getitem__, tokens)))


def _stopset(stopwords, drop_genre: bool) -> frozenset[str]:
    if stopwords is True:
        stop = load_stopwords()
    elif stopwords is False or stopwords is None:
        stop = frozenset()
    elif isinstance(stopwords, str):
        raise TypeError("stopwords must be True, False or a collection of words, not a str")
    else:
        stop = frozenset(stopwords)
    if drop_genre:
        stop = stop | load_stopwords(genre=True)
    return stop


def tokenize(
    text: str,
    *,
    stopwords: bool | Iterable[str] = True,
    drop_genre: bool = True,
    user_dict: Path | str | None = None,
    engine: str = "rjieba",
) -> list[str]:
    """Content tokens of `text`: no punctuation, whitespace, bare numbers or stopwords.

    stopwords: True for data/lexicon/stopwords.txt, False for none, or your own collection.
    drop_genre: also drop the genre words of official prose (data/lexicon/stopwords_genre.txt);
        False keeps 工作, 积极, 开展 ... (to study the register itself).
    user_dict: a jieba user dictionary other than data/lexicon/user_dict.txt.
    engine: "jieba" (the reference) or "rjieba" (the fast Rust port with the same lexicon).
    """
    if not isinstance(text, str):
        raise TypeError(f"tokenize() needs a str, got {type(text).__name__}")
    stop = _stopset(stopwords, drop_genre)
    return _filter(segment(text, user_dict=user_dict, engine=engine), stop)


# ---------------------------------------------------------------- corpus path with cache


class TokenStore:
    """The token cache of one lexicon: packs of (text SHA-1, content tokens joined by "\n") in
    Parquet files under `root/lex/`. A run reads every pack at once (one file read per pack, not
    one per text) and writes its misses as one new pack; many small packs are merged into one."""

    MAX_PACKS = 16

    def __init__(self, root: Path, lex: str):
        self.dir = Path(root) / lex
        self.entries: dict[str, str] = {}
        packs = sorted(self.dir.glob("pack-*.parquet"))
        for pack in packs:
            try:
                import pyarrow.parquet as pq

                table = pq.read_table(pack)
                self.entries.update(zip(table.column("key").to_pylist(), table.column("tokens").to_pylist()))
            except (OSError, ValueError, KeyError):
                continue  # a damaged pack is a miss, not an error
        self.packs = packs

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    def get(self, key: str) -> str | None:
        return self.entries.get(key)

    def add(self, new: dict[str, str]) -> None:
        if not new:
            return
        self.entries.update(new)
        merge = len(self.packs) >= self.MAX_PACKS
        items = self.entries if merge else new
        target = self.write(self.dir, list(items), list(items.values()))
        if merge:
            for pack in self.packs:
                if pack != target:
                    pack.unlink(missing_ok=True)
            self.packs = [target]
        else:
            self.packs.append(target)

    @staticmethod
    def write(folder: Path, keys: list[str], tokens) -> Path:
        """One pack of text keys and their joined tokens (a list or an Arrow array of strings) in `folder`
        (a TokenStore's dir), written atomically, both columns Arrow `string`; count_corpus and its
        workers write theirs with it."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        tokens = tokens.cast(pa.string()) if isinstance(tokens, pa.Array) else pa.array(tokens, pa.string())
        table = pa.table({"key": pa.array(keys, pa.string()), "tokens": tokens})
        name = hashlib.sha1("".join(sorted(keys)).encode()).hexdigest()[:16]
        target = folder / f"pack-{name}.parquet"
        tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        pq.write_table(table, tmp)
        os.replace(tmp, target)
        return target

    def tidy(self) -> None:
        """Merge the packs into one when there are too many (workers add packs this store has not read)."""
        packs = sorted(self.dir.glob("pack-*.parquet"))
        if len(packs) <= self.MAX_PACKS:
            return
        entries = TokenStore(self.dir.parent, self.dir.name).entries
        target = self.write(self.dir, list(entries), list(entries.values()))
        for pack in packs:
            if pack != target:
                pack.unlink(missing_ok=True)


def _split(joined: str) -> list[str]:
    return joined.split("\n") if joined else []


def _segment_chunk(args, joined: bool = True) -> list[tuple]:
    """For each text: (content tokens for the cache, final tokens after stopwords).

    Across processes the lists travel joined by "\n" (one string pickles far faster than a list).
    """
    texts, user_dict, engine, stop, want_content = args
    tk = get_tokenizer(user_dict, engine)
    cut = tk.lcut if engine == "jieba" else tk.cut
    out = []
    for text in texts:
        tokens = cut(_normalize(text))
        if want_content:
            content = _filter(tokens)
            final = [t for t in content if t not in stop] if stop else content  # the same list without stop
        else:
            content, final = None, _filter(tokens, stop)
        if joined:
            text = "\n".join(final)
            if content is None:
                cached = None
            else:  # without stopwords `final` is the content list itself: joined once
                cached = text if content is final else "\n".join(content)
            out.append((cached, text))
        else:
            out.append((content, final))
    return out


PARALLEL_MIN_BYTES = 2_000_000  # below this, starting processes costs more than it saves
PARALLEL_MIN_CORES = 2  # measured on 17,517 CCTV items here: 2 processes 2.9 s, 1 process 5.3 s (2 MB minimum above)


def _workers(workers: int | None, n_bytes: int) -> int:
    if workers is not None:
        return max(1, int(workers))
    cores = os.cpu_count() or 1
    if n_bytes < PARALLEL_MIN_BYTES or cores < PARALLEL_MIN_CORES:
        return 1
    return min(cores, 8)


def tokenize_corpus(
    texts: Iterable[str],
    *,
    stopwords: bool | Iterable[str] = True,
    drop_genre: bool = True,
    user_dict: Path | str | None = None,
    engine: str = "rjieba",
    cache: bool = True,
    cache_dir: Path | str | None = None,
    workers: int | None = None,
    progress: bool = True,
    joined: bool = False,
) -> list[list[str]] | list[str]:
    """tokenize() for many texts, fast: rjieba, processes across cores, and a token cache per text.

    Returns one token list per text, in order, equal to tokenize(text) with the same options
    (rjieba and jieba agree on token boundaries; benchmarks/bench_tokenize.py measures how well).
    cache: the cache (.cache/tokens, or $ANALYSIS_CACHE_DIR/tokens) holds each text's content tokens
        before stopword removal, keyed by the text's SHA-1, in Parquet packs (TokenStore) inside a
        folder named by lexicon_hash():
        editing user_dict.txt, switching engine or changing the filter misses the cache, so stale
        tokens are never read. Stopwords are applied after the cache; switching them is free.
    workers: processes for the texts not in the cache (this process counts as one); None = all
        cores (up to 8) when the machine has at least 2 and those texts hold at least 2 MB, else 1.
    engine: "rjieba" (default) or "jieba" (the reference, slow).
    joined: each text's tokens as one string, joined by "\n" (as the cache holds them), not a list:
        on a large corpus a tenth of the memory of the lists (term_frequencies counts these).
    A dask Series of texts gives a dask Series of token lists, computed on the workers (analysis/cluster.py).
    """
    if type(texts).__module__.startswith("dask"):
        from . import cluster

        return cluster.tokenize_corpus(texts, stopwords=stopwords, drop_genre=drop_genre, user_dict=user_dict,
                                       engine=engine, cache=cache, **({"cache_dir": cache_dir} if cache_dir else {}))
    texts = list(texts)
    for text in texts:
        if not isinstance(text, str):
            raise TypeError(f"tokenize_corpus() needs str texts, got {type(text).__name__}")
    stop = _stopset(stopwords, drop_genre)
    user_dict, store = _store(user_dict, engine, cache, cache_dir)

    out: list[list[str] | None] = [None] * len(texts)
    todo: list[int] = []
    keys: dict[int, str] = {}
    bar = tqdm(total=len(texts), desc="tokenize", unit="text", disable=not progress or len(texts) < 2)
    for i, text in enumerate(texts):
        if store is not None:
            keys[i] = key = TokenStore.key(text)
            hit = store.get(key)
            if hit is not None:
                if joined and not stop:
                    out[i] = hit
                    continue
                tokens = _split(hit)
                tokens = [t for t in tokens if t not in stop] if stop else tokens
                out[i] = "\n".join(tokens) if joined else tokens
                continue
        todo.append(i)
    bar.update(len(texts) - len(todo))
    new: dict[str, str] = {}

    if todo:  # load the tokenizer only for cache misses (jieba's dictionary takes ~0.7 s), once here so
        get_tokenizer(user_dict, engine)  # forked workers inherit it
    n = _workers(workers, sum(len(texts[i]) for i in todo) * 3)
    size = max(1, min(100, -(-len(todo) // (n * 8))))
    chunks = [todo[k : k + size] for k in range(0, len(todo), size)]

    def job(chunk):
        return [texts[i] for i in chunk], user_dict, engine, stop, cache

    def collect(chunk, result, as_text):  # as_text: the worker sent strings, not lists
        for i, (content, final) in zip(chunk, result):
            if cache:
                new[keys[i]] = content if as_text else "\n".join(content)
            if joined:
                out[i] = final if as_text else "\n".join(final)
            else:
                out[i] = _split(final) if as_text else final
        bar.update(len(chunk))

    if n > 1 and len(chunks) > 1:
        _run_parallel(chunks, _segment_chunk, job, collect, n)
    else:
        for chunk in chunks:
            collect(chunk, _segment_chunk(job(chunk), joined=False), False)
    bar.close()
    if store is not None:
        store.add(new)
    return out  # type: ignore[return-value]


def _store(user_dict, engine: str, cache: bool, cache_dir) -> tuple[str, TokenStore | None]:
    """The resolved user dictionary path and the token cache of its lexicon (None without cache)."""
    user_dict = str(Path(user_dict or USER_DICT).resolve())
    if not cache:
        return user_dict, None
    if cache_dir:
        root = Path(cache_dir)
    else:
        from .paths import cache_dir as _cache_root

        root = CACHE_DIR or _cache_root("tokens")
    return user_dict, TokenStore(root, lexicon_hash(user_dict, engine))


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
    texts holding the term), one row per (group, term) that occurs, in no particular order.

    `groups` gives each text's group (an int). The counts are those of
    `tokenize_corpus(texts, stopwords=False, drop_genre=False)` group by group, with the same token
    cache, but no text's token list is built twice: a text not in the cache is segmented, filtered
    and counted by the process that segments it (on every core for a large corpus), a chunk of texts
    at a time in Arrow and numpy (_count_tokens); a worker writes its texts' tokens to a cache pack of
    its own and sends its counts once, at the end. `term_frequencies` counts with it; stopwords are
    dropped from the counts afterwards, once per term.
    """
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
        flushed.extend(pool.submit(_flush, call) for _ in range(barrier.parties))  # counts once, after its
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
    return _merge(tables).to_pandas()


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


def _merge(tables: list):
    """One table of counts from many: count and docs summed per (group, term)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    tables = [t for t in tables if t.num_rows]
    if not tables:
        return pa.table({"group": pa.array([], pa.int64()), "term": pa.array([], pa.large_string()),
                         "count": pa.array([], pa.int64()), "docs": pa.array([], pa.int64())})
    if len(tables) == 1:
        return tables[0]
    table = pa.concat_tables(tables)
    encoded = pc.dictionary_encode(table.column("term").combine_chunks())
    labels, at = np.unique(table.column("group").to_numpy(), return_inverse=True)
    return _counts_table(labels, at, encoded.indices.to_numpy(), encoded.dictionary,
                         table.column("count").to_numpy(), table.column("docs").to_numpy())


# What a worker process counted, per count_corpus call, until _flush sends it, and the tokens of its
# pack (folder, [text keys], [joined tokens arrays]); the barrier makes each worker take exactly one _flush;
# the texts a worker reads by position (the barrier and texts set by the pool's initializer).
_ACCUMULATED: dict[str, list] = {}
_PACKS: dict[str, tuple[str, list, list]] = {}
_BARRIER = None
_TEXTS: list = []


def _init_worker(barrier, texts) -> None:
    global _BARRIER, _TEXTS
    _BARRIER, _TEXTS = barrier, texts


def _flush(call: str):
    """A worker's end of a count_corpus call: its pack of tokens written, its counts merged and returned.
    Every worker waits here for the others (all forked at the start), so each takes exactly one flush; a
    failure in the calling process aborts the barrier."""
    import pyarrow as pa

    if _BARRIER is not None:
        _BARRIER.wait()
    pack = _PACKS.pop(call, None)
    if pack and pack[1]:
        TokenStore.write(Path(pack[0]), pack[1], pa.concat_arrays(pack[2]))
    return _merge(_ACCUMULATED.pop(call, []))


def _count_chunk(args, into: list | None = None):
    """Segment, filter and count a chunk of texts (_count_tokens) into the list of tables `into`, or in a
    worker into its _ACCUMULATED tables of this call; returns the texts' content tokens joined by "\\n"
    for the cache (None without one; a worker keeps them for the pack it writes at _flush)."""
    texts, positions, groups, user_dict, engine, want_joined, call = args
    pack = None
    if texts is None:  # in a worker: positions in the texts it started with, and its pack's folder
        texts = [_TEXTS[i] for i in positions]
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


def _run_parallel(chunks, func, job, collect, n: int, local=None, drained=None, finish=None, remote=None) -> None:
    """Chunks to n-1 forked workers (`func(job(chunk))`) and to this process (`local(job(chunk))`,
    by default func with plain lists), whoever is free takes the next one. `drained(pool, barrier)`
    runs once when no chunk is left to start, `finish(pool, barrier)` when every chunk is done, both
    before the workers end (the barrier has one party per worker; a failure here aborts it).
    remote: (job for the workers, texts they start with), so they are given the texts once (inherited
    when forked) rather than with every chunk."""
    import multiprocessing as mp
    from collections import deque
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    local = local or (lambda args: func(args, joined=False))
    context = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else None)
    barrier = context.Barrier(n - 1)
    remote_job, texts = remote or (job, [])
    pending = deque(chunks)
    running = {}
    with ProcessPoolExecutor(n - 1, mp_context=context, initializer=_init_worker, initargs=(barrier, texts)) as pool:
        try:
            while pending or running:
                while pending and len(running) < 2 * (n - 1):
                    chunk = pending.popleft()
                    running[pool.submit(func, remote_job(chunk))] = chunk
                if pending:  # this process works too
                    chunk = pending.pop()
                    collect(chunk, local(job(chunk)), False)
                    done = [f for f in running if f.done()]
                else:
                    if drained is not None:
                        drained(pool, barrier)
                        drained = None
                    done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    collect(running.pop(future), future.result(), True)
            if drained is not None:
                drained(pool, barrier)
            if finish is not None:
                finish(pool, barrier)
        except BaseException:
            barrier.abort()  # a worker waiting in _flush gives up instead of holding the pool open
            raise
