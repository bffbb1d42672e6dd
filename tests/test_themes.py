"""The theme codebook and paragraph coding, on the five real articles (fixtures in conftest.py)."""
import pandas as pd
import pytest
from conftest import shared

from analysis import (
    CodebookError,
    code_paragraphs,
    codebook_agreement,
    evidence_table,
    load_codebook,
    load_theme_labels,
    paragraph_counts,
    theme_counts,
    theme_evidence,
    theme_matches,
    theme_shares,
    theme_summary,
    uncoded,
    uncoded_share,
)
from analysis.themes import match_themes, split_sentences
from analysis.topics import nmf_topics, term_network, topic_alignment


@pytest.fixture(scope=shared("module", "themes"))
def coded(paras):
    return code_paragraphs(paras)


def one_paragraph(coded, snippet):
    """The single paragraph whose text contains `snippet` (selected by content, not by para_no)."""
    rows = coded[coded["text"].str.contains(snippet, regex=False)]
    assert len(rows) == 1, f"{snippet!r} found in {len(rows)} paragraphs"
    return rows.iloc[0]


# Paragraphs whose theme is unambiguous on reading: (distinctive text, theme it must carry).
UNAMBIGUOUS = [
    # doc 000: the district-by-district donation tallies
    ("石景山区政协委员向武汉方面捐款", "donation"),
    # doc 002: private firms' cash and goods
    ("市民营企业捐赠现金80.85万元", "donation"),
    # doc 004, 阿坝州 section: religious venues
    ("292个宗教活动场所严格履行防疫主体责任", "religion"),
    ("州佛教协会、州伊斯兰协会先后印发", "religion"),
    ("组织干部+僧人防疫队伍", "religion"),
    # doc 001, the 侨联 section; doc 004, 南充 侨联
    ("区侨联通过国外侨团以微信的形式开展动员宣传", "overseas"),
    ("隔着半个地球的距离", "overseas"),
    ("市侨联第一时间发起倡议", "overseas"),
    # advice: 社情民意 counts and a joint proposal
    ("收集企业开工复产面临的问题等社情民意信息700余篇", "advice"),
    ("九三学社四平市委组织撰写联名提案", "advice"),
    # economy: the 南锣鼓巷 small-business survey, the 工商联 financing forum
    ("南锣鼓巷商户经营现状调研报告", "economy"),
    ("组织疫情期间企业融资需求座谈会", "economy"),
    # community duty and testing
    ("认真值守小区进出口", "community"),
    ("仁和区、东区先后启动静态管理", "testing"),
    ("累计协助完成核酸检测数千人次", "testing"),
    # medical front line
    ("医药卫生界18名委员率先冲到防控第一线", "medical"),
    # publicity: news on WeChat accounts, songs and films
    ("宣传报道区政协领导、委员、机关干部参与疫情防控工作有关新闻", "publicity"),
    # democratic parties
    ("民革四川省委、民建四川省委、致公党四川省委", "parties"),
    ("九三学社东城区委积极响应区政协倡议", "parties"),
    # livelihood: errands for the elderly
    ("走上敲门排查和代购服务岗位", "livelihood"),
    # mobilisation: Party-group meeting, top political task
    ("召开党组会、主席会", "mobilisation"),
]


@pytest.mark.parametrize("snippet, theme", UNAMBIGUOUS)
def test_unambiguous_paragraph_gets_its_theme(coded, snippet, theme):
    row = one_paragraph(coded, snippet)
    assert row[theme], f"{snippet!r} not coded {theme}; got {row['themes']}"
    assert theme in row["themes"]


# Paragraphs that must NOT carry a theme a careless keyword would give them.
NOT_THEME = [
    # 台盟 is a democratic party in Beijing, not Taiwan affairs
    ("台盟东城区委成立新型冠状病毒肺炎疫情防控工作组", "overseas"),
    # artists sketching at 普仁医院 is publicity; the `exclude` rule keeps it out of medical
    ("组织文艺界委员到普仁医院", "medical"),
    # a daily staff health tally is internal reporting, not advice (exclude rule)
    ("中共成都市委统战部干部职工疫情监控统计表", "advice"),
    # the religious-venue section is not about overseas Chinese
    ("292个宗教活动场所严格履行防疫主体责任", "overseas"),
]


@pytest.mark.parametrize("snippet, theme", NOT_THEME)
def test_paragraph_does_not_get_wrong_theme(coded, snippet, theme):
    row = one_paragraph(coded, snippet)
    assert not row[theme], f"{snippet!r} wrongly coded {theme}"


def test_paragraphs_can_carry_several_themes(coded):
    row = one_paragraph(coded, "九三学社四平市委组织撰写联名提案")
    assert {"advice", "parties", "donation"} <= set(row["themes"])
    assert row["n_themes"] == len(row["themes"])
    assert "提案" in match_themes(row["text"])["advice"]


def test_uncoded_share_is_computed_and_reported(coded, record_property, capsys):
    # issue 12: paragraphs of pure rhetoric carry no theme, so the codebook leaves about as many
    # paragraphs uncoded as blind coders do. The first coding left 16 of 81 uncoded; coder E (issue 23),
    # who read "following the Party's instructions" in the mobilisation definition literally, left 6.
    # The codebook (which now codes those statements) lies between the two, within 0.05 of either end.
    share = uncoded_share(coded)
    rest = uncoded(coded)
    assert len(rest) == round(share * len(coded))
    assert (coded.set_index(["doc_id", "para_no"]).loc[list(zip(rest.doc_id, rest.para_no)), "n_themes"] == 0).all()
    record_property("uncoded_share", share)
    with capsys.disabled():
        print(f"\n[themes] {len(rest)} of {len(coded)} paragraphs uncoded ({share:.1%}): "
              + " | ".join(t[:30] for t in rest["text"]))
    shares = [(load_theme_labels(which)["themes"].map(len) == 0).mean() for which in ("seed", "seed_e")]
    assert round(min(shares) * 81) == 6 and round(max(shares) * 81) == 16
    assert min(shares) - 0.05 <= share <= max(shares) + 0.05, (share, shares)


def test_shares_by_article_region_and_year(coded, corpus):
    by_doc = theme_shares(coded, "doc_id")
    assert list(by_doc.columns) == sorted(corpus["doc_id"])
    assert ((by_doc >= 0) & (by_doc <= 1)).all().all()
    by_region = theme_shares(coded, "province", corpus=corpus)
    assert set(by_region.columns) == set(corpus["province"])
    # religion is a Sichuan (doc 004) theme only; overseas Chinese is absent from 吉林
    assert by_region.loc["religion", "四川省"] > 0 and by_region.loc["religion", "吉林省"] == 0
    assert by_region.loc["overseas", "吉林省"] == 0
    by_year = theme_shares(coded, "year", corpus=corpus)
    assert list(by_year.columns) == [2020, 2022]
    # 2022 (Sichuan) is the year of mass testing and static management
    assert by_year.loc["testing", 2022] > by_year.loc["testing", 2020]


def test_every_heatmap_cell_leads_to_its_paragraphs(coded, corpus):
    counts = theme_counts(coded, "province", corpus=corpus)
    for theme in counts.index:
        for group in counts.columns:
            ev = theme_evidence(coded, theme, by="province", group=group, corpus=corpus)
            assert len(ev) == counts.at[theme, group], (theme, group)
            assert (ev["group"] == group).all()
    table = evidence_table(coded, by="doc_id")
    assert len(table) == int(coded[counts.index].to_numpy().sum())
    # labels in either language find the same rows
    assert theme_evidence(coded, "捐款捐物").equals(theme_evidence(coded, "donation"))


def test_coded_table_carries_no_hidden_state(coded, corpus):
    assert coded.attrs == {}
    assert "keywords" not in coded.columns
    # a table rebuilt from plain columns (e.g. read back from CSV) gives the same shares and evidence
    rebuilt = pd.DataFrame({c: coded[c].tolist() for c in coded.columns})
    assert theme_shares(rebuilt, "province", corpus=corpus).equals(theme_shares(coded, "province", corpus=corpus))
    assert len(theme_evidence(rebuilt, "Religion & ethnic affairs")) == coded["religion"].sum()


def test_paragraph_tokens_are_analysis_tokenize(paras):
    from analysis import tokenize
    from analysis.topics import paragraph_tokens

    sample = paras.iloc[[0, 40, 75]]
    assert paragraph_tokens(sample) == [tokenize(t) for t in sample["text"]]


def test_keywords_match_across_segmentation_and_whitespace(tmp_path):
    path = tmp_path / "themes.toml"
    path.write_text(
        '[[theme]]\nid = "advice"\nzh = "建言"\nen = "Advice"\ndefinition = "d"\n'
        'keywords = ["社情民意信息"]\nrequire = ["报送"]\nexclude = ["统计表"]\n',
        encoding="utf-8",
    )
    cb = load_codebook(path)
    assert match_themes("收集社情 民意信息并报送", cb) == {"advice": ("社情民意信息",)}
    assert match_themes("收集社情民意信息", cb) == {}  # required co-word missing
    assert match_themes("报送社情民意信息统计表", cb) == {}  # excluded co-word present


def test_real_codebook_is_complete():
    cb = load_codebook()
    assert 8 <= len(cb) <= 12
    assert cb["id"].is_unique
    assert all(cb["zh"].str.len() > 0) and all(cb["en"].str.len() > 0)
    assert (cb["label"] == cb["zh"] + " " + cb["en"]).all()


# ---------------------------------------------------------------- malformed codebooks fail clearly

GOOD = '''# test codebook
[[theme]]
id = "donation"
zh = "捐款捐物"
en = "Donations"
definition = "Giving money."
keywords = ["捐款", "捐物"]

[[theme]]
id = "advice"
zh = "建言献策"
en = "Advice"
definition = "Proposals."
keywords = ["提案"]
'''


def write(tmp_path, text):
    path = tmp_path / "themes.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_test_codebook_loads(tmp_path):
    cb = load_codebook(write(tmp_path, GOOD))
    assert list(cb["id"]) == ["donation", "advice"]


def test_toml_syntax_error_names_the_line(tmp_path):
    path = write(tmp_path, GOOD.replace('zh = "捐款捐物"', "zh = 捐款捐物"))  # unquoted string, line 4
    with pytest.raises(CodebookError, match=r"themes\.toml: not valid TOML.*at line 4"):
        load_codebook(path)
    path = write(tmp_path, GOOD.replace('keywords = ["提案"]', 'keywords = ["提案"'))  # unclosed, last line
    with pytest.raises(CodebookError, match=r"not valid TOML.*line 14 is the last line"):
        load_codebook(path)


def test_missing_key_names_theme_and_line(tmp_path):
    path = write(tmp_path, GOOD.replace('keywords = ["提案"]\n', ""))
    with pytest.raises(CodebookError, match=r"line 9: theme 'advice': missing key 'keywords'"):
        load_codebook(path)


def test_keywords_not_a_list_names_key_and_line(tmp_path):
    path = write(tmp_path, GOOD.replace('keywords = ["捐款", "捐物"]', 'keywords = "捐款"'))
    with pytest.raises(CodebookError, match=r"line 7: theme 'donation': key 'keywords' must be a list"):
        load_codebook(path)


def test_misspelt_key_is_an_error(tmp_path):
    path = write(tmp_path, GOOD.replace('keywords = ["提案"]', 'keywords = ["提案"]\nexclud = ["x"]'))
    with pytest.raises(CodebookError, match=r"line 15: theme 'advice': unknown key\(s\) \['exclud'\]"):
        load_codebook(path)


def test_lists_qualifiers_are_read_and_unknown_list_keys_are_an_error(tmp_path):
    lists = '\n[lists]\nothers = ["统战部"]\nqualifiers = ["人士"]\n'
    cb = load_codebook(write(tmp_path, GOOD + lists))
    assert cb["list_qualifiers"].iloc[0] == ("人士",)
    assert (cb["list_others"].iloc[0], cb["list_min_kinds"].iloc[0]) == (("统战部",), 3)
    with pytest.raises(CodebookError, match=r"\[lists\]: unknown key\(s\) \['qualifier'\]"):
        load_codebook(write(tmp_path, GOOD + lists.replace("qualifiers", "qualifier")))


def test_duplicate_id_and_empty_keywords(tmp_path):
    path = write(tmp_path, GOOD.replace('id = "advice"', 'id = "donation"'))
    with pytest.raises(CodebookError, match=r"line 10: theme 'donation': id 'donation' already used .* line 2"):
        load_codebook(path)
    path = write(tmp_path, GOOD.replace('keywords = ["提案"]', "keywords = []"))
    with pytest.raises(CodebookError, match=r"theme 'advice': key 'keywords' is empty"):
        load_codebook(path)


def test_guidance_for_coders_is_kept_as_written_and_checked(tmp_path):
    """when_to_use / when_not_to_use: sentences for human coders, kept with their spaces (unlike keywords, whose
    whitespace is removed); absent, an empty tuple; a string or an empty sentence is an error naming key and line."""
    text = GOOD.replace('definition = "Giving money."\n', 'definition = "Giving money."\n'
                        'when_to_use = ["Money given by the members (捐款)."]\n'
                        'when_not_to_use = ["What an appeal asks for.", "Gifts of ceremony (纪念品)."]\n')
    cb = load_codebook(write(tmp_path, text)).set_index("id")
    assert cb.loc["donation", "when_to_use"] == ("Money given by the members (捐款).",)
    assert cb.loc["donation", "when_not_to_use"] == ("What an appeal asks for.", "Gifts of ceremony (纪念品).")
    assert cb.loc["advice", "when_to_use"] == () and cb.loc["advice", "when_not_to_use"] == ()
    with pytest.raises(CodebookError, match=r"line 7: theme 'donation': key 'when_to_use' must be a list"):
        load_codebook(write(tmp_path, text.replace('["Money given by the members (捐款)."]', '"Money."')))
    with pytest.raises(CodebookError, match=r"line 8: theme 'donation': key 'when_not_to_use' must be a list"):
        load_codebook(write(tmp_path, text.replace('"What an appeal asks for.", ', '" ", ')))


