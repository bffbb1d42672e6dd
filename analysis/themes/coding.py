"""Coding paragraphs: the long match table (`theme_matches`, cached per texts and codebook, on every core for
a large input) and the coded paragraphs (`code_paragraphs`: one boolean column per theme) made from it.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import pandas as pd

from ..codebook import GUIDANCE_KEYS, _codebook, theme_labels
from ..dispatch import call, is_dask
from ..freshness import code_digest
from ..memo import column_digest
from ..parallel import map_chunks, workers_for
from ..paths import cache_dir
from .matcher import _Matcher


def theme_ids(coded: pd.DataFrame, codebook: pd.DataFrame | str | Path | None = None) -> list[str]:
    """The theme columns of a coded paragraph table, in codebook order: the codebook's ids that are
    boolean columns of `coded` (default: the codebook in force, `lexicon.codebook_file`)."""
    cb = _codebook(codebook)
    return [t for t in cb["id"] if t in coded.columns and coded[t].dtype == bool]


def _labels(coded: pd.DataFrame | None = None, codebook=None) -> dict[str, str]:
    return theme_labels(_codebook(codebook))


MATCH_COLUMNS = ["doc_id", "para_no", "theme", "keyword", "position", "sentence_no", "sentence"]


def _hits_chunk(job, texts) -> pd.DataFrame:
    """Hits of texts[start:stop] (map_chunks' shared= array of the texts: each worker makes Python
    strings of its own slice), a frame: row, theme index, keyword, position, sentence_no, sentence."""
    cb, start, stop = job
    texts = texts[start:stop].tolist()
    m = _Matcher(cb)
    out = []
    for i, text in enumerate(texts, start=start):
        if not isinstance(text, str) or not text:
            continue
        for j, w, pos, sent, a, b in m.hits(text):
            out.append((i, j, w, pos, sent + 1, text[a:b].strip()))
    return _hit_frame(out)


def _hit_frame(rows: list[tuple]) -> pd.DataFrame:
    """(keyword and sentence as "str" also when there are no rows, as pandas infers them when there are.)"""
    return pd.DataFrame(rows, columns=_HIT_COLUMNS).astype(
        {"row": "int64", "theme_index": "int64", "keyword": "str", "position": "int64", "sentence_no": "int64",
         "sentence": "str"})


def _codebook_key(cb: pd.DataFrame) -> str:
    """What the hits depend on besides the texts: the codebook's rules (as read: the default or the active
    study's codebook; not the coders' guidance, which codes nothing), the code of the coding and what it imports,
    and the automaton library's version."""
    from importlib.metadata import version

    h = hashlib.sha1(f"{code_digest('themes.coding')}|{version('ahocorasick-rs')}".encode())
    h.update(repr(cb.drop(columns=list(GUIDANCE_KEYS), errors="ignore").to_dict("list")).encode("utf-8"))
    return h.hexdigest()[:16]


_HIT_COLUMNS = ["row", "theme_index", "keyword", "position", "sentence_no", "sentence"]


