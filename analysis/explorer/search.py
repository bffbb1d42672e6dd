"""Answers for the explorer's JSON API, from explorer.sqlite: search, a heatmap cell's paragraphs, an
article, the heatmap under filters.

The paragraphs are held in memory (their text joined by "\\n", each paragraph's article, themes and
groups as numpy arrays). A literal search of two or more characters reads the bigram index (a positional
index: where each pair of characters stands), of one character scans. A
regular expression (the `regex` module) runs paragraph by paragraph with a time budget and a cap on
hits, so a pathological pattern ends with an error instead of holding the server.
"""
from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
import zlib
from pathlib import Path

import numpy as np

from .index import NOT_BMP, joined, pair_key, para_starts

CONTEXT = 30  # characters either side of a hit in a KWIC line
MAX_HITS = 1_000_000  # a search stops counting here, or when a regular expression's time is up (truncated)
REGEX_SECONDS = 2.0


class QueryError(ValueError):
    """A request the explorer cannot answer (a bad pattern, an unknown theme): the message says why."""


class Explorer:
    """The explorer's data from one explorer.sqlite, ready to answer queries (thread-safe)."""

    def __init__(self, path: Path | str, payload: dict | None = None, bigrams: tuple | None = None):
        """From the SQLite file at `path`; or, where the build has just written it, from the `payload` it was
        written from and its `bigrams` (keys, starts, positions of write_index), read back for an article only
        (the build's screenshots start at once instead of reading 263k paragraphs again: 1.3 s)."""
        self.path = Path(path)
        self._local = threading.local()
        self._lock = threading.Lock()
        if payload is None or bigrams is None:
            db = self._db()
            head = json.loads(db.execute("SELECT json FROM head").fetchone()[0])
            rows = db.execute("SELECT d, n, th, m, t FROM paras ORDER BY i").fetchall()
            paras = [[r[k] for r in rows] for k in range(5)]
            docs = db.execute("SELECT i, doc_id, title, date, province, city, label, groups FROM docs ORDER BY i"
                              ).fetchall()
            docs = [[r[k] for r in docs] for k in range(1, 7)] + [[json.loads(r[7]) for r in docs]]
            bigrams = db.execute("SELECT keys, starts, positions FROM bigrams").fetchone()
        else:
            head, body = payload["head"], payload["body"]
            p, d = body["paras"], body["docs"]
            paras = [p["d"], p["n"], p["th"], p["m"], p["t"]]
            labels = d.get("label") or [""] * len(d["id"])
            groups = list(zip(*d["g"].values())) if d["g"] else [()] * len(d["id"])
            docs = [d["id"], d["title"], d["date"], d["province"], d["city"], labels, groups]
        self.head = head
        self.themes = [t["id"] for t in self.head["themes"]]
        self.fields = {f["name"]: f["groups"] for f in self.head["fields"]}
        para_doc, self.para_no, bits, self.marks, self.texts = paras
        self.para_doc = np.array(para_doc, dtype=np.int64)
        bits = np.array(bits, dtype=np.int64)
        self.flags = ((bits[:, None] >> np.arange(len(self.themes))) & 1).astype(bool) if len(bits) else \
            np.zeros((0, len(self.themes)), dtype=bool)
        self.big = joined(self.texts)
        self.starts = para_starts(self.texts)
        self.doc_ids, titles, dates, provinces, cities, labels, groups = docs
        self.doc_info = [{"title": t, "date": dt, "place": " ".join(x for x in (p, c) if x), "label": lb}
                         for t, dt, p, c, lb in zip(titles, dates, provinces, cities, labels)]
        self.doc_index = {d: i for i, d in enumerate(self.doc_ids)}
        codes = np.array(groups, dtype=np.int64).reshape(len(self.doc_ids), len(self.fields))
        self.doc_code = {f: codes[:, j] for j, f in enumerate(self.fields)}
        self.para_code = {f: c[self.para_doc] if len(self.para_doc) else c[:0] for f, c in self.doc_code.items()}
        keys, starts, positions = bigrams
        self.bi_keys = np.frombuffer(keys, dtype=np.uint32)
        self.bi_starts = np.frombuffer(starts, dtype=np.int64)
        self.bi_pos = np.frombuffer(positions, dtype=np.int32)
        self._reading: dict[str, tuple] = {}

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._local.db = db
        return db

    # ------------------------------------------------------------ filters

    def mask(self, filters: dict | None) -> np.ndarray | None:
        """Paragraphs that pass the filters ({field: group, "theme": id}); None when there are none."""
        out = None
        for field, value in (filters or {}).items():
            if value in (None, ""):
                continue
            if field == "theme":
                col = self.flags[:, self._theme(value)]
            elif field in self.fields:
                col = self.para_code[field] == self._group(field, value)
            else:
                raise QueryError(f"unknown filter {field!r}; known: theme, {', '.join(self.fields)}")
            out = col if out is None else out & col
        return out

    def _theme(self, theme: str) -> int:
        if theme not in self.themes:
            raise QueryError(f"unknown theme {theme!r}; known: {', '.join(self.themes)}")
        return self.themes.index(theme)

    def _group(self, field: str, group: str) -> int:
        groups = self.fields.get(field)
        if groups is None:
            raise QueryError(f"unknown group field {field!r}; known: {', '.join(self.fields)}")
        return groups.index(group) if group in groups else -2  # -2: matches nothing

    def field_of(self, group: str, by: str | None = None) -> str:
        """`by` if given, else the first field with a group of that name."""
        if by:
            if by not in self.fields:
                raise QueryError(f"unknown group field {by!r}; known: {', '.join(self.fields)}")
            return by
        for field, groups in self.fields.items():
            if group in groups:
                return field
        raise QueryError(f"no group field has a group {group!r}")

    # ------------------------------------------------------------ search

    def _positions(self, q: str, regex: bool, mask, deadline: float) -> tuple[np.ndarray, np.ndarray, bool]:
        """Start and end offsets (in the joined text) of every hit, in text order, and whether counting
        stopped at MAX_HITS."""
        if regex:
            return self._regex_positions(q, mask, deadline)
        n = len(q)
        if n >= 2:
            pos = self._literal_positions(q)
        else:
            pos = np.array([m.start() for m in re.finditer(re.escape(q), self.big)], dtype=np.int64)
        truncated = len(pos) > MAX_HITS
        pos = pos[:MAX_HITS]
        return pos, pos + n, truncated

    def _pair(self, a: str, b: str) -> np.ndarray:
        """Offsets of every occurrence of the character pair ab (ascending; none across paragraphs)."""
        key = pair_key(a, b)
        i = int(np.searchsorted(self.bi_keys, key))
        if i < len(self.bi_keys) and self.bi_keys[i] == key:
            return self.bi_pos[self.bi_starts[i]:self.bi_starts[i + 1]]
        return np.zeros(0, np.int32)

    def _literal_positions(self, q: str) -> np.ndarray:
        """Start of every hit of a literal of two or more characters, in text order, as str.count counts them
        (left to right, not overlapping). The bigram index is a positional index: a hit starts at p when each
        pair q[k:k + 2] occurs at p + k, so the rarest pair's offsets are the candidates and each other pair
        keeps those it holds at the right distance (a binary search in its sorted offsets)."""
        n = len(q)
        if "\n" in q:  # paragraphs hold no line end
            return np.zeros(0, np.int64)
        pairs = sorted(((self._pair(q[k], q[k + 1]), k) for k in range(n - 1)), key=lambda item: len(item[0]))
        rarest, j = pairs[0]
        cand = rarest.astype(np.int64) - j
        cand = cand[cand >= 0]
        for offsets, k in pairs[1:]:
            if not len(cand):
                break
            at = np.searchsorted(offsets, cand + k)
            found = at < len(offsets)
            found[found] = offsets[at[found]] == cand[found] + k
            cand = cand[found]
        if max(map(ord, q)) >= NOT_BMP:  # characters past the BMP share one pair code: check the text
            cand = np.array([p for p in cand.tolist() if self.big.startswith(q, p)], dtype=np.int64)
        if len(cand) > 1 and (np.diff(cand) < n).any():  # overlapping hits (哈哈 in 哈哈哈) count once, left first
            keep, last = [], -n
            for p in cand.tolist():
                if p >= last + n:
                    keep.append(p)
                    last = p
            cand = np.array(keep, dtype=np.int64)
        return cand

    def _regex_positions(self, q: str, mask, deadline: float):
        """Hits of a regular expression (MULTILINE: ^ and $ at a paragraph's ends) in one pass over the
        joined text; the paragraphs a hit runs across are then scanned one by one instead."""
        import regex

        try:
            rx = regex.compile(q, regex.MULTILINE | regex.V0)
        except regex.error as exc:
            raise QueryError(f"not a valid regular expression: {exc}") from None
        big, starts, texts = self.big, self.starts, self.texts
        found: list[tuple[int, int]] = []
        stopped = False
        try:
            for m in rx.finditer(big, timeout=max(0.01, deadline - time.perf_counter())):
                if m.end() > m.start():
                    found.append(m.span())
                    if len(found) >= MAX_HITS or len(found) % 20_000 == 0 and time.perf_counter() > deadline:
                        stopped = True  # counted so far: the answer says it is incomplete
                        break
            spans = np.array(found, dtype=np.int64).reshape(-1, 2)
            first = np.searchsorted(starts, spans[:, 0], side="right") - 1
            last = np.searchsorted(starts, spans[:, 1] - 1, side="right") - 1
            seps = starts[1:] - 1  # the "\n" between paragraphs
            across = np.flatnonzero(np.searchsorted(seps, spans[:, 0]) < np.searchsorted(seps, spans[:, 1]))
            if len(across):
                redo = sorted({i for k in across.tolist() for i in range(int(first[k]), int(last[k]) + 1)})
                again, done = [], []
                for i in redo:
                    if time.perf_counter() > deadline:
                        stopped = True
                        break
                    lo = int(starts[i])
                    again += [m.span() for m in rx.finditer(big, lo, lo + len(texts[i]),
                                                            timeout=max(0.01, deadline - time.perf_counter()))
                              if m.end() > m.start()]
                    done.append(i)
                keep = ~np.isin(first, done)
                keep[across] = False
                spans = np.concatenate([spans[keep], np.array(again, dtype=np.int64).reshape(-1, 2)])
                spans = spans[np.argsort(spans[:, 0], kind="stable")]
        except TimeoutError:
            raise QueryError(f"the pattern took longer than {REGEX_SECONDS:g} s and was stopped") from None
        return spans[:, 0], spans[:, 1], stopped

    def search(self, q: str, *, regex: bool = False, limit: int = 100, offset: int = 0, by: str | None = None,
               filters: dict | None = None, context: int = CONTEXT) -> dict:
        """Every hit of `q` (a literal, or a regular expression with regex=True) in the paragraphs that pass
        `filters`: total hits, articles, hits by group of `by` (default the first field) and of every
        field (`by_field`), and KWIC lines `hits[offset:offset + limit]` in text order."""
        started = time.perf_counter()
        if not q:
            raise QueryError("empty query")
        by = by or next(iter(self.fields), None)
        if by is not None and by not in self.fields:
            raise QueryError(f"unknown group field {by!r}; known: {', '.join(self.fields)}")
        mask = self.mask(filters)
        pos, end, truncated = self._positions(q, regex, mask, started + REGEX_SECONDS)
        pid = np.searchsorted(self.starts, pos, side="right") - 1 if len(pos) else np.zeros(0, np.int64)
        if mask is not None and len(pid):
            keep = mask[pid]
            pos, end, pid = pos[keep], end[keep], pid[keep]
        docs = self.para_doc[pid]
        by_field = {f: self._count_groups(f, pid) for f in self.fields}
        hits = []
        for p, e, i in zip(pos[offset:offset + limit].tolist(), end[offset:offset + limit].tolist(),
                           pid[offset:offset + limit].tolist()):
            a, text = int(self.starts[i]), self.texts[i]
            s, t = p - a, e - a
            d = int(self.para_doc[i])
            hits.append({"doc_id": self.doc_ids[d], "para_no": self.para_no[i], "pre": text[max(0, s - context):s],
                         "match": text[s:t], "post": text[t:t + context], **self.doc_info[d]})
        return {"q": q, "regex": regex, "total": int(len(pos)), "articles": int(len(np.unique(docs))),
                "by": by, "by_group": by_field.get(by, {}), "by_field": by_field, "truncated": truncated,
                "offset": offset, "hits": hits, "ms": round((time.perf_counter() - started) * 1000, 1)}

    def _count_groups(self, field: str, pid: np.ndarray) -> dict:
        groups = self.fields[field]
        codes = self.para_code[field][pid]
        counts = np.bincount(codes[codes >= 0], minlength=len(groups))
        out = {g: int(c) for g, c in zip(groups, counts) if c}
        missing = int((codes < 0).sum())
        if missing:
            out[""] = missing
        return out

    # ------------------------------------------------------------ cells, heatmap, articles

    def cell(self, theme: str, group: str, *, by: str | None = None, filters: dict | None = None,
             offset: int = 0, limit: int = 500) -> dict:
        """The paragraphs of one heatmap cell (theme x group of `by`) that pass `filters`, with the
        theme's trigger spans: what theme_evidence(coded, theme, by, group) lists."""
        t = self._theme(theme)
        by = self.field_of(group, by)
        sel = self.flags[:, t] & (self.para_code[by] == self._group(by, group))
        mask = self.mask(filters)
        if mask is not None:
            sel &= mask
        ids = np.flatnonzero(sel)
        items = [self.paragraph(int(i), theme=t, group=group) for i in ids[offset:offset + limit]]
        return {"theme": theme, "group": group, "by": by, "total": int(len(ids)),
                "articles": int(len(np.unique(self.para_doc[ids]))), "offset": offset, "items": items}

    def paragraph(self, i: int, theme: int | None = None, group: str | None = None) -> dict:
        d = int(self.para_doc[i])
        spans = self.marks[i] or []
        spans = json.loads(spans) if isinstance(spans, str) else spans  # (JSON in the SQLite file)
        marks = [s for s in spans if theme is None or s[2] == theme]
        return {"doc_id": self.doc_ids[d], "para_no": self.para_no[i], "text": self.texts[i], "marks": marks,
                "themes": np.flatnonzero(self.flags[i]).tolist(), **self.doc_info[d],
                **({"group": group} if group is not None else {})}

    def heat(self, by: str, filters: dict | None = None) -> dict:
        """The heatmap cells of `by` for the paragraphs passing `filters` (the build's cells, with intervals,
        when there are none)."""
        from .data import cell_counts

        if by not in self.fields:
            raise QueryError(f"unknown group field {by!r}; known: {', '.join(self.fields)}")
        mask = self.mask(filters)
        if mask is None:
            return {"by": by, "cells": self.head["heat"][by], "filtered": False}
        k, n, ak, an = cell_counts(self.flags[mask], self.para_doc[mask], self.doc_code[by], len(self.fields[by]))
        cells = [[t, g, int(k[t, g]), int(n[g]), int(ak[t, g]), int(an[g]),
                  round(k[t, g] / n[g], 4) if n[g] else None, None, None]
                 for t in range(len(self.themes)) for g in range(len(self.fields[by]))]
        return {"by": by, "cells": cells, "filtered": True}

    def article(self, doc_id: str) -> dict:
        """One article: its metadata, lines (headings as text, paragraphs with themes and trigger spans),
        places, amounts, where cleaning removed what, and its audit rows."""
        d = self.doc_index.get(doc_id)
        if d is None:
            raise QueryError(f"no article {doc_id!r}")
        row = self._db().execute(
            "SELECT title, date, province, city, source, label, url, layout, places, amounts, removed, audit, fmt, raw "
            "FROM docs WHERE i = ?", (d,)).fetchone()
        (title, date, province, city, source, label, url, layout, places, amounts, removed, audit, fmt, raw) = row
        lines = []
        for item in json.loads(layout):
            lines.append({"heading": item} if isinstance(item, str) else self.paragraph(item))
        audit = json.loads(audit) if audit else []
        if places is None or amounts is None:
            places, amounts = self._read(doc_id, lines, province)
        else:
            places, amounts = json.loads(places), json.loads(amounts)
        if removed is None:
            removed = self._removed(doc_id, lines, raw, fmt, audit)
        else:
            removed = json.loads(removed)
        codes = ((f, int(self.doc_code[f][d])) for f in self.fields)
        groups = {f: (self.fields[f][c] if c >= 0 else "") for f, c in codes}
        return {"doc_id": doc_id, "title": title, "date": date, "province": province, "city": city, "source": source,
                "label": label, "url": url, "groups": groups, "lines": lines, "places": places, "amounts": amounts,
                "removed": removed, "audit": audit}

    def _read(self, doc_id, lines, province):
        from .reading import article_reading

        with self._lock:
            if doc_id not in self._reading:
                paras = [(ln["para_no"], ln["text"]) for ln in lines if "text" in ln]
                self._reading[doc_id] = article_reading(doc_id, paras, province or "")
            return self._reading[doc_id]

    def _removed(self, doc_id, lines, raw, fmt, audit):
        if raw is None:
            return []
        from .removed import removals

        text = "\n".join(ln["heading"] if "heading" in ln else ln["text"] for ln in lines)
        return removals(zlib.decompress(raw).decode("utf-8"), text, [(r[0], r[1]) for r in audit], fmt or "txt", doc_id)