def test_the_study_codebook_tells_coders_when_to_use_each_theme_and_when_not():
    cb = load_codebook()
    assert all(len(x) >= 1 for x in cb["when_to_use"]) and all(len(x) >= 1 for x in cb["when_not_to_use"])


def test_no_themes_and_missing_file(tmp_path):
    with pytest.raises(CodebookError, match="no \\[\\[theme\\]\\] blocks"):
        load_codebook(write(tmp_path, "# only a comment\n"))
    with pytest.raises(CodebookError, match="not found"):
        load_codebook(tmp_path / "nope.toml")


def test_code_paragraphs_takes_a_codebook_path(paras, tmp_path):
    path = write(tmp_path, GOOD)
    coded = code_paragraphs(paras, path)
    assert [t for t in ("donation", "advice", "religion") if t in coded.columns] == ["donation", "advice"]
    assert coded["themes"].map(set).map(lambda s: s <= {"donation", "advice"}).all()
    assert coded["donation"].sum() == paras["text"].str.contains("捐款|捐物").sum()
    # the match table follows the same codebook: only its two themes, 提案 and 捐款/捐物 only
    matches = theme_matches(paras, path)
    assert list(matches["theme"].cat.categories) == ["donation", "advice"]
    assert set(matches["keyword"]) <= {"捐款", "捐物", "提案"} and len(matches) > 0
    # and the summary names the themes as that codebook does ("Donations", not the default's longer label)
    summary = theme_summary(coded, codebook=path)
    assert summary["theme"].tolist() == ["donation", "advice"]
    assert summary["label"].tolist() == ["捐款捐物 Donations", "建言献策 Advice"]
    assert summary["paragraphs"].tolist() == [coded["donation"].sum(), coded["advice"].sum()]
    table = evidence_table(coded, codebook=path)  # by default the cells are the articles'
    assert table["label"].unique().tolist() == ["捐款捐物 Donations", "建言献策 Advice"][:table["theme"].nunique()]
    assert (table["group"] == table["doc_id"]).all() and len(table) == coded[["donation", "advice"]].to_numpy().sum()


# ---------------------------------------------------------------- NMF check and term network


def test_nmf_topics_are_deterministic_and_align(paras, coded):
    topics, weights = nmf_topics(paras, n_topics=12)
    again, weights2 = nmf_topics(paras, n_topics=12)
    assert topics["top_words"].tolist() == again["top_words"].tolist()
    assert len(weights) == len(paras) and weights.shape[1] == 12
    assert pd.Series(weights.sum(axis=1)).between(0.999, 1.001).mean() > 0.9
    table = topic_alignment(coded, topics, weights)
    # the religious-venue vocabulary is a topic of its own and the codebook names it
    assert "宗教与民族事务 Religion & ethnic affairs" in set(table.loc[table["r"] > 0.5, "best_theme"])


def test_term_network_is_small_and_thresholded(paras):
    G = term_network(paras, n_terms=30, min_jaccard=0.25, max_degree=4)
    assert 10 <= G.number_of_nodes() <= 30
    assert G.number_of_edges() <= 2 * 30
    assert all(d["weight"] >= 0.25 for _, _, d in G.edges(data=True))
    assert "疫情" not in G


# ---------------------------------------------------------------- the match table (issue 10)


def test_match_table_says_where_each_code_comes_from(paras, coded):
    m = theme_matches(paras)
    assert list(m.columns) == ["doc_id", "para_no", "theme", "keyword", "position", "sentence_no", "sentence"]
    text = paras.set_index(["doc_id", "para_no"])["text"]
    for row in m.sample(60, random_state=0).itertuples():
        t = text[(row.doc_id, row.para_no)]
        assert t[row.position:row.position + len(row.keyword)] == row.keyword
        assert row.keyword in row.sentence and row.sentence in t
        assert row.sentence == split_sentences(t)[row.sentence_no - 1]
    # the bool columns are exactly a group-by of the match table
    pairs = set(zip(m["doc_id"], m["para_no"], m["theme"]))
    for tid in load_codebook()["id"]:
        from_matches = {(d, n) for d, n, t in pairs if t == tid}
        assert from_matches == set(zip(coded.loc[coded[tid], "doc_id"], coded.loc[coded[tid], "para_no"])), tid


def test_positions_survive_whitespace_and_sentences_split():
    paras = pd.DataFrame({"doc_id": ["x"], "para_no": [1], "text": ["会上 讨论了。九三学社 委员捐 款 5万元！"]})
    m = theme_matches(paras)
    hit = m[m["theme"] == "donation"].iloc[0]
    assert hit["keyword"] == "捐款" and paras.text[0][hit["position"]:hit["position"] + 3] == "捐 款"
    assert hit["sentence_no"] == 2 and hit["sentence"] == "九三学社 委员捐 款 5万元！"
    assert split_sentences("甲。乙；丙!丁“戊。”己") == ["甲。", "乙；", "丙!", "丁“戊。”", "己"]


def test_counts_shares_and_denominators_are_separate(coded, corpus):
    """Paragraphs per province by hand: 北京市 12 + 11 + 13 = 36 (000, 001, 003), 吉林省 6, 四川省 39. Religion
    codes 000's 民族宗教界 paragraph and 004's 江阳 少数民族 paragraph and its four 阿坝州 paragraphs; overseas
    codes 001's two 侨联 paragraphs and 004's 南充 侨联 paragraph. The whole table is checked against the
    bool columns counted row by row here. Testing codes 23 of 四川省's 39: 004/14 joined them with the eleventh
    revision (its list of work done, 搬运物资、核酸检测、执勤值守……等各条战线上都能看到他们的忙碌身影, is no
    longer taken for the rhetoric of places)."""
    counts = theme_counts(coded, "province", corpus=corpus)
    assert list(counts.index) == list(load_codebook()["id"])  # theme rows only
    assert list(counts.columns) == ["北京市", "吉林省", "四川省"]
    n = paragraph_counts(coded, "province", corpus=corpus)
    assert n.to_dict() == {"北京市": 36, "吉林省": 6, "四川省": 39}
    assert counts.loc["religion"].to_dict() == {"北京市": 1, "吉林省": 0, "四川省": 4}
    assert counts.loc["overseas"].to_dict() == {"北京市": 2, "吉林省": 0, "四川省": 1}
    province = dict(zip(corpus["doc_id"], corpus["province"]))
    for theme in counts.index:
        for group in counts.columns:
            by_hand = sum(1 for d, flag in zip(coded["doc_id"], coded[theme]) if flag and province[d] == group)
            assert counts.at[theme, group] == by_hand, (theme, group)
    shares = theme_shares(coded, "province", corpus=corpus)
    assert shares.at["religion", "四川省"] == pytest.approx(4 / 39)
    assert shares.at["religion", "北京市"] == pytest.approx(1 / 36)
    assert shares.at["overseas", "北京市"] == pytest.approx(2 / 36) and shares.at["overseas", "吉林省"] == 0
    assert shares.at["testing", "吉林省"] == pytest.approx(3 / 6)
    assert shares.at["testing", "四川省"] == pytest.approx(23 / 39)
    by_doc = theme_shares(coded, "doc_id")  # each cell: the theme's paragraphs of the article over its paragraphs
    per_doc = {"000": 12, "001": 11, "002": 6, "003": 13, "004": 39}
    for d in by_doc.columns:
        flags = coded.loc[coded["doc_id"] == d]
        assert by_doc[d].tolist() == pytest.approx([flags[t].sum() / per_doc[d[:3]] for t in by_doc.index])


def test_religion_evidence_and_summary_read_off_the_paragraphs(coded):
    """The five religion paragraphs and the words that coded them, as they stand in the texts (004/14, whose
    少数民族人士 are volunteers among others, left them with revision 21: no seed coding codes it); the summary's
    keyword counts are the paragraphs each word codes: 宗教 4 (000/9, 004/31, 32, 34), 民宗 3 (004/31-33),
    宗教活动场所 2 and 寺 2 (004/32, 33), 民族宗教 1 (000/9)."""
    ev = theme_evidence(coded, "religion")
    assert list(ev.columns) == ["doc_id", "para_no", "section", "matched", "sentence", "text"]
    assert [(d[:3], n, m) for d, n, m in zip(ev["doc_id"], ev["para_no"], ev["matched"])] == [
        ("000", 9, "民族宗教, 宗教"), ("004", 31, "民宗, 宗教"),
        ("004", 32, "民宗, 宗教活动场所, 宗教, 寺"), ("004", 33, "宗教活动场所, 民宗, 僧, 寺, 扎康"),
        ("004", 34, "佛教, 伊斯兰, 宗教, 信教群众")]
    assert ev["sentence"].iloc[0] == ("西城区李海潮委员作为队长,带领北京大学第一医院医护人员驰援武汉,"
                                      "民族宗教界委员也通过宗教组织支援湖北捐款活动;")
    assert ev["sentence"].iloc[1] == ev["text"].iloc[1]  # 004/31 is one sentence
    summary = theme_summary(coded).set_index("theme")
    assert summary.at["religion", "paragraphs"] == 5 and summary.at["religion", "share"] == pytest.approx(5 / 81)
    assert summary.at["religion", "top_keywords"] == "宗教 4, 民宗 3, 宗教活动场所 2, 寺 2, 民族宗教 1"
    assert summary.at["religion", "label"] == "宗教与民族事务 Religion & ethnic affairs"
    assert summary["paragraphs"].to_dict() == {t: int(coded[t].sum()) for t in summary.index}
    table = evidence_table(coded, by="doc_id")
    assert len(table) == int(coded[list(load_codebook()["id"])].to_numpy().sum())
    assert list(table.columns) == ["theme", "label", "group", "doc_id", "para_no", "matched", "sentence", "text"]
    assert table.groupby("theme").size().to_dict() == {t: int(coded[t].sum()) for t in load_codebook()["id"]}


def test_match_rows_of_one_paragraph_with_positions_read_off_the_text(paras):
    """004/31: 连日来,阿坝州民宗部门坚持“人民至上、生命至上”,闻令而动多措并举扎实做好宗教领域疫情防控工作。
    民宗 starts at character 7, 宗教 at 37; one sentence."""
    one = paras[paras["doc_id"].str.startswith("004") & (paras["para_no"] == 31)]
    m = theme_matches(one)
    text = one["text"].iloc[0]
    assert m[["theme", "keyword", "position", "sentence_no"]].values.tolist() == [
        ["religion", "民宗", 7, 1], ["religion", "宗教", 37, 1]]
    assert text.find("民宗") == 7 and text.find("宗教") == 37
    assert (m["sentence"] == text).all()


def test_uncoded_paragraphs_are_those_with_no_theme(coded):
    """uncoded() is every paragraph whose themes are empty, counted here row by row; its share is over all 81."""
    none = [(d, n) for d, n, ts in zip(coded["doc_id"], coded["para_no"], coded["themes"]) if len(ts) == 0]
    rest = uncoded(coded)
    assert list(zip(rest["doc_id"], rest["para_no"])) == none and len(none) > 0
    assert uncoded_share(coded) == pytest.approx(len(none) / 81)


def test_evidence_shows_the_triggering_sentence(coded):
    ev = theme_evidence(coded, "donation")
    assert len(ev) == coded["donation"].sum()
    for row in ev.itertuples():
        words = row.matched.split(", ")
        assert words and all(any(w in s for s in row.sentence.split(" … ")) for w in words)
        assert all(s in row.text for s in row.sentence.split(" … "))
    summary = theme_summary(coded)
    assert summary.set_index("theme").loc["donation", "paragraphs"] == coded["donation"].sum()
    assert summary.set_index("theme").loc["donation", "top_keywords"].startswith("捐")


def test_groups_by_year_and_by_a_paragraph_column_and_errors_name_what_is_missing(coded, corpus):
    """By year (from the articles' dates: 000, 001, 002, 003 are of 2020, 004 of 2022): 12 + 11 + 6 + 13 = 42
    and 39 paragraphs; religion 1 (000/9) and 4, overseas 2 and 1, as in the province test above. A paragraph
    column needs no corpus; an article column does, and a name that is neither is refused."""
    n = paragraph_counts(coded, "year", corpus=corpus)
    assert n.to_dict() == {2020: 42, 2022: 39} and n.name == "n_paragraphs" and n.index.name == "year"
    counts = theme_counts(coded, "year", corpus=corpus)
    assert counts.columns.name == "year" and counts.loc["religion"].to_dict() == {2020: 1, 2022: 4}
    assert counts.loc["overseas"].to_dict() == {2020: 2, 2022: 1}
    assert theme_shares(coded, "year", corpus=corpus).loc["religion"].tolist() == pytest.approx([1 / 42, 4 / 39])
    by_section = paragraph_counts(coded, "section")
    assert by_section["“疫情就是命令,防控就是责任”"] == 6 and by_section.sum() == 81
    with pytest.raises(KeyError, match="'province' is not a paragraph column; pass corpus="):
        paragraph_counts(coded, "province")
    with pytest.raises(KeyError, match="'provence' is neither a paragraph column, a corpus column nor 'year'"):
        theme_counts(coded, "provence", corpus=corpus)


