"""Cleaning: one small named function per rule, applied in a fixed order, each logging what it removed.

The order (``RULE_ORDER``) is part of the contract, because later rules rely on earlier ones:

 1. normalise         NFKC (full-width → ASCII punctuation, NBSP → space), CRLF/CR → LF; zero-width, bidi and
                      control characters (NUL) and marks of undecodable bytes (U+FFFD) out, each logged
 2. strip_pinyin      a Latin pinyin syllable in parentheses glued after a character: 頁(yè) → 頁
 3. corrections       repairs listed in data/lexicon/corrections.csv (mojibake...), each with its reason
 4. to_simplified     traditional paragraphs only: OpenCC tw2s (t2s + variant characters, particle 著 → 着
                      but 著 kept in words the dictionary knows, 土著), and 「」『』 → “”‘’
 5. related_list      everything from a 相关焦点 / 相关阅读 ... line to the end (other articles)
 6. chrome patterns   line patterns from data/lexicon/chrome.csv (breadcrumbs, 分享到, 更多, URL, 编辑, 关键词)
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
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .lexicon import LEXICON_DIR, chrome_patterns, corrections, read_commented_csv  # noqa: F401 (re-exported)

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
AUDIT_COLUMNS = ["doc_id", "step", "rule", "removed", "replacement"]


# ---------------------------------------------------------------- data files


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


@lru_cache(maxsize=8)
def _any_chrome(path: Path | None = None) -> tuple[re.Pattern, ...]:
    """Every chrome pattern in at most two expressions over the article's lines: does any line match
    any rule? The patterns anchored at a line start share one ^ (a tenth of the time of putting each
    behind its own ^ in one alternation); the others are searched as they are."""
    anchored, rest = [], []
    for _, p in chrome_patterns(path):
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


@lru_cache(maxsize=1)
def _opencc():
    import opencc

    # tw2s = OpenCC's t2s plus Taiwan variant characters: it turns the particle 著 into 着
    # (帶著 → 带着, 隨著 → 随着) while keeping 著名 and 顯著; plain t2s leaves 著 everywhere. On simplified
    # text it is wrong (显著 → 显着, 土著 → 土着): to_simplified gives it traditional paragraphs only.
    return opencc.OpenCC("tw2s")


@lru_cache(maxsize=None)
def _script_table(which: str):
    """"traditional"/"simplified": the characters only that script writes, as one class (those OpenCC's
    t2s, resp. s2t, changes, less the few both change; CJK and extension A); "zhu": jieba's dictionary
    frequencies of the two-character words with 著 or 着 (著名 9342, 土著 441; 随着 10614, 着手 1241)."""
    import opencc

    if which == "zhu":
        import jieba

        with jieba.get_dict_file() as f:
            found = re.findall(r"^(.[著着]|[著着].) (\d+)", f.read().decode("utf-8"), re.M)
        return {word: int(n) for word, n in found}
    if which in ("t2s", "s2t"):  # the characters the profile changes; one a line, so no phrase spans two
        chars = [chr(c) for c in [*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000)]]
        out = opencc.OpenCC(which).convert("\n".join(chars)).split("\n")
        return {c for c, o in zip(chars, out) if o != c}
    mine, other = ("t2s", "s2t") if which == "traditional" else ("s2t", "t2s")
    return re.compile("[" + "".join(sorted(_script_table(mine) - _script_table(other))) + "]")


# ---------------------------------------------------------------- character-level rules
# Each takes a text and returns (new text, list of (removed, replacement)).

# Characters that carry nothing readable: zero-width, bidi controls (U+202E can reverse a line on
# screen), soft hyphen, NUL and other C0 controls but tab and newline; U+FFFD marks bytes that did
# not decode (load_corpus replaces damaged bytes rather than losing the article).
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a-\u202e\u2066-\u2069\u00ad]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_UNDECODED = re.compile("\ufffd+")
_UNSEEN = re.compile(_INVISIBLE.pattern[:-1] + _CONTROL.pattern[1:])  # either class
_TRAILING_SPACE = re.compile(r"[^\S\n]+(?=\n|$)")
# The whitespace a text can still hold when normalise trims trailing space: NFKC has made the others
# a plain space, line ends are "\n", the control characters are gone. Most articles hold none of these,
# and a search for each is cheaper than the trimming pass.
_LEFT_SPACE = tuple(c for c in map(chr, range(0x10000)) if c.isspace() and c not in "\n\r"
                    and unicodedata.normalize("NFKC", c) == c and not _CONTROL.match(c))


@lru_cache(maxsize=1)
def _nfkc_changes() -> tuple[re.Pattern, dict]:
    """Every BMP character that NFKC rewrites, as a character class, and what each becomes: one C-level
    substitution pass does what unicodedata.normalize does per character, five times faster."""
    table = {}
    for c in range(0xA0, 0x10000):
        if not 0xD800 <= c < 0xE000 and unicodedata.normalize("NFKC", chr(c)) != chr(c):
            table[chr(c)] = unicodedata.normalize("NFKC", chr(c))
    return re.compile("[" + "".join(re.escape(c) for c in table) + "]"), table


def normalise(text: str) -> tuple[str, list]:
    """NFKC, unified line ends (CRLF and lone CR), invisible and control characters removed,
    undecodable-byte marks (U+FFFD) removed and logged with their offsets in the text as given (the
    `raw` column, where the marks still are), trailing spaces trimmed."""
    pairs = []
    damaged = [(m.start(), len(m.group())) for m in _UNDECODED.finditer(text)] if "\ufffd" in text else []
    n_cr = text.count("\r")
    pattern, table = _nfkc_changes()
    new = text.replace("\r\n", "\n").replace("\r", "\n")
    found = pattern.findall(new)
    n_nfkc = len(found)
    for char in set(found):  # one C-level replace per distinct character (a text has a few: ,:()), not a
        new = new.replace(char, table[char])  # Python call per occurrence; each maps to a fixed string
    if not unicodedata.is_normalized("NFKC", new):  # composition across characters, outside the BMP
        new = unicodedata.normalize("NFKC", new)
    unseen = ((_INVISIBLE, "zero-width, bidi-control or soft-hyphen characters removed"),
              (_CONTROL, "NUL or other control characters removed"))
    for pattern, what in unseen if _UNSEEN.search(new) else ():  # one pass finds out whether either is there
        found = pattern.findall(new)
        if found:
            codes = sorted({f"U+{ord(c):04X}" for c in found})
            pairs.append((f"{len(found)} {what} ({', '.join(codes[:6])})", ""))
            new = pattern.sub("", new)
    if damaged:
        where = ", ".join(str(pos) for pos, _ in damaged[:10]) + (" …" if len(damaged) > 10 else "")
        pairs.append((f"{sum(n for _, n in damaged)} undecodable byte(s) replaced and removed at character "
                      f"offset(s) {where} of the raw text", ""))
        new = _UNDECODED.sub("", new)
    if any(space in new for space in _LEFT_SPACE):
        new = _TRAILING_SPACE.sub("", new)
    if n_nfkc or n_cr:
        pairs.insert(0, (f"{n_nfkc + n_cr} characters normalised", ""))
    return new, pairs


_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńňǹḿ"
# "(" opens the pattern so the regex engine jumps from one "(" to the next; the character before it
# must be Chinese (checked in strip_pinyin: a lookbehind first would be tried at every position)
_PINYIN_GLUED = re.compile(rf"\(([a-z{_TONED}]{{1,6}})\)")
_CJK_CHAR = re.compile(f"[{CJK}]")
_SYLLABLE = re.compile(
    r"(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?"
    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|er|in|un|vn|ia|ie|iu|io"
    r"|ua|uo|ui|ue|ve|a|o|e|i|u|v)"
)


def is_pinyin_syllable(word: str) -> bool:
    """True for one pinyin syllable, with or without tone marks (yè, zhōng, lü, xie)."""
    base = "".join(c for c in unicodedata.normalize("NFD", word.lower()) if not unicodedata.combining(c))
    base = base.replace("u\u0308", "v").replace("ü", "v")
    return bool(_SYLLABLE.fullmatch(base)) or base in {"m", "n", "ng", "hm", "hng"}


def strip_pinyin(text: str) -> tuple[str, list]:
    """Remove a pinyin syllable in parentheses glued after a character; 鎮(鄉) and (劉權有) stay."""
    if "(" not in text:
        return text, []
    removed = []

    def repl(m: re.Match) -> str:
        at = m.start()
        if at and _CJK_CHAR.match(text, at - 1) and is_pinyin_syllable(m.group(1)):
            removed.append((m.group(0), ""))
            return ""
        return m.group(0)

    return _PINYIN_GLUED.sub(repl, text), removed


def apply_corrections(text: str, doc_id: str, rows=None) -> tuple[str, list]:
    """Apply the rows of corrections.csv that name this doc_id (or none); reason goes to the audit."""
    rows = corrections() if rows is None else rows
    removed = []
    for row in rows:
        if row.get("doc_id") and row["doc_id"] != doc_id:
            continue
        n = text.count(row["find"])
        if n:
            text = text.replace(row["find"], row["replace"])
            removed.extend([(row["find"], f"{row['replace']}  ({row['reason']})")] * n)
    return text, removed


def _count_changed(old: str, new: str) -> int:
    """Characters that differ between two texts (position by position; vectorised when lengths match)."""
    if old == new:
        return 0
    if len(old) == len(new):
        a = np.frombuffer(old.encode("utf-32-le"), dtype=np.uint32)
        b = np.frombuffer(new.encode("utf-32-le"), dtype=np.uint32)
        return int((a != b).sum())
    return sum(x != y for x, y in zip(old, new))


_QUOTE_PAIRS = (("「", "“"), ("」", "”"), ("『", "‘"), ("』", "’"))


def to_simplified(text: str) -> tuple[str, list]:
    """Traditional → simplified script, for traditional text only; simplified text stays byte for byte.

    A paragraph (line) is traditional when it holds more characters only traditional script writes (區, 這,
    們) than characters only simplified script writes (区, 这, 们); a paragraph with neither, or as many of
    each, follows the text as a whole. A text without any traditional-only character is returned as it is
    (one search; most texts). Traditional paragraphs are converted with OpenCC's tw2s, which also turns the
    Taiwan particle 著 into 着 (帶著 → 带着); where that 著 makes a word with the character before it that
    jieba's dictionary knows better than either word 着 would make (土著 441 against 土着 0, 编著, 原著,
    卓著; but 表明著陸: 明著 2 against 着陆 429), 著 stays. Their corner brackets
    become curly quotes (「」『』 → “”‘’).
    """
    trad = _script_table("traditional")
    if not trad.search(text):
        return text, []
    simp = _script_table("simplified")
    paras = text.split("\n")
    counts = [(len(trad.findall(p)), len(simp.findall(p))) for p in paras]
    whole = sum(t for t, _ in counts) > sum(s for _, s in counts)
    out = []
    for para, (t, s) in zip(paras, counts):
        if t > s or (t == s and whole):
            new = _opencc().convert(para)
            if "著" in para and len(new) == len(para):
                words = _script_table("zhu")
                chars = list(new)
                for k in (k for k, c in enumerate(para) if c == "著" and new[k] == "着"):
                    left, right = new[k - 1] if k else "", new[k + 1] if k + 1 < len(new) else ""
                    if words.get(left + "著", 0) > max(words.get(left + "着", 0), words.get("着" + right, 0)):
                        chars[k] = "著"  # (tw2s itself keeps 著 before what follows in 著名, 著作, 著称)
                new = "".join(chars)
            for old, quote in _QUOTE_PAIRS:  # str.replace runs in C; translate() with a dict does not
                if old in new:
                    new = new.replace(old, quote)
            para = new
        out.append(para)
    new = "\n".join(out)
    changed = _count_changed(text, new)
    return new, ([(f"{changed} characters converted to simplified script", "")] if changed else [])


# ---------------------------------------------------------------- line-level rules
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


# ---------------------------------------------------------------- header

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


# ---------------------------------------------------------------- pipeline


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


def cleaning_audit(corpus: pd.DataFrame) -> pd.DataFrame:
    """One row per removal or repair: doc_id, step, rule, removed, replacement (the audit table).

    For a corpus from `load_corpus` this is the audit recorded while loading, including the files or
    rows it skipped (rule "skipped", step 0) and the reposts `dedupe=True` dropped (rule "duplicate").
    Otherwise (a table built by hand with `raw`) every article is cleaned again from `raw`.
    """
    from .loadcache import recall_audit

    audit = recall_audit(corpus)
    if audit is not None:
        return audit
    rows = []
    fmt = corpus["format"] if "format" in corpus.columns else pd.Series("txt", index=corpus.index)
    for doc_id, raw, kind, title in zip(corpus["doc_id"], corpus["raw"], fmt, corpus.get("title", fmt)):
        if kind == "html":
            from .pages import extract_page

            page = extract_page(raw.encode("utf-8"), doc_id)
            raw, kind, title = page["text"], "table", page.get("title") or title
        rows.extend(clean_document(raw, doc_id, header=kind != "table", title=title if kind == "table" else "").audit)
    return pd.DataFrame(rows, columns=AUDIT_COLUMNS)
