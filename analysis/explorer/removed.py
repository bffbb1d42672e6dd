"""Where cleaning removed what: the audit's removals placed in the clean text.

The cleaning audit (`cleaning_audit`) says what each rule removed, not where. To strike removed text
through where it stood, the source an article was cleaned from is put through the character rules
that change characters but remove none (NFKC, simplified script), and aligned with the clean text,
character by character (the longest common subsequence, rapidfuzz's Indel opcodes). Each stretch of
the source missing from the clean text is one removal, labelled with the audit rule whose removed
text it is (or holds, or is part of).
"""
from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from difflib import SequenceMatcher

from ..clean import normalise, strip_pinyin, to_simplified

REMOVALS_SECONDS = 20.0  # time a build spends placing removals in the page (the rest: on request, by explore)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def cleaning_source(raw: str, fmt: str = "txt", doc_id: str = "") -> str:
    """The text the cleaning rules started from: the file as read, or a saved page's extracted body."""
    if fmt == "html":
        from ..pages import extract_page

        try:
            return extract_page(raw.encode("utf-8"), doc_id)["text"]
        except Exception:  # a page that no longer extracts: nothing to place
            return ""
    return raw or ""


def _key(text: str) -> str:
    """A removed text as the later rules saw it: pinyin glued after characters already gone."""
    return strip_pinyin(text.strip())[0] if "(" in text else text.strip()


def rule_for(piece: str, audit) -> str:
    """The audit rule that removed `piece`: the row whose removed text is `piece`, else holds it, else is
    part of it; "" when none does."""
    piece = _key(piece)
    if not piece:
        return ""
    rows = [(rule, _key(removed or "")) for rule, removed in audit]
    for test in (lambda r: r == piece, lambda r: len(piece) > 1 and piece in r, lambda r: len(r) > 1 and r in piece):
        for rule, removed in rows:
            if removed and test(removed):
                return rule
    return ""


def removals(raw: str, text: str, audit=(), fmt: str = "txt", doc_id: str = "") -> list[list]:
    """What cleaning removed from one article, placed in its clean text.

    Returns [line, offset, removed, rule] rows, `line` indexing the non-empty lines of `text` (stripped):
    offset -1 is a removed line shown before that line (line == number of lines: after the last);
    offset >= 0 a removal inside the line, before that character. `audit`: the article's (rule,
    removed) pairs from `cleaning_audit`.

    Lines are aligned first (difflib); in a stretch of lines that differ, a source line the audit lists
    as removed whole is one removal, and the rest is aligned character by character.
    """
    audit = [(str(r), str(x)) for r, x in audit]
    source = cleaning_source(raw, fmt, doc_id)
    if not source:
        return []
    old = _lines(to_simplified(normalise(source)[0])[0])
    new = _lines(text or "")
    if old == new:
        return []
    listed = Counter(_key(line) for _, removed in audit for line in _lines(removed))
    out = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag in ("delete", "replace"):
            out.extend(_block(old[i1:i2], new[j1:j2], j1, listed, audit))
    return out


def _tidy(ops: list[tuple], a: str) -> list[tuple]:
    """Join two removals split by a kept stretch that equals one of them ("(qū" ")" around a kept ")" in
    区(qū)) → one removal "(qū)"): the clean text is the same either way, one removal reads better."""
    i = 0
    while i + 2 < len(ops):
        (t1, a1, a2, d, _), (t2, _, a3, e1, e2), (t3, _, a4, _, _) = ops[i:i + 3]
        if (t1, t2, t3) == ("delete", "equal", "delete"):
            if a[a2:a3] == a[a3:a4]:  # removed D1 E, kept the E after it
                ops[i:i + 3] = [("delete", a1, a3, d, d), ("equal", a3, a4, e1, e2)]
                continue
            if a[a1:a2] == a[a2:a3]:  # kept the E before, removed E D2
                ops[i:i + 3] = [("equal", a1, a2, e1, e2), ("delete", a2, a4, e2, e2)]
                continue
        i += 1
    return ops


