"""The header of a .txt article: the title line and the lines under it (subtitle, author, date and source,
原标题) read into metadata and taken off the body (`split_header`); `parse_meta_line` reads one such line.
"""
from __future__ import annotations

import re

import pandas as pd

from ..decoding import CJK

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
    return len(line) <= 120 and bool(_DATE.search(line) or _LABEL.search(line))


def _is_author_line(line: str) -> bool:
    return bool(re.fullmatch(rf"[{CJK}]{{2,4}}(\s+[{CJK}]{{2,4}}){{0,3}}", line))


def split_header(lines: list[str]) -> tuple[dict, list[str], list]:
    """Title and the header lines under it → metadata; returns (meta, body lines, audit pairs).

    The first line is the title. Directly under it may come, in any order: a subtitle starting
    with ——, an author line (names only), the date/source line, and 原标题:…. The body starts at
    the first line that is none of these; once the date line is seen, only 原标题 may still follow.
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
    while i < len(lines) and i <= 6:
        s = lines[i].strip()
        if s.startswith("——") and not seen_meta:
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
            rule = "header_meta"
        elif _is_author_line(s) and not seen_meta:
            meta["author"] = _authors(s)
            rule = "header_author"
        else:
            break
        removed.append((rule, lines[i], ""))
        i += 1
    body = lines[i:]
    if "author" not in meta and body:  # lead byline "(刘权有)截至…": kept in the text, read as author
        m = re.match(rf"^\((?:记者|通讯员)?\s*([{CJK}]{{2,4}}(?:\s+[{CJK}]{{2,4}})*)\)", body[0].strip())
        if m:
            meta["author"] = _authors(m.group(1))
    return meta, body, removed