def test_evidence_of_a_theme_named_in_chinese_or_english_and_of_one_cell(coded, corpus):
    """The religion theme by its id, its Chinese name, its English name or its label gives the same five
    paragraphs; with by= and group= the four of 四川省 (004/31-34) and a group column."""
    five = theme_evidence(coded, "religion")
    for name in ("宗教与民族事务", "Religion & ethnic affairs", "宗教与民族事务 Religion & ethnic affairs"):
        pd.testing.assert_frame_equal(theme_evidence(coded, name), five)
    with pytest.raises(KeyError, match="unknown theme 'faith'"):
        theme_evidence(coded, "faith")
    cell = theme_evidence(coded, "religion", by="province", group="四川省", corpus=corpus)
    assert list(cell.columns) == ["doc_id", "para_no", "section", "matched", "sentence", "text", "group"]
    assert cell["para_no"].tolist() == [31, 32, 33, 34] and (cell["group"] == "四川省").all()
    assert cell.index.tolist() == [0, 1, 2, 3]
    groups = theme_evidence(coded, "religion", by="province", corpus=corpus)["group"]
    assert groups.tolist() == ["北京市"] + ["四川省"] * 4


def test_a_paragraph_without_text_is_kept_and_coded_with_nothing():
    """A missing or empty text codes no theme (and is still a row); the paragraph after them still codes."""
    paras = pd.DataFrame({"doc_id": ["a", "b", "c"], "para_no": [1, 2, 3],
                          "text": [None, "", "292个宗教活动场所严格履行防疫主体责任"]})
    coded = code_paragraphs(paras)
    assert coded["themes"].tolist() == [(), (), ("religion",)] and coded["n_themes"].tolist() == [0, 0, 1]
    assert theme_matches(paras)[["doc_id", "keyword", "position"]].values.tolist() == [["c", "宗教活动场所", 4]]
    empty = coded.iloc[:0]
    assert uncoded_share(empty) == 0.0
    assert theme_summary(empty)["share"].tolist() == [0.0] * len(load_codebook())


def test_texts_without_ids_are_numbered_from_1_and_a_word_is_listed_once_per_theme():
    """A table of texts only: the matches have no doc_id and number the paragraphs from 1 (the second text is
    paragraph 2); themes in codebook order (donation before religion), each sentence numbered from 1.
    match_themes lists 捐款 once although it codes twice; a blank text carries no theme."""
    texts = ["无关的话。", "292个宗教活动场所严格履行防疫主体责任。区政协委员捐款5万元"]
    m = theme_matches(pd.DataFrame({"text": texts}))
    assert m["doc_id"].isna().all()
    assert m[["para_no", "theme", "keyword", "position", "sentence_no", "sentence"]].values.tolist() == [
        [2, "donation", "捐款", 26, 2, "区政协委员捐款5万元"],
        [2, "religion", "宗教活动场所", 4, 1, "292个宗教活动场所严格履行防疫主体责任。"]]
    assert match_themes("宗教团体捐款,宗教场所捐款。") == {"donation": ("捐款",), "religion": ("宗教",)}
    assert match_themes(" \u3000 ") == {} and match_themes("") == {}


def test_integer_article_ids_are_carried_to_the_matches_of_their_own_paragraphs(tmp_path):
    """Articles 7 and 9: 捐款 is the 6th character of article 7's second paragraph and the 5th of article 9's first."""
    paras = pd.DataFrame({"doc_id": [7, 7, 9], "para_no": [1, 2, 1],
                          "text": ["会议结束。", "区政协委员捐款5万元。", "民建会员捐款。"]})
    m = theme_matches(paras, write(tmp_path, GOOD))
    assert m[["doc_id", "para_no", "theme", "keyword", "position"]].values.tolist() == [
        [7, 2, "donation", "捐款", 5], [9, 1, "donation", "捐款", 4]]
    assert m["doc_id"].dtype == "int64"


def test_a_match_table_without_matches_has_the_column_types_of_one_with_matches(tmp_path):
    """No keyword of the two-theme codebook in 会议结束。: an empty table whose doc_id is of the paragraphs' type and
    whose every column is of the type it has when 捐款 matches."""
    codebook = write(tmp_path, GOOD)
    paras = pd.DataFrame({"doc_id": ["a"], "para_no": [1], "text": ["会议结束。"]})
    none = theme_matches(paras, codebook)
    some = theme_matches(paras.assign(text=["区政协委员捐款5万元。"]), codebook)
    assert len(none) == 0 and len(some) == 1
    assert none["doc_id"].dtype == paras["doc_id"].dtype
    assert none.dtypes.to_dict() == some.dtypes.to_dict()


def test_counts_default_to_articles_and_uncoded_keeps_its_columns(coded):
    """By default the groups are the articles: 12, 11, 6, 13 and 39 paragraphs (000 ... 004); the uncoded
    paragraphs come with doc_id, para_no, section and text, numbered from 0."""
    n = paragraph_counts(coded)
    assert n.tolist() == [12, 11, 6, 13, 39] and n.index.name == "doc_id"
    assert theme_counts(coded).columns.name == "doc_id" and list(theme_shares(coded).columns) == list(n.index)
    rest = uncoded(coded)
    assert list(rest.columns) == ["doc_id", "para_no", "section", "text"]
    assert rest.index.tolist() == list(range(len(rest)))


def many_themes(tmp_path, n):
    """A codebook of n made themes t1 ... tn, theme i coded by the keyword 主题i号 (主题1号 is no part of 主题11号)."""
    return write(tmp_path, "".join(f'[[theme]]\nid = "t{i}"\nzh = "主题{i}"\nen = "Theme {i}"\ndefinition = "Made."\n'
                                   f'keywords = ["主题{i}号"]\n\n' for i in range(1, n + 1)))


def test_a_paragraph_lists_the_first_and_the_sixtieth_theme_of_a_sixty_theme_codebook(tmp_path):
    """Themes 1 and 60 of one paragraph are both in its `themes`, next to a paragraph of theme 2 alone and one of
    none (a set of themes held as 2**0 + 2**59 in a float would lose theme 1)."""
    paras = pd.DataFrame({"text": ["会上提到主题1号和主题60号。", "主题2号。", "会议结束。"]})
    coded = code_paragraphs(paras, many_themes(tmp_path, 60))
    assert coded["themes"].tolist() == [("t1", "t60"), ("t2",), ()]
    assert coded["n_themes"].tolist() == [2, 1, 0]
    assert coded["t60"].tolist() == [True, False, False]


def test_themes_past_the_sixty_fourth_of_a_seventy_theme_codebook_are_listed(tmp_path):
    """Theme 65 next to theme 1 is in the paragraph's `themes`, and theme 64 alone is theme 64 alone (not 64 to 70):
    a set of themes is no 64-bit number."""
    paras = pd.DataFrame({"text": ["主题1号。主题65号。", "主题64号。", "主题70号，主题69号。"]})
    coded = code_paragraphs(paras, many_themes(tmp_path, 70))
    assert coded["themes"].tolist() == [("t1", "t65"), ("t64",), ("t69", "t70")]
    assert coded["n_themes"].tolist() == [2, 1, 2]


def test_a_codebook_table_without_themes_codes_every_paragraph_with_none():
    empty = load_codebook().iloc[:0]
    coded = code_paragraphs(pd.DataFrame({"text": ["区政协委员捐款5万元。", "会议结束。"]}), empty)
    assert coded["themes"].tolist() == [(), ()] and coded["n_themes"].tolist() == [0, 0]


# ---------------------------------------------------------------- the rules (issue 12) on made sentences


def code_one(text):
    return set(code_paragraphs(pd.DataFrame({"doc_id": ["t"], "para_no": [1], "text": [text]})).iloc[0]["themes"])


def test_stock_formulas_are_not_mobilisation():
    assert "mobilisation" not in code_one("在市委的坚强领导下,疫情就是命令,全区上下闻令而动。")
    assert "mobilisation" in code_one("区政协成立疫情防控领导小组,向全体委员发出倡议书。")
    # a state's initiative is no appeal, a date before 召开 is no 号召
    assert "mobilisation" not in code_one("“一带一路”倡议提出以来,贸易总额持续增长。")
    assert "mobilisation" not in code_one("该组织将于22号召开会议。")


def test_following_the_partys_deployment_codes_mobilisation_where_a_united_front_body_turns_to_the_epidemic():
    # where a united-front body reports its own epidemic work in the sentence, following the Party's deployment is
    # the definition's first act (seed 004: E and the third team code it; eleventh revision: a contextual word)
    assert "mobilisation" in code_one("全省统一战线按照省委、省政府统一部署,全力投身疫情防控。")
    assert "mobilisation" in code_one("区政协坚决贯彻落实党中央决策部署,把疫情防控作为最重要的政治任务。")
    # elsewhere it is stock framing, one weak word: a year's summary of a body (CCTV, coded no), the regions'
    # economic work, a leader's call with no body acting
    summary = "过去一年，全国政协坚决贯彻落实中共中央决策部署，紧紧围绕党和国家中心任务凝心聚力。"
    assert "mobilisation" not in code_one(summary)
    assert "mobilisation" not in code_one("各地区各部门贯彻落实党中央决策部署,坚持稳字当头、稳中求进。")
    # the epidemic in another sentence
    assert "mobilisation" not in code_one("统战部按照统一部署开展工作。疫情防控形势严峻。")
    stock = "深入贯彻落实习近平总书记重要指示精神和党中央决策部署,把疫情防控作为最重要工作。"
    assert "mobilisation" not in code_one(stock)
    assert "mobilisation" in code_one("市委统战部按照市委统一部署,向全市统战成员发出倡议。")
    # a known error: a speech summing up the CPPCC's year that names its epidemic work codes it (cctv7's coders: no)
    year = "过去一年，全国政协坚决贯彻落实中共中央决策部署，在抗击新冠肺炎疫情中积极履职。"
    assert "mobilisation" in code_one(year)
    # Party members sent down to the communities are members mobilised
    assert "mobilisation" in code_one("全市9万余名党员干部下沉社区一线,41万在职党员回到社区报到。")
    assert "mobilisation" in code_one("区政协广泛动员全体委员,全力支持区委做好疫情防控工作。")
    # studying the leader's remarks ON A SUBJECT introduces the subject of a consultation; it is not coded
    assert "mobilisation" not in code_one("要深入学习贯彻习近平总书记关于加强基础研究的重要指示精神,提升原始创新能力。")
    # the whole nation mobilised is rhetoric, not a body mobilising its members
    assert "mobilisation" not in code_one("全国动员、全民参与,构筑起严密的防控体系。")


def test_a_list_of_actors_is_not_their_work():
    # the federation in the standard list of the united front is not economy work; the democratic parties named
    # together are what every blind coder coded parties (seed, corpora and cctv fixtures, issue 23)
    assert code_one("各民主党派、工商联和无党派人士积极参与疫情防控。") & {"economy", "parties"} == {"parties"}
    assert code_one("统战部、工商联和侨联等统战系统干部参与疫情防控。") & {"economy", "overseas"} == set()
    # one kind of actor is not a list: the democratic parties acting together are coded
    assert "parties" in code_one("民革市委、民盟市委、致公党市委向社区捐赠口罩。")
    assert "economy" in code_one("区工商联组织民营企业复工复产。")
    # one name is one kind (revision 22): 无党派人士 (with 党派 and 无党派 inside it) or an actor qualified by 代表人士
    # is not a list of its own, so the other actor in the clause still codes
    assert "religion" in code_one("宗教界人士和无党派人士踊跃捐款。")
    assert "overseas" in code_one("市侨联和无党派人士一起走访慰问困难群众。")
    assert "religion" in code_one("区委统战部走访慰问少数民族代表人士。")
    # three names are still a list; non-party figures belong to no party
    assert "overseas" not in code_one("统战部、侨联和无党派人士参加座谈。")
    assert "parties" not in code_one("要加强无党派代表人士队伍建设。")
    assert "parties" not in code_one("区政协医卫界别与无党派界别联合举办中医药文化集市。")
    assert "parties" in code_one("民建会员和无党派人士积极捐款。")


def test_rhetoric_and_objects_of_others_do_not_code():
    assert code_one("在卡点、在捐赠点、在会议室,都能看到政协人的身影。") & {"community", "donation"} == set()
    assert "medical" not in code_one("志愿者与医护人员密切配合,协助维持秩序。")
    assert "advice" not in code_one("区政协号召委员或献计献策、或捐资捐物。")
    assert "donation" not in code_one("区政协号召委员或献计献策、或捐资捐物。")
    # a word containing a keyword is not the keyword
    assert "mobilisation" not in code_one("运动员入场完毕。")
    assert "overseas" not in code_one("中华人民共和国成立以来。")


