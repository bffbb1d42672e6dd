"""The literal strings a regular expression cannot match without: a cheap test (`s in text`) that tells which
of the codebook's formulas can match a paragraph at all, so that only those are run.

Written by hand: Python's `re` has no such prefilter, and the libraries that do (RE2's FilteredRE2,
Hyperscan) are not installable everywhere this package runs. It reads the pattern's parse tree
(`re._parser`, the module behind `sre_parse`) and is conservative: it returns None whenever it cannot
be sure, and then the formula is always run.
"""
from __future__ import annotations

try:  # Python 3.11+
    from re import _constants as _c
    from re import _parser as _p
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]


def required_literals(pattern: str) -> tuple[str, ...] | None:
    """Strings of which every match of `pattern` contains at least one, or None when there are none to
    rely on (a pattern that can match without any fixed text, or flags such as IGNORECASE).

    >>> required_literals("疫情就是(命令|动员令)|防控就是责任")
    ('疫情就是', '防控就是责任')
    """
    try:
        tree = _p.parse(pattern)
    except Exception:  # noqa: BLE001 - an invalid pattern fails where it is compiled, not here
        return None
    if tree.state.flags & ~(_c.SRE_FLAG_UNICODE | _c.SRE_FLAG_DOTALL):
        return None  # IGNORECASE, VERBOSE, ... : literals no longer mean themselves
    found = _sequence(list(tree))
    return tuple(found) if found else None


def _sequence(items: list) -> list[str] | None:
    """Alternatives for a sequence of parse items: every match of the sequence contains one of them."""
    candidates: list[list[str]] = []
    run = ""
    for op, av in items:
        if op is _c.LITERAL:
            run += chr(av)
            continue
        if run:
            candidates.append([run])
            run = ""
        if op is _c.SUBPATTERN:
            if av[1] or av[2]:  # (?i:...) and the like
                continue
            got = _sequence(list(av[-1]))
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[0] >= 1:
            got = _sequence(list(av[2]))
        elif op is _c.BRANCH:
            branches = [_sequence(list(b)) for b in av[1]]
            got = None if any(not b for b in branches) else [s for b in branches for s in b]
        else:  # character classes, any, anchors, lookarounds, optional parts: no fixed text
            continue
        if got:
            candidates.append(got)
    if run:
        candidates.append([run])
    if not candidates:
        return None
    # the alternatives whose shortest string is longest (the most selective), fewer alternatives on a tie
    best = max(candidates, key=lambda alts: (min(len(s) for s in alts), -len(alts)))
    return list(dict.fromkeys(best))
