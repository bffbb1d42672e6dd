"""The theme codebook (data/lexicon/themes.toml) and paragraph coding.

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

import re
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd

from .plots import SEED

LEXICON_DIR = Path(__file__).resolve().parents[1] / "data" / "lexicon"
CODEBOOK_FILE = LEXICON_DIR / "themes.toml"

REQUIRED_KEYS = ("id", "zh", "en", "definition", "keywords")
OPTIONAL_KEYS = ("require", "exclude")
CODEBOOK_COLUMNS = ["id", "zh", "en", "label", "definition", "keywords", "require", "exclude"]
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_WHITESPACE = re.compile(r"\s+")
# paragraph columns a theme id may not shadow
_RESERVED = {"doc_id", "para_no", "section", "text", "themes", "keywords", "n_themes", "group"}


class CodebookError(ValueError):
    """The theme codebook is malformed; the message names the file, line, theme and key."""


# ---------------------------------------------------------------- the codebook


def _theme_lines(source: str) -> list[int]:
    """1-based line numbers of the `[[theme]]` headers, in order."""
    return [i for i, line in enumerate(source.splitlines(), start=1) if re.match(r"^\s*\[\[\s*theme\s*\]\]", line)]


def _key_line(source: str, start: int, key: str) -> int:
    """Line of `key = ...` in the block starting at line `start` (the header line if not found)."""
    lines = source.splitlines()
    for i in range(start, len(lines)):
        if i > start and re.match(r"^\s*\[", lines[i]):
            break
        if re.match(rf"^\s*{re.escape(key)}\s*=", lines[i]):
            return i + 1
    return start


def _word_list(value, where: str, key: str, required: bool) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
        raise CodebookError(f"{where}: key '{key}' must be a list of strings, e.g. {key} = [\"捐款\", \"捐物\"]")
    words = tuple(_WHITESPACE.sub("", w) for w in value)
    if any(not w for w in words):
        raise CodebookError(f"{where}: key '{key}' contains an empty string")
    if required and not words:
        raise CodebookError(f"{where}: key '{key}' is empty; a theme needs at least one keyword")
    dupes = sorted({w for w in words if words.count(w) > 1})
    if dupes:
        raise CodebookError(f"{where}: key '{key}' lists {', '.join(dupes)} more than once")
    return words


def load_codebook(path: str | Path | None = None) -> pd.DataFrame:
    """Read and check the theme codebook (default data/lexicon/themes.toml).

    Returns one row per theme, in file order: id, zh, en, label ("捐款捐物 Donations of money & goods"),
    definition, keywords, require, exclude (tuples of strings). A malformed file raises CodebookError
    naming the file and line (and the theme and key for a structural problem).
    """
    path = Path(path) if path is not None else CODEBOOK_FILE
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CodebookError(f"{path}: codebook file not found") from None
    except UnicodeDecodeError as exc:
        raise CodebookError(f"{path}: not UTF-8 text ({exc})") from None
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:  # message carries "(at line N, column M)" or "(at end of document)"
        hint = ""
        if "end of document" in str(exc):
            hint = f" (line {len(source.splitlines())} is the last line: look above it for an unclosed [ or quote)"
        raise CodebookError(f"{path}: not valid TOML: {exc}{hint}") from None

    extra = sorted(set(data) - {"theme"})
    if extra:
        raise CodebookError(f"{path}: unknown top-level key(s) {extra}; themes go in [[theme]] blocks")
    themes = data.get("theme")
    if not isinstance(themes, list) or not themes:
        raise CodebookError(f"{path}: no [[theme]] blocks found")

    headers = _theme_lines(source)
    rows, seen = [], {}
    for n, theme in enumerate(themes):
        start = headers[n] if n < len(headers) else 1
        name = theme.get("id", f"#{n + 1}") if isinstance(theme, dict) else f"#{n + 1}"
        where = lambda key=None: (  # noqa: E731 - small local formatter
            f"{path}, line {_key_line(source, start, key) if key else start}: theme '{name}'"
        )
        for key in REQUIRED_KEYS:
            if key not in theme:
                raise CodebookError(f"{where()}: missing key '{key}' (required: {', '.join(REQUIRED_KEYS)})")
        unknown = sorted(set(theme) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
        if unknown:
            raise CodebookError(
                f"{where(unknown[0])}: unknown key(s) {unknown}; allowed: {', '.join(REQUIRED_KEYS + OPTIONAL_KEYS)}"
            )
        for key in ("id", "zh", "en", "definition"):
            if not isinstance(theme[key], str) or not theme[key].strip():
                raise CodebookError(f"{where(key)}: key '{key}' must be a non-empty string")
        tid = theme["id"]
        if not _ID.match(tid) or tid in _RESERVED:
            raise CodebookError(
                f"{where('id')}: id '{tid}' must be ASCII letters/digits/_ starting with a letter "
                f"and not one of {sorted(_RESERVED)}"
            )
        if tid in seen:
            raise CodebookError(f"{where('id')}: id '{tid}' already used by the theme at line {seen[tid]}")
        seen[tid] = start
        keywords = _word_list(theme["keywords"], where("keywords"), "keywords", True)
        require = _word_list(theme.get("require", []), where("require"), "require", False)
        exclude = _word_list(theme.get("exclude", []), where("exclude"), "exclude", False)
        both = sorted(set(keywords) & set(exclude))
        if both:
            raise CodebookError(f"{where('exclude')}: {', '.join(both)} is both a keyword and excluded")
        rows.append(
            {
                "id": tid,
                "zh": theme["zh"].strip(),
                "en": theme["en"].strip(),
                "label": f"{theme['zh'].strip()} {theme['en'].strip()}",
                "definition": theme["definition"].strip(),
                "keywords": keywords,
                "require": require,
                "exclude": exclude,
            }
        )
    return pd.DataFrame(rows, columns=CODEBOOK_COLUMNS)


def _codebook(codebook) -> pd.DataFrame:
    if codebook is None:
        return load_codebook()
    if isinstance(codebook, (str, Path)):
        return load_codebook(codebook)
    return codebook


def theme_labels(codebook: pd.DataFrame | None = None, lang: str = "label") -> dict[str, str]:
    """Map theme id -> label; lang is "label" (both languages), "zh" or "en"."""
    cb = _codebook(codebook)
    return dict(zip(cb["id"], cb[lang]))


def theme_ids(coded: pd.DataFrame) -> list[str]:
    """The theme columns of a coded paragraph table, in codebook order.

    Read from `coded.attrs` (set by code_paragraphs); if a pandas operation dropped them, the boolean
    columns that are also codebook ids are used.
    """
    if coded.attrs.get("themes"):
        return list(coded.attrs["themes"])
    return [t for t in load_codebook()["id"] if t in coded.columns and coded[t].dtype == bool]


def _labels(coded: pd.DataFrame) -> dict[str, str]:
    return coded.attrs.get("labels") or theme_labels()


# ---------------------------------------------------------------- coding


def match_themes(text: str, codebook: pd.DataFrame | None = None) -> dict[str, tuple[str, ...]]:
    """Themes one text carries: {theme id: keywords found}, in codebook order."""
    cb = _codebook(codebook)
    flat = _WHITESPACE.sub("", text)
    out = {}
    for tid, keywords, require, exclude in zip(cb["id"], cb["keywords"], cb["require"], cb["exclude"]):
        found = tuple(k for k in keywords if k in flat)
        if not found:
            continue
        if require and not any(w in flat for w in require):
            continue
        if exclude and any(w in flat for w in exclude):
            continue
        out[tid] = found
    return out


def code_paragraphs(paras: pd.DataFrame, codebook: pd.DataFrame | str | Path | None = None) -> pd.DataFrame:
    """Code every paragraph with the codebook's themes (several allowed).

    `paras` needs a `text` column (e.g. from `paragraphs(corpus)`). Returns a copy with:
    `themes` (tuple of theme ids), `n_themes`, `keywords` ("theme: kw, kw; ..." - why it was coded)
    and one boolean column per theme id. The theme ids are also in `result.attrs["themes"]`.
    """
    cb = _codebook(codebook)
    ids = list(cb["id"])
    hits = [match_themes(t, cb) for t in paras["text"]]
    out = paras.copy()
    out["themes"] = [tuple(h) for h in hits]
    out["n_themes"] = [len(h) for h in hits]
    out["keywords"] = ["; ".join(f"{t}: {', '.join(k)}" for t, k in h.items()) for h in hits]
    for tid in ids:
        out[tid] = [tid in h for h in hits]
    out.attrs["themes"] = ids
    out.attrs["labels"] = dict(zip(cb["id"], cb["label"]))
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
    out.attrs = dict(coded.attrs)
    return out


def theme_counts(coded: pd.DataFrame, by: str = "doc_id", corpus: pd.DataFrame | None = None) -> pd.DataFrame:
    """Paragraph counts: rows = theme ids plus "n_paragraphs", columns = groups of `by`."""
    g = _with_group(coded, by, corpus)
    ids = theme_ids(coded)
    counts = g.groupby("group", sort=True)[ids].sum().T.astype(int)
    counts.loc["n_paragraphs"] = g.groupby("group", sort=True).size()
    counts.columns.name = by
    return counts


def theme_shares(coded: pd.DataFrame, by: str = "doc_id", corpus: pd.DataFrame | None = None) -> pd.DataFrame:
    """Share of paragraphs (0-1) carrying each theme: rows = theme ids, columns = groups of `by`.

    A paragraph with several themes counts for each, so a column can sum to more than 1.
    `by`: doc_id, section, or with corpus= any article column (province, city, org) or "year".
    """
    counts = theme_counts(coded, by, corpus)
    n = counts.loc["n_paragraphs"]
    return counts.drop(index="n_paragraphs").div(n, axis=1)


def theme_evidence(
    coded: pd.DataFrame,
    theme: str,
    by: str | None = None,
    group=None,
    corpus: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The paragraphs coded with `theme` (id, Chinese or English label), optionally in one heatmap cell.

    With `by` and `group` the rows are exactly those counted in `theme_counts(coded, by)[group][theme]`.
    Columns: doc_id, para_no, section, matched keywords, text (and `group` when `by` is given).
    """
    labels = _labels(coded)
    lookup = {tid: tid for tid in theme_ids(coded)}
    for tid, label in labels.items():
        zh, _, en = label.partition(" ")
        lookup.update({label: tid, zh: tid, en: tid})
    if theme not in lookup:
        raise KeyError(f"unknown theme {theme!r}; known: {theme_ids(coded)}")
    tid = lookup[theme]
    rows = coded if by is None else _with_group(coded, by, corpus)
    rows = rows[rows[tid]]
    if by is not None and group is not None:
        rows = rows[rows["group"] == group]
    out = rows.assign(matched=[dict(_split_hits(k)).get(tid, "") for k in rows["keywords"]])
    cols = ["doc_id", "para_no", "section", "matched", "text"] + (["group"] if by is not None else [])
    return out[cols].reset_index(drop=True)


