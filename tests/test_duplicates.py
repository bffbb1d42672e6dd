"""analysis.duplicates: near-duplicate pairs of the seed articles and of reposts made from them, every
similarity checked against the exact Jaccard similarity of plain Python sets of 5-character shingles."""
from __future__ import annotations

import itertools
import re

import pandas as pd
import pytest

from analysis import near_duplicates
from analysis.duplicates import SHINGLE, drop_duplicates, duplicate_groups


def shingles(text: str) -> set[str]:
    """The 5-character shingles of a text without whitespace and punctuation, as strings (the function
    under test hashes them with numpy; this is the plain definition)."""
    flat = re.sub(r"[\s\W_]+", "", text)
    return {flat[i:i + 5] for i in range(len(flat) - 4)}


def jaccard(a: str, b: str) -> float:
    x, y = shingles(a), shingles(b)
    return len(x & y) / len(x | y)


@pytest.fixture(scope="module")  # texts only: no code of analysis.duplicates makes them
def reposts(corpus):
    return make_reposts(corpus)


def make_reposts(corpus):
    """The five seeds and four texts made from them: 003 without its last paragraph (a prefix: its
    shingles are a subset of 003's), 003 with every 平谷区 written 平谷县 (9 places), 002 between a source
    line and an editor line, and 003's first 8 of 16 paragraphs (well below 0.8)."""
    text = {d[:3]: t for d, t in zip(corpus["doc_id"], corpus["text"])}
    paras_003 = text["003"].split("\n")
    assert len(paras_003) == 16 and text["003"].count("平谷区") == 9
    made = {
        "003-cut": "\n".join(paras_003[:-1]),
        "003-edit": text["003"].replace("平谷区", "平谷县"),
        "002-repost": "来源:某某网\n" + text["002"] + "\n责任编辑:李某",
        "003-half": "\n".join(paras_003[:8]),
    }
    return pd.DataFrame({"doc_id": list(text) + list(made), "text": list(text.values()) + list(made.values()),
                         "date": pd.to_datetime(["2020-03-24", "2020-04-29", "2020-02-17", "2020-12-22",
                                                 "2022-09-09", "2020-12-23", "2020-12-21", "2020-02-18",
                                                 "2020-12-24"])})


# |A & B| / |A | B| of the shingle sets, counted with the plain sets above (and, for the prefix and the
# wrapped repost, by reasoning: a prefix's shingles are all in the whole text, so the Jaccard similarity
# is |prefix| / |whole|; the two chrome lines add 11 shingles of their own to 002's 939).
EXPECTED_PAIRS = [("002", "002-repost", 939 / 950), ("003", "003-edit", 1831 / 1913),
                  ("003", "003-cut", 1709 / 1871), ("003-cut", "003-edit", 1669 / 1913)]


def test_near_duplicate_pairs_and_their_exact_jaccard_similarity(reposts):
    pairs = near_duplicates(reposts, threshold=0.8, progress=False)
    assert list(pairs.columns) == ["doc_id_a", "doc_id_b", "similarity"]
    got = [(a, b, s) for a, b, s in pairs.itertuples(index=False)]
    assert [(a, b) for a, b, _ in got] == [(a, b) for a, b, _ in EXPECTED_PAIRS]  # sorted by similarity
    assert [s for _, _, s in got] == pytest.approx([s for _, _, s in EXPECTED_PAIRS], abs=1e-12)
    text = dict(zip(reposts["doc_id"], reposts["text"]))
    for a, b, s in got:
        assert s == pytest.approx(jaccard(text[a], text[b]), abs=1e-12)
    # the same pairs as every pair of the nine texts checked with plain sets
    everything = {(a, b) for a, b in itertools.combinations(reposts["doc_id"], 2)
                  if jaccard(text[a], text[b]) >= 0.8}
    found = {tuple(sorted(p)) for p in zip(pairs["doc_id_a"], pairs["doc_id_b"])}
    assert found == {tuple(sorted(p)) for p in everything}


