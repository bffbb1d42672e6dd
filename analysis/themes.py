"""Paragraph coding with the theme codebook (read by `analysis.codebook`), and the tables of it.

    codebook = load_codebook()                  # one row per theme
    coded = code_paragraphs(paras)              # paras + `themes`, `keywords` + one bool column per theme
    theme_shares(coded, by="province", corpus=corpus)         # share of paragraphs per theme and group
    theme_evidence(coded, "donation", by="province", group="北京市", corpus=corpus)   # the paragraphs
    uncoded(coded), uncoded_share(coded)        # what no theme covers

Matching is plain substring search on the paragraph text (simplified script, whitespace removed), so
a multi-word keyword matches whatever the segmenter does with it. The data-driven check of the
codebook (NMF topics on paragraph tf-idf) is `nmf_topics` + `topic_theme_table`.
"""
from __future__ import annotations

import hashlib
import os
import re
from bisect import bisect_right
from pathlib import Path

import numpy as np
import pandas as pd

from .codebook import (CodebookError, _codebook, _WHITESPACE, load_codebook, load_formulas,  # noqa: F401 (re-exported)
                       theme_labels)
from .dispatch import call, is_dask, wanted
from .memo import column_digest
from .parallel import map_chunks, workers_for
from .paths import cache_dir


def theme_ids(coded: pd.DataFrame, codebook: pd.DataFrame | str | Path | None = None) -> list[str]:
    """The theme columns of a coded paragraph table, in codebook order: the codebook's ids that are
    boolean columns of `coded` (default codebook data/lexicon/themes.toml)."""
    cb = _codebook(codebook)
    return [t for t in cb["id"] if t in coded.columns and coded[t].dtype == bool]


def _labels(coded: pd.DataFrame | None = None, codebook=None) -> dict[str, str]:
    return theme_labels(_codebook(codebook))


# ---------------------------------------------------------------- sentences

# a sentence ends at 。！？；… (full or half width), or at a "." that is not a decimal point; closing
# quotes and brackets after the mark stay with the sentence
_SENTENCE_END = re.compile(r"(?:[。！？；!?;…]+|(?<!\d)\.(?!\d))[”’」』）)\]]*")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of the sentences of `text`; together they cover the whole text."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((start, m.end()))
        start = m.end()
    if start < len(text) or not spans:
        spans.append((start, len(text)))
    return spans


def split_sentences(text: str) -> list[str]:
    """The sentences of `text` (see sentence_spans), stripped, empty ones dropped."""
    return [s for s in (text[a:b].strip() for a, b in sentence_spans(text)) if s]


# ---------------------------------------------------------------- coding

MATCH_COLUMNS = ["doc_id", "para_no", "theme", "keyword", "position", "sentence_no", "sentence"]


_CLAUSE_END = re.compile(r"[，,；;。！？!?：:…]")
_CODING = ("keywords", "actors", "weak")


