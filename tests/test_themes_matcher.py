"""The matcher's rules at their edges, on made sentences: where a clause of actors begins and ends, how many kinds
make a list, what a set phrase covers, a codebook given as a table without the optional columns, and a table of
paragraphs coded in more than one chunk. Every expected value is read off the sentence and the codebook
(analysis/resources/lexicon/themes.toml: [lists] min_kinds = 3, each theme's `actors` one kind, each `others`
word another)."""
from __future__ import annotations

import pandas as pd

from analysis import code_paragraphs, load_codebook, theme_matches
from analysis.themes import match_themes, sentence_spans


def coded_as(text, codebook=None):
    """match_themes as a list of (theme, keywords), so that the codebook order is checked too."""
    return list(match_themes(text, codebook).items())


# ---------------------------------------------------------------- mixed lists of united-front actors


def test_three_theme_kinds_of_actors_in_one_clause_are_a_list_and_code_nothing_but_the_act():
    """工商联 (economy actor), 侨联 (overseas actor), 宗教 (religion actor): three kinds in one clause, the list of
    [lists]; 捐款 is a donation keyword, not an actor, and still codes."""
    assert coded_as("工商联、侨联和宗教界人士共同捐款。") == [("donation", ("捐款",))]


def test_two_other_words_and_one_actor_are_three_kinds():
    """统战部 and 人民团体 are two `others` words (two kinds), 侨联 the third: no overseas code."""
    assert coded_as("统战部、人民团体和侨联负责同志参加会议。") == []


def test_two_kinds_in_a_clause_are_no_list_and_the_next_clause_is_counted_apart():
    """工商联 and 侨联 (two kinds) in the first clause, 宗教 right after the comma in the second: no clause has three
    kinds, so every actor codes."""
    assert coded_as("工商联、侨联组织捐款，宗教界人士积极参与。") == [
        ("donation", ("捐款",)), ("economy", ("工商联",)), ("overseas", ("侨联",)), ("religion", ("宗教",))]


def test_a_clause_ends_at_its_comma_for_the_words_just_before_it():
    """统战部、人民团体 (two others) close the first clause; 侨联、工商联 (two kinds) open the second: neither
    clause is a list, so 侨联 and 工商联 code."""
    assert coded_as("统战部、人民团体，侨联、工商联组织捐款。") == [
        ("donation", ("捐款",)), ("economy", ("工商联",)), ("overseas", ("侨联",))]


def test_one_name_is_one_kind():
    """A name inside a longer one is not counted (党派 and 无党派 inside 无党派人士: one `others` word, one kind), and
    a `qualifiers` word right after a name or a name's 界 (代表人士, 人士) is part of it: two names are two kinds, no
    list."""
    assert ("religion", ("宗教",)) in coded_as("宗教界人士和无党派人士踊跃捐款。")
    assert ("overseas", ("侨联",)) in coded_as("市侨联和无党派界别委员一起捐款。")
    assert ("religion", ("少数民族",)) in coded_as("区委统战部走访慰问少数民族代表人士。")
    assert ("religion", ("宗教",)) in coded_as("宗教界代表人士和无党派代表人士踊跃捐款。")
    assert ("religion", ("宗教",)) in coded_as("宗教界代表人士和侨联积极捐款。")
    assert ("overseas", ("侨界",)) in coded_as("侨界代表人士和宗教界人士踊跃捐款。")  # a name ending in 界
    # a qualifier only qualifies the name it follows: three names in a row, with the spaces of a headline removed
    # or none at all, are still three kinds
    assert coded_as("市侨联 工商联 无党派人士 积极捐款捐物。") == [("donation", ("捐款", "捐物"))]
    assert coded_as("侨联工商联党外人士踊跃捐款。") == [("donation", ("捐款",))]
    assert coded_as("宗教界 侨界 无党派人士 踊跃捐款。") == [("donation", ("捐款",))]


def test_a_qualifier_alone_counts_only_as_an_others_word():
    """代表人士 after no name (党外代表人士, 各界代表人士) is an `others` word and counts as a kind of its own (with
    统战部 and 侨联: three); 人士 after no name (爱国人士) is no actor at all (侨联 and 工商联: two kinds)."""
    assert coded_as("统战部、侨联和党外代表人士参加座谈。") == []
    assert coded_as("统战部、侨联和各界代表人士参加座谈。") == []
    assert ("overseas", ("侨联",)) in coded_as("爱国人士、侨联和工商联纷纷伸出援手。")


def test_a_partys_name_is_no_kind_of_actor():
    """The parties' names are keywords, not actors: beside two kinds of actors they visit or give to, no list."""
    visited = coded_as("民建市委深入民营企业和侨资企业调研复工情况。")
    assert [t for t, _ in visited] == ["economy", "overseas", "parties"]
    assert {"religion", "overseas"} <= {t for t, _ in coded_as("九三学社市委向宗教活动场所和侨企捐赠口罩。")}


