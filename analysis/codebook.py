"""The theme codebook, themes.toml (the package's default, a project's own copy in data/lexicon/, or a study's):
read, checked (errors name the file, line, theme and key) and returned as a table of rules, one row per theme,
plus the set formulas and list rules. `analysis.themes` codes paragraphs with it.
"""
from __future__ import annotations

import re
import tomllib
from functools import partial
from pathlib import Path

import pandas as pd

from .lexicon import CODEBOOK_FILE, codebook_file  # noqa: F401 (CODEBOOK_FILE re-exported)

REQUIRED_KEYS = ("id", "zh", "en", "definition", "keywords")
OPTIONAL_KEYS = ("actors", "weak", "contextual", "context", "require", "exclude")
# a codebook's guidance for human coders, after MacQueen et al. (1998, "Codebook development for team-based qualitative
# analysis"): when to use the theme and when not; sentences shown beside the definition, never used for coding
GUIDANCE_KEYS = ("when_to_use", "when_not_to_use")
CODING_KEYS = ("keywords", "actors", "weak", "contextual")  # keys whose words code a theme (the others qualify)
CODEBOOK_COLUMNS = ["id", "zh", "en", "label", "definition", "keywords", "actors", "weak", "contextual", "context",
                    "require", "exclude", "formulas", "list_others", "list_min_kinds", "list_qualifiers",
                    *GUIDANCE_KEYS]
FORMULA_KEYS = ("pattern", "reason", "themes")
LIST_KEYS = ("others", "qualifiers", "min_kinds", "reason")
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_WHITESPACE = re.compile(r"\s+")
# paragraph columns a theme id may not shadow
_RESERVED = {"doc_id", "para_no", "section", "text", "themes", "keywords", "n_themes", "group"}


class CodebookError(ValueError):
    """The theme codebook is malformed; the message names the file, line, theme and key."""


def compile_formula(pattern: str):
    """A [[formula]] pattern compiled by Python's `re`, or, when `re` cannot compile it because it looks behind
    by a variable length (a sentence that names no epidemic word before the match: (?<!疫[^。]*)), by the `regex`
    module, which can; `regex` takes twice the time of `re`, so only such patterns use it. A pattern neither
    compiles raises re.error, with `re`'s message."""
    try:
        return re.compile(pattern)
    except re.error:
        import regex

        try:
            return regex.compile(pattern)
        except regex.error:
            pass
        raise


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


def _where(path, source: str, start: int, name: str, key: str | None = None) -> str:
    """Where an error is in the codebook: the file, the line of `key` in the theme (or of its header), the theme."""
    return f"{path}, line {_key_line(source, start, key) if key else start}: theme '{name}'"


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


def _context(value, where: str) -> tuple[tuple[str, ...], ...]:
    """`context`: one list of words (one of them in the sentence), or a list of such lists (one word of each)."""
    groups = value if value and all(isinstance(g, list) for g in value) else [value]
    groups = tuple(_word_list(g, where, "context", False) for g in groups)
    return tuple(g for g in groups if g)


def _guidance(value, where: str, key: str) -> tuple[str, ...]:
    """`when_to_use` / `when_not_to_use`: a list of sentences for the coders, kept as written but for the spaces
    around each (unlike keywords, whose inner whitespace is removed)."""
    if not isinstance(value, list) or not all(isinstance(x, str) and x.strip() for x in value):
        raise CodebookError(f"{where}: key '{key}' must be a list of non-empty strings (sentences for the coders)")
    return tuple(x.strip() for x in value)


