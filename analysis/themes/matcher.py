"""The matcher: every word of a codebook in one Aho-Corasick automaton, and the rules that decide which of
its hits code a paragraph (set phrases, mixed lists of actors, require/exclude in the sentence, weak words).
"""
from __future__ import annotations

import re
from bisect import bisect_right

import pandas as pd

from ..codebook import CODING_KEYS, compile_formula
from .literals import required_literals
from .sentences import sentence_spans

_CLAUSE_END = re.compile(r"[，,；;。！？!?：:…]")
_BODY = {"组", "会", "班", "团", "队"}  # suffixes that make a weak word into the body that does it (调研 -> 调研组)
_SECTOR = "界"  # a name's sector (宗教 -> 宗教界), which a qualifier may follow (宗教界代表人士)


class _Matcher:
    """All words of a codebook in one Aho-Corasick automaton, and the rules that decide which hits code.

    A hit of a theme's keyword (or actor, or weak word) codes the paragraph unless
    1. it lies inside a match of one of the theme's formulas (set phrases, [[formula]] in themes.toml);
    2. it is an `actors` word in a clause that names actors of `list_min_kinds` or more kinds (a mixed
       list of united-front actors: each theme's actors are one kind, each of `list_others` another; one name is
       one kind, so a name inside a longer one and a `list_qualifiers` word right after a name do not count);
    3. the theme has `require` words and none is in the hit's sentence, or an `exclude` word is;
    4. it is a `weak` word, or a `contextual` word whose sentence lacks a word of one of the theme's `context`
       lists, and no other distinct word of the theme is left in the paragraph (a word and the body that
       does it, 调研 and 调研组 or 党组 and 党组会, are one word).
    A word found inside a longer word of the same theme (部署 in 迅速部署) is not a hit of its own.
    """

    def __init__(self, cb: pd.DataFrame):
        import ahocorasick_rs

        self.ids = list(cb["id"])
        self.roles: dict[str, list[tuple[int, str]]] = {}
        self.has_require = [bool(r) for r in cb["require"]]
        # per theme, its context lists (role "context:0", "context:1", ...): a contextual word needs a word of each
        self.contexts = [len(c) for c in cb["context"]] if "context" in cb.columns else [0] * len(cb)
        for j, row in enumerate(cb.itertuples(index=False)):
            for role in CODING_KEYS + ("require", "exclude"):
                for w in getattr(row, role, ()) if role in cb.columns else ():
                    self.roles.setdefault(w, []).append((j, role))
            for g, group in enumerate(getattr(row, "context", ()) if "context" in cb.columns else ()):
                for w in group:
                    self.roles.setdefault(w, []).append((j, f"context:{g}"))
        def lists_key(key):
            return cb[key].iloc[0] if key in cb.columns and len(cb) else ()

        for w in lists_key("list_others"):
            self.roles.setdefault(w, []).append((-1, "other"))
        self.qualifiers = frozenset(lists_key("list_qualifiers"))
        for w in self.qualifiers:
            self.roles.setdefault(w, [])  # found by the scan (a word with no role of its own)
        self.named = frozenset(w for w, rs in self.roles.items()
                               if any(r in ("actors", "other") for _, r in rs)) | self.qualifiers
        self.min_kinds = int(lists_key("list_min_kinds") or 0)
        patterns: dict[str, set[int]] = {}
        if "formulas" in cb.columns:
            for j, pats in enumerate(cb["formulas"]):
                for pat in pats:
                    patterns.setdefault(pat, set()).add(j)
        # a formula runs on a paragraph only when the scan found one of the literal strings every match of
        # it contains (required_literals; None: it always runs): its anchors, scanned with the words
        self.formulas, anchored = [], {}
        for k, (p, themes) in enumerate(patterns.items()):
            anchors = required_literals(p)
            self.formulas.append((k, compile_formula(p), themes, anchors is None))
            for a in anchors or ():
                anchored.setdefault(a, set()).add(k)
        self._formulas_for: dict[frozenset, list] = {}  # the formulas that concern a set of coded themes
        words = list(self.roles) + [a for a in anchored if a not in self.roles]
        # per word: the word, its length, whether it codes, whether it has roles, the formulas it anchors
        self.values = [(w, len(w), any(role in CODING_KEYS for _, role in self.roles.get(w, ())), w in self.roles,
                        frozenset(anchored.get(w, ()))) for w in words]
        # every occurrence, overlaps included (部署 inside 迅速部署 too): the standard match kind
        # (a DFA: built once per codebook, it scans the paragraphs in half the time of the default NFA)
        self.automaton = ahocorasick_rs.AhoCorasick(words, matchkind=ahocorasick_rs.MatchKind.Standard,
                                                    implementation=ahocorasick_rs.Implementation.DFA) if words else None

    def hits(self, text: str) -> list[tuple[int, str, int, int, int, int]]:
        """Coding hits in one text: (theme index, keyword, position in `text`, sentence index,
        sentence start, sentence end); offsets are in `text`."""
        if not self.roles:
            return []
        parts = text.split()  # split() and isspace() know the same whitespace as the regex \s
        ws = len(parts) != 1 or len(parts[0]) != len(text)
        flat = "".join(parts) if ws else text  # matched without whitespace, positions reported in `text`
        values = self.values
        raw = [(end - 1, values[i]) for i, _, end in self.automaton.find_matches_as_indexes(flat, overlapping=True)]
        if not any(v[2] for _, v in raw):
            return []
        roles = self.roles
        found = [(end, v[0]) for end, v in raw if v[3]]
        coding = [
            (j, w, end - n + 1, role)
            for end, (w, n, c, _, _) in raw if c for j, role in roles[w] if role in CODING_KEYS
        ]

        # 1. set phrases
        if self.formulas:
            present = frozenset(h[0] for h in coding)
            formulas = self._formulas_for.get(present)
            if formulas is None:
                formulas = self._formulas_for[present] = [f for f in self.formulas if not f[2].isdisjoint(present)]
            able = {k for _, v in raw if v[4] for k in v[4]}  # formulas whose anchor is in the paragraph
            masks = [
                (m.start(), m.end(), themes)
                for k, rx, themes, always in formulas if always or k in able
                for m in rx.finditer(flat)
            ]
            if masks:
                coding = [
                    h for h in coding
                    if not any(a <= h[2] and h[2] + len(h[1]) <= b and h[0] in th for a, b, th in masks)
                ]
        # 2. mixed lists of actors, clause by clause
        if self.min_kinds and any(role == "actors" for *_, role in coding):
            cends = [m.end() for m in _CLAUSE_END.finditer(flat)]
            kinds: dict[int, set] = {}
            # one name is one kind: a name inside a longer one (党派 and 无党派 in 无党派人士) is not counted (sorted
            # by start, longest first, it ends within the furthest reach of the names before it), nor is a
            # `qualifiers` word right after a name or its 界 (少数民族代表人士, 宗教界代表人士)
            named = sorted(((end - len(w) + 1, end, w) for end, w in found if w in self.named),
                           key=lambda x: (x[0], -x[1]))
            outer, reach = [], -1
            for start, end, w in named:
                if end > reach:
                    outer.append((start, end, w))
                    reach = end
            name_ends = {end for _, end, _ in outer}
            for start, _end, w in outer:
                c = bisect_right(cends, start)
                if w in self.qualifiers:
                    qualifies = start - 1 in name_ends or (flat[start - 1:start] == _SECTOR and start - 2 in name_ends)
                    if not qualifies and any(role == "other" for _, role in roles[w]):
                        kinds.setdefault(c, set()).add(w)  # alone, an `others` word counts as itself
                    continue
                for j, role in roles[w]:
                    if role == "actors":
                        kinds.setdefault(c, set()).add(j)
                    elif role == "other":
                        kinds.setdefault(c, set()).add(w)
            listed = {c for c, k in kinds.items() if len(k) >= self.min_kinds}
            if listed:
                coding = [h for h in coding if not (h[3] == "actors" and bisect_right(cends, h[2]) in listed)]
        if not coding:
            return []
        # 3. require / exclude in the same sentence
        spans = sentence_spans(flat)
        ends = [b for _, b in spans]
        near: dict[str, set] = {"require": set(), "exclude": set()}
        for end, w in found:
            for j, role in roles[w]:
                if role in near or role.startswith("context:"):
                    near.setdefault(role, set()).add((j, bisect_right(ends, end - len(w) + 1)))
        kept = []
        for j, w, pos, role in coding:
            s = bisect_right(ends, pos)
            if self.has_require[j] and (j, s) not in near["require"]:
                continue
            if (j, s) in near["exclude"]:
                continue
            if role == "contextual":  # codes alone beside a word of each context list, else it is a weak word
                ctx = all((j, s) in near.get(f"context:{g}", ()) for g in range(self.contexts[j]))
                role = "keywords" if ctx else "weak"
            kept.append((j, w, pos, role, s))
        # a word inside a longer word of the same theme (部署 in 迅速部署) is the same hit
        spans_j = {(j, pos, pos + len(w)) for j, w, pos, _, _ in kept}
        kept = [
            h for h in kept
            if not any(j == h[0] and a <= h[2] and h[2] + len(h[1]) <= b and b - a > len(h[1]) for j, a, b in spans_j)
        ]
        # 4. a weak word needs another distinct word of its theme
        words: dict[int, set[str]] = {}
        strong: set[int] = set()
        for j, w, _, role, _ in kept:
            words.setdefault(j, set()).add(w)
            if role != "weak":
                strong.add(j)
        # a word and the body that does it (调研 and 调研组, 党组 and 党组会) are one word: only words that are not
        # the stem of another word found count (needed only where no strong word codes the theme)
        distinct = {j: sum(not any(v.startswith(w) and v[len(w):] in _BODY for v in ws) for w in ws)
                    for j, ws in words.items() if j not in strong}
        out = []
        keep = [i for i, ch in enumerate(text) if not ch.isspace()] if ws and kept else None
        for j, w, pos, role, s in kept:
            if role == "weak" and j not in strong and distinct[j] < 2:
                continue
            a, b = spans[s]
            if ws:  # back to offsets in the original text
                pos, a, b = keep[pos], keep[a], (keep[b - 1] + 1)
            out.append((j, w, pos, s, a, b))
        out.sort(key=lambda h: (h[0], h[2], h[1]))
        return out
