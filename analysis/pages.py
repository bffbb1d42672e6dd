"""Saved web pages → article text and metadata.

`extract_page(data, name)` takes the bytes of one saved HTML page and returns the article body
(one paragraph per line, before the project's cleaning rules) with its title, date, author, site
name, URL and the encoding the bytes were decoded as. It combines two maintained extractors with
the project's own rules:

 1. decode     the bytes decide (byte-order mark, strict UTF-8, else charset-normalizer among the
               Chinese encodings); the page's meta charset is never trusted, many pages lie.
 2. prune      page chrome found through the DOM is removed before extraction: elements whose
               class/id names a comment box, related list, share bar, footer, login bar …
               (data/lexicon/page_chrome.csv, kind `element`) and link-dense blocks (link lists).
 3. body       trafilatura (high recall) extracts the main text from the pruned tree; gne is the
               fallback when trafilatura finds nothing.
 4. trim       the headline block above the body (title, date/source line, tool bar) and
               everything from an end-of-article line on (editor credit, 【纠错】, comment box,
               related list; page_chrome.csv kind `end`) are cut.
 5. metadata   title from gne (headline matched against <title>); date from the visible date line
               under the headline, else the page's publication-time meta tags, else gne, else
               trafilatura; author from gne or trafilatura; site name and URL from trafilatura.

`score_page(result, gold)` measures an extraction against a gold file of ../shared/html-pages
(body recall and precision over sentences, chrome left in, title and date right); the benchmark
and the tests share it.
"""
from __future__ import annotations

import copy
import re
import unicodedata
import warnings
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .clean import _opencc, ends_sentence, parse_meta_line, repeated_title
from .lexicon import PAGE_RULES_FILE, page_rules  # noqa: F401 (re-exported)
from .decoding import _BOMS, CorpusError


# Encodings Chinese pages come in when they are not UTF-8; GB18030 is a superset of GBK and GB2312.
_PAGE_ENCODINGS = ["gb18030", "big5", "utf_16_le", "utf_16_be", "big5hkscs"]
_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_VISIBLE_TEXT = "//body//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)]"
# Blocks whose link share decides whether they are a link list.
_BLOCK_TAGS = {"div", "ul", "ol", "dl", "table", "section", "aside", "p", "li", "td", "span", "nav"}
_DATE_IN_TEXT = re.compile(
    r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?"
    r"(?:\s*(\d{1,2})\s*[:时]\s*(\d{1,2})(?:\s*[:分]\s*(\d{1,2}))?)?"
)


# ---------------------------------------------------------------- rules


# ---------------------------------------------------------------- decoding


def decode_page(data: bytes, name: str = "<page>") -> tuple[str, str]:
    """Decode a page's bytes by what they are, not by what the meta tag claims; (text, encoding)."""
    if not data.strip():
        raise CorpusError(f"{name}: the file is empty")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise CorpusError(f"{name}: starts with a {enc} byte-order mark but does not decode ({exc})")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=_PAGE_ENCODINGS).best()
    if best is not None:
        return str(best), best.encoding
    # A UTF-8 page with a few broken bytes (a truncated save) is still a UTF-8 page.
    text = data.decode("utf-8", errors="replace")
    if text.count("\ufffd") <= max(3, len(text) // 1000):
        return text, "utf-8"
    kind = "a binary file" if b"\x00" in data else "not text in a known encoding"
    raise CorpusError(f"{name}: cannot be decoded: {kind} (tried UTF-8, GB18030/GBK, Big5, UTF-16)")


def _parse(html: str, name: str):
    import lxml.html

    html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html)  # lxml refuses a str with an encoding declaration
    try:
        tree = lxml.html.document_fromstring(html)
    except Exception as exc:  # lxml raises ParserError, ValueError … on pages that are not HTML
        raise CorpusError(f"{name}: not an HTML page ({exc})") from None
    # Broken markup can leave content beside <body>, or beside the root after a stray </html>
    # (libxml2 then keeps top-level siblings of the root): move it into <body>.
    body = tree.find("body")
    if body is not None:
        strays = [c for c in tree if c is not body and c.tag != "head" and isinstance(c.tag, str)]
        strays += [s for s in tree.itersiblings() if isinstance(s.tag, str)]
        strays += [s for s in tree.itersiblings(preceding=True) if isinstance(s.tag, str)]
        for stray in strays:
            if stray.tag == "html":  # a second document: its head and body contents
                for part in list(stray):
                    body.extend(list(part) if part.tag in ("head", "body") else [part])
            else:
                body.append(stray)
    return tree


