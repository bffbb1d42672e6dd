"""Saved web pages, page structure: chrome pruned from the DOM before the body is extracted.

Part of `analysis.pages` (see its docstring for the whole pipeline). Elements whose class/id names
page chrome (data/lexicon/page_chrome.csv, kind `element`) and link lists are removed; runs of
spaces inside a line are kept through the extractor with a stand-in character.
"""
from __future__ import annotations

import re

from .lexicon import page_rules

# Blocks whose link share decides whether they are a link list.
_BLOCK_TAGS = {"div", "ul", "ol", "dl", "table", "section", "aside", "p", "li", "td", "span", "nav"}

def _text_len(el) -> int:
    return len(re.sub(r"\s+", "", el.text_content() or ""))


def _tokens(el) -> list[str]:
    names = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    return [t for t in re.split(r"[\s_\-]+", names) if t]


def _running_text(el) -> int:
    """Characters in text runs of 30+ characters under `el`: running text, with or without <p>."""
    total = 0
    for t in el.xpath(".//text()"):
        n = len(re.sub(r"\s+", "", t))
        if n >= 30:
            total += n
    return total


def prune_chrome(tree, rules=None) -> list[str]:
    """Remove chrome elements (class/id rules) and link lists from `tree` in place; return what went.

    An element that holds half or more of the page's paragraph text is never removed, so a
    wrapper whose class happens to mention `share` or `comment` cannot take the article with it
    (running text = text runs of 30+ characters, in <p> or between <br>).
    """
    rules = rules if rules is not None else page_rules()["element"]
    body_chars = _running_text(tree) or 1
    removed = []

    def protected(el) -> bool:
        if el.tag in ("html", "body", "article", "main"):
            return True
        return _running_text(el) >= 0.5 * body_chars

    for el in list(tree.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None:
            continue
        toks = _tokens(el)
        if toks and any(r.search(t) for r in rules for t in toks) and not protected(el):
            removed.append(" ".join(el.text_content().split())[:80])
            el.drop_tree()
    # Link lists: a block whose visible text is mostly link text (related news, hot lists, menus).
    for el in list(tree.iter()):
        if not isinstance(el.tag, str) or el.tag not in _BLOCK_TAGS or el.getparent() is None:
            continue
        n = _text_len(el)
        if n < 8:
            continue
        linked = sum(_text_len(a) for a in el.iter("a"))
        if linked >= 0.6 * n and not protected(el):
            removed.append(" ".join(el.text_content().split())[:80])
            el.drop_tree()
    return removed


# ---------------------------------------------------------------- body lines

_SPACES = "\u2423"  # ␣ (OPEN BOX, "visible space"): stand-in for a run of spaces inside a line


def keep_space_runs(tree) -> None:
    """Mark runs of two or more non-breaking/ideographic spaces inside a text with a stand-in.

    A page shows a heading glued to its paragraph with &nbsp;&nbsp; between them; the extractor
    collapses whitespace, so the run is kept as ␣ (a character it keeps) and turned back into two
    spaces afterwards, where the project's cleaning (split_headings) can see it. A page that
    already contains ␣ is left alone.
    """
    if any(_SPACES in t for t in tree.xpath("//text()")):
        return
    run = re.compile(r"(?<=\S)(?=[ \xa0\u3000]*[\xa0\u3000])[ \xa0\u3000]{2,}(?=\S)")
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        if el.text and "\xa0" in el.text or el.text and "\u3000" in el.text:
            el.text = run.sub(_SPACES, el.text)
        if el.tail and ("\xa0" in el.tail or "\u3000" in el.tail):
            el.tail = run.sub(_SPACES, el.tail)


