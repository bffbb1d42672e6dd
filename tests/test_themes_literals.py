"""The formulas' prefilter (analysis/themes/literals.py): the literal strings every match of a regular
expression contains. A formula is run on a paragraph only when one of them is there, so a string that is
not really required would silently switch a formula off; these tests pin the strings by hand and check the
promise on real paragraphs for every formula of the codebook."""
from __future__ import annotations

import pytest

from analysis import load_corpus, paragraphs
from analysis.codebook import _codebook, compile_formula
from analysis.themes.literals import required_literals


@pytest.mark.parametrize("pattern, expected", [
    ("防控就是责任", ("防控就是责任",)),
    ("疫情就是(命令|动员令)|防控就是责任", ("疫情就是", "防控就是责任")),
    # the longest fixed run of a sequence wins over a shorter one
    ("在[^，。]{0,30}(坚强|统一)?领导下", ("领导下",)),
    # a required group of alternatives, when it is more selective than the fixed text around it (re's parser
    # takes the common prefix 重要 out of the two branches, so the branches' strings are what is left)
    ("(学习|贯彻)[^，。]{0,24}(重要指示精神|重要讲话精神)", ("指示精神", "讲话精神")),
    ("(学习|贯彻)[^，。]{0,24}(指示|讲话)", ("学习", "贯彻")),
    # a repeat of at least one keeps its text (the first of equally long candidates); an optional part does not
    ("(?:核酸){1,3}检测", ("核酸",)),
    ("(核酸)?检测点", ("检测点",)),
    # one branch without fixed text makes the whole pattern unfiltered
    ("疫情|[0-9]+例", ("疫情", "例")),
    ("疫情|[0-9]+", None),
    ("[^。]{0,200}", None),
    # flags that change what a literal means
    ("(?i)covid", None),
    # ... also on one group only: "COVID检测" matches (?i:covid)检测 without containing "covid", so only 检测 is
    # required, and the text after the group still counts
    ("(?i:covid)检测", ("检测",)),
    ("(?i:covid)", None),
    # equally selective candidates (two characters each): the one with fewer alternatives, a single string
    ("(命令|动员)就是", ("就是",)),
])
def test_required_literals_pins_the_strings_found_by_hand(pattern, expected):
    assert required_literals(pattern) == expected


def test_every_formula_match_on_real_paragraphs_contains_one_of_its_literals():
    """Every formula of the default codebook on every seed paragraph (with whitespace removed, as the matcher
    scans them) and on sentences made to match: a match without one of its required strings would mean the
    prefilter skipped a formula that applies."""
    cb = _codebook(None)
    patterns = sorted({p for pats in cb["formulas"] for p in pats})
    texts = ["".join(t.split()) for t in paragraphs(load_corpus(progress=False))["text"]]
    checked = 0
    for p in patterns:
        rx, anchors = compile_formula(p), required_literals(p)  # `regex` for a variable-length lookbehind
        for text in texts:
            for m in rx.finditer(text):
                checked += 1
                assert anchors is None or any(a in text for a in anchors), (p, m.group())
    assert len(patterns) >= 30 and checked >= 80
