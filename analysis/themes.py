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
from bisect import bisect_right
from pathlib import Path

import numpy as np
import pandas as pd

from . import cluster as _cluster


LEXICON_DIR = Path(__file__).resolve().parents[1] / "data" / "lexicon"
CODEBOOK_FILE = LEXICON_DIR / "themes.toml"

REQUIRED_KEYS = ("id", "zh", "en", "definition", "keywords")
OPTIONAL_KEYS = ("actors", "weak", "require", "exclude")
CODEBOOK_COLUMNS = ["id", "zh", "en", "label", "definition", "keywords", "actors", "weak", "require", "exclude",
                    "formulas", "list_others", "list_min_kinds"]
FORMULA_KEYS = ("pattern", "reason", "themes")
LIST_KEYS = ("others", "min_kinds", "reason")
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

    extra = sorted(set(data) - {"theme", "formula", "lists"})
    if extra:
        raise CodebookError(
            f"{path}: unknown top-level key(s) {extra}; themes go in [[theme]] blocks, set phrases in "
            "[[formula]] blocks, the actor-list rule in [lists]"
        )
    themes = data.get("theme")
    if not isinstance(themes, list) or not themes:
        raise CodebookError(f"{path}: no [[theme]] blocks found")
    ids = [t.get("id") for t in themes if isinstance(t, dict)]
    formulas = _formulas(data.get("formula", []), path, source, ids)
    others, min_kinds = _lists(data.get("lists", {}), path, source)

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
        lists = {k: _word_list(theme.get(k, []), where(k), k, False) for k in OPTIONAL_KEYS}
        coding = keywords + lists["actors"] + lists["weak"]
        dupes = sorted({w for w in coding if coding.count(w) > 1})
        if dupes:
            raise CodebookError(f"{where('keywords')}: {', '.join(dupes)} listed twice among keywords/actors/weak")
        both = sorted(set(coding) & set(lists["exclude"]))
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
                **lists,
                "formulas": tuple(f["pattern"] for f in formulas if tid in f["themes"]),
                "list_others": others,
                "list_min_kinds": min_kinds,
            }
        )
    unknown = sorted({t for f in formulas for t in f["themes"]} - set(seen))
    if unknown:
        raise CodebookError(f"{path}: [[formula]] names unknown theme(s) {unknown}")
    return pd.DataFrame(rows, columns=CODEBOOK_COLUMNS)


def _block_lines(source: str, name: str) -> list[int]:
    return [i for i, line in enumerate(source.splitlines(), start=1) if re.match(rf"^\s*\[\[\s*{name}\s*\]\]", line)]


def _formulas(blocks, path, source: str, ids: list) -> list[dict]:
    """[[formula]] blocks: set phrases inside which keywords do not count (pattern = a regular expression)."""
    if not isinstance(blocks, list):
        raise CodebookError(f"{path}: 'formula' must be [[formula]] blocks")
    headers = _block_lines(source, "formula")
    out = []
    for n, block in enumerate(blocks):
        line = headers[n] if n < len(headers) else 1
        where = f"{path}, line {line}: formula #{n + 1}"
        if not isinstance(block, dict):
            raise CodebookError(f"{where}: must be a table with keys {', '.join(FORMULA_KEYS)}")
        unknown = sorted(set(block) - set(FORMULA_KEYS))
        if unknown:
            raise CodebookError(f"{where}: unknown key(s) {unknown}; allowed: {', '.join(FORMULA_KEYS)}")
        for key in ("pattern", "reason"):
            if not isinstance(block.get(key), str) or not block[key].strip():
                raise CodebookError(f"{where}: key '{key}' must be a non-empty string (every formula says why)")
        try:
            re.compile(block["pattern"])
        except re.error as exc:
            raise CodebookError(f"{where}: pattern is not a valid regular expression ({exc})") from None
        themes = block.get("themes", [t for t in ids if isinstance(t, str)])
        if not isinstance(themes, list) or not all(isinstance(t, str) for t in themes):
            raise CodebookError(f"{where}: key 'themes' must be a list of theme ids")
        out.append({"pattern": block["pattern"], "reason": block["reason"].strip(), "themes": tuple(themes)})
    return out


