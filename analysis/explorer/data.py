"""The explorer's data: everything the page and the server show, built once from the analysis tables.

`build_data` returns one dict (the payload). Its `head` (themes, group fields, heatmap cells) is small
and always goes into the page; its `body` (articles, paragraphs, trigger spans, places, amounts,
cleaning removals) goes into the page while the page stays small enough, else into the SQLite index
(`analysis.explorer.index`). Lists are column-wise (one list per field) to keep the JSON small.

    head = {"meta": {...}, "themes": [{id, label, zh, en}], "fields": [{name, title, kind, groups}],
            "heat": {field: [[theme, group, k, n, articles_k, articles_n, lo, hi], ...]}}
    body = {"docs": {"id", "title", "date", "province", "city", "source", "url", "label": [...],
                     "g": {field: [group index or -1]}, "layout": [[heading str | paragraph index]],
                     "places", "amounts", "removed", "audit": {doc index: [...]} (None: not read)},
            "paras": {"d": doc index, "n": para_no, "t": text, "th": theme bits (bit j: theme j),
                      "m": [[start, end, theme index], ...] trigger spans}}
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..choices import PERIODS, choose, period_values, periods, present, top_groups
from ..codebook import load_codebook

MAX_GROUPS = 12  # like notebook 03: the groups with most text, the rest as "other"
OTHER = "other"
FIELD_TITLES = {"label": "article", "doc_id": "article"}


# ---------------------------------------------------------------- groups


def default_fields(corpus: pd.DataFrame, by=None) -> list[str]:
    """The groupings notebook 03 draws (`analysis.choices.choose`): each article while there are few (by
    label, as its tables write them), else the first usable of `by` (a study's group fields; default
    province, org, source, year), then the provinces when two or more have text."""
    chosen = choose(corpus, by=by)
    out = []
    for field in ("label" if chosen.few else chosen.groups.value, chosen.province.value):
        if field and field not in out and field in corpus.columns and len(present(corpus, field)) >= 2:
            out.append(field)
    return out


def choose_period(corpus: pd.DataFrame, period: str | None) -> str | None:
    """`period` (year, quarter or month) when the corpus has two values of it or more, else the corpus's own
    (`periods`: year, else month, else None). period=None: no period."""
    if period is None or "date" not in corpus.columns:
        return None
    if period in PERIODS and len({v for v in doc_groups(corpus, period)[0] if v}) >= 2:
        return period
    return periods(corpus)


def doc_groups(corpus: pd.DataFrame, field: str, keep_all: bool = False) -> tuple[list[str], list[str]]:
    """Each article's group as the tables write it ("" when it has none) and the groups in display order:
    periods in time order; articles (label, doc_id) in corpus order; any other column by text, the
    MAX_GROUPS with most text kept and the rest as "other"."""
    if field in PERIODS:  # as the tables write them: "2021", "2021Q3", "2021-07"
        values = period_values(corpus, field).fillna("").astype(str).tolist()
    else:
        values = ["" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v).strip()
                  for v in corpus[field].tolist()]
    if field in PERIODS:
        return values, sorted({v for v in values if v})
    if field in ("label", "doc_id") or keep_all:
        return values, list(dict.fromkeys(v for v in values if v))
    distinct = {v for v in values if v}
    weight = corpus["n_chars_clean"].to_numpy() if "n_chars_clean" in corpus.columns else 1
    order = top_groups(pd.DataFrame({"_g": values, "_w": weight}), "_g", n=min(len(distinct), MAX_GROUPS), weight="_w")
    if len(distinct) <= MAX_GROUPS:
        return values, order
    kept = set(order)
    return [v if v in kept or not v else OTHER for v in values], order + [OTHER]


# ---------------------------------------------------------------- heatmap cells


def cell_counts(flags: np.ndarray, para_doc: np.ndarray, doc_code: np.ndarray, n_groups: int):
    """k (paragraphs with the theme), n (paragraphs), ak (articles with the theme), an (articles with a
    paragraph) per theme x group; paragraphs of articles without a group (code -1) are left out."""
    code = doc_code[para_doc]
    ok = code >= 0
    k = np.zeros((flags.shape[1], n_groups), dtype=np.int64)
    np.add.at(k.T, code[ok], flags[ok].astype(np.int64))
    n = np.bincount(code[ok], minlength=n_groups)
    n_docs = len(doc_code)
    doc_theme = np.zeros((n_docs, flags.shape[1]), dtype=bool)
    rows = np.nonzero(flags)
    doc_theme[para_doc[rows[0]], rows[1]] = True
    has_para = np.bincount(para_doc, minlength=n_docs) > 0
    dok = (doc_code >= 0) & has_para
    ak = np.zeros_like(k)
    np.add.at(ak.T, doc_code[dok], doc_theme[dok].astype(np.int64))
    an = np.bincount(doc_code[dok], minlength=n_groups)
    return k, n, ak, an


def _interval_table(coded, field, para_values, corpus, intervals):
    """theme_share_intervals for one field (lo, hi by theme and group), or None."""
    if intervals is False:
        return None
    if isinstance(intervals, dict):
        table = intervals.get(field)
    else:
        from ..intervals import theme_share_intervals

        grouped = coded.assign(**{field: para_values})
        table = theme_share_intervals(grouped[grouped[field] != ""], by=field, corpus=corpus)
    if table is None or not {"theme", "lo", "hi"} <= set(table.columns):
        return None
    by = field if field in table.columns else table.columns[0]
    return {(str(t), str(g)): (lo, hi) for t, g, lo, hi in zip(table["theme"], table[by], table["lo"], table["hi"])}


def theme_bits(flags: np.ndarray) -> list[int]:
    """Each paragraph's themes as one integer, bit j for theme j (at most 52 themes: exact in JavaScript)."""
    if flags.shape[1] > 52:
        raise ValueError("the explorer shows at most 52 themes")
    return (flags.astype(np.int64) @ (np.int64(1) << np.arange(flags.shape[1], dtype=np.int64))).tolist()


