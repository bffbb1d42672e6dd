"""The explorer's SQLite index (explorer.sqlite): the payload's tables and a positional index of character
pairs, which answers every literal search of two or more characters (analysis.explorer.search).

Tables:
    head(json)                        the page's head: themes, fields, heatmap cells
    docs(i, doc_id, title, date, province, city, source, label, url, groups, layout, places,
         amounts, removed, audit, fmt, raw)   one row per article; JSON columns; raw zlib-compressed,
                                              kept only when `removed` was not worked out at build
    paras(i, d, n, th, m, t)          one row per paragraph: article, para_no, theme bits, trigger
                                      spans (JSON), text
    bigrams(keys, starts, positions)  one row: for each character pair (uint32: first << 16 | second)
                                      its run in `positions` (int32 offsets into the paragraphs joined
                                      by "\\n", ascending)
The bigrams are counted on a thread (numpy's sorts release the GIL) while the rows are inserted. An FTS5
trigram index took 12 of the 24 s of the explorer on the 58,063 CCTV items and answered nothing the pairs
cannot: a hit of q starts at p exactly when each pair q[k:k + 2] stands at p + k.
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
import zlib
from pathlib import Path

import numpy as np

SCHEMA = """
CREATE TABLE head(json TEXT);
CREATE TABLE docs(i INTEGER PRIMARY KEY, doc_id TEXT UNIQUE, title TEXT, date TEXT, province TEXT, city TEXT,
                  source TEXT, label TEXT, url TEXT, groups TEXT, layout TEXT, places TEXT, amounts TEXT,
                  removed TEXT, audit TEXT, fmt TEXT, raw BLOB);
CREATE TABLE paras(i INTEGER PRIMARY KEY, d INTEGER, n INTEGER, th INTEGER, m TEXT, t TEXT);
CREATE TABLE bigrams(keys BLOB, starts BLOB, positions BLOB);
"""
NOT_BMP = 0xFFFF  # characters outside the BMP share one bigram code; searches with them are checked on the text


_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # one encoder for 225k small values: json.dumps
# with options makes a new one per call (1.0 s instead of 0.6 s on 58k articles)


def _dumps(value) -> str | None:
    return None if value is None else _JSON.encode(value)


def joined(texts: list[str]) -> str:
    """The paragraphs as one string, "\\n" between them (paragraphs hold no line end)."""
    return "\n".join(t.replace("\n", " ") for t in texts)


def para_starts(texts: list[str]) -> np.ndarray:
    """Offset of each paragraph in joined(texts)."""
    lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
    return np.concatenate([[0], np.cumsum(lengths)[:-1]]) if len(texts) else np.zeros(0, dtype=np.int64)


def bigram_index(big: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(keys, starts, positions): every pair of adjacent characters of `big` (none across "\\n"), sorted by pair,
    positions ascending within a pair. Each pair and its position are packed in one 64-bit number (first << 48 |
    second << 32 | position) and those numbers sorted in place: a third of the memory two stable argsorts took, and
    on this machine fresh memory is what costs (the 26 million pairs of the 58,063 CCTV items: 3.0 s instead of
    4.3-7.1 s, most of the difference system time)."""
    a = np.frombuffer(big.encode("utf-32-le"), dtype=np.uint32)
    valid = (a[:-1] != 10) & (a[1:] != 10)
    if not valid.any():  # no pair: an empty string, one character, one-character paragraphs
        return np.zeros(0, np.uint32), np.zeros(1, np.int64), np.zeros(0, np.int32)
    u = np.minimum(a, NOT_BMP).astype(np.uint64)
    del a
    packed = (u[:-1] << 48) | (u[1:] << 32)
    del u
    packed |= np.arange(len(packed), dtype=np.uint64)
    packed = packed[valid]
    del valid
    packed.sort()
    key = (packed >> 32).astype(np.uint32)
    positions = (packed & 0xFFFFFFFF).astype(np.int32)
    del packed
    cut = np.flatnonzero(key[1:] != key[:-1]) + 1
    starts = np.concatenate([[0], cut, [len(key)]]).astype(np.int64)
    return key[starts[:-1]].copy(), starts, positions


def pair_key(a: str, b: str) -> int:
    return (min(ord(a), NOT_BMP) << 16) | min(ord(b), NOT_BMP)


