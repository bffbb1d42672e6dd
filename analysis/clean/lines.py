"""The line-level cleaning rules: each takes a list of lines and returns (kept lines, [(removed, replacement)]).
Related-article lists, chrome lines (chrome.csv), datelines, repeated titles, photo captions, sign-offs, and
headings glued to a paragraph.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ..decoding import CJK
from ..lexicon import chrome_patterns


def _anchored_throughout(pattern: str) -> bool:
    """Does `pattern` start with ^ that holds for all of it, i.e. no | outside parentheses?"""
    if not pattern.startswith("^"):
        return False
    depth, in_class, escaped = 0, False, False
    rest = pattern[1:]
    for k, ch in enumerate(rest):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:  # a "]" right after "[" or "[^" is a member, not the end of the class
            opened = rest[k - 1] == "[" or (rest[k - 1] == "^" and k >= 2 and rest[k - 2] == "[")
            in_class = ch != "]" or opened
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return False
    return True


def _any_chrome(path: Path | None = None) -> tuple[re.Pattern, ...]:
    """Every chrome pattern in at most two expressions over the article's lines: does any line match
    any rule? The patterns anchored at a line start share one ^ (a tenth of the time of putting each
    behind its own ^ in one alternation); the others are searched as they are. Kept per set of rules
    (chrome_patterns reads chrome.csv again when it changes)."""
    return _prefilter(chrome_patterns(path))


@lru_cache(maxsize=8)
def _prefilter(rules: tuple[tuple[str, re.Pattern], ...]) -> tuple[re.Pattern, ...]:
    anchored, rest = [], []
    for _, p in rules:
        if _anchored_throughout(p.pattern):
            anchored.append(p.pattern[1:])
        else:
            rest.append(p.pattern)
    out = []
    if anchored:
        out.append(re.compile("^(?:" + "|".join(f"(?:{p})" for p in anchored) + ")", re.M))
    if rest:
        out.append(re.compile("|".join(f"(?:{p})" for p in rest), re.M))
    return tuple(out)


# Each takes a list of lines and returns (kept lines, list of (removed, replacement)).

_RELATED = re.compile(r"^(相关焦点|相关阅读|相关新闻|相关文章|延伸阅读|推荐阅读|相关链接)\s*:?$")


def related_list(lines: list[str]) -> tuple[list[str], list]:
    """Drop a related-articles list: the marker line and everything after it."""
    for i, line in enumerate(lines):
        if _RELATED.match(line.strip()):
            return lines[:i], [(line, "") for line in lines[i:] if line.strip()]
    return lines, []


def drop_pattern(lines: list[str], pattern: re.Pattern) -> tuple[list[str], list]:
    """Drop whole lines matching one chrome pattern."""
    kept, removed = [], []
    for line in lines:
        (removed.append((line, "")) if pattern.search(line.strip()) else kept.append(line))
    return kept, removed


def repeated_title(lines: list[str], title: str) -> tuple[list[str], list]:
    """Drop body lines that only repeat the title (image alt text, print headers)."""
    key = "".join((title or "").split())  # whitespace removed (str.split and re's \s: the same characters)
    if not key:
        return lines, []
    kept, removed = [], []
    for line in lines:
        (removed.append((line, "")) if len(line) >= len(key) and "".join(line.split()) == key else kept.append(line))
    return kept, removed


# An outlet's credit closed by a colon before the first sentence: 央视网消息(新闻联播):, 本报讯:, XX网消息:.
# Only the colon form: a dateline run into the sentence (新华社北京3月1日电 记者…, 人民政协网北京4月29日电 …)
# is part of the lead as Chinese news writes it, and reference texts of news pages keep it.
_DATELINE = re.compile(r"^(?:本报|本刊|[\u4e00-\u9fff]{1,8}(?:网|社|报|台|客户端))[^,。:!?;\s]{0,16}?"
                       r"(?:电|讯|消息)(?:\([^)]{0,30}\))?:\s*")


def dateline(lines: list[str]) -> tuple[list[str], list]:
    """Drop an outlet credit closed by a colon in front of the first body line (央视网消息(新闻联播):)."""
    if not lines:
        return lines, []
    m = _DATELINE.match(lines[0])
    if not m:
        return lines, []
    rest = lines[0][m.end():].strip()
    return ([rest] if rest else []) + lines[1:], [(m.group(0).strip(), "")]


_SENTENCE_END = re.compile(r"[。!?;…]$")
_CLOSERS = "”’\"')》」』"


def ends_sentence(line: str) -> bool:
    """True when the line ends like a sentence (。!?; or …), closing quotes aside."""
    return bool(_SENTENCE_END.search(line.rstrip().rstrip(_CLOSERS)))


_NUMBER_LINE = re.compile(r"^[^\S\n]*\d{1,2}[^\S\n]*$", re.M)  # a line that is a number once stripped


def numbered_caption(lines: list[str]) -> tuple[list[str], list]:
    """Drop a bare photo number line (1, 2, …) and the caption line right after it."""
    if not _NUMBER_LINE.search("\n".join(lines)):  # one search spares most articles the loop below
        return lines, []
    kept, removed, skip = [], [], False
    for i, line in enumerate(lines):
        s = line.strip()
        if skip:
            skip = False
            removed.append((line, ""))
            continue
        if re.fullmatch(r"\d{1,2}", s):
            removed.append((line, ""))
            nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
            skip = bool(nxt) and len(nxt) <= 60 and not ends_sentence(nxt) and "。" not in nxt
            continue
        kept.append(line)
    return kept, removed


_MARKED_CAPTION = re.compile(r"^([▲△▼]|图为|\(图为|图:|图片来源|摄影:)")


_CAPTION_MARKS = ("▲", "△", "▼", "图为", "图:", "图片来源", "摄影:")  # what _MARKED_CAPTION needs to match


def marked_caption(lines: list[str]) -> tuple[list[str], list]:
    """Drop photo captions marked with ▲ / △ or introduced by 图为 / 图:."""
    if not any(mark in line for line in lines for mark in _CAPTION_MARKS):
        return lines, []
    return drop_pattern(lines, _MARKED_CAPTION)


_DATE_ONLY = re.compile(r"^\d{4}\s*(年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[-/.]\d{1,2}[-/.]\d{1,2})$")


def signoff(lines: list[str]) -> tuple[list[str], list]:
    """Drop a closing date line and, above it, a short issuing-office line without punctuation."""
    if not lines or not _DATE_ONLY.match(lines[-1].strip()):
        return lines, []
    cut = len(lines) - 1
    above = lines[cut - 1].strip() if cut >= 1 else ""
    if above and len(above) <= 30 and not re.search(r"[,。!?;:、,]", above):
        cut -= 1
    return lines[:cut], [(line, "") for line in lines[cut:]]


# A heading of two balanced phrases ("社区结对共建 坚守防控一线") glued to a paragraph.
_HEAD = rf"[{CJK}“”]{{2,14}} [{CJK}“”]{{2,14}}"
_GLUED_BEFORE = re.compile(rf"^({_HEAD}) {{2,}}(\S.*)$")
_GLUED_AFTER = re.compile(rf"^(.*[。!?])({_HEAD})$")


def split_headings(lines: list[str]) -> tuple[list[str], list]:
    """Put a heading that the page glued to a paragraph on its own line; nothing is removed."""
    if not any(" " in line for line in lines):  # both patterns need a space between the heading's phrases
        return lines, []
    out, changes = [], []
    todo = list(reversed(lines))
    while todo:
        line = todo.pop()
        m = _GLUED_BEFORE.match(line) or _GLUED_AFTER.match(line)
        if m:
            first, second = m.group(1).strip(), m.group(2).strip()
            todo.extend([second, first])  # both parts are checked again: a line may hold two headings
            changes.append(("", f"split: {first[-30:]} | {second[:30]}"))
        else:
            out.append(line)
    return out, changes