def test_similarity_is_jaccard_not_the_overlap_coefficient(reposts):
    """003-cut is a prefix of 003: the overlap coefficient |A & B| / min(|A|, |B|) would be 1.0; the
    Jaccard similarity is 1709 / 1871 = 0.9134."""
    two = reposts[reposts["doc_id"].isin(["003", "003-cut"])]
    pairs = near_duplicates(two, threshold=0.8, progress=False)
    assert pairs["similarity"].item() == pytest.approx(0.913415, abs=1e-6)
    assert len(shingles(two["text"].iloc[1]) - shingles(two["text"].iloc[0])) == 0


def test_threshold_keeps_pairs_at_or_above_it_only(reposts):
    """At 0.9: 002/002-repost (0.988) and 003/003-edit (0.957) stay, 003-cut/003-edit (0.872) goes. (003/003-cut,
    0.913, lies so near 0.9 that LSH, a candidate search, may miss it: 7.6% at 0.9 itself, 0.4% at 0.95.)"""
    pairs = set(zip(*near_duplicates(reposts, threshold=0.9, progress=False)[["doc_id_a", "doc_id_b"]].T.values))
    assert {("002", "002-repost"), ("003", "003-edit")} <= pairs
    assert pairs <= {("002", "002-repost"), ("003", "003-edit"), ("003", "003-cut")}
    assert near_duplicates(reposts, threshold=0.99, progress=False).empty
    # 003-half shares all its 772 shingles with 003: Jaccard 772 / 1871 = 0.41, never a pair at 0.8
    assert jaccard(*reposts.set_index("doc_id").loc[["003", "003-half"], "text"]) == pytest.approx(772 / 1871)


def test_the_seed_articles_are_not_near_duplicates_of_each_other(corpus):
    """The two Beijing CPPCC reports (000, 001) share a genre, not a text: Jaccard 0.011 by plain sets."""
    assert near_duplicates(corpus, threshold=0.8, progress=False).empty
    text = dict(zip(corpus["doc_id"].str[:3], corpus["text"]))
    assert jaccard(text["000"], text["001"]) == pytest.approx(0.0108, abs=1e-4)


def test_shingle_hashes_count_the_distinct_shingles(corpus):
    from analysis.duplicates import _shingle_hashes

    for text in corpus["text"]:
        assert len(_shingle_hashes(text)) == len(shingles(text))
    assert SHINGLE == 5
    assert len(_shingle_hashes("疫情。")) == 1  # shorter than a shingle: one (padded) shingle
    # 一二三四五 twice: 一二三四五, 二三四五一, 三四五一二, 四五一二三, 五一二三四, and 一二三四五 again
    assert len(_shingle_hashes("一二三四五一二三四五")) == 5


def test_groups_keep_the_earliest_article_and_the_audit_names_each_repost(reposts):
    pairs = near_duplicates(reposts, threshold=0.8, progress=False)
    keep = duplicate_groups(reposts, pairs)
    assert keep.to_dict() == {"000": "000", "001": "001", "002": "002", "003": "003-edit", "004": "004",
                              "003-cut": "003-edit", "003-edit": "003-edit", "002-repost": "002",
                              "003-half": "003-half"}  # 003-edit (2020-12-21) is older than 003 (2020-12-22)
    kept, log = drop_duplicates(reposts)
    assert kept["doc_id"].tolist() == ["000", "001", "002", "004", "003-edit", "003-half"]
    assert [(r["doc_id"], r["rule"], r["removed"], r["replacement"]) for r in log] == [
        ("003", "duplicate", "article 003 (whole)", "repost of 003-edit (similarity 0.96)"),
        ("003-cut", "duplicate", "article 003-cut (whole)", "repost of 003-edit (similarity 0.87)"),
        ("002-repost", "duplicate", "article 002-repost (whole)", "repost of 002 (similarity 0.99)")]
    same, none = drop_duplicates(reposts[reposts["doc_id"].isin(["000", "001"])])
    assert same["doc_id"].tolist() == ["000", "001"] and none == []