# ---------------------------------------------------------------- a codebook as a plain table


def test_a_codebook_table_without_the_list_rule_codes_every_actor():
    """A codebook made as a table with id, keywords, actors and require only (no [lists], formulas, weak words or
    exclude words): actors code like keywords wherever they stand, even two kinds side by side."""
    cb = pd.DataFrame({"id": ["economy", "overseas"], "keywords": [("复工",), ()],
                       "actors": [("工商联",), ("侨联",)], "require": [(), ()]})
    assert coded_as("工商联、侨联组织会员企业复工。", cb) == [("economy", ("工商联", "复工")), ("overseas", ("侨联",))]
    assert coded_as("会议结束。", cb) == []


# ---------------------------------------------------------------- set phrases


CODEBOOK = '''[[theme]]
id = "donation"
zh = "捐款捐物"
en = "Donations"
definition = "Giving money."
keywords = ["捐款"]

[[theme]]
id = "advice"
zh = "建言献策"
en = "Advice"
definition = "Proposals."
keywords = ["提案"]
'''


def with_formula(tmp_path, pattern, themes):
    path = tmp_path / "themes.toml"
    path.write_text(CODEBOOK + f'\n[[formula]]\npattern = "{pattern}"\nreason = "r"\nthemes = {themes}\n',
                    encoding="utf-8")
    return load_codebook(path)


def test_a_set_phrase_masks_only_keywords_wholly_inside_it(tmp_path):
    """捐款 at characters 2-3 of 设置捐款箱: inside 捐款箱 (2-4), so masked; it runs past 设置捐 (0-2) and starts before
    款箱 (3-4), so it codes beside those."""
    assert coded_as("设置捐款箱。", with_formula(tmp_path, "捐款箱", '["donation"]')) == []
    assert coded_as("设置捐款箱。", with_formula(tmp_path, "设置捐", '["donation"]')) == [("donation", ("捐款",))]
    assert coded_as("设置捐款箱。", with_formula(tmp_path, "款箱", '["donation"]')) == [("donation", ("捐款",))]
    # a keyword that ends where the set phrase ends lies inside it
    assert coded_as("委员捐款。", with_formula(tmp_path, "委员捐款", '["donation"]')) == []
    # a set phrase with no string every match contains (one branch is digits only) is run on every paragraph
    assert coded_as("设置捐款箱。", with_formula(tmp_path, "捐款箱|[0-9]{3,}", '["donation"]')) == []


def test_a_set_phrase_masks_the_keywords_of_its_own_themes_only(tmp_path):
    """提案捐款箱 masks 捐款 (donation, named by the formula) but not 提案 (advice, not named)."""
    cb = with_formula(tmp_path, "提案捐款箱", '["donation"]')
    assert coded_as("设置提案捐款箱。", cb) == [("advice", ("提案",))]


# ---------------------------------------------------------------- require / exclude at sentence boundaries


def test_require_and_exclude_words_belong_to_the_sentence_they_start_in(tmp_path):
    """advice: keyword 意见, require 报送, exclude 统计表. Sentence ends after each 。 (offsets by hand): a co-word
    just before the mark or just after it is in that sentence or the next, never the neighbour."""
    path = tmp_path / "themes.toml"
    path.write_text('[[theme]]\nid = "advice"\nzh = "建言"\nen = "Advice"\ndefinition = "d"\n'
                    'keywords = ["意见"]\nrequire = ["报送"]\nexclude = ["统计表"]\n', encoding="utf-8")
    cb = load_codebook(path)
    assert coded_as("报送。收集意见。", cb) == []  # 报送 (0-1) ends sentence 1; 意见 is in sentence 2
    assert coded_as("报送统计表。收集意见并报送。", cb) == [("advice", ("意见",))]  # 统计表 (2-4) in sentence 1
    assert coded_as("收集意见并报送。统计表另行报送。", cb) == [("advice", ("意见",))]  # 统计表 opens sentence 2


# ---------------------------------------------------------------- words inside words, whitespace


def test_a_word_inside_a_longer_word_of_its_theme_is_no_hit_of_its_own_at_either_end():
    """宗教 ends 民族宗教 (0-3) and starts 宗教活动场所 (9-14): two religion hits, not four."""
    m = theme_matches(pd.DataFrame({"doc_id": ["d"], "para_no": [1], "text": ["民族宗教界委员走访宗教活动场所。"]}))
    assert m[["theme", "keyword", "position"]].values.tolist() == [
        ["religion", "民族宗教", 0], ["religion", "宗教活动场所", 9]]