class _Matcher:
    """All words of a codebook in one Aho-Corasick automaton, and the rules that decide which hits code.

    A hit of a theme's keyword (or actor, or weak word) codes the paragraph unless
    1. it lies inside a match of one of the theme's formulas (set phrases, [[formula]] in themes.toml);
    2. it is an `actors` word in a clause that names actors of `list_min_kinds` or more kinds (a mixed
       list of united-front actors: each theme's actors are one kind, each of `list_others` another);
    3. the theme has `require` words and none is in the hit's sentence, or an `exclude` word is;
    4. it is a `weak` word and no other distinct word of the theme is left in the paragraph.
    A word found inside a longer word of the same theme (部署 in 迅速部署) is not a hit of its own.
    """

    def __init__(self, cb: pd.DataFrame):
        import ahocorasick_rs

        self.ids = list(cb["id"])
        self.roles: dict[str, list[tuple[int, str]]] = {}
        self.has_require = [bool(r) for r in cb["require"]]
        for j, row in enumerate(cb.itertuples(index=False)):
            for role in _CODING + ("require", "exclude"):
                for w in getattr(row, role, ()) if role in cb.columns else ():
                    self.roles.setdefault(w, []).append((j, role))
        others = cb["list_others"].iloc[0] if "list_others" in cb.columns and len(cb) else ()
        for w in others:
            self.roles.setdefault(w, []).append((-1, "other"))
        self.min_kinds = int(cb["list_min_kinds"].iloc[0]) if "list_min_kinds" in cb.columns and len(cb) else 0
        patterns: dict[str, set[int]] = {}
        if "formulas" in cb.columns:
            for j, pats in enumerate(cb["formulas"]):
                for pat in pats:
                    patterns.setdefault(pat, set()).add(j)
        self.formulas = [(re.compile(p), themes) for p, themes in patterns.items()]
        words = list(self.roles)
        self.values = [(w, len(w), any(role in _CODING for _, role in self.roles[w])) for w in words]
        # every occurrence, overlaps included (部署 inside 迅速部署 too): the standard match kind
        # (a DFA: built once per codebook, it scans the paragraphs in half the time of the default NFA)
        self.automaton = ahocorasick_rs.AhoCorasick(words, matchkind=ahocorasick_rs.MatchKind.Standard,
                                                    implementation=ahocorasick_rs.Implementation.DFA) if words else None

    def hits(self, text: str) -> list[tuple[int, str, int, int, int, int]]:
        """Coding hits in one text: (theme index, keyword, position in `text`, sentence index,
        sentence start, sentence end); offsets are in `text`."""
        if not self.roles:
            return []
        parts = text.split()  # split() and isspace() know the same whitespace as the regex \s
        ws = len(parts) != 1 or len(parts[0]) != len(text)
        flat = "".join(parts) if ws else text  # matched without whitespace, positions reported in `text`
        values = self.values
        raw = [(end - 1, values[i]) for i, _, end in self.automaton.find_matches_as_indexes(flat, overlapping=True)]
        if not any(v[2] for _, v in raw):
            return []
        roles = self.roles
        found = [(end, v[0]) for end, v in raw]
        coding = [
            (j, w, end - n + 1, role) for end, (w, n, c) in raw if c for j, role in roles[w] if role in _CODING
        ]

        # 1. set phrases
        if self.formulas:
            present = {h[0] for h in coding}
            masks = [
                (m.start(), m.end(), themes)
                for rx, themes in self.formulas if not themes.isdisjoint(present)
                for m in rx.finditer(flat)
            ]
            if masks:
                coding = [
                    h for h in coding
                    if not any(a <= h[2] and h[2] + len(h[1]) <= b and h[0] in th for a, b, th in masks)
                ]
        # 2. mixed lists of actors, clause by clause
        if self.min_kinds and any(role == "actors" for *_, role in coding):
            cends = [m.end() for m in _CLAUSE_END.finditer(flat)]
            kinds: dict[int, set] = {}
            for end, w in found:
                c = bisect_right(cends, end - len(w) + 1)
                for j, role in roles[w]:
                    if role == "actors":
                        kinds.setdefault(c, set()).add(j)
                    elif role == "other":
                        kinds.setdefault(c, set()).add(w)
            listed = {c for c, k in kinds.items() if len(k) >= self.min_kinds}
            if listed:
                coding = [h for h in coding if not (h[3] == "actors" and bisect_right(cends, h[2]) in listed)]
        if not coding:
            return []
        # 3. require / exclude in the same sentence
        spans = sentence_spans(flat)
        ends = [b for _, b in spans]
        required, excluded = set(), set()
        for end, w in found:
            for j, role in roles[w]:
                if role == "require":
                    required.add((j, bisect_right(ends, end - len(w) + 1)))
                elif role == "exclude":
                    excluded.add((j, bisect_right(ends, end - len(w) + 1)))
        kept = []
        for j, w, pos, role in coding:
            s = bisect_right(ends, pos)
            if self.has_require[j] and (j, s) not in required:
                continue
            if (j, s) in excluded:
                continue
            kept.append((j, w, pos, role, s))
        # a word inside a longer word of the same theme (部署 in 迅速部署) is the same hit
        spans_j = {(j, pos, pos + len(w)) for j, w, pos, _, _ in kept}
        kept = [
            h for h in kept
            if not any(j == h[0] and a <= h[2] and h[2] + len(h[1]) <= b and b - a > len(h[1]) for j, a, b in spans_j)
        ]
        # 4. a weak word needs another distinct word of its theme
        words: dict[int, set[str]] = {}
        strong: set[int] = set()
        for j, w, _, role, _ in kept:
            words.setdefault(j, set()).add(w)
            if role != "weak":
                strong.add(j)
        out = []
        keep = [i for i, ch in enumerate(text) if not ch.isspace()] if ws and kept else None
        for j, w, pos, role, s in kept:
            if role == "weak" and j not in strong and len(words[j]) < 2:
                continue
            a, b = spans[s]
            if ws:  # back to offsets in the original text
                pos, a, b = keep[pos], keep[a], (keep[b - 1] + 1)
            out.append((j, w, pos, s, a, b))
        out.sort(key=lambda h: (h[0], h[2], h[1]))
        return out


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
    return pd.DataFrame(rows, columns=_HIT_COLUMNS).astype(
        {"row": "int64", "theme_index": "int64", "position": "int64", "sentence_no": "int64"})