# The twelfth revision's rules, read off the first real local CPPCC and united-front text (reports/codebook12_local.md),
# on made sentences of that genre: (sentence, theme, coded?). With revision 11's codebook the rules' own cases fail; the
# controls pass with either: negatives a new word must not reach (the appeal's content, 市委会议, 市委会同, 盟市委书记,
# 协商大会) and positives a new formula must not block (调研组发现……问题, 海外华侨捐款, 多家媒体报道).
TWELFTH_REVISION = [
    # members answering an appeal and then giving report a donation; the appeal's content still does not code
    ("各界委员积极响应号召,无私奉献,累计捐款捐物50余万元。", "donation", True),
    ("南芬区政协响应党中央及省、市政协号召,认真组织政协委员奉献爱心,捐款捐物。", "donation", True),
    ("区政协号召委员或献计献策、或捐资捐物。", "donation", False),
    # consolation money handed over, a school built by donation, donated goods
    ("市侨联领导为老归侨、侨眷发放了慰问金。", "donation", True),
    ("致公党市委会为山区捐建了一所希望小学。", "donation", True),
    ("一箱箱爱心物资送到了社区。", "donation", True),
    ("新春暖心包里有防疫喷雾和春联,已陆续发放。", "donation", True),
    # free clinics are doctors treating patients
    ("八位专家为社区200多位居民进行了义诊。", "medical", True),
    # the parties' short names for their committees and members; a Party committee's meeting is not one
    ("社市委组织广大社员参加志愿服务。", "parties", True),
    ("盟市委为村民送去温暖和健康。", "parties", True),
    ("市委会召开2018年参政议政工作会议,表彰优秀调研成果。", "parties", True),
    ("市委会议研究部署了防汛工作。", "parties", False),
    ("市委会同市政府出台了实施意见。", "parties", False),
    ("内蒙古各盟市委书记参加了会议。", "parties", False),
    # the Party's briefing of non-party people
    ("受中共中央委托，中央统战部部长向党外人士通报中央经济工作会议精神。", "parties", True),
    # provincial merchants' bodies are the business community; a consultation meeting is no chamber
    ("甘肃省陇商联合会7日在兰州宣布成立。", "economy", True),
    ("首届川商返乡发展大会在成都召开,四川省川商总会副会长出席。", "economy", True),
    ("政协召开专题协商大会。", "economy", False),
    # a research group alone is a study visit (a department's, a party's); beside another advice word it reports
    ("省纪委派出调研组分赴各县进行督察。", "advice", False),
    ("调研组发现养老服务存在的问题,并形成报告。", "advice", True),
    # a list of nominees proposes people, not advice
    ("会议讨论了常务委员建议人选名单。", "advice", False),
    # departments' heads in consultative exchange with the members at a consultation meeting
    ("中央宣传部、教育部、财政部等部门负责人现场作了协商交流。", "advice", True),
    # an institution named after overseas Chinese is a name
    ("演出在深圳华侨城上演。", "overseas", False),
    ("助学活动在信宜华侨中学举行。", "overseas", False),
    ("海外华侨踊跃捐款支持家乡抗疫。", "overseas", True),
    # a byline, answering the press and new-media workers as a social group are no publicity; a media report is
    ("云上大冶报道（记者 余霄）11月20日，市工商联与黄埔区工商联签订友好协议。", "publicity", False),
    ("五位全国政协委员就提高民生保障水平回应媒体关切。", "publicity", False),
    ("全区有民营企业8000余家，新媒体公司8家。", "publicity", False),
    ("多家媒体对委员们的抗疫事迹进行了报道。", "publicity", True),
]


THIRTEENTH_REVISION = [
    # an appeal that was answered (得到……支持，大家纷纷捐款; 已经募集) reports the giving; its content alone does not
    ("倡议也得到商会会员们的大力支持,大家纷纷捐款。", "donation", True),
    ("向社会发出倡议,三年来已经募集捐款27万元。", "donation", True),
    ("市工商联倡议会员企业踊跃捐款捐物。", "donation", False),
    ("倡议广大会员让困难群众得到温暖,踊跃捐款捐物。", "donation", False),
    ("向社会发出倡议,三年来募集捐款27万元。", "donation", True),
    # a member's proposal stated as reported speech (委员提出，……) is a suggestion made; a document's is not
    ("针对物流成本偏高的问题,委员提出,应加快建设多式联运枢纽。", "advice", True),
    ("有委员提出,当前一些地方新农村建设缺乏统筹规划。", "advice", True),
    ("《意见》提出,要健全县、乡、村寄递服务体系。", "advice", False),
    # members' views in a session's discussion are suggestions to Party and government; deputies' are not this theme
    ("政协委员在讨论中认为,要继续加快发展教育、就业、社会保障等民生事业。", "advice", True),
    ("委员们认为,实施乡村振兴战略,要着力提高农村公共服务水平。", "advice", True),
    ("代表们分组讨论时认为,“三个自信”将引领全国人民迈出更加坚定的步伐。", "advice", False),
    ("全国人大常委会分组审议民法典草案,有的委员提出,应进一步完善相关规定。", "advice", False),
    # the speech opening a training course or a study campaign is part of the ceremony; a mobilisation meeting is not
    ("区政协主席胡文炜出席开班式并作动员讲话。", "mobilisation", False),
    ("区政协主席作开班动员,他说,学习是人民政协的优良传统。", "mobilisation", False),
    ("县政协党组书记、主席李劲涛作学习动员讲话。", "mobilisation", False),
    ("县政协召开疫情防控工作动员会,全体委员投身防控一线。", "mobilisation", True),
    ("区政协加强协作动员全体委员参与疫情防控。", "mobilisation", True),
    ("区委统战部召开疫情防控工作动员会。", "mobilisation", True),
    # a body's own work plans are stock framing unless a united-front body reports its epidemic work with them
    ("区政协文教卫体委负责人就今年的协商调研活动和社情民意信息做了安排部署。", "mobilisation", False),
    ("国家防总分析会商雨情汛情灾情,进一步安排部署防汛抗旱救灾工作。", "mobilisation", False),
    ("区委统战部坚决贯彻落实上级各项安排部署,全力做好疫情防控工作。", "mobilisation", True),
    # gathering public opinion in its set phrases; help with a plan in general is not advice
    ("通过委员工作室,委员能更好地倾听民声,收集民意,反映民情。", "advice", True),
    ("中国银行上海市分行正在为这家企业融资方案出谋划策。", "advice", False),
    # a byline naming a media centre's reporter is no media report
    ("本报讯 全媒体记者黄华 通讯员程飞 3月22日上午,我市举行2024年第九场政企早餐会。", "publicity", False),
    ("神农架新闻网(神农架融媒体中心)(记者 吴冠宇)8月2日,林区政协组织委员开展读书分享会。", "publicity", False),
    # a sentence ending with the attendance lists guests; an organiser's own meeting still codes
    ("各民主党派、工商联、有关人民团体和市政协各专委会负责人参加了会议。", "parties", False),
    ("全国政协副主席、全国工商联主席高云龙出席座谈会。", "economy", False),
    ("民盟市委召开全委会,盟员代表参加会议。", "parties", True),
    ("致公党市委开展送医下乡义诊,20余名党员医生参加活动。", "parties", True),
    # supervision is mobilisation only where a united-front body's epidemic work is in the sentence
    ("中央扫黑除恶第一督导组进驻河北省进行为期一个月的试点督导。", "mobilisation", False),
    ("县政协委员、县中医院副院长陈先琴督导预检分诊工作。", "mobilisation", False),
    ("各区政协主席全力以赴做好街道以及社区的疫情督导检查工作。", "mobilisation", True),
    # staff seconded and task teams are mobilisation beside a united-front body's epidemic work only
    ("交通运输部将会同14个部门和单位成立春运专班。", "mobilisation", False),
    ("江苏从全省9个设区市抽调180多名流调人员集结扬州。", "mobilisation", False),
    ("区政协机关抽调3名党员干部支援疫情防控工作。", "mobilisation", True),
    # elderly care and students in hardship are the definition's elderly and needy; care homes abroad are not
    ("调研组深入乡镇敬老院进行实地调研,看望了敬老院的老人。", "livelihood", True),
    ("新密市政协累计资助近500个优秀困难学子圆梦大学。", "livelihood", True),
    ("美国养老院死亡病例数4周内翻倍。", "livelihood", False),
    # a bare 宣传 codes beside the epidemic, a policy, knowledge or morale; propaganda in passing does not
    ("志愿者入户宣传疫情防控措施。", "publicity", True),
    ("委员们深入村组宣传扶贫政策。", "publicity", True),
    ("希望商会的企业家们积极宣传开化,推介开化。", "publicity", False),
    ("县委统战部切实把统战宣传纳入重要日程。", "publicity", False),
    ("第二届国家网络安全宣传周启动。", "publicity", True),
    # calligraphy and painting named as an academy, a show opened or a member's trade is no art work spreading a message
    ("定西市委书记为市政协书画院揭牌。", "publicity", False),
    ("书画家们挥毫泼墨,创作出一幅幅作品,表达了全市人民坚决打赢疫情防控保卫战的决心和信心。", "publicity", True),
    # a CPPCC sector named after ethnic and religious affairs names who acts
    ("江津区政协侨台民宗界别委员工作室为小园村搭建电商平台。", "religion", False),
    ("区民宗局开展安全检查。", "religion", True),
    # help given to firms or an industry is business support; help for needy households is livelihood (revision 15:
    # help named beside villagers or a village alone no longer is, see FIFTEENTH_REVISION)
    ("该县政协对县内73家委员企业实现了联系帮扶全覆盖。", "livelihood", False),
    ("市政协调研组围绕开展全市农村产业帮扶工作进行专题调研。", "livelihood", False),
    ("全县151名政协委员与215户贫困户结对帮扶。", "livelihood", True),
    # (revision 15: 帮扶 is a weak word, so help named without the needy, 帮扶村民, no longer codes on its own)
    ("企业家委员结对帮扶村民。", "livelihood", False),
    ("委员帮扶贫困户发展特色产业。", "livelihood", True),
    ("天津通过提供金融支持等措施,帮扶实体经济企业做强做大对外贸易。", "livelihood", False),
]


FOURTEENTH_REVISION = [
    # answering the Party's or a CPPCC body's call in the epidemic is following instructions, members mobilised; outside
    # the epidemic the answer stays the object of the caller's act (the study's period, not a 1950s biography)
    ("疫情发生以来,全县政协委员积极响应县委号召,投身疫情防控一线。", "mobilisation", True),
    ("响应党中央号召,全国广大共产党员踊跃捐款,支持新冠肺炎疫情防控工作。", "mobilisation", True),
    ("1958年,他响应党中央号召,来到青海支援大西北建设。", "mobilisation", False),
    ("在区政协的倡议下,委员们为村里修了一条路。", "mobilisation", False),
    # the call must name who called (a bare 积极响应号召 stays the object); two answers in one sentence are both
    # answers; the words of the sentence before the answer still count
    ("疫情发生后,委员们积极响应号召,下沉社区一线。", "mobilisation", False),
    ("在县委的号召下,县政协机关干部响应市政协倡议,参加植树。", "mobilisation", False),
    ("2021年,县政协召开动员大会,成立乡村振兴工作领导小组,按照县委号召开展帮扶。", "mobilisation", True),
    # the needy the definition names, as local sites name them; a "特困" industry is no family in difficulty
    ("春节前夕,县政协机关干部走访特困家庭,送去米面油。", "livelihood", True),
    ("对餐饮、零售等5个特困行业实施阶段性缓缴社会保险费。", "livelihood", False),
    ("民建市委会开展“送温暖”活动,为空巢老人送去生活用品。", "livelihood", True),
    ("仪式上,爱心企业为受助学生发放了助学金。", "livelihood", True),
    # a media body named as such is where people work; media work done still codes
    ("调研组前往区融媒体中心、食品工业园区调研。", "publicity", False),
    ("委员们通过新媒体平台宣传防疫知识。", "publicity", True),
    # what a proposal asks for is advice, also when it asks for a campaign word (宣传引导)
    ("委员建议加强宣传引导。", "publicity", False),
    ("委员建议加强宣传引导。", "advice", True),
    # those on duty visited or given to do no community duty by the visitors; staffing a checkpoint does
    ("县政协副主席深入一线慰问疫情防控值守人员。", "community", False),
    ("县政协委员在高速路口卡点值守,登记过往人员。", "community", True),
    # rushing to help (驰援) is medical beside doctors, nurses or patients; goods sent to help are not
    ("温州市重庆商会发出《抗击疫情驰援家乡》倡议书,组织企业家捐款。", "medical", False),
    ("县人民医院医疗队驰援武汉。", "medical", True),  # a control: 医疗队 codes alone
    ("多名护士驰援武汉。", "medical", True),  # 驰援 beside a nurse, its context
    ("企业捐赠医用物资驰援武汉。", "medical", False),  # medical goods are no doctors
    # a door-to-door call and the "urgent matters" slogan alone are no community duty or livelihood; beside another
    # word of the theme they still code
    ("市政协委员多次上门做工作,化解矛盾纠纷。", "community", False),
    ("党员志愿者上门排查返乡人员,入户登记。", "community", True),  # a control: 志愿, 入户 code alone
    ("委员们上门巡查独居老人家中的安全隐患。", "community", True),  # two weak words of the theme
    ("要聚焦群众急难愁盼问题,提出务实建议。", "livelihood", False),
    ("委员们为困难群众解决急难愁盼问题,送去米面油。", "livelihood", True),
    # words used loosely code only beside another word of their theme: any body's working group, a speech at a
    # ceremony, a national campaign's 宣传教育, disinfection, doctors named as those thanked
    ("国务院工作组赶赴灾区指导抢险救灾。", "mobilisation", False),
    ("县政协成立疫情防控工作领导小组和工作组,号召委员投身一线。", "mobilisation", True),
    ("获奖者代表在会上发言。", "advice", False),
    ("加强禁毒宣传教育。", "publicity", False),
    ("工作人员对车站进行消杀。", "testing", False),
    ("委员们慰问一线医护人员。", "medical", False),
]

