"""Saved web pages, body region: the extractor's paragraphs found among the page's text blocks,
and what it left out of the same article put back.

Part of `analysis.pages`. An extractor such as trafilatura picks one container of the page as the
article. Real pages often split the article over several containers (a notice and its appended
list, an e-paper body around a photo table, a report in sections, a folded second half) or
interleave it with photos and captions, and the extractor then keeps only a part. Here the page
(already pruned of chrome) is read as a sequence of text blocks in document order:

 1. locate    the extractor's lines are found among the blocks; the run of blocks between the
              first and the last located sentence is the core of the article.
 2. fill      every block inside the core is kept unless it is chrome (a link list, a line of
              page furniture): captions, list items, table rows, subheads the extractor dropped.
 3. extend    after the core, blocks of the same part of the page (the core's container and two
              levels above it) are added while they read like the article, up to a barrier: a
              link list, an end-of-article line (editor credit, related list, copyright), page
              furniture; short non-link lines (an appended list, a signature) come along when an
              article sentence or the end of that part of the page follows them. Before the core
              only whole sentences are added, and not across a headline or a summary box.

Structure decides, never a site's names: text density (characters, sentence punctuation), link
density, the container the blocks share, and the line rules of data/lexicon/page_chrome.csv.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

from .clean import ends_sentence
from .page_lines import is_chrome_line, is_end_line
from .page_meta import _CJK_RE, _key

# Elements that start a new block of text; everything else is inline.
BLOCK_LEVEL = frozenset(
    "address article aside blockquote body center dd details dialog dir div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main menu nav ol p pre section summary "
    "table tbody thead tfoot tr td th caption ul".split()
)
_SKIP = frozenset("script style noscript template select option textarea button iframe object embed svg".split())
_CELLS = ("td", "th")
_HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
# A summary box above the article (摘要, 划重点, 导读 …): not part of the body a reader keeps.
_SUMMARY = re.compile(r"^[【\[(]?\s*(摘要|内容摘要|内容提要|提要|划重点|核心提示|导读)\s*[】\])]?\s*[:：]?")


@dataclass
class Block:
    """A run of text between block boundaries: its text, link characters and owning element."""

    text: str
    links: int
    owner: object
    key: str = ""
    cjk: int = 0

    @property
    def link_share(self) -> float:
        n = len(re.sub(r"\s+", "", self.text))
        return self.links / n if n else 0.0


def _plain_cell(el) -> bool:
    """A table cell holding only inline content: part of its row, not a container of its own."""
    return not any(isinstance(d.tag, str) and d.tag in BLOCK_LEVEL and d.tag != "br" for d in el.iterdescendants())


def _lone_cell(el) -> bool:
    """The only cell of its row: a block of its own (a layout table's headline or date cell)."""
    row = el.getparent()
    return row is not None and sum(1 for c in row if isinstance(c.tag, str) and c.tag in _CELLS) == 1


def text_blocks(root) -> list[Block]:
    """The visible text of `root` as blocks in document order (<br> and block elements split them;
    the plain cells of a table row make one block, joined by spaces)."""
    blocks: list[Block] = []
    parts: list[str] = []
    links = [0]

    def add(text: str, in_link: bool) -> None:
        parts.append(text)
        if in_link:
            links[0] += len(re.sub(r"\s+", "", text))

    def flush(owner) -> None:
        text = " ".join("".join(parts).split())
        parts.clear()
        if text:
            blocks.append(Block(text, links[0], owner))
        links[0] = 0

    # a walk with an explicit stack (no recursion limit on deep pages): enter an element, its
    # children, then leave it; its tail text belongs to the enclosing block
    stack: list[tuple] = [("enter", root, root, False)]
    while stack:
        step, el, owner, in_link, *kind = stack.pop()
        if step == "leave":
            if kind[0] == "block":
                flush(el)
            elif kind[0] == "cell":
                parts.append(" ")
            if el.tail and el is not root:
                add(el.tail, in_link)
            continue
        tag = el.tag if isinstance(el.tag, str) else None
        inner_owner, inner_link = owner, in_link
        if tag is None or tag in _SKIP:
            what = "skip"
        elif tag in ("br", "hr"):
            flush(owner)
            what = "skip"
        elif tag in _CELLS and _plain_cell(el) and not _lone_cell(el):
            parts.append(" ")
            what = "cell"
        elif tag in BLOCK_LEVEL:
            flush(owner)
            what, inner_owner = "block", el
        else:
            what, inner_link = "inline", in_link or tag == "a"
        stack.append(("leave", el, owner, in_link, what))
        if what != "skip":
            if el.text:
                add(el.text, inner_link)
            stack.extend(("enter", child, inner_owner, inner_link) for child in reversed(el))

    for b in blocks:
        b.key = _key(b.text)
        b.cjk = len(_CJK_RE.findall(b.text))
    return blocks


# ---------------------------------------------------------------- kinds of block


def is_sentence_block(b: Block, strict: bool = False) -> bool:
    """Reads like article text: Chinese with sentence or clause punctuation, few link characters."""
    if b.link_share >= 0.3 or b.cjk < 10:
        return False
    s = unicodedata.normalize("NFKC", b.text)
    if strict:
        return b.cjk >= 25 and ends_sentence(s)
    return ends_sentence(s) or len(re.findall(r"[,、;:]", s)) >= 2 or b.cjk >= 40


def is_chrome_block(b: Block) -> bool:
    """Page furniture: mostly link text, or a line of page chrome (breadcrumb, 返回首页, share bar …)."""
    return b.link_share >= 0.5 or is_chrome_line(b.text)


def _stray(b: Block) -> bool:
    """Not article text though inside the article's run: chrome, or a partly linked line that is no
    sentence (a list item: a linked title with its date or source)."""
    return is_chrome_block(b) or (b.link_share >= 0.25 and not ends_sentence(unicodedata.normalize("NFKC", b.text)))


def _barrier(b: Block) -> bool:
    """Where the article ends: a link list, an end-of-article line or page furniture."""
    return is_chrome_block(b) or is_end_line(b.text)


# ---------------------------------------------------------------- the region


def locate(lines: list[str], blocks: list[Block], min_key: int = 8, window: int = 400) -> dict[int, int]:
    """Blocks holding each extracted line, in order: {block index: characters of extracted text in it}.

    Lines of `min_key` or more characters are searched in the page's text in their order; shorter
    lines (a subhead, a salutation, a date) only between their located neighbours, or within
    `window` characters before the first one and after the last one.
    """
    starts, pos = [], 0
    for b in blocks:
        starts.append(pos)
        pos += len(b.key)
    text = "".join(b.key for b in blocks)
    keys = [_key(line) for line in lines]
    spans: list[tuple[int, int] | None] = [None] * len(keys)
    at = 0
    for n, k in enumerate(keys):
        if len(k) >= min_key:
            i = text.find(k, at)
            i = text.find(k) if i < 0 else i
            if i >= 0:
                spans[n], at = (i, i + len(k)), i + len(k)
    # a line found twice (a teaser above the article, then the article) is the copy nearest the next line
    for n in range(len(spans) - 2, -1, -1):
        if spans[n] and spans[n + 1] and spans[n][1] <= spans[n + 1][0]:
            i = text.rfind(keys[n], spans[n][0], spans[n + 1][0])
            spans[n] = (i, i + len(keys[n]))
    anchors = [s for s in spans if s]
    if not anchors:
        return {}
    at = max(0, anchors[0][0] - window)
    for n, k in enumerate(keys):
        if spans[n]:
            at = spans[n][1]
            continue
        if not k:
            continue
        nxt = next((s[0] for s in spans[n + 1:] if s), at + window)
        i = text.find(k, at, max(nxt, at))
        if i >= 0:
            spans[n], at = (i, i + len(k)), i + len(k)
    found: dict[int, int] = {}
    for span in spans:
        if not span:
            continue
        i, end = span
        for j in range(bisect_right(starts, i) - 1, bisect_right(starts, end - 1)):
            lo, hi = max(i, starts[j]), min(end, starts[j] + len(blocks[j].key))
            found[j] = found.get(j, 0) + max(0, hi - lo)
    return found


def _core(found: dict[int, int], blocks: list[Block], gap: int = 40) -> tuple[int, int, int] | None:
    """(first, last sentence, last) located block of the densest run of located text (runs split at
    gaps of `gap` blocks); None when no article sentence was located."""
    idx = sorted(j for j in found if found[j])
    if not idx:
        return None
    runs, run = [], [idx[0]]
    for j in idx[1:]:
        if j - run[-1] > gap:
            runs.append(run)
            run = []
        run.append(j)
    runs.append(run)
    best = max(runs, key=lambda r: sum(found[j] for j in r if is_sentence_block(blocks[j])))
    sentences = [j for j in best if is_sentence_block(blocks[j])]
    if not sentences:
        return None
    return best[0], sentences[-1], best[-1]


def _scope(blocks: list[Block], lo: int, hi: int, levels: int = 2):
    """The part of the page the article lives in: the core's common container and `levels` above it
    (never <body> or <html>, which hold the whole page)."""
    chains = []
    for b in blocks[lo:hi + 1]:
        chain, el = [], b.owner
        while el is not None:
            chain.append(el)
            el = el.getparent()
        chains.append(chain[::-1])
    common = None
    for nodes in zip(*chains):
        if all(n is nodes[0] for n in nodes):
            common = nodes[0]
        else:
            break
    scope = common
    for _ in range(levels):
        parent = scope.getparent() if scope is not None else None
        if parent is None or parent.tag in ("body", "html"):
            break
        scope = parent
    return scope


def _inside(el, scope) -> bool:
    while el is not None:
        if el is scope:
            return True
        el = el.getparent()
    return False


def body_blocks(lines: list[str], blocks: list[Block], max_pending: int = 3) -> list[Block] | None:
    """The blocks of the article: the located core filled in and extended (see the module docstring).
    None when the extracted lines cannot be found among the blocks."""
    found = locate(lines, blocks)
    core = _core(found, blocks)
    if core is None:
        return None
    lo, last_sentence, hi = core
    scope = _scope(blocks, lo, hi)
    keep = [j for j in range(lo, hi + 1) if not _stray(blocks[j]) and not _boxed(blocks, j, lo, hi)]
    # the extractor went past the article's end already: nothing more after it
    beyond = len(blocks) if any(_barrier(b) for b in blocks[last_sentence + 1:hi + 1]) else hi + 1

    # after the core: sentences, and short lines that an article sentence or the part's end follows
    pending: list[int] = []
    for j in range(beyond, len(blocks)):
        b = blocks[j]
        if not _inside(b.owner, scope):
            break
        if _barrier(b):
            break
        if is_sentence_block(b):
            keep += pending + [j]
            pending = []
        elif b.link_share < 0.1:
            pending.append(j)
            if len(pending) > max_pending and not _list_run([blocks[i] for i in pending]):
                pending = []
                break
        else:
            break
    while pending and _heading(blocks[pending[-1]]):  # the heading of a list that was pruned
        pending.pop()
    keep += pending

    # before the core: whole sentences only, across at most a caption or two, not a summary box
    # (marked 摘要/导读…, or in a container named summary/abstract…) nor a teaser repeating the article
    before, pending = [], []
    kept = "".join(blocks[j].key for j in keep)
    for j in range(lo - 1, -1, -1):
        b = blocks[j]
        if not _inside(b.owner, scope) or _barrier(b) or _SUMMARY.match(b.text.strip()):
            break
        if b.key in kept or _summary_box(b.owner, scope):
            break
        if _heading(b):
            break
        if is_sentence_block(b, strict=True):
            before += pending + [j]
            pending = []
        elif len(pending) < 2 and b.link_share < 0.1:
            pending.append(j)
        else:
            break
    return [blocks[j] for j in sorted(set(keep + before))]


_SUMMARY_CLASS = re.compile(r"^(summary|zhaiyao|abstract|digest|daodu|tiyao|desc|description)$")


def _summary_box(el, scope) -> bool:
    while el is not None and el is not scope:
        names = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
        if any(_SUMMARY_CLASS.match(t) for t in re.split(r"[\s_\-]+", names) if t):
            return True
        el = el.getparent()
    return False


def _boxed(blocks: list[Block], j: int, lo: int, hi: int) -> bool:
    """The heading of a box inside the article (相关阅读 over links that were pruned): an end-of-article
    line between two sentences of one container is not where the article ends."""
    if not is_end_line(blocks[j].text) or len(blocks[j].key) > 16:
        return False
    prev = next((blocks[i] for i in range(j - 1, lo - 1, -1) if is_sentence_block(blocks[i])), None)
    nxt = next((blocks[i] for i in range(j + 1, hi + 1) if not is_chrome_block(blocks[i])), None)
    return (prev is not None and nxt is not None and is_sentence_block(nxt)
            and prev.owner.getparent() is nxt.owner.getparent())


def _heading(b: Block) -> bool:
    return isinstance(b.owner.tag, str) and b.owner.tag in _HEADINGS


def _list_run(run: list[Block]) -> bool:
    """Lines of a list (names, units, items): short non-link lines none of which is page chrome."""
    return all(b.link_share < 0.1 and len(b.text) <= 120 and not is_chrome_line(b.text) for b in run)