def _num(x, digits=4):
    return None if x is None or (isinstance(x, float) and not math.isfinite(x)) else round(float(x), digits)


# ---------------------------------------------------------------- articles


def layouts(texts: list[str], para_doc: np.ndarray, para_texts: list[str], n_docs: int) -> list[list]:
    """Each article's lines as the page shows them: a heading as its text, a paragraph as its index in the
    paragraph table (matched in order, so headings and paragraphs keep their places)."""
    per_doc: list[list[int]] = [[] for _ in range(n_docs)]
    for i, d in enumerate(para_doc.tolist()):
        per_doc[d].append(i)
    out = []
    for d, text in enumerate(texts):
        todo, k, lines = per_doc[d], 0, []
        for line in (text or "").split("\n"):
            line = line.strip()
            if not line:
                continue
            if k < len(todo) and para_texts[todo[k]] == line:
                lines.append(todo[k])
                k += 1
            else:
                lines.append(line)
        lines.extend(todo[k:])  # paragraphs the text no longer holds (a table made elsewhere): at the end
        out.append(lines)
    return out


def trigger_spans(matches: pd.DataFrame, para_index: dict, para_texts: list[str], theme_index: dict) -> list[list]:
    """[[start, end, theme], ...] per paragraph from the match table; a keyword matched across whitespace
    ("社情 民意") spans the whitespace too."""
    spans: list[list] = [[] for _ in para_texts]
    if matches is None or not len(matches):
        return spans
    for doc_id, no, theme, kw, pos in zip(matches["doc_id"].astype(str).tolist(), matches["para_no"].tolist(),
                                          matches["theme"].astype(str).tolist(), matches["keyword"].tolist(),
                                          matches["position"].tolist()):
        i = para_index.get((doc_id, int(no)))
        t = theme_index.get(theme)
        if i is None or t is None:
            continue
        text, pos = para_texts[i], int(pos)
        end = pos + len(kw)
        if text[pos:end] != kw:  # walk over whitespace inside the keyword
            end, left = pos, len(kw)
            while end < len(text) and left:
                left -= not text[end].isspace()
                end += 1
        spans[i].extend([pos, end, t])
    return [[s[j:j + 3] for j in range(0, len(s), 3)] for s in spans]


def safe_url(url) -> str:
    """The article's URL if it is http(s), else "" (no javascript: or data: links in the page)."""
    url = "" if url is None or (isinstance(url, float) and math.isnan(url)) else str(url).strip()
    return url if url.lower().startswith(("http://", "https://")) else ""


def _text_column(corpus, name) -> list[str]:
    if name not in corpus.columns:
        return [""] * len(corpus)
    return ["" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v) for v in corpus[name].tolist()]


def _dates(corpus) -> list[str]:
    if "date" not in corpus.columns:
        return [""] * len(corpus)
    return corpus["date"].dt.strftime("%Y-%m-%d").fillna("").tolist()


# ---------------------------------------------------------------- the payload


