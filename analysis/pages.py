"""Saved web pages → article text and metadata.

`extract_page(data, name)` takes the bytes of one saved HTML page and returns the article body
(one paragraph per line, before the project's cleaning rules) with its title, date, author, site
name, URL and the encoding the bytes were decoded as. It combines two maintained extractors with
the project's own rules, one module per concern:

 1. decode     (here) the bytes decide (byte-order mark, strict UTF-8, else charset-normalizer among
               the Chinese encodings); the page's meta charset is never trusted, many pages lie.
 2. prune      (page_dom) page chrome found through the DOM is removed before extraction: elements
               whose class/id names a comment box, related list, share bar, footer, login bar …
               (data/lexicon/page_chrome.csv, kind `element`) and link-dense blocks (link lists).
 3. body       trafilatura (high recall) extracts the main text from the pruned tree, gne when
               trafilatura finds nothing; (page_body) its paragraphs are found among the page's text
               blocks, and what it left out of the same article is put back: captions, list items and
               subheads between its paragraphs, and the article's other containers nearby (an appended
               list, a second half, an e-paper body around a photo), up to a link list or an end line.
 4. trim       (page_lines) the headline block above the body (title, date/source line, tool bar),
               lines of page furniture anywhere (breadcrumb, 返回首页, tool bar; kind `line`), and
               everything from an end-of-article line on (editor credit, related list, comment box,
               copyright and ICP footer; kind `end`) are cut.
 5. metadata   (page_title) the title is gne's headline unless that is the site's name, empty or a
               subtitle; then the heading above the article's first sentence that the <title> names
               and a date line follows. (page_meta) The date is the visible date line under the
               headline, else the page's publication-time meta tags, else gne, else trafilatura;
               author from gne or trafilatura; site name and URL from trafilatura.

`score_page(result, gold)` (page_score) measures an extraction against a gold file of
../shared/html-pages (body recall and precision over sentences, chrome left in, title and date
right); the benchmark and the tests share it.
"""
from __future__ import annotations

import copy
import re
import warnings

from .clean import repeated_title
from .decoding import _BOMS, CorpusError
from .lexicon import PAGE_RULES_FILE, page_rules  # noqa: F401 (re-exported)
from .page_body import body_blocks, is_sentence_block, text_blocks
from .page_dom import _SPACES, keep_space_runs, prune_chrome
from .page_lines import _is_head_line, _is_meta_line, split_head, trim_lines  # noqa: F401 (re-exported)
from .page_meta import (  # noqa: F401 (re-exported)
    _CJK_RE,
    _DATE_IN_TEXT,
    _key,
    _meta_date,
    _plausible,
    _source_label,
    _to_timestamp,
    headline_date,
    headline_subtitle,
)
from .page_score import compare_key, score_page, sentences  # noqa: F401 (re-exported)
from .page_title import choose_title, site_names  # noqa: F401 (re-exported)

# Encodings Chinese pages come in when they are not UTF-8; GB18030 is a superset of GBK and GB2312.
_PAGE_ENCODINGS = ["gb18030", "big5", "utf_16_le", "utf_16_be", "big5hkscs"]


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
                raise CorpusError(f"{name}: starts with a {enc} byte-order mark but does not decode ({exc})") from exc
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


def _enough(chosen) -> bool:
    """The blocks found hold an article's worth of Chinese text (20 characters or more)."""
    return bool(chosen) and sum(b.cjk for b in chosen) >= 20


def extract_page(data: bytes, name: str = "<page>") -> dict:
    """One saved web page → article body and metadata.

    Returns a dict with `text` (body, one paragraph per line, not yet through the project's
    cleaning), `title`, `subtitle` (a ——… line under the headline), `date` (Timestamp or None), `author`,
    `source` (outlet or site name), `url`, `encoding` and `html` (the decoded page). Raises CorpusError
    naming `name` when the page holds no article body.
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

    # the extractor's paragraphs located among the page's text blocks, the rest of the article added
    blocks = text_blocks(pruned.find("body") if pruned.find("body") is not None else pruned)
    chosen, raw = None, []
    for lines in ((t.get("text") or "").split("\n"), (g.get("content") or "").split("\n")):
        chosen = body_blocks(lines, blocks)  # trafilatura's article, else gne's
        if _enough(chosen):
            break
        if not raw and sum(len(_CJK_RE.findall(line)) for line in trim_lines(lines)) >= 20:
            raw = lines  # found, though not among the page's blocks: the extractor's own lines
        chosen = None
    # the article's first sentence: its headline is printed above it
    opening = next((b for b in chosen if is_sentence_block(b)), None) if chosen else None
    first = next((j for j, b in enumerate(blocks) if b is opening), None)
    title = choose_title(tree, [title, (meta.get("title") or "").strip()], blocks, first)

    head = split_head([line.replace(_SPACES, "  ") for line in (t.get("text") or "").split("\n")], title)[0]
    subtitle = next((h.lstrip("—").strip() for h in head if h.startswith("——")), "")
    subtitle = subtitle or headline_subtitle(tree, title)
    lines = [b.text for b in chosen] if chosen else raw
    lines = trim_lines([line.replace(_SPACES, "  ") for line in lines], title)
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


