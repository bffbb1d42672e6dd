"""Bytes into text: a file's encoding found (UTF-8 ± BOM, GB18030/GBK, Big5, UTF-16), damaged bytes kept
as marks for cleaning to remove and log, and what cannot be Chinese text refused with a `CorpusError`.
"""
from __future__ import annotations

import re
from pathlib import Path

__all__ = ["CorpusError", "CJK", "decode_bytes", "read_text"]

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # the Han ideograph blocks (basic, extension A, compatibility)


class CorpusError(ValueError):
    """A file or row that cannot become an article; the message names the file (and line/row) and the problem."""


# A decoding that has to replace more than this share of its characters is refused as undecodable;
# below it the damaged bytes are replaced (U+FFFD), removed in cleaning and logged in the audit.
MAX_DAMAGED_SHARE = 0.02
MIN_CJK_SHARE = 0.2

_CJK_RE = re.compile(f"[{CJK}]")
_SPACE_RE = re.compile(r"\s")
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _cjk_share(text: str) -> float:
    visible = len(text) - len(_SPACE_RE.findall(text))
    return len(_CJK_RE.findall(text)) / visible if visible else 0.0


_BOMS = [
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
]


def _damage(text: str) -> float:
    return text.count("\ufffd") / max(1, len(text))


# Bytes that UTF-8 text never holds (NUL, C0, C1, F5-FF) and a byte-order mark past the start: a
# stray one inserted into UTF-8 (even inside a character) is taken out before decoding, so the
# character around it survives, and put back as a mark at that character boundary (NUL, U+FEFF,
# U+FFFD for the others) for cleaning to remove and log.
_STRAY = re.compile(rb"\x00|\xef\xbb\xbf|[\xc0\xc1\xf5-\xff]")


def _without_stray_bytes(data: bytes) -> str | None:
    """UTF-8 damaged by a few stray inserted bytes, decoded with the strays as marks; None otherwise."""
    strays = [m for m in _STRAY.finditer(data) if m.start() > 0 or m.group() != b"\xef\xbb\xbf"]
    if not strays or len(strays) > max(3, len(data) * 0.002):
        return None
    parts, marks, start = [], [], 0
    for m in strays:
        parts.append(data[start:m.start()])
        start = m.end()
        marks.append((sum(map(len, parts)), _MARKS.get(m.group(), "\ufffd")))
    parts.append(data[start:])
    kept = b"".join(parts)
    text = kept.decode("utf-8", errors="replace")
    if text.count("\ufffd") > max(3, len(text) * 0.002):
        return None
    # each mark goes to the character boundary at or before where its stray byte was
    for at, mark in reversed(marks):
        pos = len(kept[:at].decode("utf-8", errors="ignore"))
        text = text[:pos] + mark + text[pos:]
    return text


_MARKS = {b"\x00": "\x00", b"\xef\xbb\xbf": "\ufeff"}


def _guess(data: bytes) -> tuple[str, str]:
    """Decode bytes with no BOM: strict UTF-8; UTF-8 with a few damaged bytes; else the Chinese legacy
    encodings charset-normalizer picks (strict), else the one of them with the fewest damaged bytes."""
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # UTF-16 without BOM: its line ends, digits and ASCII punctuation carry NUL bytes (ASCII letters
    # read as UTF-16 can look like CJK ideographs, so a file without NULs is never taken for it)
    if len(data) % 2 == 0 and data.count(0) * 200 >= len(data):
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if _cjk_share(text) >= 0.3:
                return text, enc
    repaired = _without_stray_bytes(data)
    if repaired is not None:
        return repaired, "utf-8"
    as_utf8 = data.decode("utf-8", errors="replace")
    # Real UTF-8 with a flipped bit, a cut tail or a stray byte: a handful of bad sequences in a
    # text that is otherwise valid UTF-8 (legacy Chinese bytes are almost never valid UTF-8).
    if as_utf8.count("\ufffd") <= max(3, len(as_utf8) * 0.002):
        return as_utf8, "utf-8"
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["gb18030", "big5", "big5hkscs"]).best()
    if best is not None:
        return str(best), best.encoding
    options = [(data.decode(enc, errors="replace"), enc) for enc in ("gb18030", "big5")]
    options.append((as_utf8, "utf-8"))
    return min(options, key=lambda o: (_damage(o[0]), -_cjk_share(o[0])))


def decode_bytes(data: bytes, name: str = "<bytes>") -> tuple[str, str]:
    """Decode a file's bytes; return (text, encoding). Raises CorpusError naming `name`.

    A byte-order mark decides first, then strict UTF-8, then UTF-8 with a few damaged bytes, then
    the encodings Chinese news files come in (GB18030/GBK, Big5; UTF-16 without BOM). Damaged bytes
    become U+FFFD (cleaning removes them and the audit says where): one bad byte never costs the
    article. Refused: an empty file, a file mostly undecodable (more than 2 % replaced), and a result
    that is not mostly Chinese (binary data, another language, a wrong guess).
    """
    if not data.strip(b" \t\r\n\x00"):
        raise CorpusError(f"{name}: the file is empty")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            text, encoding = data.decode(enc, errors="replace"), enc
            if enc == "utf-8-sig" and "\ufffd" in text:
                text = _without_stray_bytes(data[len(bom):]) or text
            break
    else:
        text, encoding = _guess(data)
    damaged, share = _damage(text), _cjk_share(text)
    controls = len(_CONTROL_RE.findall(text)) / max(1, len(text))
    if damaged > MAX_DAMAGED_SHARE or share < MIN_CJK_SHARE or controls > MAX_DAMAGED_SHARE:
        kind = "a binary file" if controls > MAX_DAMAGED_SHARE or (data.count(0) > 2 and damaged > MAX_DAMAGED_SHARE) \
            else ("mostly undecodable" if damaged > MAX_DAMAGED_SHARE else "not Chinese text")
        raise CorpusError(
            f"{name}: cannot be decoded as Chinese text: {kind} (best guess {encoding}: {damaged:.0%} of the "
            f"characters undecodable, {share:.0%} Chinese; tried UTF-8, GB18030/GBK, Big5, UTF-16)"
        )
    return text, encoding


def read_text(path: str | Path) -> str:
    """The text of one file, whatever its encoding (UTF-8 ± BOM, GB18030/GBK, Big5, UTF-16)."""
    path = Path(path)
    return decode_bytes(path.read_bytes(), str(path))[0]

