"""`tokenize_corpus`: tokenize() for many texts, fast (rjieba, every core) and cached per text (`TokenStore`:
packs of each text's content tokens under .cache/tokens/<lexicon hash>/), so a re-run does not re-segment.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from tqdm.auto import tqdm

from ..dispatch import call, is_dask
from ..lexicon import USER_DICT
from .tokenizer import _filter, _normalize, _stopset, get_tokenizer, lexicon_hash
from .workers import _run_parallel, _workers

CACHE_DIR: Path | None = None  # None: paths.cache_dir("tokens") (.cache/tokens or $ANALYSIS_CACHE_DIR/tokens)


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
    A dask Series of texts gives a dask Series of token lists, computed on the workers (analysis/cluster/).
    """
    if is_dask(texts):
        return call("tokenize_corpus", texts, stopwords=stopwords, drop_genre=drop_genre, user_dict=user_dict,
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
        from ..paths import cache_dir as _cache_root

        root = CACHE_DIR or _cache_root("tokens")
    return user_dict, TokenStore(root, lexicon_hash(user_dict, engine))

