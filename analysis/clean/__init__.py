"""Cleaning: one small named function per rule, applied in a fixed order, each logging what it removed.

The order (``RULE_ORDER``) is part of the contract, because later rules rely on earlier ones:

 1. normalise         NFKC (full-width → ASCII punctuation, NBSP → space), CRLF/CR → LF; zero-width, bidi and
                      control characters (NUL) and marks of undecodable bytes (U+FFFD) out, each logged
 2. strip_pinyin      a Latin pinyin syllable in parentheses glued after a character: 頁(yè) → 頁
 3. corrections       repairs listed in the lexicon's corrections.csv (mojibake...), each with its reason
 4. to_simplified     traditional paragraphs only: OpenCC tw2s (t2s + variant characters, particle 著 → 着
                      but 著 kept in words the dictionary knows, 土著), and 「」『』 → “”‘’
 5. related_list      everything from a 相关焦点 / 相关阅读 ... line to the end (other articles)
 6. chrome patterns   line patterns from the lexicon's chrome.csv (breadcrumbs, 分享到, 更多, URL, 编辑, 关键词, menus)
 7. header            title, subtitle (——…), author line, date/source line, 原标题 → metadata
 7b. dateline         an outlet credit closed by a colon before the first sentence (央视网消息(新闻联播):,
                      本报讯:): who sent the story, not what it says; datelines run into the sentence stay
 8. repeated_title    body lines that repeat the title (image alt text)
 9. numbered_caption  a bare photo number line (1, 2, …) and the caption line after it
10. marked_caption    ▲ / △ / 图为 caption lines
11. signoff           a closing date line and the issuing office on the line above it
12. split_headings    a heading glued before or after a paragraph is put on its own line (nothing removed)

Every rule returns what it removed; `clean_document` collects those as audit rows
(doc_id, step, rule, removed, replacement). Nothing else is dropped: blank lines only.

Where things are: characters.py (rules 1-4), lines.py (rules 5-6 and 7b-12), header.py (rule 7); the pipeline
that runs them in order is here. The audit of a whole load is `analysis.corpus.cleaning_audit`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..lexicon import LEXICON_DIR, chrome_patterns, corrections, read_commented_csv  # noqa: F401 (re-exported)
from .characters import _opencc, apply_corrections, is_pinyin_syllable, normalise, strip_pinyin, to_simplified  # noqa: F401
from .header import parse_meta_line, split_header  # noqa: F401 (re-exported)
from .lines import (  # noqa: F401
    _anchored_throughout,
    _any_chrome,
    dateline,
    drop_pattern,
    ends_sentence,
    marked_caption,
    numbered_caption,
    related_list,
    repeated_title,
    signoff,
    split_headings,
)

AUDIT_COLUMNS = ["doc_id", "step", "rule", "removed", "replacement"]


@dataclass
class Cleaned:
    """The result of cleaning one document."""

    meta: dict = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    audit: list[dict] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def _log(audit: list, doc_id: str, rule: str, pairs, step: str | None = None) -> None:
    for removed, replacement in pairs:
        audit.append({"doc_id": doc_id, "step": RULE_STEP[step or rule], "rule": rule,
                      "removed": removed, "replacement": replacement})


RULE_ORDER = [
    "normalise", "strip_pinyin", "corrections", "to_simplified", "related_list", "chrome",
    "header", "dateline", "repeated_title", "numbered_caption", "marked_caption", "signoff", "split_headings",
]
RULE_STEP = {name: i for i, name in enumerate(RULE_ORDER, start=1)}


def character_rules(text: str, doc_id: str = "") -> tuple[str, list[tuple[str, list]]]:
    """The character-level rules, in RULE_ORDER: normalise, strip_pinyin, corrections (those for every
    file and those for `doc_id`), to_simplified. Returns the text and [(rule, audit pairs)]."""
    logs = []
    for rule, fn in (("normalise", normalise), ("strip_pinyin", strip_pinyin),
                     ("corrections", lambda t: apply_corrections(t, doc_id)), ("to_simplified", to_simplified)):
        text, pairs = fn(text)
        logs.append((rule, pairs))
    return text, logs


def clean_document(raw: str, doc_id: str = "", header: bool = True, title: str = "") -> Cleaned:
    """Run every rule in RULE_ORDER on one file's text; with header=False the text is a body already
    (a table's text field, a page's extracted body) and `title` is the title known from elsewhere."""
    out = Cleaned()
    if title:
        out.meta["title"] = title
    audit = out.audit
    text, logs = character_rules(raw, doc_id)
    for rule, pairs in logs:
        _log(audit, doc_id, rule, pairs)

    lines = [line.strip() for line in text.split("\n") if line.strip()]
    lines, pairs = related_list(lines)
    _log(audit, doc_id, "related_list", pairs)
    joined = "\n".join(lines)
    if any(rx.search(joined) for rx in _any_chrome()):  # one or two searches spare most articles the per-rule passes
        for name, pattern in chrome_patterns():
            lines, pairs = drop_pattern(lines, pattern)
            _log(audit, doc_id, name, pairs, step="chrome")
    if header:
        out.meta, lines, removed = split_header(lines)
        for rule, line, replacement in removed:
            _log(audit, doc_id, rule, [(line, replacement)], step="header")
    lines, pairs = dateline(lines)
    _log(audit, doc_id, "dateline", pairs)
    lines, pairs = repeated_title(lines, out.meta.get("title", ""))
    _log(audit, doc_id, "repeated_title", pairs)
    for rule, fn in (("numbered_caption", numbered_caption), ("marked_caption", marked_caption),
                     ("signoff", signoff), ("split_headings", split_headings)):
        lines, pairs = fn(lines)
        _log(audit, doc_id, rule, pairs)
    out.lines = lines
    return out


def clean_field(value: str, doc_id: str = "") -> str:
    """A title or subtitle given by a page or a table, written like the text: the character-level rules
    (`character_rules`: NFKC, invisible characters, pinyin glued after characters, corrections,
    simplified script), on one line, stripped. A .txt file's title is a line of its text and gets them there."""
    value, _ = character_rules(value, doc_id)
    return " ".join(value.split())


def clean_text(text: str, doc_id: str = "") -> str:
    """Clean a body that has no header (every rule but the header split); idempotent on clean text."""
    return clean_document(text, doc_id, header=False).text