def build_data(corpus: pd.DataFrame, *, paras=None, coded=None, matches=None, audit=None, group_fields=None,
               period="year", intervals=None, places=None, amounts=None, read_places: bool = True,
               removed: bool = True, codebook=None) -> dict:
    """{"head": ..., "body": ...} for the explorer (see the module docstring).

    paras/coded/matches/audit: the tables of paragraphs(corpus), code_paragraphs(paras),
    theme_matches(paras) and cleaning_audit(corpus); computed when not given. group_fields: corpus
    columns to group by (default: notebook 03's); period: "year", "quarter" or "month" (the corpus's own
    when it has fewer than two of them; None: no period); intervals: None (theme_share_intervals of each
    grouping), False (none), or {field: table}. places/amounts: place_mentions and amounts tables (doc_id,
    para_no ...) to show per article; read_places=True reads them when not given. removed=False leaves out
    where cleaning removed what (the server places it on request).
    """
    from ..corpus import cleaning_audit, paragraphs
    from ..study import with_study_columns
    from ..themes import code_paragraphs, theme_matches
    from .reading import doc_amounts, doc_places

    if "year" not in corpus.columns or "label" not in corpus.columns:
        corpus = with_study_columns(corpus)
    corpus = corpus.reset_index(drop=True)
    if paras is None:
        paras = coded if coded is not None else paragraphs(corpus)
    if coded is None:
        coded = code_paragraphs(paras, codebook)
    if matches is None:
        matches = theme_matches(paras, codebook)
    cb = load_codebook(codebook) if codebook is None or not isinstance(codebook, pd.DataFrame) else codebook
    themes = [t for t in cb["id"] if t in coded.columns]
    cbi = cb.set_index("id")
    doc_ids = corpus["doc_id"].astype(str).tolist()
    doc_index = {d: i for i, d in enumerate(doc_ids)}
    coded = coded[coded["doc_id"].astype(str).isin(doc_index)].reset_index(drop=True)
    para_doc = np.array([doc_index[d] for d in coded["doc_id"].astype(str).tolist()], dtype=np.int64)
    para_texts = coded["text"].astype(str).tolist()
    flags = coded[themes].to_numpy(dtype=bool) if themes else np.zeros((len(coded), 0), dtype=bool)

    fields = list(group_fields) if group_fields is not None else default_fields(corpus)
    fields = [f for f in dict.fromkeys(fields) if f in corpus.columns or f in PERIODS]
    chosen = choose_period(corpus, period)
    field_rows, heat, codes = [], {}, {}
    for field in fields + ([chosen] if chosen and chosen not in fields else []):
        values, groups = doc_groups(corpus, field)
        gi = {g: i for i, g in enumerate(groups)}
        doc_code = np.array([gi.get(v, -1) for v in values], dtype=np.int64)
        codes[field] = doc_code.tolist()
        kind = "period" if field == chosen else "group"
        field_rows.append({"name": field, "title": FIELD_TITLES.get(field, field), "kind": kind, "groups": groups})
        k, n, ak, an = cell_counts(flags, para_doc, doc_code, len(groups))
        para_values = [values[d] for d in para_doc.tolist()]
        iv = _interval_table(coded, field, para_values, corpus, intervals) or {}
        cells = []
        for t, tid in enumerate(themes):
            for g, name in enumerate(groups):
                lo, hi = iv.get((tid, name), (None, None))
                share = k[t, g] / n[g] if n[g] else None
                cells.append([t, g, int(k[t, g]), int(n[g]), int(ak[t, g]), int(an[g]),
                              _num(share), _num(lo), _num(hi)])
        heat[field] = cells

    para_index = {(d, no): i for i, (d, no) in enumerate(zip(coded["doc_id"].astype(str).tolist(),
                                                             coded["para_no"].astype(int).tolist()))}
    theme_index = {t: i for i, t in enumerate(themes)}
    texts = _text_column(corpus, "text")
    body_docs = {
        "id": doc_ids, "title": _text_column(corpus, "title"), "date": _dates(corpus),
        "province": _text_column(corpus, "province"), "city": _text_column(corpus, "city"),
        "source": _text_column(corpus, "source"), "label": _text_column(corpus, "label"),
        "url": [safe_url(u) for u in _text_column(corpus, "url")], "g": codes,
        "layout": layouts(texts, para_doc, para_texts, len(doc_ids)),
    }
    body_docs["places"] = doc_places(coded, corpus, places, doc_index, read_places)
    body_docs["amounts"] = doc_amounts(coded, corpus, amounts, doc_index, read_places)
    if audit is None and "raw" in corpus.columns:
        audit = cleaning_audit(corpus)
    body_docs["audit"] = _audit_rows(audit, doc_index)
    if removed and "raw" in corpus.columns:
        from .removed import corpus_removals

        found = corpus_removals(corpus, audit)
        body_docs["removed"] = [found.get(d) for d in doc_ids]
    else:
        body_docs["removed"] = None
    body_paras = {
        "d": para_doc.tolist(), "n": coded["para_no"].astype(int).tolist(), "t": para_texts,
        "th": theme_bits(flags),
        "m": trigger_spans(matches, para_index, para_texts, theme_index),
    }
    meta = {"n_docs": len(doc_ids), "n_paras": len(para_texts), "period": chosen,
            "intervals": any(c[7] is not None for cells in heat.values() for c in cells)}
    theme_rows = [{"id": t, "label": str(cbi.at[t, "label"]), "zh": str(cbi.at[t, "zh"]), "en": str(cbi.at[t, "en"])}
                  for t in themes]
    head = {"meta": meta, "themes": theme_rows, "fields": field_rows, "heat": heat}
    return {"head": head, "body": {"docs": body_docs, "paras": body_paras}}


def _audit_rows(audit, doc_index) -> dict:
    """Each article's audit rows [rule, removed, replacement] (the notes shown beside its text)."""
    out: dict = {}
    if audit is None or not len(audit):
        return out
    for doc_id, rule, removed, repl in zip(*(audit[c].tolist() for c in ("doc_id", "rule", "removed", "replacement"))):
        d = doc_index.get(str(doc_id))
        if d is not None:
            out.setdefault(str(d), []).append([str(rule), "" if removed is None else str(removed),
                                               "" if repl is None else str(repl)])
    return out
