"""The explorer's SQLite index (explorer.sqlite): the payload's tables, an FTS5 trigram index of the
paragraphs, and a character-bigram index for two-character searches (which trigrams cannot answer).

Tables:
    head(json)                        the page's head: themes, fields, heatmap cells
    docs(i, doc_id, title, date, province, city, source, label, url, groups, layout, places,
         amounts, removed, audit, fmt, raw)   one row per article; JSON columns; raw zlib-compressed,
                                              kept only when `removed` was not worked out at build
    paras(i, d, n, th, m, t)          one row per paragraph: article, para_no, theme bits, trigger
                                      spans (JSON), text
    paras_fts0, paras_fts1 …          FTS5 (trigram) over paras.t, external content: one table per
                                      shard of the paragraphs (a search asks each), built in parallel
    bigrams(keys, starts, positions)  one row: for each character pair (uint32: first << 16 | second)
                                      its run in `positions` (int32 offsets into the paragraphs joined
                                      by "\\n", ascending)
The FTS shards are built in threads of their own (SQLite releases the GIL) while the bigrams are counted.
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
FTS_SHARDS = max(1, min(4, os.cpu_count() or 1))  # FTS5 indexes built side by side, one per core
SHARD_MIN = 10_000  # paragraphs per shard at least
NOT_BMP = 0xFFFF  # characters outside the BMP share one bigram code; searches with them are checked on the text


def _dumps(value) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def joined(texts: list[str]) -> str:
    """The paragraphs as one string, "\\n" between them (paragraphs hold no line end)."""
    return "\n".join(t.replace("\n", " ") for t in texts)


def para_starts(texts: list[str]) -> np.ndarray:
    """Offset of each paragraph in joined(texts)."""
    lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
    return np.concatenate([[0], np.cumsum(lengths)[:-1]]) if len(texts) else np.zeros(0, dtype=np.int64)


def bigram_index(big: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(keys, starts, positions): every pair of adjacent characters of `big` (none across "\\n"), sorted
    by pair with two stable radix passes (16-bit), positions ascending within a pair."""
    a = np.frombuffer(big.encode("utf-32-le"), dtype=np.uint32)
    if len(a) < 2:
        return np.zeros(0, np.uint32), np.zeros(1, np.int64), np.zeros(0, np.int32)
    valid = (a[:-1] != 10) & (a[1:] != 10)
    pos = np.flatnonzero(valid).astype(np.int32)
    u = np.minimum(a, NOT_BMP).astype(np.uint16)
    first, second = u[:-1][valid], u[1:][valid]
    del a, u, valid
    order = np.argsort(second, kind="stable")
    order = order[np.argsort(first[order], kind="stable")]
    key = (first[order].astype(np.uint32) << 16) | second[order]
    positions = pos[order]
    del order, first, second, pos
    cut = np.flatnonzero(key[1:] != key[:-1]) + 1
    starts = np.concatenate([[0], cut, [len(key)]]).astype(np.int64)
    return key[starts[:-1]].copy(), starts, positions


def pair_key(a: str, b: str) -> int:
    return (min(ord(a), NOT_BMP) << 16) | min(ord(b), NOT_BMP)