def test_a_sentence_quoted_from_a_text_with_spaces_ends_at_its_own_mark():
    """委员 捐款。会议 结束。: 捐款 stands at 3 (after a space); its sentence is the first one, space included, up to
    its 。 and not a character further."""
    m = theme_matches(pd.DataFrame({"doc_id": ["d"], "para_no": [1], "text": ["委员 捐款。会议 结束。"]}))
    assert m[["keyword", "position", "sentence_no", "sentence"]].values.tolist() == [["捐款", 3, 1, "委员 捐款。"]]


# ---------------------------------------------------------------- more paragraphs than one chunk


def test_a_hit_past_the_first_2000_paragraphs_belongs_to_its_own_paragraph():
    """Paragraphs are coded in chunks of 2,000: the 2,001st (row 2000) and the 2,003rd carry the keywords, not
    the first paragraphs of the table."""
    texts = [f"第{i}段无关的话。" for i in range(2003)]
    texts[2000], texts[2002] = "区政协委员捐款5万元。", "292个宗教活动场所严格履行防疫主体责任。"
    paras = pd.DataFrame({"doc_id": ["d"] * 2003, "para_no": range(1, 2004), "text": texts})
    m = theme_matches(paras)
    assert m[["para_no", "theme", "keyword", "position"]].values.tolist() == [
        [2001, "donation", "捐款", 5], [2003, "religion", "宗教活动场所", 4]]
    coded = code_paragraphs(paras)
    assert coded.index[coded["n_themes"] > 0].tolist() == [2000, 2002]
    assert coded.at[2000, "themes"] == ("donation",) and coded.at[2002, "themes"] == ("religion",)


def test_more_than_32000_paragraphs_are_coded_in_sixteen_chunks_each_hit_in_its_own_paragraph():
    """32,017 paragraphs make 16 chunks of 2,002 (a sixteenth, rounded up, once that is more than 2,000): the last
    paragraph of the first chunk (row 2001), the first of the second (row 2002) and the very last carry the
    keywords."""
    n = 32_017
    texts = ["无关的话。"] * n
    texts[2001], texts[2002] = "区政协委员捐款5万元。", "委员捐款。"
    texts[n - 1] = "292个宗教活动场所严格履行防疫主体责任。"
    paras = pd.DataFrame({"doc_id": ["d"] * n, "para_no": range(1, n + 1), "text": texts})
    m = theme_matches(paras)
    assert m[["para_no", "theme", "keyword", "position"]].values.tolist() == [
        [2002, "donation", "捐款", 5], [2003, "donation", "捐款", 2], [32_017, "religion", "宗教活动场所", 4]]


# ---------------------------------------------------------------- sentences


def test_sentence_spans_cover_the_text_in_pieces_that_end_at_a_mark():
    """Offsets counted by hand: a sentence ends after 。！ or a full stop that is no decimal point, with its closing
    quote; the rest after the last mark is a sentence; an empty text is one empty sentence, and a text ending at a
    mark has no empty one after it."""
    assert sentence_spans("甲。乙！") == [(0, 2), (2, 4)]
    assert sentence_spans("甲。乙") == [(0, 2), (2, 3)]
    assert sentence_spans("增长3.5个百分点。") == [(0, 10)]
    assert sentence_spans("Done. Next") == [(0, 5), (5, 10)]
    assert sentence_spans("他说：“好。”然后") == [(0, 7), (7, 9)]
    assert sentence_spans("") == [(0, 0)]


def test_a_hit_dropped_by_its_co_word_rule_does_not_drop_the_hits_after_it(tmp_path):
    """advice (意见, require 报送, exclude 统计表) fails in the first sentence; donation's 捐款 in the second still
    codes."""
    path = tmp_path / "themes.toml"
    path.write_text('[[theme]]\nid = "advice"\nzh = "建言"\nen = "Advice"\ndefinition = "d"\n'
                    'keywords = ["意见"]\nrequire = ["报送"]\nexclude = ["统计表"]\n\n'
                    '[[theme]]\nid = "donation"\nzh = "捐款"\nen = "Donations"\ndefinition = "d"\n'
                    'keywords = ["爱心捐款", "款物"]\n', encoding="utf-8")
    cb = load_codebook(path)
    assert coded_as("收集意见。委员爱心捐款。", cb) == [("donation", ("爱心捐款",))]  # no 报送
    assert coded_as("意见报送统计表。委员爱心捐款。", cb) == [("donation", ("爱心捐款",))]  # 统计表
    # 款物 (3-4) overlaps the end of 爱心捐款 (0-3) without lying inside it: a hit of its own
    assert coded_as("爱心捐款物资。", cb) == [("donation", ("爱心捐款", "款物"))]