# Revision 15 (reports/codebook15_local.md). Every True case not marked as a control codes nothing of its theme under
# revision 14. The False cases are the boundaries of the new rules: sentences a broader rule would take (a formula
# marked so is what keeps them out), or controls.
FIFTEENTH_REVISION = [
    # a firm in a sentence about its operations or difficulties is the definition's help for firms; a firm's
    # managers at a ceremony and the difficulties of the needy are not
    ("调研组走进一家智能制造公司,了解企业发展历程。", "economy", True),
    ("委员们耐心询问企业当前存在的困难。", "economy", True),
    ("当地企业家代表参加了开幕式。", "economy", False),  # a control
    ("会议要求机关干部帮助困难群众解决实际困难。", "economy", False),  # a control: no firm
    # a firm beside the needy or beside a struggle in general is not the subject (the context is a firm's difficulty,
    # not any 困难)
    ("市总工会走访慰问企业困难职工。", "economy", False),
    ("机关、企业、学校要克服困难,做好疫情防控工作。", "economy", False),
    # a visit to the needy is livelihood; a visit to doctors or to all cadres and people is not
    ("春节前夕,区侨联走访慰问了困难归侨侨眷,送上节日祝福。", "livelihood", True),
    ("委员们来到敬老院看望慰问孤寡老人。", "livelihood", True),  # a control: 敬老院, 孤寡 code alone
    ("市政协领导看望慰问奋战在一线的医务人员。", "livelihood", False),
    ("总书记看望慰问各族干部群众。", "livelihood", False),
    # help (帮扶) is livelihood beside the needy, not help for a village, a region or firms
    ("委员们结对帮扶困难户。", "livelihood", True),  # a control: 困难户
    ("统一战线组团式帮扶毕节。", "livelihood", False),
    ("州政协机关干部来到村里开展驻村帮扶工作。", "livelihood", False),
    ("结对帮扶残疾人家庭和困境儿童。", "livelihood", True),  # a control
    # goods sent or provided free are given; greetings sent and goods carried are not
    ("民建会员为卡点值守人员送去口罩和方便面。", "donation", True),
    ("该公司无偿提供20台额温枪,用于社区防控。", "donation", True),
    ("侨联干部为侨眷送上节日的问候和祝福。", "donation", False),
    ("快递员把物资送到各个小区。", "donation", False),  # a control: carrying (送到) is no giving verb
    ("海外侨胞寄回口罩2万只。", "donation", True),
    ("爱心企业为隔离点送来方便面和牛奶。", "donation", True),
    # (formula) cargo carried and delivery to the door are no gift; only the verb is masked, so a gift beside it codes
    ("天舟货运飞船为空间站送去约6吨补给物资。", "donation", False),
    ("工作人员将网购的蔬菜水果送上门。", "donation", False),
    ("某企业捐赠的10万只口罩搭乘中欧班列运往欧洲。", "donation", True),  # a control: 捐赠
    # student aid, charity funds and free handouts are given
    ("成立大会上向5名困难儿童发放了助学金。", "donation", True),
    ("民建区委设立易通慈善基金。", "donation", True),
    ("义诊现场免费发放常用药品。", "donation", True),
    ("致公党党员捐出10万个医用口罩。", "donation", True),
    ("他把积蓄全部捐给了县红十字会。", "donation", True),
    ("民进支部设立公益基金,资助贫困学生。", "donation", True),
    # free handouts code beside goods only; the state's student aid and funding statistics are no gift (formula)
    ("税务部门向纳税人免费发放税控盘。", "donation", False),
    ("十年来全国学生资助金额累计超过2万亿元。", "donation", False),
    # consultation held is advice; its rooms and staff are not
    ("区政协在街道开展“微协商”活动,围绕老旧小区改造听取居民意见。", "advice", True),
    ("镇政协联络组召开议事会,讨论停车难问题。", "advice", True),
    ("委员们参观了社区协商议事室和协商议事骨干的工作台账。", "advice", False),  # (formula)
    # (formula) an institution's own meeting and talks between two sides are no consultation of the CPPCC kind
    ("县卫健局召开党委议事会议。", "advice", False),
    ("海协会与海基会达成协商成果。", "advice", False),
    # a party chair acts for the party; Taiwan's MAC chair and an owners' committee are no party chair
    ("九三学社市委主委带领社员到医院布置防控工作。", "parties", True),  # a control: 九三学社 codes alone
    ("张主委一行赶赴山区小学,查看校舍。", "parties", True),
    ("国台办主任与台湾陆委会主委举行会面。", "parties", False),
    ("小区业主委员会召开会议。", "parties", False),  # (formula)
    ("台当局金管会主委表示将调查。", "parties", False),  # (formula)
    # only 主委 is masked: a party named beside a Taiwan compatriot still codes
    ("台湾同胞、民进市委副主委李华捐款5万元。", "parties", True),  # a control: 民进
    # confidence lifted in any register and a CPPCC sector's name are no publicity work; a sector's members making
    # songs are
    ("委员们鼓励企业家提振信心,抢抓发展机遇。", "publicity", False),
    ("县政协文艺界别委员工作室揭牌成立。", "publicity", False),  # (formula)
    ("委员们的行动鼓舞了群众信心。", "publicity", False),  # (formula) two weak words, one set phrase
    ("医卫、文艺、教育等5个界别80余名委员参加座谈。", "publicity", False),  # (formula)
    # the list formula takes the list only, not the work named before it (a control)
    ("市政协组织委员开展义诊和防疫知识宣传活动,医卫、文艺、教育等5个界别80余名委员参加。", "publicity", True),
    ("文艺界委员创作抗疫歌曲,为一线人员加油鼓劲。", "publicity", True),  # a control
    # a page's credit line names who published the page, no act of theirs
    ("信息来源:民盟某市委员会 发布时间:2022-05-11 浏览次数:1499", "parties", False),  # (formula)
    # a credit in brackets ending with 报道 is no media work (formula); media reporting named in brackets still is
    ("会议选举产生了新一届理事会。(中国台湾网、区台办联合报道)", "publicity", False),
    ("活动受到广泛关注(人民日报等20余家媒体进行了宣传报道)。", "publicity", True),  # a control: 媒体, 宣传
    # a hazard or dispute check is no epidemic screening (formula); a check for the epidemic's risks still is
    ("检查组对宗教活动场所重点排查消防安全、建筑安全隐患。", "testing", False),
    ("开展矛盾纠纷排查化解工作。", "testing", False),
    ("全面排查新冠病毒传播风险隐患。", "testing", True),  # a control
    ("委员们协助社区开展防疫安全排查。", "testing", True),  # a control
    # pre-triage at a hospital's entrance is duty in a hospital
    ("县政协委员、县中医院副院长督导预检分诊工作。", "medical", True),
    # a worker, the source of money, and the body after a credit line are no credit (controls of the formula)
    ("社区工作者:坚守防疫一线做好核酸检测。", "testing", True),  # a control
    ("善款来源:全体盟员自愿捐款。", "parties", True),  # a control: 盟员 after the source of money
    ("文章来源:新浪新闻政协机关干部职工到广场社区开展敲门行动。", "community", True),  # a control
    ("民盟市委组织盟员开展义诊。", "parties", True),  # a control
]


SIXTEENTH_REVISION = [
    # a bare deployment and the slogan's first word are no weak words: routine meeting business and the loyalty slogan
    # of any body do not code (they coded with another weak word: 部署 + 主席会, 四个意识 + 部署)
    ("政协主席会议传达学习中央经济工作会议精神,研究部署相关工作。", "mobilisation", False),
    ("会议强调,要增强“四个意识”,贯彻落实中央政治局部署要求。", "mobilisation", False),
    ("县政协成立疫情防控工作领导小组,研究部署防控工作。", "mobilisation", True),  # a control: a leading group
    # going down (下沉) with the epidemic and a place of duty in the sentence is community duty; elsewhere one weak word
    ("区政协机关干部下沉新安街道南宁社区,积极参与社区防控工作。", "community", True),
    ("统战部干部下沉基层一线,助力疫情防控。", "community", True),
    ("推动优质医疗服务下沉,方便群众就医。", "community", False),  # no epidemic, no place of duty
    ("疫情防控期间,金融服务重心下沉。", "community", False),  # the epidemic, no place of duty
    # under an appeal, members answering it: the giving is reported (the appeal-content formula spares it)
    ("号召之下,全市政协委员积极响应,以捐资捐物等多种形式投入抗疫。", "donation", True),
    ("县政协号召广大委员积极捐款捐物。", "donation", False),  # a control: the appeal's content
    # an appeal named by its title is issued: the appeal itself; another title still names a document
    ("深圳市梅县商会发出《捐款捐物倡议书》,商会成员纷纷响应。", "mobilisation", True),
    ("市政协印发《致全市政协委员的倡议书》。", "mobilisation", True),
    ("会上发布了《后疫情时代中蒙媒体深化交流合作倡议》。", "mobilisation", False),  # a control: a bare 倡议 title
    # special Party dues and a collection are money given
    ("一名老党员捐1000元特殊党费给武汉。", "donation", True),
    ("商会会员参与紧急募捐,为患病会员缓解医疗费用压力。", "donation", True),
    # a charity drive for students is money given; raising goods to give is giving them, raising funds is not
    ("湘潭县政协委员开展“金秋助学”活动,关注贫困学生。", "donation", True),
    ("海外华侨华人千方百计筹措物资支援家乡抗疫。", "donation", True),
    ("当地政府积极筹措资金,修建牧道。", "donation", False),
    # doctors taken to the villages treat patients; pupils helped by a charity drive and autistic children are needy
    ("县政协组织医疗专家到村里开展送医送药活动。", "medical", True),
    ("医疗专家现场为当地群众提供医疗咨询和诊疗服务。", "medical", True),
    ("市政协开展“爱心助学”活动。", "livelihood", True),
    ("志愿者开展关爱自闭症儿童活动。", "livelihood", True),
    # works of calligraphy and painting and couplets written for residents are art works
    ("几名政协委员为社区群众挥毫书写春联。", "publicity", True),
    ("本次共展出书画作品166件。", "publicity", True),
    # farm produce that cannot be sold is production stopped by the epidemic
    ("委员主动为滞销农产品寻找销路。", "economy", True),
    ("缓解了农产品卖难问题。", "economy", True),
    # exhibitions of art works are art works; visiting one stays no publicity
    ("庆祝人民政协成立65周年书画作品展正在省博物院展出。", "publicity", True),
    ("民建会员的作品入选画展。", "publicity", True),
    ("主席会议成员参观了书画作品展。", "publicity", False),  # a control (the exhibition formula)
    # (after a review) the slogan's first word alone beside study is no mobilisation now
    ("会议强调,要增强“四个意识”,深入学习贯彻党的二十大精神。", "mobilisation", False),
    # the call asking members to answer is still the appeal's content; a clause of members answering reports the giving
    ("县政协发出倡议,号召全体委员积极响应,踊跃捐款捐物。", "donation", False),
    ("县政协倡议全体委员献爱心,委员们积极响应,或投身抗疫一线,或捐款捐物。", "donation", True),
    # 下沉 needs the epidemic and a place of duty as whole words (not 疫 of 疫苗, 村 of 村民, 一线 of 一线蓝筹)
    ("社区服务下沉,方便居民就近办事。", "community", False),
    ("疫苗接种服务下沉,方便村民就近接种。", "community", False),
    ("受疫情影响,股价大幅下沉,一线蓝筹股领跌。", "community", False),
    # doctors' consultations in the villages; lawyers', vets' and policy names are not
    ("县人民医院专家每周到乡镇卫生院坐诊。", "medical", True),
    ("农工党党员医生深入偏远山村巡诊。", "medical", True),
    ("县司法局组织律师在公共法律服务中心坐诊。", "medical", False),
    ("兽医到各村巡诊,为牲畜防疫。", "medical", False),
    ("国家卫健委要求规范互联网诊疗服务。", "medical", False),
    # farm produce that cannot be sold; cars, housing, auctions and another country's market are not
    ("委员们协调解决了柑橘销路受阻问题。", "economy", True),
    ("今年部分车型出现滞销。", "economy", False),
    ("这批文物的拍卖难度很大。", "economy", False),
    ("美国大量牛奶滞销。", "economy", False),
    # exhibitions and works of art; verbs that hold 画展 or 作品展, and watching or opening one, are not
    ("市政协举办“喜迎二十大”书法展。", "publicity", True),
    ("展出委员书法作品和美术作品120余件。", "publicity", True),
    ("这幅油画展现了抗战时期的历史场景。", "publicity", False),
    ("参赛作品展现了青少年的科技创新能力。", "publicity", False),
    ("与会人员观看了书画展。", "publicity", False),
    ("市领导出席书画展开幕式并为展览剪彩。", "publicity", False),
    ("代表团向对方赠送了一幅书法作品。", "publicity", False),
    # couplets as such are the festive mood; a 新春联谊会 holds no couplet
    ("市侨联举办2021年新春联谊会。", "publicity", False),
    ("春节前夕,家家户户贴春联、挂灯笼。", "publicity", False),
    # care for autistic children and a charity drive for pupils help the needy; research on autism does not
    ("关爱孤独症儿童公益活动在县城举行。", "livelihood", True),
    ("县政协开展“金秋助学”活动。", "livelihood", True),
    ("研究人员发现了一种与自闭症相关的基因突变。", "livelihood", False),
    # a command post or a government raising goods procures them; fraud warnings about fund-raising are no gift
    ("县疫情防控指挥部多方筹措口罩等防疫物资。", "donation", False),
    ("区政府筹措资金购买口罩。", "donation", False),
    ("警惕借疫情名义进行网络募捐诈骗。", "donation", False),
    # an appeal's title studied is masked; one passed on after another title, or named alone, is the appeal
    ("委员们认真学习了全国政协《致全国政协委员的倡议书》。", "mobilisation", False),
    ("市政协印发《关于做好疫情防控工作的通知》《致全市政协委员的倡议书》。", "mobilisation", True),
    ("区政协《倡议书》呼吁更多爱心人士加入。", "mobilisation", True),
    # Taiwan compatriots' business is the definition's compatriots from Taiwan; 平台企业 and 电台商业 hold no 台企, 台商
    ("昆明台资企业协会会长筹集50余箱医疗物资。", "overseas", True),
    ("四川台企除捐款捐物外,还捐赠杏鲍菇驰援湖北。", "overseas", True),
    ("该平台企业入驻数量增长。", "overseas", False),
    ("电台商业广告收入下降。", "economy", False),
    # gifts sent, prevention parcels and special Party dues are donations; the needy of the united front's circles and
    # the disabled are livelihood
    ("台资企业向疾控中心捐送价值30万元的消毒原液。", "donation", True),
    ("133户海外留学生家庭收到了侨爱心健康防疫包。", "donation", True),
    ("致公党员托家人送来她的“特别党费”。", "donation", True),
    ("市侨联为50户困难侨眷家庭送去价值1.5万元的慰问品。", "donation", True),
    ("青委会人士向困难侨眷送上新春祝福。", "livelihood", True),
    ("区工商联参与“唱响爱的分贝”主题助残活动。", "livelihood", True),
    # (after a second review) the mask spares place and time words before real Taiwan business, and masks measure words,
    # 出台, 跳台 and the 台商投资区
    ("沈阳台商协会向市红十字会捐赠口罩。", "overseas", True),
    ("目前台资企业已全部复工。", "overseas", True),
    ("漳州台商投资区开展全员核酸检测。", "overseas", False),
    ("贵州省连续出台企业社保费阶段性减免政策。", "overseas", False),
    ("她在自由式滑雪女子大跳台资格赛中登场亮相。", "overseas", False),
    ("该公司捐赠两台商用消毒机。", "overseas", False),
    # words that hold a parcel or 助残, metaphorical gift packs and festive visits to troops are no gift or help
    ("常态化防疫包括戴口罩、勤洗手。", "donation", False),
    ("区税务局为企业送上政策礼包。", "donation", False),
    ("为有家庭困难的孩子送去爱心礼包。", "donation", True),
    ("市委书记为驻地部队官兵送去慰问品,致以节日问候。", "donation", False),
    ("企业赞助残奥会。", "livelihood", False),
    ("他们借助残存的证据还原了真相。", "livelihood", False),
    ("帮助困难归侨家庭解决实际问题。", "livelihood", True),
    ("为特困人群发放生活补贴。", "livelihood", True),
    # 弱势群体 alone is a weak word: foreign and abstract groups are not the needy helped
    ("美国少数族裔等弱势群体受疫情冲击最大。", "livelihood", False),
    ("社区为弱势群体送去生活物资。", "livelihood", True),
]


