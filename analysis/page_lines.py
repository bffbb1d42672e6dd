"""Saved web pages, body lines: the headline block above the body and the page's end below it.

Part of `analysis.pages`. The extractor gives the body as lines; the headline block (title again,
date/source lines, tool bars) is cut from the top and everything from an end-of-article line on
(editor credit, related list, comment box: data/lexicon/page_chrome.csv kind `end`) from the bottom.
"""
from __future__ import annotations

import re
import unicodedata

from .clean import ends_sentence
from .lexicon import page_rules
from .page_meta import _CJK_RE, _DATE_IN_TEXT, _key, _t2s

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


def rules(kind: str) -> tuple:
    """The compiled page_chrome.csv rules of one kind, read again when the file changes (page_rules keeps them
    per content)."""
    return page_rules()[kind]


def _rule_text(line: str) -> str:
    """A line as the rules see it: NFKC, stripped, simplified script (the rules are written in it)."""
    return _t2s().convert(unicodedata.normalize("NFKC", line).strip())


_CRUMB_SEP = re.compile(r"\s*(?:>>|>|»|›|→)\s*")
_CRUMB_ROOT = re.compile(r"^(网站)?(首页|主页|正文|home|Home|HOME)$")


def is_breadcrumb(line: str) -> bool:
    """A navigation path: short segments between > / » / › (首页 > 新闻中心 > 正文), no sentence."""
    s = unicodedata.normalize("NFKC", line).strip()
    parts = [p for p in _CRUMB_SEP.split(s) if p]
    if len(parts) < 2 or len(parts) > 8 or len(_CRUMB_SEP.findall(s)) < len(parts) - 1:
        return False
    if any(len(p) > 16 or re.search(r"[,。!?;]", p) for p in parts[:-1]):
        return False
    if len(parts[-1]) > (60 if _CRUMB_ROOT.match(parts[0]) else 16):  # … > 正文 title
        return False
    return len(parts) >= 3 or any(_CRUMB_ROOT.match(p) for p in parts)


def is_chrome_line(line: str, line_rules=None) -> bool:
    """A whole line of page furniture wherever it stands: breadcrumb, 返回首页, tool bar, share bar,
    QR prompt (page_chrome.csv kind `line`)."""
    s = _rule_text(line)
    return is_breadcrumb(s) or any(r.search(s) for r in (line_rules if line_rules is not None else rules("line")))


def is_end_line(line: str, end_rules=None) -> bool:
    """A line at which the article ends: editor credit, related list, comment box, copyright footer
    (page_chrome.csv kind `end`)."""
    s = _rule_text(line)
    return any(r.search(s) for r in (end_rules if end_rules is not None else rules("end")))


# a 'return to the home page' link run into the last paragraph: 返回腾讯网首页>>
_RETURN_LINK = re.compile(r"\s*[【\[]?返回[^\s,。,.!?!?]{0,10}(首页|主页)[】\]]?\s*(>>|»|>)?\s*$")


def trim_lines(lines: list[str], title: str = "", end_rules=None) -> list[str]:
    """Cut the headline block above the body, page-furniture lines anywhere, everything from an
    end-of-article line on, and date/source/counter lines left at the very end."""
    end_rules = end_rules if end_rules is not None else rules("end")
    lines = [_RETURN_LINK.sub("", line) for line in split_head(lines, title)[1] if not is_chrome_line(line)]
    for i, line in enumerate(lines):
        if is_end_line(line, end_rules):
            before = lines[:i]
            if any(ends_sentence(unicodedata.normalize("NFKC", b)) and len(b) >= 15 for b in before):
                lines = before
                break
    while lines and _is_meta_line(lines[-1]) and not _DATE_ONLY.match(unicodedata.normalize("NFKC", lines[-1])):
        lines = lines[:-1]
    return lines


# a closing date line (signoff) is left to the project's cleaning, which logs it
_DATE_ONLY = re.compile(r"^\s*\d{4}\s*(年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[-/.]\d{1,2}[-/.]\d{1,2})\s*$")