# ---------------------------------------------------------------- DOM pruning


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



def _key(text: str) -> str:
    """Comparison key: NFKC, no whitespace or punctuation (script conversion left to callers)."""
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(c for c in text if unicodedata.category(c)[0] not in "PZSC")


_LABELS = re.compile(r"(来源|作者|发布时间|发布日期|更新时间|时间|日期|字号|编辑|浏览次数|阅读数|点击数|信息来源)\s*:")
_BULLET = re.compile(r"^[-•·]\s+")


def _is_meta_line(line: str) -> bool:
    """A date/source/author/counter line of the page (not of the article): short, labelled or dated."""
    s = unicodedata.normalize("NFKC", line).strip()
    if not s:
        return True
    if len(s) > 80 or ends_sentence(s):
        return False
    if _LABELS.search(s):
        return True
    if _DATE_IN_TEXT.search(s):  # a dated line is furniture when little else stands in it
        rest = _DATE_IN_TEXT.sub("", s)
        return len(_CJK_RE.findall(rest)) <= 12
    # hardly any Chinese: counters, bracketed tool buttons, stray numbers and share-site names
    return len(_CJK_RE.findall(s)) <= 1 and len(s) <= 20


def _is_head_line(line: str, title: str) -> bool:
    """A line of the headline block: the title again, 原标题, a date/source line, a tool bar."""
    s = unicodedata.normalize("NFKC", line).strip()
    k, t = _key(s), _key(title)
    # the title, one of the lines it is broken into, or the title followed by its date line
    if t and k and (k == t or (len(k) >= 4 and k in t) or k.startswith(t)):
        return True
    if re.match(r"^原标题\s*:", s) or (s.startswith("——") and len(s) <= 60 and not ends_sentence(s)):
        return True  # the original title, or a subtitle (——…) under the headline
    return _is_meta_line(s) or (len(s) <= 4 and not ends_sentence(s))


def split_head(lines: list[str], title: str = "") -> tuple[list[str], list[str]]:
    """(headline block, rest): the title again, subtitle, 原标题, date/source lines, tool bars on top.

    List bullets the extractor added ("- ") are removed first.
    """
    lines = [_BULLET.sub("", line.strip()) for line in lines if line.strip()]
    start = 0
    while start < len(lines) and start < 10:
        line = lines[start]
        after_label = start and unicodedata.normalize("NFKC", lines[start - 1]).rstrip().endswith(":")
        if not (_is_head_line(line, title) or (after_label and len(line) <= 30 and not ends_sentence(line))):
            break  # (a value on its own line after "来源:" still belongs to the headline block)
        start += 1
    return lines[:start], lines[start:]


def trim_lines(lines: list[str], title: str = "", rules=None) -> list[str]:
    """Cut the headline block above the body, everything from an end-of-article line on, and
    date/source/counter lines left at the very end."""
    rules = rules if rules is not None else page_rules()["end"]
    lines = split_head(lines, title)[1]
    for i, line in enumerate(lines):
        s = unicodedata.normalize("NFKC", line).strip()
        s = _opencc().convert(s)  # the rules are written in simplified script; a page may not be
        if any(r.search(s) for r in rules):
            before = lines[:i]
            if any(ends_sentence(unicodedata.normalize("NFKC", b)) and len(b) >= 15 for b in before):
                lines = before
                break
    while lines and _is_meta_line(lines[-1]) and not _DATE_ONLY.match(unicodedata.normalize("NFKC", lines[-1])):
        lines = lines[:-1]
    return lines


# a closing date line (signoff) is left to the project's cleaning, which logs it
_DATE_ONLY = re.compile(r"^\s*\d{4}\s*(年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[-/.]\d{1,2}[-/.]\d{1,2})\s*$")


# ---------------------------------------------------------------- metadata


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


def choose_title(tree, candidates: list[str]) -> str:
    """The first candidate headline that the page prints (visible text), else the first one given."""
    candidates = [c for c in candidates if c]
    for c in candidates:
        if any(True for _ in _after_headline(tree, c, limit=0)):
            return c
    return candidates[0] if candidates else ""


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


# ---------------------------------------------------------------- the extractor


def _gne(html: str) -> dict:
    from gne import GeneralNewsExtractor

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return GeneralNewsExtractor().extract(html)
    except Exception:  # gne fails on some malformed pages; the other extractor still runs
        return {}