def _lists(table, path, source: str) -> tuple[tuple[str, ...], int]:
    """[lists]: the mixed-list-of-actors rule (other united-front actors, how many kinds make a list)."""
    if not table:
        return (), 0
    line = next((i for i, x in enumerate(source.splitlines(), 1) if re.match(r"^\s*\[\s*lists\s*\]", x)), 1)
    where = f"{path}, line {line}: [lists]"
    unknown = sorted(set(table) - set(LIST_KEYS))
    if unknown:
        raise CodebookError(f"{where}: unknown key(s) {unknown}; allowed: {', '.join(LIST_KEYS)}")
    kinds = table.get("min_kinds", 3)
    if not isinstance(kinds, int) or kinds < 2:
        raise CodebookError(f"{where}: 'min_kinds' must be an integer >= 2")
    return _word_list(table.get("others", []), where, "others", False), kinds


def load_formulas(path: str | Path | None = None) -> pd.DataFrame:
    """The codebook's [[formula]] blocks: pattern, reason, themes (for display in notebook 03)."""
    path = Path(path) if path is not None else CODEBOOK_FILE
    load_codebook(path)  # checks the file
    source = path.read_text(encoding="utf-8")
    data = tomllib.loads(source)
    ids = [t.get("id") for t in data["theme"]]
    return pd.DataFrame(_formulas(data.get("formula", []), path, source, ids), columns=list(FORMULA_KEYS))


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
        import ahocorasick

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
        self.automaton = ahocorasick.Automaton()
        for w, rs in self.roles.items():
            self.automaton.add_word(w, (w, len(w), any(role in _CODING for _, role in rs)))
        if self.roles:
            self.automaton.make_automaton()

    def hits(self, text: str) -> list[tuple[int, str, int, int, int, int]]:
        """Coding hits in one text: (theme index, keyword, position in `text`, sentence index,
        sentence start, sentence end); offsets are in `text`."""
        if not self.roles:
            return []
        ws = _WHITESPACE.search(text) is not None
        if ws:  # match on the text without whitespace, report positions in the original text
            keep = [i for i, ch in enumerate(text) if not ch.isspace()]
            flat = "".join(text[i] for i in keep)
        else:
            flat = text
        raw = [(end, v) for end, v in self.automaton.iter(flat)]
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
        for j, w, pos, role, s in kept:
            if role == "weak" and j not in strong and len(words[j]) < 2:
                continue
            a, b = spans[s]
            if ws:  # back to offsets in the original text
                pos, a, b = keep[pos], keep[a], (keep[b - 1] + 1)
            out.append((j, w, pos, s, a, b))
        out.sort(key=lambda h: (h[0], h[2], h[1]))
        return out


def _hits_table(paras: pd.DataFrame, cb: pd.DataFrame) -> pd.DataFrame:
    """theme_matches plus `row`, the paragraph's position in `paras`."""
    m = _Matcher(cb)
    rows, themes, words, positions, sents, sent_text = [], [], [], [], [], []
    for i, text in enumerate(paras["text"].tolist()):
        if not isinstance(text, str) or not text:
            continue
        hits = m.hits(text)
        if not hits:
            continue
        for j, w, pos, s, a, b in hits:
            rows.append(i)
            themes.append(m.ids[j])
            words.append(w)
            positions.append(pos)
            sents.append(s + 1)
            sent_text.append(text[a:b].strip())
    idx = np.asarray(rows, dtype=np.int64)
    out = pd.DataFrame(
        {
            "row": idx,
            "doc_id": paras["doc_id"].to_numpy()[idx] if "doc_id" in paras else pd.NA,
            "para_no": paras["para_no"].to_numpy()[idx] if "para_no" in paras else idx + 1,
            "theme": pd.Categorical(themes, categories=m.ids),
            "keyword": words,
            "position": np.asarray(positions, dtype=np.int64),
            "sentence_no": np.asarray(sents, dtype=np.int64),
            "sentence": sent_text,
        }
    )
    return out