def write_index(data: dict, path: Path | str, corpus=None) -> Path:
    """Write the payload `data` (build_data) to a new SQLite file at `path` (replacing it). `corpus` (with
    raw, format) is stored compressed when the payload does not place cleaning removals itself."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    for p in (tmp, Path(f"{tmp}-journal")):
        if p.exists():
            p.unlink()
    docs, paras = data["body"]["docs"], data["body"]["paras"]
    texts = paras["t"]
    # the bigram index (numpy sorts, which release the GIL) is counted on a thread while the rows are inserted
    # here (Python and SQLite) and while the FTS shards are built
    bigrams: dict = {}

    def count():
        try:
            bigrams["index"] = bigram_index(joined(texts))
        except Exception as exc:  # raised in the caller's thread below
            bigrams["error"] = exc

    counter = threading.Thread(target=count, name="explorer-bigrams")
    counter.start()
    db = sqlite3.connect(tmp)
    db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-200000;" + SCHEMA)
    db.execute("INSERT INTO head VALUES (?)", (_dumps(data["head"]),))
    db.executemany("INSERT INTO paras VALUES (?,?,?,?,?,?)",
                   zip(range(len(texts)), paras["d"], paras["n"], paras["th"],
                       (_dumps(m) if m else None for m in paras["m"]), texts))
    db.executemany("INSERT INTO docs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", _doc_rows(docs, corpus))
    db.commit()
    db.close()
    shards = _fts_shards(tmp, len(texts))
    for worker, _ in shards:
        worker.join()
    counter.join()
    if "error" in bigrams:
        raise bigrams["error"]
    keys, starts, positions = bigrams["index"]
    db = sqlite3.connect(tmp)
    db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;")
    _merge_shards(db, shards)
    db.execute("INSERT INTO bigrams VALUES (?,?,?)", (keys.tobytes(), starts.tobytes(), positions.tobytes()))
    db.commit()
    db.close()
    os.replace(tmp, path)
    return path


def _fts_shards(path: Path, n_paras: int) -> list:
    """Start building the FTS5 index in FTS_SHARDS threads, each into a file of its own (one writer per
    SQLite file; SQLite runs without the GIL): [(thread, (shard file, errors))]."""
    k = max(1, min(FTS_SHARDS, n_paras // SHARD_MIN))
    cuts = [n_paras * j // k for j in range(k + 1)]
    out = []
    for j in range(k):
        shard = path.with_name(f"{path.name}.fts{j}")
        if shard.exists():
            shard.unlink()
        errors: list = []

        def build(shard=shard, lo=cuts[j], hi=cuts[j + 1], errors=errors):
            try:
                con = sqlite3.connect(shard)
                con.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-100000;")
                con.execute("ATTACH DATABASE ? AS src", (str(path),))
                con.execute("CREATE VIRTUAL TABLE fts USING fts5(t, content='', tokenize='trigram')")
                con.execute("INSERT INTO fts(rowid, t) SELECT i, t FROM src.paras WHERE i >= ? AND i < ?", (lo, hi))
                con.commit()
                con.close()
            except Exception as exc:  # raised in the caller's thread by _merge_shards
                errors.append(exc)

        worker = threading.Thread(target=build, name=f"explorer-fts{j}")
        worker.start()
        out.append((worker, (shard, errors)))
    return out


def _merge_shards(db: sqlite3.Connection, shards: list) -> None:
    """Each shard's index becomes table paras_fts<j> of `db`: an FTS5 table over paras (external content)
    whose shadow tables are copied from the shard's (the FTS5 file format: the index does not depend on
    where the text lives)."""
    for j, (_, (shard, errors)) in enumerate(shards):
        if errors:
            raise errors[0]
        name = f"paras_fts{j}"
        db.execute(f"CREATE VIRTUAL TABLE {name} USING fts5(t, content='paras', content_rowid='i', tokenize='trigram')")
        db.execute("ATTACH DATABASE ? AS shard", (str(shard),))
        for part in ("data", "idx", "docsize", "config"):
            db.execute(f"DELETE FROM {name}_{part}")
            db.execute(f"INSERT INTO {name}_{part} SELECT * FROM shard.fts_{part}")
        db.commit()
        db.execute("DETACH DATABASE shard")
        shard.unlink()


def fts_tables(db: sqlite3.Connection) -> list[str]:
    """The FTS5 tables of an explorer index (one per shard)."""
    sql = ("SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'paras_fts[0-9]*' "
           "AND sql LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name")
    return [r[0] for r in db.execute(sql)]


def _doc_rows(docs: dict, corpus):
    removed = docs.get("removed")
    need = set(docs["id"]) if removed is None else {d for d, r in zip(docs["id"], removed) if r is None}
    raws, fmts = {}, {}
    if corpus is not None and need and "raw" in corpus.columns:  # kept to place the removals on request
        fmt = corpus["format"].tolist() if "format" in corpus.columns else ["txt"] * len(corpus)
        for doc_id, raw, f in zip(corpus["doc_id"].astype(str).tolist(), corpus["raw"].tolist(), fmt):
            if doc_id in need and isinstance(raw, str):
                raws[doc_id], fmts[doc_id] = zlib.compress(raw.encode("utf-8"), 1), str(f)
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
