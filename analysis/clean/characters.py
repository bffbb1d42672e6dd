"""The character-level cleaning rules: each takes a text and returns (new text, [(removed, replacement)]).
NFKC and invisible characters (`normalise`), pinyin glued after a character (`strip_pinyin`), the repairs of
corrections.csv (`apply_corrections`) and the conversion to simplified script (`to_simplified`, OpenCC).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np

from ..decoding import CJK
from ..lexicon import corrections


@lru_cache(maxsize=1)
def _opencc():
    import opencc

    # tw2s = OpenCC's t2s plus Taiwan variant characters: it turns the particle 著 into 着
    # (带著 → 带着, 随著 → 随着) while keeping 著名 and 显著; plain t2s leaves 著 everywhere.
    return opencc.OpenCC("tw2s")


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
    """Traditional → simplified script with OpenCC (tw2s); corner brackets → curly quotes."""
    new = _opencc().convert(text)
    for old, quote in _QUOTE_PAIRS:  # str.replace runs in C; translate() with a dict does not
        if old in new:
            new = new.replace(old, quote)
    changed = _count_changed(text, new)
    return new, ([(f"{changed} characters converted to simplified script", "")] if changed else [])