SEVENTEENTH_REVISION = [
    # overseas Chinese leaders are the definition's overseas Chinese
    ("来自11个国家的14名海外侨领参加了视频会。", "overseas", True),
    # Christianity at home is religion; parties named after it abroad are not
    ("常州市基督教两会号召信徒参与公益慈善日活动。", "religion", True),
    ("德国执政党基督教民主联盟今天举行党主席选举。", "religion", False),
    ("哥斯达黎加基督教社会团结党主席表示支持。", "religion", False),
    ("韩国一基督教会发生聚集性感染。", "religion", False),  # Christianity abroad
    ("省基督教两会坚持党的领导,组织信众居家礼拜。", "religion", True),  # the party mask needs 民主 or 社会
    # 捐献 is giving
    ("该公司向县红十字会捐献医用口罩两万个。", "donation", True),
    ("他生前签署遗体和器官捐献志愿书。", "donation", False),  # organs, blood and relics are masked
    ("老人将珍藏的文物捐献给市博物馆。", "donation", False),
    # aid to pupils is livelihood
    ("委员发起困难优秀高考生助学项目。", "livelihood", True),
    ("商会会长带头捐资助学。", "livelihood", True),
    ("老师们帮助学生解决网课难题。", "livelihood", False),  # masks: 助学 inside other words
    ("借助学习强国平台开展线上学习。", "livelihood", False),
    # a body's research projects for its proposals are advice
    ("民盟市委会召开参政议政调研课题评审会。", "advice", True),
    ("社市委召开重点课题调研工作推进会。", "advice", True),
    ("会议深刻回答了全面依法治国这个重大课题。", "advice", False),  # a control: a bare 课题
    # the CPPCC's advisory work in its stock pairing is advice (no longer masked)
    ("要坚持建言资政和凝聚共识双向发力。", "advice", True),
    # the pairing as what an office's Party building or services serve is no advice
    ("区政协机关党支部强调要以高质量党建引领建言资政和凝聚共识双向发力。", "advice", False),
    ("县政协机关要切实为委员建言资政和凝聚共识提供优质服务保障。", "advice", False),
    ("他主持国家自然科学基金课题立项3项。", "advice", False),  # academic projects are masked
    ("市委党校开展课题调研,形成一批理论成果。", "advice", False),
    # publicising the law on returned overseas Chinese is spreading policy
    ("侨联工作人员向村民普及侨法知识。", "publicity", True),
    ("区委统战部开展侨法宣传进社区活动。", "publicity", True),
    ("建议普及侨法知识,保障归侨侨眷权益。", "publicity", False),  # what a proposal asks for
    # 九三学社's members (社员) are parties; co-operative and commune members are not
    ("九三社员纷纷捐款支援抗疫。", "parties", True),
    ("合作社社员今年人均增收三千元。", "parties", False),
    ("老人回忆起当年人民公社社员一起劳动的情景。", "parties", False),
    ("该合作社现有社员120户,带动社员户均增收3000元。", "parties", False),
    ("出版社员工积极参与社区志愿服务。", "parties", False),
    # clinical work is a weak word: it codes beside another word of the theme, not alone
    ("上海公共卫生临床中心主任朱同玉以院为家,一直在医院里。", "medical", True),
    ("河南第四批临床用血已顺利交接。", "medical", False),
    ("政协委员带头参加无偿献血,保障医院临床用血。", "medical", False),  # masked, beside another weak word
    ("加快推进疫苗临床试验和科研攻关。", "medical", False),
    # a byline at the start, a session's press team, the newscast's series announced, a reposting notice and foreign
    # media cited are no publicity work; a body's own series, journalists invited and media used still code
    ("本网讯记者杨磊报道:市政协召开主席会议。", "publicity", False),
    ("四川新闻网讯(川网集团省两会报道组记者陈淋)省政协会议即将召开。", "publicity", False),
    ("《新闻联播》将推出系列报道《履职一年间》。", "publicity", False),
    ("本网内容转载自其他媒体,不代表本网观点。", "publicity", False),
    ("韩国媒体分析说,朝方希望举行会谈。", "publicity", False),
    ("市政协微信公众号推出《战疫中的政协委员》系列报道。", "publicity", True),
    # (revision 19: the media named alone are the press at an event, no publicity; a report named still codes)
    ("邀请中央和省级媒体记者深入抗疫一线采访。", "publicity", False),
    ("委员们通过媒体宣传防疫知识。", "publicity", True),
    # visiting households alone is aid visits or home sampling; beside another word of the theme it is community duty
    ("委员们分三组入户走访了特殊困难群众。", "community", False),
    ("医疗队员为高风险人员入户采样。", "community", False),
    ("委员们上门入户走访慰问困难群众。", "community", False),  # two weak words, but a home visit is masked
    ("社区干部入户排查返乡人员。", "community", True),  # checking households stays a keyword
    ("委员们入户开展防疫值守。", "community", True),  # beside another word of the theme
    # venues closed to the public in the epidemic are lockdown management
    ("省委统战部要求各地暂停开放宗教活动场所。", "testing", True),
    ("全县宗教活动场所全部实行“双暂停”。", "testing", True),
    ("全省各地教会停止一切聚会活动。", "testing", True),
    ("意大利全国博物馆暂停开放。", "testing", False),  # a foreign country: the testing theme's exclude
    ("受台风影响,景区暂停开放。", "testing", False),  # no epidemic: a weak word
    ("受疫情影响,市博物馆暂停开放。", "testing", True),
]

EIGHTEENTH_REVISION = [
    # place names holding 寺 are towns, streets, villages, branches and parks, not temples; temples still code
    ("委员们来到茶恩寺镇偏远乡村走访困难家庭。", "religion", False),
    ("调研了招商银行上清寺支行等8家银行。", "religion", False),
    ("吴忠市红寺堡区是全国最大的易地生态移民区。", "religion", False),
    ("盟员们参观盱眙铁山寺国家森林公园。", "religion", False),
    ("光孝寺向广州市慈善会认捐100万元善款。", "religion", True),
    ("市伊协与凤凰寺管委会开展爱心募捐活动。", "religion", True),
    ("区民宗局检查了辖区寺庙的疫情防控工作。", "religion", True),
    # Taiwan firms and businesspeople are compatriots (overseas), not economy; their federation (台企联) is economy
    ("四川台企除捐款捐物外,还捐赠了26吨杏鲍菇。", "economy", False),
    ("四川台企除捐款捐物外,还捐赠了26吨杏鲍菇。", "overseas", True),
    ("近千名在京台胞、台商、台生欢聚一堂。", "economy", False),
    ("汪洋对台企联顺利换届表示祝贺。", "economy", True),
    ("台企积极复工复产,稳定就业。", "economy", True),  # beside another word of the theme
    # medical institutions named are where gifts go; beside another word of the theme they code
    ("商会向指定医疗机构捐款捐物。", "medical", False),
    ("各医疗机构全力救治患者。", "medical", True),
    # solving problems is help for firms and members as often as for the needy
    ("县工商联要为企业排忧解难。", "livelihood", False),
    ("委员们为困难群众排忧解难。", "livelihood", True),
    # the stock phrase naming everyone the CPPCC unites reports no act of a party
    ("要团结引导参加人民政协的各党派团体和各族各界人士凝聚共识。", "parties", False),
    ("有关党派团体围绕这一课题开展了深入调研。", "parties", True),
    # isolation gowns and goggles are equipment given, isolation wards are where patients are treated
    ("商会向社区捐赠口罩、酒精、隔离服等防疫物资。", "testing", False),
    ("他第一个进入隔离病房救治患者。", "testing", False),
    ("社区对返乡人员实行居家隔离。", "testing", True),
    # a weak word and the body that does it (调研, 调研组) are one word: a research team researching is one cue
    ("市政协调研组深入蒲城县,调研委员工作室建设情况。", "advice", False),
    ("调研组深入企业调研,形成调研报告报送市委。", "advice", True),  # 报告 and 报送 are other words
    # the stock close of a work report asks the session to read it; it is no advice
    ("我代表政协常务委员会,向大会报告工作,请予审议,并请列席会议的同志提出意见。", "advice", False),
    ("委员们围绕营商环境提出意见建议。", "advice", True),
    # a red envelope handed over is money given; red envelopes exchanged as bribes are not
    ("商会会长为80岁以上老人送上新春红包。", "donation", True),
    ("严查违规收送电子红包等不正之风。", "donation", False),
    # the fresh review's cases: each narrowing keeps the definition's own cases coded
    ("为集中隔离人员做好隔离服务保障。", "testing", True),  # services for those isolated are not gowns
    ("连夜将宾馆改建为隔离病区,确保入境人员应隔尽隔。", "testing", True),  # a ward that holds arrivals
    ("清真寺乡老、阿訇带头遵守防疫规定。", "religion", True),  # a mosque's elders
    ("区民宗局为清真寺回族乡亲送去口罩。", "religion", True),
    ("参加人民政协的各党派团体和各族各界人士积极捐款捐物。", "parties", True),  # the phrase as the subject of an act
    ("违规收受管理服务对象送来的红包礼金。", "donation", False),  # a bribe
    ("向市民免费发放数字人民币消费红包。", "donation", False),  # consumer vouchers
    ("志愿者为独居老人排忧解难,帮买药、送菜上门。", "livelihood", True),  # beside the needy it codes alone
    ("常委会工作报告请予审议,与会委员围绕稳岗就业提出意见建议42条。", "advice", True),
    # raising goods is collecting gifts; raising capital is not
    ("在日本的华人华侨为家乡募集防病毒口罩4万只。", "donation", True),
    ("此次发行的债券募集资金将用于基础设施建设。", "donation", False),
    # epidemic supplies handed to retired officials are a gift; a festive courtesy visit is not
    ("商会代表前往干休所,为老干部送上3000个口罩。", "donation", True),
    ("春节前夕,为老干部送上慰问品和新春祝福。", "donation", False),
    # chambers of overseas Chinese abroad are overseas associations, not economy; foreign chambers in China stay economy
    ("由日本江西总商会捐赠的12000个医用口罩顺利到达南昌。", "economy", False),
    ("缅甸福建总商会组织防疫物资驰援祖国。", "economy", False),
    ("中国美国商会发布的报告显示,多数受访企业看好中国市场。", "economy", True),
    ("县工商联组织异地商会会员企业捐款。", "economy", True),
    # the second review's cases
    ("组织海外侨胞与县总商会会员企业对接洽谈。", "economy", True),  # a chamber at home a few words on
    ("缅甸福建总商会组团回乡考察,签约投资项目3个。", "economy", True),  # a chamber abroad investing at home
    ("公司发行疫情防控债券,募集资金用于口罩、防护服生产线扩产。", "donation", False),
    ("市工商联多渠道募集口罩货源,以平价供应复工企业。", "donation", False),
    ("春节前夕为驻地部队官兵送去慰问物资。", "donation", False),  # courtesy goods, not epidemic supplies
]