def theme_matches(paras: pd.DataFrame, codebook: pd.DataFrame | str | Path | None = None) -> pd.DataFrame:
    """The long match table: one row per keyword occurrence that codes a theme.

    Columns: doc_id, para_no, theme (categorical, codebook order), keyword, position (character offset of
    the keyword in the paragraph's `text`), sentence_no (1-based, see sentence_spans) and sentence (the
    sentence that triggered the code). A keyword counts when the codebook's rules for its theme hold in
    its sentence (see data/lexicon/themes.toml). Every count, share and piece of evidence is a group-by
    of this table. Keywords are matched in one pass (Aho-Corasick, pyahocorasick) on the text with
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
    if _cluster.is_dask(paras):
        return _cluster.map_rows(code_paragraphs, paras, _codebook(codebook))
    cb = _codebook(codebook)
    ids = list(cb["id"])
    hits = _hits_table(paras, cb)
    flags = np.zeros((len(paras), len(ids)), dtype=bool)
    flags[hits["row"].to_numpy(), hits["theme"].cat.codes.to_numpy()] = True
    out = paras.copy()
    out["themes"] = [tuple(t for t, f in zip(ids, row) if f) for row in flags]
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
    if _cluster.wanted(coded, corpus, client=client):
        return _cluster.paragraph_counts(coded, by, corpus, client=client)
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
    if _cluster.wanted(coded, corpus, client=client):
        return _cluster.theme_counts(coded, by, corpus, codebook, client=client)
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
    if _cluster.wanted(coded, corpus, client=client):
        return _cluster.theme_shares(coded, by, corpus, codebook, client=client)
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

PROJECT_ROOT = Path(__file__).resolve().parents[1]
FIXTURES_DIR = PROJECT_ROOT / "tests" / "fixtures"
SHARED_CORPORA = PROJECT_ROOT.parent / "shared" / "corpora"
LABEL_FILES = {"seed": "theme_labels_seed.csv", "corpora": "theme_labels_corpora.csv"}
XWLB_FILE = "xwlb_2020_2022.jsonl.xz"


def _split_themes(value) -> tuple[str, ...]:
    if isinstance(value, (tuple, list)):
        return tuple(value)
    if not isinstance(value, str):
        return ()
    return tuple(t.strip() for t in value.split(";") if t.strip())


def item_lines(text: str) -> list[str]:
    """The paragraphs of a CCTV (xwlb) item as the corpora fixture numbers them: the non-empty lines
    of `text`, stripped; `line_no` is the 0-based index in this list."""
    return [line.strip() for line in (text or "").split("\n") if line.strip()]


def line_sha(line: str) -> str:
    """The fixture's check on a paragraph's text: the first 12 hex digits of sha1(line)."""
    import hashlib

    return hashlib.sha1(line.encode("utf-8")).hexdigest()[:12]


def load_theme_labels(which: str = "seed", corpora_dir: str | Path | None = None) -> pd.DataFrame | None:
    """Human theme coding of paragraphs (tests/fixtures/theme_labels_<which>.csv), with their text.

    Returns doc_id, para_no, themes (tuple of theme ids, empty = no theme), note, text.
    - "seed": paragraphs of the seed articles (data/raw, numbered as `paragraphs(load_corpus())`).
    - "corpora": CCTV paragraphs; the fixture holds only ids and labels (item_id, line_no, sha), the text
      is read from ../shared/corpora/xwlb_2020_2022.jsonl.xz and checked against `sha`. Returns None
      when that file is absent (a fresh clone has no ../shared).
    The coders saw only the codebook's definitions.
    """
    if which not in LABEL_FILES:
        raise ValueError(f"which must be one of {sorted(LABEL_FILES)}, not {which!r}")
    labels = pd.read_csv(FIXTURES_DIR / LABEL_FILES[which], dtype=str, keep_default_na=False)
    if which == "seed":
        from .corpus import load_corpus, paragraphs

        paras = paragraphs(load_corpus())
        labels["para_no"] = labels["para_no"].astype(int)
        out = labels.merge(paras[["doc_id", "para_no", "text"]], on=["doc_id", "para_no"], how="left")
        missing = out[out["text"].isna()]
        if len(missing):
            raise ValueError(f"seed labels name paragraphs not in the corpus: {missing[['doc_id', 'para_no']].values.tolist()}")
    else:
        import json
        import lzma

        path = Path(corpora_dir or SHARED_CORPORA) / XWLB_FILE
        if not path.exists():
            return None
        wanted = set(labels["item_id"])
        texts = {}
        with lzma.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                item = json.loads(line)
                if item.get("id") in wanted:
                    texts[item["id"]] = item.get("text") or ""
        lines, bad = [], []
        for item_id, no, sha in zip(labels["item_id"], labels["line_no"].astype(int), labels["sha"]):
            paras = item_lines(texts.get(item_id, ""))
            text = paras[no] if no < len(paras) else None
            if text is None or line_sha(text) != sha:
                bad.append((item_id, no))
            lines.append(text)
        if bad:
            raise ValueError(f"{path}: labelled paragraphs missing or changed (item_id, line_no): {bad}")
        out = pd.DataFrame(
            {"doc_id": labels["item_id"], "para_no": labels["line_no"].astype(int), "themes": labels["themes"],
             "note": labels.get("note", ""), "text": lines}
        )
    out["themes"] = out["themes"].map(_split_themes)
    return out[["doc_id", "para_no", "themes", "note", "text"]].reset_index(drop=True)


def codebook_agreement(coded: pd.DataFrame, labels: pd.DataFrame, codebook=None) -> pd.DataFrame:
    """Agreement of the codebook's coding with human labels, per theme and pooled (Cohen's kappa).

    `coded`: code_paragraphs output; `labels`: doc_id, para_no, themes (tuple or "a;b" string), e.g.
    load_theme_labels("seed"). Paragraphs are paired on (doc_id, para_no); only labelled paragraphs
    count. One row per theme, then a row "pooled" (all paragraph x theme cells together):
    n (paragraphs), human (paragraphs the coders gave the theme), codebook, both, over (codebook yes,
    human no), under (codebook no, human yes), kappa (sklearn.metrics.cohen_kappa_score; NaN when
    neither side ever gives the theme).
    """
    from sklearn.metrics import cohen_kappa_score

    cb = _codebook(codebook)
    ids = theme_ids(coded, cb)
    lab = labels[["doc_id", "para_no"]].copy()
    lab["_human"] = labels["themes"].map(_split_themes).to_numpy()
    merged = lab.merge(coded[["doc_id", "para_no"] + ids], on=["doc_id", "para_no"], how="left", validate="1:1")
    if merged[ids].isna().any().any():
        raise ValueError("some labelled paragraphs are not in `coded`")
    unknown = sorted({t for ts in lab["_human"] for t in ts} - set(ids))
    if unknown:
        raise ValueError(f"labels use theme ids not in the codebook: {unknown}")
    machine = merged[ids].astype(bool).to_numpy()
    human = np.array([[t in ts for t in ids] for ts in merged["_human"]], dtype=bool).reshape(len(merged), len(ids))

    def row(name, h, m):
        both = int((h & m).sum())
        if not (h.any() or m.any()):
            kappa = float("nan")  # nobody gives the theme: nothing to agree on
        elif (h == m).all():
            kappa = 1.0
        else:
            kappa = float(cohen_kappa_score(h, m))
        return {"theme": name, "n": len(merged), "human": int(h.sum()), "codebook": int(m.sum()), "both": both,
                "over": int((m & ~h).sum()), "under": int((h & ~m).sum()), "kappa": kappa}

    rows = [row(t, human[:, j], machine[:, j]) for j, t in enumerate(ids)]
    rows.append(row("pooled", human.ravel(), machine.ravel()))
    return pd.DataFrame(rows)
