"""Saved web pages, metadata: title, date, subtitle and source as the page prints them.

Part of `analysis.pages`. The title is a candidate headline that the page prints; the date is the
first date printed under the headline, else the page's publication-time meta tags.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pandas as pd

from .clean import ends_sentence

_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_VISIBLE_TEXT = "//body//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)]"
_DATE_IN_TEXT = re.compile(
    r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?"
    r"(?:\s*(\d{1,2})\s*[:时]\s*(\d{1,2})(?:\s*[:分]\s*(\d{1,2}))?)?"
)



@lru_cache(maxsize=1)
def _t2s():
    """OpenCC traditional → simplified (t2s: simplified text passes unchanged)."""
    import opencc

    return opencc.OpenCC("t2s")


def _key(text: str) -> str:
    """Comparison key: NFKC, no whitespace or punctuation (script conversion left to callers)."""
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(c for c in text if unicodedata.category(c)[0] not in "PZSC")

def _to_timestamp(value) -> pd.Timestamp | None:
    """A date string from a page (ISO, 2020-02-29 18:34, 2020年2月29日 …) → naive Timestamp."""
    if value is None or value == "":
        return None
    if isinstance(value, pd.Timestamp):
        return value
    s = unicodedata.normalize("NFKC", str(value)).strip()
    m = _DATE_IN_TEXT.search(s)
    if m:
        y, mo, d, hh, mm, ss = m.groups()
        try:
            return pd.Timestamp(int(y), int(mo), int(d), int(hh or 0), int(mm or 0), int(ss or 0))
        except ValueError:
            return None
    try:
        ts = pd.Timestamp(s)
    except (ValueError, TypeError):
        return None
    if ts is pd.NaT:
        return None
    return ts.tz_localize(None) if ts.tzinfo else ts


def _plausible(ts: pd.Timestamp | None) -> bool:
    return ts is not None and 1990 <= ts.year <= pd.Timestamp.now().year + 1


def _after_headline(tree, title: str, limit: int = 300):
    """Each run of visible texts that follows an occurrence of the headline, up to `limit` characters."""
    key = _key(title)
    if not key:
        return
    texts = [t for t in (" ".join(t.split()) for t in tree.xpath(_VISIBLE_TEXT)) if t]
    for i in range(len(texts)):
        acc, end = "", None
        for j in range(i, min(i + 8, len(texts))):  # the headline may be split over inline tags
            acc += _key(texts[j])
            if acc == key or (len(acc) >= 6 and j == i and key.startswith(acc) and len(acc) >= len(key) - 2):
                end = j
                break
            if not key.startswith(acc):
                break
        if end is None:
            continue
        window, size = [], 0
        for nxt in texts[end + 1:]:
            window.append(nxt)
            size += len(nxt)
            if size > limit:
                break
        yield window


def headline_date(tree, title: str) -> pd.Timestamp | None:
    """The date printed under the headline: the first date within 300 characters after the title.

    News pages print the publication date in the line under the headline; a date elsewhere on
    the page (a clock in the nav bar, related stories, the footer) is not the article's.
    """
    for window in _after_headline(tree, title):
        m = _DATE_IN_TEXT.search(unicodedata.normalize("NFKC", " ".join(window)))
        if m:
            ts = _to_timestamp(m.group(0))
            if _plausible(ts):
                return ts
    return None


def headline_subtitle(tree, title: str) -> str:
    """A subtitle (——…) printed right under the headline, without its dashes; '' when none."""
    for window in _after_headline(tree, title, limit=100):
        for text in window[:3]:
            s = unicodedata.normalize("NFKC", text).strip()
            if s.startswith("——") and len(s) <= 60 and not ends_sentence(s):
                return s.lstrip("—").strip()
    return ""


def _meta_date(tree) -> pd.Timestamp | None:
    from gne.defaults import PUBLISH_TIME_META

    for xpath in PUBLISH_TIME_META:
        values = tree.xpath(xpath)
        if values:
            ts = _to_timestamp(values[0])
            if _plausible(ts):
                return ts
    return None


def _source_label(tree) -> str:
    """The 来源:… label of the headline block (the outlet the article came from)."""
    text = unicodedata.normalize("NFKC", " ".join(tree.xpath(_VISIBLE_TEXT)))
    m = re.search(r"来源\s*:\s*([^\s|/:]{2,30})", text)
    return m.group(1) if m else ""