def test_a_group_joined_through_a_third_article_says_so(corpus):
    """Prefixes of 004's lines: a = 32 lines (2,880 shingles), b = 37 (3,253), c = 43 (3,658):
    J(a, b) = 0.885 and J(b, c) = 0.889 but J(a, c) = 0.787. All three are one group, kept by the earliest (a);
    c's audit row says "same group" (it has no pair of its own with a)."""
    lines = corpus.loc[corpus["doc_id"].str.startswith("004"), "text"].iloc[0].split("\n")
    a, b, c = ("\n".join(lines[:k]) for k in (32, 37, 43))
    assert [len(shingles(t)) for t in (a, b, c)] == [2880, 3253, 3658]
    assert jaccard(a, b) == pytest.approx(2880 / 3253) and jaccard(b, c) == pytest.approx(3253 / 3658)
    assert jaccard(a, c) == pytest.approx(2880 / 3658) and 2880 / 3658 < 0.8
    frame = pd.DataFrame({"doc_id": ["c", "b", "a"], "text": [c, b, a],
                          "date": pd.to_datetime(["2022-09-11", "2022-09-10", "2022-09-09"])})
    kept, log = drop_duplicates(frame)
    assert kept["doc_id"].tolist() == ["a"]
    assert [(r["doc_id"], r["replacement"]) for r in log] == [
        ("c", "repost of a (same group)"), ("b", "repost of a (similarity 0.89)")]


def test_defaults_ties_and_boundaries(reposts):
    """The default threshold is 0.8 (the four pairs); a threshold equal to a pair's similarity keeps it;
    pairs of equal similarity are ordered by doc_id_a then doc_id_b; the index runs 0, 1, ...; articles
    without text pair with nothing (two empty texts are not reposts of each other)."""
    default = near_duplicates(reposts, progress=False)
    assert [(a, b) for a, b in zip(default["doc_id_a"], default["doc_id_b"])] == [(a, b) for a, b, _ in EXPECTED_PAIRS]
    assert default.index.tolist() == [0, 1, 2, 3]
    at = near_duplicates(reposts, threshold=939 / 950, progress=False)
    assert list(zip(at["doc_id_a"], at["doc_id_b"])) == [("002", "002-repost")]
    text = reposts.set_index("doc_id").loc["004", "text"]
    copies = pd.DataFrame({"doc_id": ["c", "a", "b"], "text": [text] * 3})
    tied = near_duplicates(copies, progress=False)
    assert list(zip(tied["doc_id_a"], tied["doc_id_b"])) == [("a", "b"), ("c", "a"), ("c", "b")]
    assert tied["similarity"].tolist() == [1.0, 1.0, 1.0] and tied.index.tolist() == [0, 1, 2]
    blank = pd.DataFrame({"doc_id": ["w", "x", "y", "z"], "text": [None, None, "", " \n"]})
    empty = pd.concat([reposts[["doc_id", "text"]], blank],
                      ignore_index=True)
    with_empty = near_duplicates(empty, progress=False)
    assert not {"w", "x", "y", "z"} & (set(with_empty["doc_id_a"]) | set(with_empty["doc_id_b"]))
    assert len(with_empty) == 4


def test_drop_duplicates_passes_its_threshold_and_logs_step_zero(reposts):
    """At 0.95 only 002-repost (0.988) and 003 (0.957, 003-edit is older) go; 003-cut stays."""
    kept, log = drop_duplicates(reposts, threshold=0.95)
    assert kept["doc_id"].tolist() == ["000", "001", "002", "004", "003-cut", "003-edit", "003-half"]
    assert log == [{"doc_id": "003", "step": 0, "rule": "duplicate", "removed": "article 003 (whole)",
                    "replacement": "repost of 003-edit (similarity 0.96)"},
                   {"doc_id": "002-repost", "step": 0, "rule": "duplicate", "removed": "article 002-repost (whole)",
                    "replacement": "repost of 002 (similarity 0.99)"}]