def load_codebook(path: str | Path | None = None) -> pd.DataFrame:
    """Read and check the theme codebook (default: the active study's, else themes.toml of the lexicon).

    Returns one row per theme, in file order: id, zh, en, label ("捐款捐物 Donations of money & goods"),
    definition, keywords, actors, weak, contextual, require, exclude (tuples of strings), context (a tuple of
    word tuples), the formulas and list rule that concern it, and the coders' guidance when_to_use and
    when_not_to_use (tuples of sentences; they do not code) (CODEBOOK_COLUMNS). A malformed file raises
    CodebookError naming the file and line (and the theme and key for a structural problem).
    """
    path = Path(path) if path is not None else codebook_file()
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
    lists_rule = _lists(data.get("lists", {}), path, source)

    headers = _theme_lines(source)
    rows, seen = [], {}
    for n, theme in enumerate(themes):
        start = headers[n] if n < len(headers) else 1
        name = theme.get("id", f"#{n + 1}") if isinstance(theme, dict) else f"#{n + 1}"
        where = partial(_where, path, source, start, name)
        for key in REQUIRED_KEYS:
            if key not in theme:
                raise CodebookError(f"{where()}: missing key '{key}' (required: {', '.join(REQUIRED_KEYS)})")
        unknown = sorted(set(theme) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS) - set(GUIDANCE_KEYS))
        if unknown:
            raise CodebookError(f"{where(unknown[0])}: unknown key(s) {unknown}; allowed: "
                                f"{', '.join(REQUIRED_KEYS + OPTIONAL_KEYS + GUIDANCE_KEYS)}")
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
        lists = {k: _word_list(theme.get(k, []), where(k), k, False) for k in OPTIONAL_KEYS if k != "context"}
        lists["context"] = _context(theme.get("context", []), where("context"))
        coding = sum((lists[k] for k in CODING_KEYS[1:]), keywords)
        dupes = sorted({w for w in coding if coding.count(w) > 1})
        if dupes:
            raise CodebookError(
                f"{where('keywords')}: {', '.join(dupes)} listed twice among keywords/actors/weak/contextual"
            )
        if lists["contextual"] and not lists["context"]:
            raise CodebookError(f"{where('contextual')}: 'contextual' words code only beside a 'context' word; "
                                "the theme has no 'context' list")
        own = sorted({c for g in lists["context"] for c in g for w in lists["contextual"] if c in w or w in c})
        if own:
            raise CodebookError(f"{where('context')}: context word(s) {', '.join(own)} overlap a contextual word, "
                                "which would then always code alone")
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
                **lists_rule,
                **{k: _guidance(theme.get(k, []), where(k), k) for k in GUIDANCE_KEYS},
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
            compile_formula(block["pattern"])
        except re.error as exc:
            raise CodebookError(f"{where}: pattern is not a valid regular expression ({exc})") from None
        themes = block.get("themes", [t for t in ids if isinstance(t, str)])
        if not isinstance(themes, list) or not all(isinstance(t, str) for t in themes):
            raise CodebookError(f"{where}: key 'themes' must be a list of theme ids")
        out.append({"pattern": block["pattern"], "reason": block["reason"].strip(), "themes": tuple(themes)})
    return out


def _lists(table, path, source: str) -> dict:
    """[lists]: the mixed-list-of-actors rule (other united-front actors, the words that qualify a name, how many
    kinds make a list), as the codebook's list_* columns."""
    if not table:
        return {"list_others": (), "list_min_kinds": 0, "list_qualifiers": ()}
    line = next((i for i, x in enumerate(source.splitlines(), 1) if re.match(r"^\s*\[\s*lists\s*\]", x)), 1)
    where = f"{path}, line {line}: [lists]"
    unknown = sorted(set(table) - set(LIST_KEYS))
    if unknown:
        raise CodebookError(f"{where}: unknown key(s) {unknown}; allowed: {', '.join(LIST_KEYS)}")
    kinds = table.get("min_kinds", 3)
    if not isinstance(kinds, int) or kinds < 2:
        raise CodebookError(f"{where}: 'min_kinds' must be an integer >= 2")
    return {"list_others": _word_list(table.get("others", []), where, "others", False), "list_min_kinds": kinds,
            "list_qualifiers": _word_list(table.get("qualifiers", []), where, "qualifiers", False)}


def load_formulas(path: str | Path | None = None) -> pd.DataFrame:
    """The codebook's [[formula]] blocks: pattern, reason, themes (for display in notebook 03)."""
    path = Path(path) if path is not None else codebook_file()
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
