"""The header of a .txt article: the title line and the lines under it (subtitle, author, date and source,
原标题) read into metadata and taken off the body (`split_header`); `parse_meta_line` reads one such line.
"""
from __future__ import annotations

import re

import pandas as pd

from ..decoding import CJK
from .lines import _DATELINE

_DATE = re.compile(
    r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})\s*日?"
    r"(?:\s*(\d{1,2}):(\d{2})(?::(\d{2}))?)?"
)
_URL = re.compile(r"https?://\S+|www\.\S+")
_LABEL = re.compile(r"(来源|作者|时间|发布时间|日期|记者|通讯员)\s*:\s*")
_ROLE_WORDS = re.compile(r"(通讯员|记者|实习生|摄影|文/|图/)")


def _labelled(line: str, label: str) -> str:
    m = re.search(rf"{label}\s*:\s*([^|]+?)\s*(?:\||$|\s{{2,}})", line)
    return m.group(1).strip() if m else ""


def _authors(value: str) -> str:
    names = [n for n in re.split(r"[\s,、,]+", _ROLE_WORDS.sub(" ", value)) if n]
    return "、".join(names)


def parse_meta_line(line: str) -> dict:
    """Date, time, source, author and URL from one header line of any of the known shapes."""
    meta = {}
    m = _DATE.search(line)
    if m:
        y, mo, d, hh, mm, ss = m.groups()
        meta["date"] = pd.Timestamp(int(y), int(mo), int(d), int(hh or 0), int(mm or 0), int(ss or 0))
    url = _URL.search(line)
    if url:
        meta["url"] = url.group(0)
    source = _labelled(line, "来源")
    author = _labelled(line, "作者")
    if not source:  # "2020-12-22 消费日报网": what is left once date, URL and labels are gone
        rest = _LABEL.sub(" ", _URL.sub(" ", _DATE.sub(" ", line)))
        rest = re.sub(r"[()|]", " ", rest).strip()
        if rest and not author:
            source = rest
    if source:
        meta["source"] = source
    if author:
        meta["author"] = _authors(author)
    return meta


def _is_meta_line(line: str) -> bool:
    """A header's date/source line in the shapes the seeds have (时间:2020-03-24   来源:2020年03期;
    2020年04月29日 19:54 | 作者:… | 来源:人民政协网; 2020-12-22 消费日报网; http://… (2022-09-09 11:30:43)
    来源:四川在线): a date or labels with short values, URLs, separators and at most a short source name
    besides. Never a sentence (。!?;), never an outlet's credit (央视网消息(新闻联播):…), whatever dates it holds."""
    if len(line) > 120 or re.search(r"[。!?;]", line) or _DATELINE.match(line):
        return False
    if not (_DATE.search(line) or _LABEL.search(line)):
        return False
    rest = _DATE.sub(" ", _URL.sub(" ", line))  # dates with their times (19:54) first
    labels = (r"(?:来源|稿源|出处|作者|文|记者|通讯员|实习生|摄影|图|编辑|责任编辑|责编|审核|时间|发布时间|发布日期"
              r"|更新时间|日期|发布|浏览|浏览次数|点击|点击数|阅读|阅读数|字号|供稿)")
    pair = rf"{labels}\s*:\s*([^|:]*?)\s*(?=\||\s{{2,}}|$|\s+{labels}\s*:)"
    for m in list(re.finditer(pair, rest))[::-1]:  # 来源:人民政协网; 作者:高峰 通讯员 刘海武; 浏览次数:123
        if len(m.group(1)) > 30:
            return False
        rest = rest[:m.start()] + " " + rest[m.end():]
    left = [w for w in re.split(r"[\s|()\[\]【】/]+", rest) if w]
    # what is left is at most one short name: the source of an unlabelled line (2020-12-22 消费日报网)
    return len(left) <= 1 and all(len(w) <= 16 and not re.search(r"[,、“”\"《》:]", w) for w in left)


def _is_author_line(line: str) -> bool:
    """Names only (张斯伟; 高峰 刘海武); counted as the header's only when the date/source line follows."""
    return bool(re.fullmatch(rf"[{CJK}]{{2,4}}(\s+[{CJK}]{{2,4}}){{0,3}}", line))


def split_header(lines: list[str]) -> tuple[dict, list[str], list]:
    """Title and the header lines under it → metadata; returns (meta, body lines, audit pairs).

    The first line is the title. Directly under it may come, in any order: a subtitle starting
    with ——, an author line (names only), the date/source line, and 原标题:…. The body starts at
    the first line that is none of these; once the date line is seen, only 原标题 may still follow.
    Lines are header lines only in these shapes (see `_is_meta_line`): a file that is a title and then
    its body (the way scrapers save news) keeps every body line, an outlet's credit with a date
    (央视网消息(新闻联播):2020年7月1日,…) included. An author line counts only above a date/source line:
    without one, a short line of names is no different from a second title or a heading, and stays.
    """
    meta: dict = {}
    removed: list[tuple[str, str, str]] = []
    lines = [line for line in lines if line.strip()]
    if not lines:
        return meta, [], removed
    meta["title"] = lines[0].strip()
    removed.append(("header_title", lines[0], ""))
    i = 1
    seen_meta = False
    author_at = None  # the first author line not yet confirmed by a date/source line under it
    while i < len(lines) and i <= 6:
        s = lines[i].strip()
        if s.startswith("——") and not seen_meta and len(s) <= 80 and not re.search(r"[。!?;]", s):
            meta["subtitle"] = s.lstrip("—").strip()
            rule = "header_subtitle"
        elif re.match(r"^原标题\s*:", s):
            original = re.sub(r"^原标题\s*:\s*", "", s)
            meta["original_title"] = original
            if "——" in original and "subtitle" not in meta:
                meta["subtitle"] = original.split("——", 1)[1].strip()
            rule = "header_original_title"
        elif _is_meta_line(s) and not seen_meta:
            meta.update({k: v for k, v in parse_meta_line(s).items() if k not in meta or k == "date"})
            seen_meta = True
            author_at = None
            rule = "header_meta"
        elif _is_author_line(s) and not seen_meta:
            meta["author"] = _authors(s)
            author_at = i if author_at is None else author_at
            rule = "header_author"
        else:
            break
        removed.append((rule, lines[i], ""))
        i += 1
    if author_at is not None:  # names with no date/source line under them: body text after all
        meta.pop("author", None)
        if any(rule == "header_subtitle" for rule, _, _ in removed[author_at:]):
            meta.pop("subtitle", None)
        removed, i = removed[:author_at], author_at  # removed[k] is line k's (the title's is 0)
    body = lines[i:]
    if "author" not in meta and body:  # lead byline "(刘权有)截至…": kept in the text, read as author
        m = re.match(rf"^\((?:记者|通讯员)?\s*([{CJK}]{{2,4}}(?:\s+[{CJK}]{{2,4}})*)\)", body[0].strip())
        if m:
            meta["author"] = _authors(m.group(1))
    return meta, body, removed

