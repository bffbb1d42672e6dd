"""Saved web pages, headline: which printed heading is the article's title.

Part of `analysis.pages`. gne's title (a heading that matches the page's <title>) is right on most
pages, but not where the <title> is only the site's name (gne then returns the site's name, which
the logo heading also prints), where it is empty and there is no <h1>, or where a subtitle
(——…) matches the <title> better than the headline. Then the headline is found by the page's
structure: among the headings above the article's first paragraph (h1-h4, or an element whose
class/id says title/biaoti), the one that is not the site's name, not a kicker or subtitle, that
the <title> or og:title contains, that a date line follows, an <h1> before an <h2>, and nearest
the article.

The site's name is what the page says it is: og:site_name and similar meta tags, the text of a
link to the site's home page (the logo), the owner named in the footer (版权所有, 主办), the
last part of a <title> split at - _ |.
"""
from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlparse

from .clean import ends_sentence
from .page_lines import _is_meta_line, is_chrome_line
from .page_meta import _DATE_IN_TEXT, _after_headline, _key

_HEADINGS = frozenset("h1 h2 h3 h4".split())
_TITLE_CLASS = re.compile(r"^(\w*title|titles|biaoti|bt|\w+_bt|headline|tit|timu|heading|h1)$")
_SITE_META = ("og:site_name", "sitename", "site_name", "application-name", "apple-mobile-web-app-title")
_ROOT = re.compile(r"^(?:\.{0,2}/?|/?index\.\w+|\.\./index\.\w+)$")
# where a <title> joins headline, column and site: _ | ｜, a dash between spaces, a hyphen between letters
_TITLE_SEP = re.compile(r"\s*[_|｜]\s*|\s+[-–—]\s+|(?<=[^\d\s-])-(?=[^\d\s-])")
_FOOTER_OWNER = (re.compile(r"版权所有\s*[::]?\s*(?:©\s*)?([^\s,，|:：;；。(（]{2,40})"),
                 re.compile(r"([^\s,，|:：;；。©]{2,40}?)\s*版权所有"),
                 re.compile(r"主办(?:单位)?\s*[::]\s*([^\s,，|:：;；。(（]{2,40})"))


def _text(el) -> str:
    return " ".join((el.text_content() or "").split())


def _meta(tree, names) -> list[str]:
    out = []
    for m in tree.iter("meta"):
        name = (m.get("property") or m.get("name") or m.get("itemprop") or "").lower()
        if name in names and (m.get("content") or "").strip():
            out.append(m.get("content").strip())
    return out


def site_names(tree) -> set[str]:
    """Keys of what the page names as its site (see the module docstring)."""
    names = set(_meta(tree, _SITE_META))
    for a in tree.iter("a"):
        href = (a.get("href") or "").strip()
        parsed = urlparse(href)
        if (href and _ROOT.match(href)) or (parsed.scheme in ("http", "https") and parsed.path in ("", "/")):
            names.add(_text(a))
            names.update(img.get("alt") or "" for img in a.iter("img"))
    texts = tree.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]")
    tail = unicodedata.normalize("NFKC", " ".join(" ".join(texts[-60:]).split()))
    for rx in _FOOTER_OWNER:
        names.update(m.group(1) for m in rx.finditer(tail))
    title = " ".join(tree.xpath("//title//text()")).strip()
    parts = [p for p in _TITLE_SEP.split(title) if p]
    if len(parts) >= 2 and len(parts[-1]) <= 20 and len(parts[-1]) < len(parts[0]):
        names.add(parts[-1])  # headline_column_site; a site named first (人民网 - 标题) is left alone
    return {k for k in (_key(n) for n in names) if len(k) >= 2}


def is_site_name(text: str, sites: set[str]) -> bool:
    k = _key(text)
    return bool(k) and any(k == s or (len(k) <= 20 and k in s) for s in sites)


def _kicker(text: str) -> bool:
    """A subtitle (——…) or a kicker above the headline (…——)."""
    s = unicodedata.normalize("NFKC", text).strip()
    return s.startswith(("—", "-")) or s.endswith(("—", "-"))


def _references(tree) -> list[str]:
    """Keys of the titles the page declares: <title>, its parts, og:title and similar meta tags."""
    refs = [" ".join(tree.xpath("//title//text()")).strip()]
    refs += _meta(tree, ("og:title", "twitter:title", "articletitle", "title", "headline"))
    keys = [_key(r) for r in refs]
    for r in refs:
        keys += [_key(p) for p in _TITLE_SEP.split(r) if len(_key(p)) >= 4]
    return [k for k in keys if k]


def _title_class(el, levels: int = 2) -> bool:
    for _ in range(levels + 1):
        if el is None or not isinstance(el.tag, str):
            return False
        names = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
        toks = [t for t in re.split(r"[\s\-]+", names) if t]
        if any(_TITLE_CLASS.match(t) for t in toks) and not any(t.startswith("sub") for t in toks):
            return True
        el = el.getparent()
    return False


def headline_from_blocks(tree, blocks, first: int, sites: set[str] | None = None, reach: int = 40) -> str:
    """The headline among the text blocks above the article's first block `first` (see the module
    docstring); '' when no block there looks like one."""
    sites = site_names(tree) if sites is None else sites
    refs = _references(tree)
    best, best_score = "", None
    for j in range(max(0, first - reach), min(first, len(blocks))):
        b = blocks[j]
        text, k = b.text.strip(), b.key
        if not 4 <= len(k) <= 80 or b.link_share >= 0.5 or is_chrome_line(text) or _is_meta_line(text):
            continue
        if _kicker(text) or is_site_name(text, sites) or ends_sentence(unicodedata.normalize("NFKC", text)):
            continue
        heading = isinstance(b.owner.tag, str) and b.owner.tag in _HEADINGS
        titled = _title_class(b.owner)
        if not (heading or titled):
            continue
        score = 0.0
        if any(k == r or (len(k) >= 6 and k in r) or (len(r) >= 6 and r in k) for r in refs):
            score += 2
        if any(_DATE_IN_TEXT.search(unicodedata.normalize("NFKC", n.text)) for n in blocks[j + 1:j + 4]):
            score += 2  # the date line under the headline
        score += {"h1": 1.0, "h2": 0.5}.get(b.owner.tag, 0.0) + (0.5 if titled else 0.0)
        score -= 1 if len(k) <= 5 else 0  # a column label (政协要闻), not a headline
        if best_score is None or score >= best_score:
            best, best_score = text, score
    return best


def _printed(tree, title: str) -> bool:
    return any(True for _ in _after_headline(tree, title, limit=0))


def choose_title(tree, candidates: list[str], blocks=None, first: int | None = None) -> str:
    """The article's headline.

    The first candidate (gne's, then trafilatura's title) that the page prints, unless it is the
    site's name or a subtitle/kicker; otherwise the headline found among the headings above the
    article (`blocks`, `first`: the page's text blocks and the index of the article's first one);
    else the longest part of the <title> that is not the site's name; else the first candidate.
    """
    candidates = [c.strip() for c in candidates if c and c.strip()]
    sites = site_names(tree)
    for c in candidates:
        if _printed(tree, c) and not is_site_name(c, sites) and not _kicker(c):
            return c
    if blocks is not None and first is not None:
        found = headline_from_blocks(tree, blocks, first, sites)
        if found:
            return found
    title = " ".join(tree.xpath("//title//text()")).strip()
    parts = [p for p in _TITLE_SEP.split(title) if len(_key(p)) >= 4 and not is_site_name(p, sites)]
    if parts:
        return max(parts, key=len)
    return candidates[0] if candidates else ""
