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