def _trafilatura(tree) -> dict:
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            tree, with_metadata=True, include_comments=False, include_tables=True, favor_recall=True,
        )
    except Exception:
        return {}
    return doc.as_dict() if doc is not None and not isinstance(doc, dict) else (doc or {})


def extract_page(data: bytes, name: str = "<page>") -> dict:
    """One saved web page → article body and metadata.

    Returns a dict with `text` (body, one paragraph per line, not yet through the project's
    cleaning), `title`, `subtitle` (a ——… line under the headline), `date` (Timestamp or None), `author`, `source` (outlet or site name),
    `url`, `encoding` and `html` (the decoded page). Raises CorpusError naming `name` when the
    page holds no article body.
    """
    html, encoding = decode_page(data, name)
    tree = _parse(html, name)
    g = _gne(re.sub(r"^\s*<\?xml[^>]*\?>", "", html))
    title = (g.get("title") or "").strip()

    pruned = copy.deepcopy(tree)
    for el in pruned.xpath("//script|//style|//noscript|//template"):
        el.drop_tree()
    prune_chrome(pruned)
    keep_space_runs(pruned)
    t = _trafilatura(pruned)
    meta = _trafilatura(copy.deepcopy(tree)) if not t else t
    title = choose_title(tree, [title, (meta.get("title") or "").strip()])

    body = (t.get("text") or "").replace(_SPACES, "  ").split("\n")
    head = split_head(body, title)[0]
    subtitle = next((h.lstrip("—").strip() for h in head if h.startswith("——")), "")
    subtitle = subtitle or headline_subtitle(tree, title)
    lines = trim_lines(body, title)
    if sum(len(_CJK_RE.findall(line)) for line in lines) < 20:  # trafilatura found no article: try gne
        lines = trim_lines((g.get("content") or "").split("\n"), title)
    lines = repeated_title(lines, title)[0]  # the headline again in the body (image alt text)
    if sum(len(_CJK_RE.findall(line)) for line in lines) < 20:
        raise CorpusError(f"{name}: no article body found in the page (only page chrome or too little text)")

    date = headline_date(tree, title) or _meta_date(tree)
    if date is None:
        for candidate in (g.get("publish_time"), meta.get("date")):
            ts = _to_timestamp(candidate)
            if _plausible(ts):
                date = ts
                break
    author = (g.get("author") or meta.get("author") or "").strip()
    source = _source_label(tree) or (meta.get("sitename") or "").strip()
    return {
        "text": "\n".join(lines),
        "title": title,
        "subtitle": subtitle,
        "date": date,
        "author": author,
        "source": source,
        "url": (meta.get("url") or "").strip(),
        "encoding": encoding,
        "html": html,
    }


# ---------------------------------------------------------------- scoring against gold


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def compare_key(text: str) -> str:
    """What the gold comparison sees: NFKC, simplified script, no whitespace or punctuation."""
    return _key(_t2s().convert(unicodedata.normalize("NFKC", text or "")))


def sentences(text: str) -> list[str]:
    """Comparison keys of the sentences of `text` (split at 。!?; and line ends), empty ones dropped."""
    parts = re.split(r"[。!?;\n]+", unicodedata.normalize("NFKC", text or ""))
    return [k for k in (compare_key(p) for p in parts) if k]


def score_page(text: str, title: str, date, gold: dict) -> dict:
    """Measures of one extraction against a gold record of ../shared/html-pages.

    recall: share of gold body sentences found in the extracted text; precision: share of
    extracted sentences found in the gold body (0 when nothing was extracted); chrome: any
    `must_not_contain` string present; title_ok: same title; date_ok: same calendar day
    (None when the gold has no date). All compared after NFKC, traditional→simplified and
    removing whitespace and punctuation.
    """
    body_key, gold_key = compare_key(text), compare_key(gold["body"])
    gold_sents, got_sents = sentences(gold["body"]), sentences(text)
    recall = sum(s in body_key for s in gold_sents) / len(gold_sents) if gold_sents else 1.0
    precision = sum(s in gold_key for s in got_sents) / len(got_sents) if got_sents else 0.0
    chrome = any(compare_key(m) in body_key for m in gold.get("must_not_contain", []) if compare_key(m))
    title_ok = bool(title) and compare_key(title) == compare_key(gold.get("title") or "")
    date_ok = None
    if gold.get("date"):
        ts = _to_timestamp(date)
        date_ok = ts is not None and ts.strftime("%Y-%m-%d") == str(gold["date"])[:10]
    return {"recall": recall, "precision": precision, "chrome": chrome, "title_ok": title_ok, "date_ok": date_ok}