def _raw_hits(texts: pd.Series, cb: pd.DataFrame) -> pd.DataFrame:
    """The hits of every text, from the cache (.cache/themes, keyed by the texts and the codebook)
    when the same paragraphs were coded before, else computed on every core for large inputs."""
    h = hashlib.sha1(_codebook_key(cb).encode())
    h.update(column_digest(texts))
    path = cache_dir("themes") / f"{h.hexdigest()[:24]}.parquet"
    try:
        return pd.read_parquet(path)
    except (FileNotFoundError, OSError, ValueError):
        pass
    texts = texts.array
    size = max(2000, -(-len(texts) // 16))
    jobs = [(cb, k, k + size) for k in range(0, len(texts), size)]
    parts = [part for part in map_chunks(_hits_chunk, jobs, workers_for(len(texts) // 4), shared=texts) if len(part)]
    hits = pd.concat(parts, ignore_index=True) if parts else _hit_frame([])  # frames made on the workers
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        hits.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    except OSError:
        pass  # a cache that cannot be written is no error
    return hits


def _hits_table(paras: pd.DataFrame, cb: pd.DataFrame) -> pd.DataFrame:
    """theme_matches plus `row`, the paragraph's position in `paras`."""
    ids = list(cb["id"])
    hits = _raw_hits(paras["text"], cb)
    idx = hits["row"].to_numpy(dtype=np.int64)
    return pd.DataFrame(
        {
            "row": idx,
            "doc_id": _take(paras["doc_id"], idx) if "doc_id" in paras else pd.NA,
            "para_no": paras["para_no"].to_numpy()[idx] if "para_no" in paras else idx + 1,
            "theme": pd.Categorical.from_codes(hits["theme_index"].to_numpy(), categories=ids),
            "keyword": _take(hits["keyword"], dtype=object),
            "position": hits["position"].to_numpy(dtype=np.int64),
            "sentence_no": hits["sentence_no"].to_numpy(dtype=np.int64),
            "sentence": _take(hits["sentence"], dtype=object),
        }
    )


def _take(column: pd.Series, idx: np.ndarray | None = None, dtype=None):
    """The values of a column (at `idx`): a str column stays Arrow strings (no round trip through
    Python objects); anything else as `column.to_numpy(dtype)`, which the frame infers as it did."""
    from ..corpus.load import _STR

    if column.dtype == _STR:
        return column.array if idx is None else column.array.take(idx)
    values = column.to_numpy(dtype=dtype)
    return values if idx is None else values[idx]


def theme_matches(paras: pd.DataFrame, codebook: pd.DataFrame | str | Path | None = None) -> pd.DataFrame:
    """The long match table: one row per keyword occurrence that codes a theme.

    Columns: doc_id, para_no, theme (categorical, codebook order), keyword, position (character offset of
    the keyword in the paragraph's `text`), sentence_no (1-based, see sentence_spans) and sentence (the
    sentence that triggered the code). A keyword counts when the codebook's rules for its theme hold in
    its sentence (see the codebook, themes.toml). Every count, share and piece of evidence is a group-by
    of this table. Keywords are matched in one pass (Aho-Corasick, ahocorasick-rs) on the text with
    whitespace removed, so "社情 民意" matches 社情民意.
    """
    return _hits_table(paras, _codebook(codebook)).drop(columns="row")


def match_themes(text: str, codebook: pd.DataFrame | str | Path | None = None) -> dict[str, tuple[str, ...]]:
    """Themes one text carries: {theme id: distinct keywords that coded it}, in codebook order."""
    cb = _codebook(codebook)
    m = _Matcher(cb)
    out: dict[str, tuple[str, ...]] = {}
    for j, w, *_ in m.hits(text):
        tid = m.ids[j]
        if w not in out.get(tid, ()):
            out[tid] = out.get(tid, ()) + (w,)
    return {t: out[t] for t in m.ids if t in out}


def code_paragraphs(paras: pd.DataFrame, codebook: pd.DataFrame | str | Path | None = None) -> pd.DataFrame:
    """Code every paragraph with the codebook's themes (several allowed).

    `paras` needs a `text` column (e.g. from `paragraphs(corpus)`). Returns a copy, one row per paragraph,
    with `themes` (tuple of theme ids, codebook order), `n_themes` and one boolean column per theme id,
    all derived from `theme_matches` (which says why: keyword, position, sentence).
    """
    if is_dask(paras):
        return call("code_paragraphs", paras, _codebook(codebook))
    cb = _codebook(codebook)
    ids = list(cb["id"])
    hits = _hits_table(paras, cb)
    flags = np.zeros((len(paras), len(ids)), dtype=bool)
    flags[hits["row"].to_numpy(), hits["theme"].cat.codes.to_numpy()] = True
    out = paras.copy()
    # each row's set of themes as bytes (8 themes a byte, so any number of themes), one tuple made per distinct set
    packed = np.packbits(flags, axis=1) if ids else np.zeros((len(paras), 1), dtype=np.uint8)
    keys = np.ascontiguousarray(packed).view(np.dtype((np.void, packed.shape[1]))).ravel()
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    as_tuple = [tuple(t for t, f in zip(ids, flags[i]) if f) for i in first]
    out["themes"] = [as_tuple[k] for k in inverse.ravel()]
    out["n_themes"] = flags.sum(axis=1)
    for j, tid in enumerate(ids):
        out[tid] = flags[:, j]
    return out