NINETEENTH_REVISION = [
    # the poverty campaign, poverty, daily necessities and relief named alone are a goal, an achievement, goods in
    # transit or a gift; beside another word of the theme, or with the needy named, they still code livelihood
    ("全国政协委员就打赢脱贫攻坚战积极建言献策。", "livelihood", False),
    ("5年来,全国共有780个贫困县退出贫困县序列。", "livelihood", False),
    ("医疗物资、生活物资等从全国各地支援湖北。", "livelihood", False),
    ("医卫界委员冲到抗疫第一线,全力以赴救助患者。", "livelihood", False),
    ("委员企业结对帮扶贫困村,助力脱贫攻坚。", "livelihood", True),  # 帮扶 beside 贫困 and 脱贫攻坚
    ("为独居老人配送生活物资。", "livelihood", True),  # the elderly named
    ("区政协走访慰问困难群众,送去米面油等生活物资。", "livelihood", True),
    ("民盟市委向贫困人口发放救助金。", "livelihood", True),
    ("扶贫工作队为村民修建了饮水工程。", "livelihood", True),  # 扶贫 still codes alone
    # the media and deeds named alone are the press at an event or an award's title, not publicity; reports, media
    # works and campaigns still code
    ("6位政协委员在委员通道与媒体见面。", "publicity", False),
    ("部分人大代表、政协委员、媒体记者旁听了庭审。", "publicity", False),
    ("2020年“最美铁路人”先进事迹发布。", "publicity", False),
    ("市政协举办抗疫先进事迹宣讲报告会。", "publicity", True),  # 宣讲
    ("各级媒体广泛报道委员们的抗疫事迹。", "publicity", True),  # 报道
    # chambers of overseas Chinese abroad named 商总会 are overseas associations like those named 商会; a chamber of a
    # province's merchants at home still codes economy
    ("美国潮商总会主席林辉勇率先捐赠善款50万元支援灾区。", "economy", False),
    ("加拿大广东华商总会向家乡捐赠口罩。", "economy", False),
    ("川商总会组织会员企业复工复产。", "economy", True),
    ("四川省川商总会召开会员大会。", "economy", True),
    # the review's cases: keeping residents supplied, relief for the needy and poor households still code alone
    ("市工商联会员企业全力保障封控区居民生活物资供应。", "livelihood", True),
    ("为受疫情影响的困难职工发放救助金。", "livelihood", True),
    ("民政部门对因疫情陷入困境的群众及时给予临时救助。", "livelihood", True),
    ("九三学社社员为贫困户送去米面油。", "livelihood", True),
    ("为贫困家庭学生捐赠平板电脑。", "livelihood", True),
    ("我们企业带动了贫困户628户、3427人。", "livelihood", False),  # a firm's business, not help
    # what the media carry codes beside the media or deeds; a mask on what the media think no longer takes 纷纷
    ("中央主要媒体纷纷刊发委员们奋战一线的感人事迹。", "publicity", True),
    ("全年在各级媒体发表宣传稿件300余篇。", "publicity", True),
    ("多国媒体纷纷评论中国抗疫成效。", "publicity", False),
    # a reporter interviewing is no byline
    ("记者采访报道了委员们的抗疫事迹。", "publicity", True),
    ("本网讯记者杨磊报道,区政协召开常委会议。", "publicity", False),
    # chambers abroad: 华商会, foreign cities and more home towns; a chamber at home after a verb stays economy
    ("美国华商总会向武汉捐赠防护服。", "economy", False),
    ("纽约福建商会向家乡捐赠口罩。", "economy", False),
    ("日本宁波商会捐款支援家乡抗疫。", "economy", False),
    ("海外侨胞联合川商总会向灾区捐款。", "economy", True),
    ("海外华商在市总商会组织下捐赠口罩。", "economy", True),
    ("美国华盛顿州商会代表团访问上海。", "economy", True),  # a foreign chamber, no overseas Chinese
]

TWENTIETH_REVISION = [
    # nurses and wards: the definition's health workers treating patients
    ("护士长带领团队连续奋战在发热门诊。", "medical", True),
    ("副院长每天深夜巡视病房。", "medical", True),
    ("分级诊疗制度需进一步落实。", "medical", False),  # 诊疗 alone is no keyword
    # venues closed and checkpoints in the epidemic are the definition's lockdown and entry control
    ("要求宗教活动场所暂停对外开放、停止一切宗教活动。", "testing", True),
    ("疫情期间全县寺庙暂停聚集性宗教活动。", "testing", True),
    ("景区因台风暂停对外开放。", "testing", False),  # no epidemic in the sentence
    ("区政协机关干部参与防疫卡点值守。", "testing", True),
    ("帮助解决农资供应、农民下田等堵点卡点问题。", "testing", False),
    # culture taken to the villages and poems are art works
    ("市政协开展送文化下乡活动。", "publicity", True),
    ("委员以词牌填写了一首战疫情诗词。", "publicity", True),
    ("开幕式上播放了歌曲《想象》。", "publicity", False),  # songs were left out
    # the name of ethnic work is the definition's ethnic-minority affairs
    ("自治区政协扎实推进铸牢中华民族共同体意识工作。", "religion", True),
    # after the revision's review: nurses and wards given to or visited, check-in spots, closures for fire
    # prevention, gifts of stationery, poetry societies and one item of a list of tasks do not code
    ("国际护士节前夕,区侨联向一线护士们捐赠护手霜。", "medical", False),
    ("市政协主席走进病房,看望慰问住院的困难群众。", "medical", False),
    ("疫情期间,网红打卡点游客骤减。", "testing", False),
    ("民建会员来到防疫卡点,为值守人员送去方便面。", "testing", False),
    ("为做好森林防火防控工作,景区暂停对外开放。", "testing", False),
    ("受疫情影响,各教堂暂停聚会,改为线上礼拜。", "testing", True),
    ("倡导党员干部在疫情期间暂停聚会聚餐。", "testing", False),
    ("市侨联向留守儿童赠送文化用品。", "publicity", False),
    ("政协委员、市诗词学会会长出席座谈会。", "publicity", False),
    ("市政协围绕乡村振兴、生态保护、铸牢中华民族共同体意识等开展专题调研。", "religion", False),
    ("县政协召开座谈会,围绕增强中华民族共同体意识开展协商。", "religion", True),
    # after a second review: a nurse as a job title codes nothing, a nurse after a greeting still codes; a member on
    # checkpoint duty still codes, forest-fire checkpoints do not; a closure for the epidemic and fire prevention
    # still codes; ethnic work beside other ethnic work still codes, the youth of Hong Kong and Macao do not
    ("市政协委员、市第一人民医院护士长王某建议,加快发展社区养老服务。", "medical", False),
    ("向白衣天使致敬!九三学社社员、护士长李某连续40天护理新冠肺炎患者。", "medical", True),
    ("农工党党员张某进入新建的负压病房,护理新冠肺炎重症患者。", "medical", True),
    ("九三学社社员到村口防疫卡点值守,为过往群众发放口罩。", "testing", True),
    ("该镇在进山路口设立森林防火卡点,做好森林火灾防控工作。", "testing", False),
    ("清明期间,为做好疫情防控和森林防火工作,全市各寺庙一律暂停对外开放。", "testing", True),
    ("州政协围绕双语教育、铸牢中华民族共同体意识、各民族交往交流交融开展视察。", "religion", True),
    ("举办港澳青少年国情研习营,增强港澳青年的国家认同和中华民族共同体意识。", "religion", False),
]

TWENTY_FIRST_REVISION = [
    # ethnic-minority figures as a kind of people who act or are elected are no ethnic-minority affairs
    ("民主党派成员、少数民族人士等穿梭在社区,搬运物资、执勤值守。", "religion", False),
    ("新当选的副主席中,少数民族人士4名,女性2名。", "religion", False),
    ("参加志愿服务的少数民族人士达200余人。", "religion", False),  # 服务 before 的 is what they did
    ("新当选的副主席中,女性2名,少数民族2名。", "religion", False),
    # controls: work with them, named before or after them, ethnic-minority people as such, and ethnic work beside
    # them still code (after the revision's review)
    ("要加强培养少数民族代表人士。", "religion", True),
    ("全省少数民族代表人士培训班在省社会主义学院开班。", "religion", True),
    ("要加强少数民族代表人士队伍建设。", "religion", True),
    ("推荐少数民族代表人士担任政协委员。", "religion", True),
    ("区民宗局组织少数民族群众开展防疫知识宣传。", "religion", True),
    ("少数民族人士积极参与民族团结进步创建活动。", "religion", True),
    # doctors and nurses given to, like nurses given to (revision 20), are no medical work of theirs
    ("筹集的50余箱医疗物资转交到一线医务人员手中。", "medical", False),
    ("县工商联向一线医务人员捐赠营养餐500份。", "medical", False),
    ("农工党党员医务人员坚守发热门诊一线。", "medical", True),
    # a gala held or attended is a festivity; a gala of songs and poems for the fight codes beside them
    ("2022年春节联欢晚会举行首次联排。", "publicity", False),
    ("市政协举办抗疫主题文艺晚会,委员们朗诵诗歌致敬逆行者。", "publicity", True),
    # the committee on Hong Kong, Macao, Taiwan and overseas affairs named is a body of the CPPCC; its work with
    # compatriots still codes
    ("县政协文化文史和学习委员会、港澳台侨和外事委员会联合召开委员述职听评会。", "overseas", False),
    ("增补王某为港澳台侨委员会驻会副主任。", "overseas", False),
    ("市政协港澳台侨委员会组织港澳委员视察大湾区建设。", "overseas", True),
    # a closed loop of work, buying protective suits on someone's behalf, experts forming a team and expert groups
    # of other fields name no testing, errand or medical work; closed-loop management and a medical team still code
    ("从确定选题、前期调研到成果转化,环环相扣,形成闭环。", "testing", False),
    ("对往返武汉的长途客运车辆,要求进行全流程闭环管理。", "testing", True),
    ("由日本江西总商会筹备代购的3800套医用防护服顺利抵达南昌。", "livelihood", False),
    ("志愿者为隔离居民代购生活物资。", "livelihood", True),
    ("副主席带领由部分委员和专家组成的服务小分队来到天台。", "medical", False),
    ("致公党省委会组织医疗、农业专家组赴毕节开展送诊活动。", "medical", True),
    # after the revision's second review: work with ethnic-minority figures named with 的 or before a meeting's
    # name, members of the HK/Macao/Taiwan/overseas sector, closed loops of arrivals and of quoted management, errands
    # for people in isolation, a medical team of experts and an epidemic expert group being set up still code; the
    # committee's other name, full-width counts and work jargon after 监督 do not
    ("市领导看望慰问了奋战在抗疫一线的少数民族代表人士。", "religion", True),
    ("区政协召开少数民族代表人士迎新春座谈会。", "religion", True),
    ("全县少数民族党外代表人士踊跃参与社区防控。", "religion", False),
    ("政协委员中少数民族委员１２名。", "religion", False),
    ("九三学社社员、医生李某给发热患者和一线医护人员提供诊疗指导。", "medical", True),
    ("市人民医院向湖北选派医务人员提供医疗援助。", "medical", True),
    ("省政协举办“致敬最美逆行者”抗疫主题晚会。", "publicity", True),
    ("省政协港澳台侨委员积极发动海外乡亲捐款捐物。", "overseas", True),
    ("省政协港澳台侨外事委员会召开全体会议。", "overseas", False),
    ("对来自中高风险地区的返乡人员实行点对点闭环接送。", "testing", True),
    ("对重点人员实行“闭环”管理。", "testing", True),
    ("围绕疫情防控开展专项民主监督,形成监督整改工作闭环。", "testing", False),
    ("志愿者为居家隔离的老人代购口罩、消毒液和蔬菜。", "livelihood", True),
    ("市疫情防控专家组成立后,民盟盟员张医生担任副组长。", "medical", True),
]

@pytest.mark.parametrize("text, theme, coded",
                         TWELFTH_REVISION + THIRTEENTH_REVISION + FOURTEENTH_REVISION + FIFTEENTH_REVISION
                         + SIXTEENTH_REVISION + SEVENTEENTH_REVISION + EIGHTEENTH_REVISION + NINETEENTH_REVISION
                         + TWENTIETH_REVISION + TWENTY_FIRST_REVISION)
def test_local_site_revisions_code_made_sentences_as_their_rules_say(text, theme, coded):
    """The twelfth revision's rules (local CPPCC and united-front sites), the thirteenth's, the fourteenth's, the
    fifteenth's (city and county CPPCC sites), the sixteenth's, the seventeenth's, the eighteenth's, the
    nineteenth's, the twentieth's and the twenty-first's: each made
    sentence codes, or does not code, its theme as the rule it illustrates says."""
    assert (theme in code_one(text)) is coded