def _codebook_key(cb: pd.DataFrame) -> str:
    """What the hits depend on besides the texts: the codebook's rules and this module's code."""
    h = hashlib.sha1(Path(__file__).read_bytes())
    h.update(repr(cb.to_dict("list")).encode("utf-8"))
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
    from .corpus.load import _STR

    if column.dtype == _STR:
        return column.array if idx is None else column.array.take(idx)
    values = column.to_numpy(dtype=dtype)
    return values if idx is None else values[idx]


def theme_matches(paras: pd.DataFrame, codebook: pd.DataFrame | str | Path | None = None) -> pd.DataFrame:
    """The long match table: one row per keyword occurrence that codes a theme.

    Columns: doc_id, para_no, theme (categorical, codebook order), keyword, position (character offset of
    the keyword in the paragraph's `text`), sentence_no (1-based, see sentence_spans) and sentence (the
    sentence that triggered the code). A keyword counts when the codebook's rules for its theme hold in
    its sentence (see data/lexicon/themes.toml). Every count, share and piece of evidence is a group-by
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
    bits = flags.astype(np.int64) @ (1 << np.arange(len(ids), dtype=np.int64))  # each row's set of themes as a number
    combos, inverse = np.unique(bits, return_inverse=True)
    as_tuple = [tuple(t for j, t in enumerate(ids) if int(c) >> j & 1) for c in combos]
    out["themes"] = [as_tuple[k] for k in inverse.ravel()]
    out["n_themes"] = flags.sum(axis=1)
    for j, tid in enumerate(ids):
        out[tid] = flags[:, j]
    return out


def _with_group(coded: pd.DataFrame, by: str, corpus: pd.DataFrame | None) -> pd.DataFrame:
    """Add column `group` = the value of `by` for each paragraph.

    `by` is a paragraph column (doc_id, section, ...), a corpus column (province, city, org, title ...;
    needs `corpus`), or "year" (from the corpus date).
    """
    out = coded.copy()
    if by in coded.columns:
        out["group"] = coded[by]
        return out
    if corpus is None:
        raise KeyError(f"'{by}' is not a paragraph column; pass corpus= to group by an article column")
    info = corpus.set_index("doc_id")
    if by == "year":
        values = info["date"].dt.year.astype("Int64")
    elif by in info.columns:
        values = info[by]
    else:
        raise KeyError(f"'{by}' is neither a paragraph column, a corpus column nor 'year'")
    out["group"] = coded["doc_id"].map(values)
    return out


def paragraph_counts(coded: pd.DataFrame, by: str = "doc_id", corpus: pd.DataFrame | None = None,
                     client=None) -> pd.Series:
    """Paragraphs per group of `by` (the denominators of theme_shares), named "n_paragraphs"."""
    if wanted(coded, corpus, client=client):
        return call("paragraph_counts", coded, by, corpus, client=client)
    g = _with_group(coded, by, corpus)
    n = g.groupby("group", sort=True).size().rename("n_paragraphs")
    n.index.name = by
    return n


def theme_counts(
    coded: pd.DataFrame, by: str = "doc_id", corpus: pd.DataFrame | None = None, codebook=None, client=None
) -> pd.DataFrame:
    """Paragraphs carrying each theme: rows = theme ids (codebook order), columns = groups of `by`.

    Only theme rows; the denominators are `paragraph_counts(coded, by, corpus)`.
    """
    if wanted(coded, corpus, client=client):
        return call("theme_counts", coded, by, corpus, codebook, client=client)
    g = _with_group(coded, by, corpus)
    ids = theme_ids(coded, codebook)
    counts = g.groupby("group", sort=True)[ids].sum().T.astype(int)
    counts.columns.name = by
    return counts


def theme_shares(
    coded: pd.DataFrame, by: str = "doc_id", corpus: pd.DataFrame | None = None, codebook=None, client=None
) -> pd.DataFrame:
    """Share of paragraphs (0-1) carrying each theme: rows = theme ids, columns = groups of `by`.

    A paragraph with several themes counts for each, so a column can sum to more than 1.
    `by`: doc_id, section, or with corpus= any article column (province, city, org) or "year".
    """
    if wanted(coded, corpus, client=client):
        return call("theme_shares", coded, by, corpus, codebook, client=client)
    counts = theme_counts(coded, by, corpus, codebook)
    return counts.div(paragraph_counts(coded, by, corpus), axis=1)


def _theme_id(theme: str, codebook) -> str:
    cb = _codebook(codebook)
    lookup = {}
    for tid, zh, en, label in zip(cb["id"], cb["zh"], cb["en"], cb["label"]):
        lookup.update({tid: tid, zh: tid, en: tid, label: tid})
    if theme not in lookup:
        raise KeyError(f"unknown theme {theme!r}; known: {list(cb['id'])}")
    return lookup[theme]


def _evidence(rows: pd.DataFrame, tid: str, cb: pd.DataFrame) -> pd.DataFrame:
    """matched keywords and triggering sentences of `tid` for each row of `rows` (a group-by of the matches)."""
    hits = _hits_table(rows, cb)
    hits = hits[hits["theme"] == tid]
    per_row = hits.groupby("row").agg(
        matched=("keyword", lambda k: ", ".join(dict.fromkeys(k))),
        sentence=("sentence", lambda s: " … ".join(dict.fromkeys(s))),
    )
    pos = np.arange(len(rows))
    return pd.DataFrame(
        {
            "matched": per_row["matched"].reindex(pos, fill_value="").to_numpy(),
            "sentence": per_row["sentence"].reindex(pos, fill_value="").to_numpy(),
        },
        index=rows.index,
    )


def theme_evidence(
    coded: pd.DataFrame,
    theme: str,
    by: str | None = None,
    group=None,
    corpus: pd.DataFrame | None = None,
    codebook: pd.DataFrame | str | Path | None = None,
) -> pd.DataFrame:
    """The paragraphs coded with `theme` (id, Chinese or English label), optionally in one heatmap cell.

    With `by` and `group` the rows are exactly those counted in `theme_counts(coded, by)[group][theme]`.
    Columns: doc_id, para_no, section, matched (the keywords that coded it), sentence (the sentence(s)
    that triggered the code, joined by " … "), text, and `group` when `by` is given.
    """
    cb = _codebook(codebook)
    tid = _theme_id(theme, cb)
    rows = coded if by is None else _with_group(coded, by, corpus)
    rows = rows[rows[tid]]
    if by is not None and group is not None:
        rows = rows[rows["group"] == group]
    rows = rows.join(_evidence(rows, tid, cb))
    cols = ["doc_id", "para_no", "section", "matched", "sentence", "text"] + (["group"] if by is not None else [])
    return rows[[c for c in cols if c in rows.columns]].reset_index(drop=True)


def evidence_table(
    coded: pd.DataFrame, by: str = "doc_id", corpus: pd.DataFrame | None = None, codebook=None
) -> pd.DataFrame:
    """Every (theme, group) heatmap cell with its paragraphs:
    theme, label, group, doc_id, para_no, matched, sentence, text."""
    cb = _codebook(codebook)
    labels = theme_labels(cb)
    parts = []
    for tid in theme_ids(coded, cb):
        ev = theme_evidence(coded, tid, by=by, corpus=corpus, codebook=cb)
        parts.append(ev.assign(theme=tid, label=labels.get(tid, tid)))
    out = pd.concat(parts, ignore_index=True)
    return out[["theme", "label", "group", "doc_id", "para_no", "matched", "sentence", "text"]]


def uncoded(coded: pd.DataFrame) -> pd.DataFrame:
    """The paragraphs no theme covers (doc_id, para_no, section, text)."""
    cols = [c for c in ("doc_id", "para_no", "section", "text") if c in coded.columns]
    return coded.loc[coded["n_themes"] == 0, cols].reset_index(drop=True)


def uncoded_share(coded: pd.DataFrame) -> float:
    """Share (0-1) of paragraphs that no theme covers."""
    return float((coded["n_themes"] == 0).mean()) if len(coded) else 0.0


def theme_summary(coded: pd.DataFrame, codebook=None) -> pd.DataFrame:
    """One row per theme: label, paragraphs coded, share of all paragraphs, the matched keywords with the
    number of paragraphs each coded (most frequent first)."""
    cb = _codebook(codebook)
    labels = theme_labels(cb)
    hits = _hits_table(coded, cb).drop_duplicates(["row", "theme", "keyword"])
    rows = []
    for tid in theme_ids(coded, cb):
        kw = hits.loc[hits["theme"] == tid, "keyword"].value_counts()
        rows.append(
            {
                "theme": tid,
                "label": labels.get(tid, tid),
                "paragraphs": int(coded[tid].sum()),
                "share": float(coded[tid].mean()) if len(coded) else 0.0,
                "top_keywords": ", ".join(f"{w} {n}" for w, n in kw.head(5).items()),
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- agreement with human coding