def _block(old: list[str], new: list[str], j0: int, listed: Counter, audit) -> list[list]:
    """Removals in a stretch of source lines `old` that became `new` (lines numbered from j0)."""
    from rapidfuzz.distance import Indel

    whole = []
    for line in old:
        whole.append(listed[_key(line)] > 0)
        listed[_key(line)] -= whole[-1]
    kept = [line for line, w in zip(old, whole) if not w]
    a, b = "\n".join(kept), "\n".join(new)
    ops = _tidy([(o.tag, o.src_start, o.src_end, o.dest_start, o.dest_end) for o in Indel.opcodes(a, b)], a) \
        if kept and new else []
    starts, pos = [], 0
    for line in new:
        starts.append(pos)
        pos += len(line) + 1

    def where(dest: int) -> tuple[int, int]:
        k = max(bisect_right(starts, dest) - 1, 0) if starts else 0
        return k, (dest - starts[k] if starts else 0)

    def dest_of(src: int) -> int:  # where character `src` of `a` went in `b`
        for op in ops:
            tag, s1, s2, d1, _ = op
            if s1 <= src < s2 or src == s2 == len(a):
                return d1 + (src - s1 if tag == "equal" else 0)
        return len(b) + 1

    out, at = [], 0
    for line, w in zip(old, whole):
        if w:
            k, offset = where(dest_of(at)) if at < len(a) else (len(new), 0)
            out.append([j0 + k + (offset > 0), -1, line, rule_for(line, audit)])
        else:
            at += len(line) + 1
    for tag, s1, s2, d1, _ in ops:
        piece = a[s1:s2]
        if tag != "delete" or not piece.strip():
            continue
        k, offset = where(d1)
        if piece.startswith("\n") and offset == 0 and k > 0 or offset > len(new[k]):
            k, offset = k - 1, len(new[k - 1])  # a removal at the end of the line before
        if offset == 0:  # whole lines first, shown as lines before this one
            head, _, piece = piece.rpartition("\n")
            out.extend([j0 + k, -1, line, rule_for(line, audit)] for line in _lines(head))
        if piece.strip("\n").strip():
            out.append([j0 + k, offset, piece.strip("\n"), rule_for(piece, audit)])
    if not kept or not new:
        out.extend([j0 + len(new) * 0, -1, line, rule_for(line, audit)] for line in kept)
    return sorted(out, key=lambda r: (r[0], r[1]))


def corpus_removals(corpus, audit, seconds: float | None = None) -> dict[str, list[list] | None]:
    """removals() of the articles of `corpus` (doc_id, raw, text; format if any), by doc_id, for as many as
    `seconds` allow (default REMOVALS_SECONDS; a saved page is extracted again: about 0.1 s; a text file or
    table row takes under a millisecond); the articles left when time is up map to None (not placed here:
    the server places them when they are opened)."""
    import time

    by_doc = audit_by_doc(audit)
    fmts = corpus["format"].tolist() if "format" in corpus.columns else ["txt"] * len(corpus)
    out: dict = {}
    end = time.perf_counter() + (REMOVALS_SECONDS if seconds is None else seconds)
    for doc_id, raw, text, fmt in zip(corpus["doc_id"].tolist(), corpus["raw"].tolist(), corpus["text"].tolist(), fmts):
        if time.perf_counter() > end:
            out[doc_id] = None
            continue
        out[doc_id] = removals(raw if isinstance(raw, str) else "", text if isinstance(text, str) else "",
                               by_doc.get(doc_id, ()), fmt, doc_id)
    return out


def audit_by_doc(audit) -> dict[str, list[tuple[str, str]]]:
    """The audit's (rule, removed) pairs of each article."""
    by_doc: dict[str, list] = {}
    if audit is not None and len(audit):
        for doc_id, rule, removed in zip(audit["doc_id"], audit["rule"], audit["removed"]):
            by_doc.setdefault(doc_id, []).append((str(rule), "" if removed is None else str(removed)))
    return by_doc