def test_names_titles_and_lists_of_national_news_do_not_code():
    # fifth revision (issue 23 item 5), sentences of CCTV items 2020-2022; expected themes read off the definitions
    # the federation beside the democratic parties acts in multiparty cooperation, not as business
    assert code_one("全国人大常委会副委员长、民进中央主席蔡达峰代表各民主党派中央和全国工商联致贺词。") == {"parties"}
    assert "economy" in code_one("区工商联组织民营企业复工复产。")  # the federation's business work still codes
    # a guest list names no act of the guests, whatever their titles; an international organisation is no organiser
    assert code_one("在京功勋荣誉获得者代表、全国脱贫攻坚先进集体和先进个人代表，"
                    "首都各界群众代表等参加了仪式。") == set()
    assert code_one("各民主党派中央、全国工商联负责人和无党派人士代表，港澳同胞、台湾同胞、海外侨胞及归侨、侨眷代表，"
                    "国际组织驻华代表等约3000人参加大会。") == set()
    # words inside names: a democratic party named after Taiwan, Islamabad, the Conference Board
    assert code_one("台湾民主自治同盟第十一次全盟代表大会12月7日在京开幕。") == {"parties"}
    assert code_one("从德黑兰到伊斯兰堡，一次次挽救生命的协同作战。") == set()
    assert code_one("美国经济咨商会28日公布的数据显示，美国7月份消费者信心指数再度下挫。") == set()
    assert code_one("全国政协主席汪洋23日在北京以视频方式会见阿曼协商会议主席马瓦利。") == set()
    # a list of sectors says who the people are
    assert "religion" not in code_one("来自香港政界、法律、工商、金融、教育、科技、文化、宗教、青年、劳工等界别的"
                                      "120名代表人士参加座谈会。")
    # the premier's thanks greet the united front at once, like the new-year greeting
    assert "parties" not in code_one("李克强感谢各民主党派、全国工商联、无党派人士对政府工作的支持。")


def test_subjects_achievements_and_visits_are_not_the_work_itself():
    # topics listed for a study are its subject; the study and the proposals are advice
    assert code_one("围绕减少和防止贫困人口返贫、加强农村基本公共文化服务建设、推动乡村振兴等主题，全国政协多次组织委员"
                    "展开专题调研，并向相关部门提出一系列建议。") == {"advice"}
    # the subject of a leader's remarks
    assert "publicity" not in code_one("要深入学习习近平总书记关于民族工作、文艺工作的重要论述。")
    # the poverty battle as a national achievement, not help given
    assert "livelihood" not in code_one("在新冠疫情肆虐背景下，2020年中国仍如期完成新时代脱贫攻坚目标任务。")
    assert "livelihood" in code_one("民盟中央向全国政协提交4篇提案，重点聚焦健康扶贫和区域性贫困问题。")
    # market confidence is economic sentiment, not morale
    assert "publicity" not in code_one("通过减税降费等支持市场主体纾困发展，提振市场信心，稳定宏观经济大盘。")
    # visiting an exhibition, and a principle carried into all decisions, are not publicity or mobilisation
    assert code_one("当天下午，主席会议成员还参观了“全国政协委员庆祝中国共产党成立100周年书画作品展”，"
                    "以及“旗帜飘扬——党旗国旗军旗诞生珍贵史料展”。") == set()
    assert "mobilisation" not in code_one("必须坚持人民至上，并落实到各项决策部署和实际工作之中。")
    assert "mobilisation" not in code_one("全国政协党组11月12日举行理论学习中心组集体学习，"
                                          "专题学习贯彻党的十九届六中全会精神。")
    # spring ploughing is farms restarting production
    assert "economy" in code_one("各地坚持疫情防控和春耕备耕两手抓，全力组织春耕生产，确保不误农时。")


def test_weak_words_need_company():
    # legal support is no livelihood word (not in the definition; all four seed codings leave 001/3 without it)
    hotline = "开通法律维权服务热线,为归侨侨眷提供法律支持;为每个街道的归侨侨眷配送了150个口罩。"
    assert "livelihood" not in code_one(hotline)
    assert "testing" not in code_one("委员捐赠消毒液500箱。")           # disinfectant as goods
    assert "testing" in code_one("志愿者协助社区测体温、查验出入证。")    # two testing words
    assert "publicity" not in code_one("我们要坚定信心,共克时艰。")
    assert "publicity" in code_one("委员制作宣传片,宣传防疫知识。")


def test_require_and_exclude_hold_within_a_sentence(tmp_path):
    path = tmp_path / "themes.toml"
    path.write_text(
        '[[theme]]\nid = "advice"\nzh = "建言"\nen = "Advice"\ndefinition = "d"\n'
        'keywords = ["意见"]\nrequire = ["报送"]\nexclude = ["统计表"]\n',
        encoding="utf-8",
    )
    cb = load_codebook(path)
    assert match_themes("收集意见并报送。", cb) == {"advice": ("意见",)}
    assert match_themes("收集意见。报送统计数据。", cb) == {}  # the co-word is in another sentence
    assert match_themes("收集意见并报送。报送统计表。", cb) == {"advice": ("意见",)}  # exclude elsewhere


def test_contextual_words_code_alone_only_beside_a_word_of_each_context_list(tmp_path):
    """A contextual word codes alone where its sentence holds a word of every context list; elsewhere it is a weak
    word (it codes beside another word of the theme); context words code nothing themselves."""
    path = tmp_path / "themes.toml"
    path.write_text(
        '[[theme]]\nid = "mobilisation"\nzh = "动员"\nen = "Mobilisation"\ndefinition = "d"\n'
        'keywords = ["倡议"]\nweak = ["党旗"]\ncontextual = ["统一部署"]\n'
        'context = [["疫情", "防控"], ["统战部", "政协"]]\n',
        encoding="utf-8",
    )
    cb = load_codebook(path)
    # the seeds' sentence (004, 成都): a united-front body and the epidemic in the sentence
    assert match_themes("成都市委统战部始终严格按照中央、省委、市委统一部署,积极开展疫情防控相关工作。", cb) == {
        "mobilisation": ("统一部署",)}
    assert match_themes("统战部按照统一部署开展工作。", cb) == {}  # no epidemic word
    assert match_themes("各地按照统一部署做好疫情防控。", cb) == {}  # no united-front body
    assert match_themes("统战部按照统一部署开展工作。疫情防控有力。", cb) == {}  # the epidemic in another sentence
    weak_pair = match_themes("统战部按照统一部署开展工作,党旗飘扬。", cb)
    assert weak_pair == {"mobilisation": ("统一部署", "党旗")}
    assert match_themes("政协开展疫情防控。", cb) == {}  # context words alone code nothing
    # one list of words, not nested, is one context list
    path.write_text(path.read_text(encoding="utf-8").replace('[["疫情", "防控"], ["统战部", "政协"]]', '["疫情"]'),
                    encoding="utf-8")
    assert match_themes("各地按照统一部署做好疫情防控。", load_codebook(path)) == {"mobilisation": ("统一部署",)}
    overlap = path.read_text(encoding="utf-8").replace('context = ["疫情"]', 'context = ["部署"]')
    path.write_text(overlap, encoding="utf-8")  # a context word inside the contextual word would always be there
    with pytest.raises(CodebookError, match=r"context word\(s\) 部署 overlap a contextual word"):
        load_codebook(path)
    path.write_text(overlap.replace('context = ["部署"]\n', ''), encoding="utf-8")
    with pytest.raises(CodebookError, match=r"theme 'mobilisation'.*'contextual' words code only beside a 'context'"):
        load_codebook(path)


def test_a_formula_may_look_behind_by_a_variable_length(tmp_path):
    """Python's re cannot look behind by a variable length; such a formula is compiled by the regex module, so a
    rule can ask about the whole sentence before its match (here: no 疫 earlier in the sentence masks 捐款)."""
    text = GOOD + '\n[[formula]]\npattern = "(?<!疫[^。]*)捐款"\nreason = "r"\nthemes = ["donation"]\n'
    cb = load_codebook(write(tmp_path, text))
    assert match_themes("县政协委员捐款。", cb) == {}
    assert match_themes("抗疫期间,县政协委员捐款。", cb) == {"donation": ("捐款",)}
    assert match_themes("抗疫期间,县政协开会。委员捐款。", cb) == {}  # another sentence's 疫 does not count
    with pytest.raises(CodebookError, match=r"formula #1: pattern is not a valid regular expression"):
        load_codebook(write(tmp_path, text.replace("(?<!疫[^。]*)捐款", "(?<!疫[^。]*捐款")))


def test_formula_blocks_are_checked(tmp_path):
    bad = GOOD + '\n[[formula]]\npattern = "在(都能"\nreason = "r"\n'
    with pytest.raises(CodebookError, match=r"line 16: formula #1: pattern is not a valid regular expression"):
        load_codebook(write(tmp_path, bad))
    no_reason = GOOD + '\n[[formula]]\npattern = "捐款箱"\n'
    with pytest.raises(CodebookError, match=r"formula #1: key 'reason' must be a non-empty string"):
        load_codebook(write(tmp_path, no_reason))
    ok = GOOD + '\n[[formula]]\npattern = "捐款箱"\nreason = "a box, not a gift"\nthemes = ["donation"]\n'
    cb = load_codebook(write(tmp_path, ok))
    assert match_themes("设置捐款箱。", cb) == {}
    assert match_themes("委员捐款。", cb) == {"donation": ("捐款",)}


# ---------------------------------------------------------------- agreement with blind human coding

SEED_LABELS = load_theme_labels("seed")
SEED_LABELS_E = load_theme_labels("seed_e")


MUST = [(r.doc_id, r.para_no, t) for r in SEED_LABELS.itertuples() for t in r.themes]
MUST_NOT = [(r.doc_id, r.para_no) for r in SEED_LABELS.itertuples() if not r.themes]
NO_THEME_E = {(r.doc_id, r.para_no) for r in SEED_LABELS_E.itertuples() if not r.themes}


def test_rhetoric_paragraphs_stay_uncoded(coded):
    """Paragraphs both the first coders and E gave no theme (stock rhetoric, lists of actors, summaries): 6; the
    keyword rules before issue 12 coded them all; now one is (004/13, a summary list). The first coders left 10 more
    uncoded: lead statements of following the Party's deployment, which E and the third team (seed_f) coded
    mobilisation, all ten. The codebook codes 7 of them mobilisation (one, 004/9, parties too: the parties' base
    organisations are named acting; one, 004/18, community too since revision 16: 下沉基层一线 in a sentence on the
    epidemic, as E and the third team coded it), and leaves 3 uncoded (a
    stock statement with no body acting on the epidemic in its sentence, 000/1, 003/2, 003/5)."""
    rows = coded.set_index(["doc_id", "para_no"])
    both = [k for k in MUST_NOT if k in NO_THEME_E]
    assert len(MUST_NOT) == 16 and len(both) == 6
    assert (rows.loc[both, "n_themes"] > 0).sum() <= 1, rows.loc[both, "themes"]
    leads = rows.loc[[k for k in MUST_NOT if k not in NO_THEME_E]]
    third = load_theme_labels("seed_f").set_index(["doc_id", "para_no"])["themes"]
    assert all("mobilisation" in third[k] for k in leads.index)
    coded_leads = leads.loc[leads["mobilisation"], "n_themes"]
    assert len(coded_leads) == 7 and coded_leads.tolist().count(2) == 2 and coded_leads.max() == 2, leads["themes"]
    second = rows.loc[leads.index[leads["n_themes"] == 2], "themes"].map(lambda t: t[1])
    assert second.tolist() == ["parties", "community"]
    assert (leads["n_themes"] == 0).sum() + leads["mobilisation"].sum() == 10, leads["themes"]


def test_must_code_cases_are_coded(coded):
    got = set(zip(coded["doc_id"], coded["para_no"], coded["themes"].map(tuple)))
    index = {(d, n): ts for d, n, ts in got}
    missed = [(d[:3], n, t) for d, n, t in MUST if t not in index[(d, n)]]
    assert len(missed) <= 6, missed  # 5 before the eighth revision; 004/15 mobilisation since


def test_codebook_agreement_counts_cells():
    coded = pd.DataFrame({"doc_id": ["a", "a", "b"], "para_no": [1, 2, 1],
                          "donation": [True, False, True], "advice": [False, False, True]})
    labels = pd.DataFrame({"doc_id": ["a", "a", "b"], "para_no": [1, 2, 1], "themes": ["donation", "", "advice"]})
    t = codebook_agreement(coded, labels).set_index("theme")
    assert t.loc["donation", ["human", "codebook", "both", "over", "under"]].tolist() == [1, 2, 1, 1, 0]
    assert t.loc["advice", "kappa"] == 1.0
    assert t.loc["pooled", "over"] == 1 and t.loc["pooled", "under"] == 0


CORPORA_LABELS = load_theme_labels("corpora")


@pytest.mark.skipif(CORPORA_LABELS is None, reason="../shared/corpora is absent (a fresh clone has no ../shared)")
def test_codebook_agrees_with_blind_coding_of_cctv_news(capsys):
    """75 CCTV paragraphs (2020-2022, CPPCC and united front) the rules were not written for."""
    assert len(CORPORA_LABELS) == 75 and CORPORA_LABELS["text"].str.len().gt(0).all()
    table = codebook_agreement(code_paragraphs(CORPORA_LABELS), CORPORA_LABELS).set_index("theme")
    with capsys.disabled():
        print("\n[themes] agreement with blind coding, CCTV paragraphs:\n" + table.round(2).to_string())
    assert table.loc["pooled", "kappa"] >= 0.80
    assert table.loc["pooled", "under"] <= 12  # the keyword rules before issue 12 missed 12


def test_corpora_fixture_holds_no_text():
    from analysis.paths import FIXTURES_DIR

    fixture = pd.read_csv(FIXTURES_DIR / "theme_labels_corpora.csv", dtype=str, keep_default_na=False)
    assert list(fixture.columns) == ["item_id", "line_no", "sha", "themes"]
    assert not fixture.apply(lambda col: col.str.contains(r"[\u4e00-\u9fff]")).any().any()