def _split_hits(keywords: str):
    for part in filter(None, keywords.split("; ")):
        tid, _, words = part.partition(": ")
        yield tid, words


def evidence_table(coded: pd.DataFrame, by: str = "doc_id", corpus: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every (theme, group) heatmap cell with its paragraphs: theme, label, group, doc_id, para_no, matched, text."""
    labels = _labels(coded)
    parts = []
    for tid in theme_ids(coded):
        ev = theme_evidence(coded, tid, by=by, corpus=corpus)
        parts.append(ev.assign(theme=tid, label=labels.get(tid, tid)))
    out = pd.concat(parts, ignore_index=True)
    return out[["theme", "label", "group", "doc_id", "para_no", "matched", "text"]]


def uncoded(coded: pd.DataFrame) -> pd.DataFrame:
    """The paragraphs no theme covers (doc_id, para_no, section, text)."""
    return coded.loc[coded["n_themes"] == 0, ["doc_id", "para_no", "section", "text"]].reset_index(drop=True)


def uncoded_share(coded: pd.DataFrame) -> float:
    """Share (0-1) of paragraphs that no theme covers."""
    return float((coded["n_themes"] == 0).mean()) if len(coded) else 0.0


def theme_summary(coded: pd.DataFrame) -> pd.DataFrame:
    """One row per theme: label, paragraphs coded, share of all paragraphs, most frequent matched keywords."""
    labels = _labels(coded)
    rows = []
    for tid in theme_ids(coded):
        kw = pd.Series(
            [w for k in coded["keywords"] for t, words in _split_hits(k) if t == tid for w in words.split(", ")]
        )
        top = ", ".join(f"{w} {n}" for w, n in kw.value_counts().head(5).items())
        rows.append(
            {
                "theme": tid,
                "label": labels.get(tid, tid),
                "paragraphs": int(coded[tid].sum()),
                "share": float(coded[tid].mean()),
                "top_keywords": top,
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- data-driven check: NMF topics


def paragraph_tokens(paras: pd.DataFrame, progress: bool = False) -> list[list[str]]:
    """Content tokens of each paragraph: exactly `analysis.tokenize` (reference jieba engine, project
    lexicon and stopwords), through tokenize_corpus so repeated runs read the token cache."""
    from .segment import tokenize_corpus

    return tokenize_corpus(list(paras["text"]), engine="jieba", progress=progress)


def nmf_topics(
    paras: pd.DataFrame,
    n_topics: int = 12,
    n_words: int = 10,
    min_df: int = 2,
    seed: int = SEED,
    tokens: list[list[str]] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """NMF topics on paragraph tf-idf (scikit-learn), as a check on the codebook.

    Returns (topics, weights). `topics`: one row per topic: topic ("T1" ...), top_words (space-separated,
    strongest first), share (the topic's part of all paragraph weight). `weights`: paragraphs x topics,
    each row scaled to sum to 1 (all zero for a paragraph with no kept term), index as `paras`.
    Deterministic for a given seed (nndsvda initialisation).
    """
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    tokens = paragraph_tokens(paras) if tokens is None else tokens
    vec = TfidfVectorizer(analyzer=lambda toks: toks, min_df=min_df, sublinear_tf=True)
    X = vec.fit_transform(tokens)
    model = NMF(n_components=n_topics, init="nndsvda", random_state=seed, max_iter=1000)
    W = model.fit_transform(X)
    vocab = np.asarray(vec.get_feature_names_out())
    names = [f"T{i + 1}" for i in range(n_topics)]
    top = [" ".join(vocab[np.argsort(-row)[:n_words]]) for row in model.components_]
    total = W.sum(axis=0)
    topics = pd.DataFrame({"topic": names, "top_words": top, "share": total / total.sum()})
    sums = W.sum(axis=1, keepdims=True)
    weights = pd.DataFrame(np.divide(W, sums, out=np.zeros_like(W), where=sums > 0), index=paras.index, columns=names)
    return topics, weights


def topic_theme_table(coded: pd.DataFrame, weights: pd.DataFrame) -> pd.DataFrame:
    """How NMF topics line up with codebook themes: themes x topics, mean topic weight of the theme's paragraphs.

    Each cell is the average weight of the topic in the paragraphs coded with the theme; compare a
    row with the `all paragraphs` row to see which topics a theme over-draws on.
    """
    labels = _labels(coded)
    rows = {labels.get(t, t): weights[coded[t].to_numpy()].mean() for t in theme_ids(coded)}
    table = pd.DataFrame(rows).T
    table.loc["(all paragraphs)"] = weights.mean()
    return table


def topic_alignment(coded: pd.DataFrame, topics: pd.DataFrame, weights: pd.DataFrame) -> pd.DataFrame:
    """One row per topic: its top words, the best-matching theme, how well they match, the runner-up.

    `r` is the correlation between the topic's paragraph weight and the theme's 0/1 coding; `lift` is the
    topic's mean weight in the theme's paragraphs over its mean weight in all paragraphs. A topic whose
    best r is low (< 0.3) is one the codebook does not name. `main_doc` / `doc_share`: the article
    holding most of the topic's weight and that share (near 1: the topic is one article's vocabulary).
    """
    labels = _labels(coded)
    ids = theme_ids(coded)
    themes = coded[ids].astype(float).to_numpy()
    rows = []
    for topic, words in zip(topics["topic"], topics["top_words"]):
        w = weights[topic].to_numpy()
        r = np.array([np.corrcoef(w, themes[:, j])[0, 1] if themes[:, j].std() > 0 else 0.0 for j in range(len(ids))])
        order = np.argsort(-r)
        best, second = ids[order[0]], ids[order[1]]
        mean_all = w.mean()
        lift = w[themes[:, order[0]] > 0].mean() / mean_all if mean_all > 0 else np.nan
        by_doc = pd.Series(w, index=coded.index).groupby(coded["doc_id"]).sum()
        rows.append(
            {
                "topic": topic,
                "top_words": " ".join(words.split()[:8]),
                "best_theme": labels.get(best, best),
                "r": round(float(r[order[0]]), 2),
                "lift": round(float(lift), 2),
                "runner_up": labels.get(second, second),
                "r_runner_up": round(float(r[order[1]]), 2),
                "main_doc": str(by_doc.idxmax())[:3],
                "doc_share": round(float(by_doc.max() / by_doc.sum()), 2) if by_doc.sum() > 0 else np.nan,
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- co-occurrence network of top terms


def term_network(
    paras: pd.DataFrame,
    n_terms: int = 30,
    min_jaccard: float = 0.25,
    max_degree: int = 4,
    drop: tuple[str, ...] = ("疫情", "防控", "疫情防控"),
    tokens: list[list[str]] | None = None,
):
    """Co-occurrence network of the most widespread terms (networkx Graph), kept readable.

    Nodes: the `n_terms` terms in most paragraphs (minus `drop`, words in nearly every paragraph that
    would link to everything); node attribute `df` = paragraphs containing the term. Edges: two terms
    in the same paragraph, weighted by Jaccard (paragraphs with both / with either), `count` = paragraphs
    with both; an edge is kept when Jaccard >= min_jaccard and it is among the `max_degree` strongest of
    one of its ends. Isolated terms are dropped.
    """
    import networkx as nx

    tokens = paragraph_tokens(paras) if tokens is None else tokens
    sets = [set(t) - set(drop) for t in tokens]
    df = pd.Series([w for s in sets for w in s]).value_counts()
    df = df[df.index.str.len() > 1]  # single characters are rarely readable terms
    terms = list(df.sort_values(ascending=False, kind="mergesort").index[:n_terms])
    occ = pd.DataFrame([[w in s for w in terms] for s in sets], columns=terms).astype(int)
    both = occ.T @ occ
    either = np.add.outer(occ.sum().to_numpy(), occ.sum().to_numpy()) - both.to_numpy()
    ratio = both.to_numpy() / np.maximum(either, 1)
    np.fill_diagonal(ratio, 0)
    jac = pd.DataFrame(ratio, index=terms, columns=terms)
    keep = set()
    for w in terms:
        for v in jac[w].sort_values(ascending=False, kind="mergesort").index[:max_degree]:
            if jac.at[w, v] >= min_jaccard:
                keep.add(tuple(sorted((w, v))))
    G = nx.Graph()
    for a, b in sorted(keep):
        G.add_edge(a, b, weight=float(jac.at[a, b]), count=int(both.at[a, b]))
    nx.set_node_attributes(G, {w: int(df[w]) for w in G.nodes}, "df")
    return G