def write_index(data: dict, path: Path | str, corpus=None, keep: dict | None = None) -> Path:
    """Write the payload `data` (build_data) to a new SQLite file at `path` (replacing it). `corpus` (with
    raw, format) is stored compressed when the payload does not place cleaning removals itself. `keep`: a dict
    that receives the index of character pairs written (keep["bigrams"]: keys, starts, positions)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    for p in (tmp, Path(f"{tmp}-journal")):
        if p.exists():
            p.unlink()
    docs, paras = data["body"]["docs"], data["body"]["paras"]
    texts = paras["t"]
    # the bigram index (numpy sorts, which release the GIL) is counted on a thread while the rows are inserted
    # here (Python and SQLite)
    bigrams: dict = {}

    def count():
        try:
            bigrams["index"] = bigram_index(joined(texts))
        except Exception as exc:  # raised in the caller's thread below
            bigrams["error"] = exc

    counter = threading.Thread(target=count, name="explorer-bigrams")
    counter.start()
    # the raw texts are compressed on a thread too (zlib releases the GIL: 1.7 s of the 58k build's last seconds,
    # when the notebooks are done and a core is free)
    raws: dict = {}
    packer = threading.Thread(target=_pack_raws, args=(data["body"]["docs"], corpus, raws), name="explorer-raws")
    packer.start()
    db = sqlite3.connect(tmp)
    db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-200000;" + SCHEMA)
    db.execute("INSERT INTO head VALUES (?)", (_dumps(data["head"]),))
    db.executemany("INSERT INTO paras VALUES (?,?,?,?,?,?)",
                   zip(range(len(texts)), paras["d"], paras["n"], paras["th"],
                       (_dumps(m) if m else None for m in paras["m"]), texts))
    packer.join()
    db.executemany("INSERT INTO docs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", _doc_rows(docs, raws))
    counter.join()
    for failed in (bigrams, raws):
        if "error" in failed:
            db.close()
            raise failed["error"]
    keys, starts, positions = bigrams["index"]
    if keep is not None:
        keep["bigrams"] = bigrams["index"]
    db.execute("INSERT INTO bigrams VALUES (?,?,?)", (keys.tobytes(), starts.tobytes(), positions.tobytes()))
    db.commit()
    db.close()
    os.replace(tmp, path)
    return path


def _pack_raws(docs: dict, corpus, out: dict) -> None:
    """out["raws"], out["fmts"]: the compressed raw text and format of each article whose cleaning removals the
    payload does not place (kept to place them on request); out["error"] if that failed."""
    try:
        removed = docs.get("removed")
        need = set(docs["id"]) if removed is None else {d for d, r in zip(docs["id"], removed) if r is None}
        raws, fmts = {}, {}
        if corpus is not None and need and "raw" in corpus.columns:
            fmt = corpus["format"].tolist() if "format" in corpus.columns else ["txt"] * len(corpus)
            for doc_id, raw, f in zip(corpus["doc_id"].astype(str).tolist(), corpus["raw"].tolist(), fmt):
                if doc_id in need and isinstance(raw, str):
                    raws[doc_id], fmts[doc_id] = zlib.compress(raw.encode("utf-8"), 1), str(f)
        out["raws"], out["fmts"] = raws, fmts
    except Exception as exc:  # raised in the caller's thread
        out["error"] = exc


def _doc_rows(docs: dict, packed: dict):
    removed = docs.get("removed")
    raws, fmts = packed.get("raws", {}), packed.get("fmts", {})
    audit = docs.get("audit") or {}
    labels = docs.get("label") or [""] * len(docs["id"])
    for i, doc_id in enumerate(docs["id"]):
        yield (i, doc_id, docs["title"][i], docs["date"][i], docs["province"][i], docs["city"][i], docs["source"][i],
               labels[i], docs["url"][i], _dumps([docs["g"][f][i] for f in docs["g"]]),
               _dumps(docs["layout"][i]),
               _dumps(docs["places"][i]) if docs.get("places") is not None else None,
               _dumps(docs["amounts"][i]) if docs.get("amounts") is not None else None,
               _dumps(removed[i]) if removed is not None else None,
               _dumps(audit.get(str(i), [])), fmts.get(doc_id, ""), raws.get(doc_id))


def read_head(path: Path | str) -> dict:
    with sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True) as db:
        return json.loads(db.execute("SELECT json FROM head").fetchone()[0])
