"""Each cleaning rule on the real lines it targets, and the pipeline's guarantees."""
import re

import pandas as pd
import pytest

from analysis import cleaning_audit
from analysis.clean import (
    RULE_ORDER,
    clean_document,
    clean_text,
    dateline,
    is_pinyin_syllable,
    marked_caption,
    normalise,
    numbered_caption,
    parse_meta_line,
    related_list,
    signoff,
    split_headings,
    strip_pinyin,
    to_simplified,
)
from analysis.corpus import read_text
from analysis.paths import RAW_DIR

CHROME = [
    "您的位置", "首页", "分享到", "编辑:", "关键词", "原标题", "http://", "相关焦点", "更多",
    "区侨联与区红十会工作人员接收", "▲", "陈文成", "石家庄警察", "石陵镇", "委员在疫线",
]


# ---------------------------------------------------------------- rules on real lines

def test_normalise_unifies_line_ends_and_spaces():
    text, log = normalise("时间:2020-03-24\xa0\xa0来源\r\n第二行\u200b")
    assert text == "时间:2020-03-24  来源\n第二行"
    assert log and "normalised" in log[0][0]


def test_strip_pinyin_removes_glued_syllables_only():
    line = "首頁(yè)>專題>萬(wàn)眾一心戰(zhàn)疫必勝 市(區(qū))下沉 平谷區鎮(鄉)村 (劉權有)截至 N95(KN95)"
    text, log = strip_pinyin(line)
    assert text == "首頁>專題>萬眾一心戰疫必勝 市(區)下沉 平谷區鎮(鄉)村 (劉權有)截至 N95(KN95)"
    assert [r for r, _ in log] == ["(yè)", "(wàn)", "(zhàn)", "(qū)"]


def test_pinyin_syllable_check():
    assert all(map(is_pinyin_syllable, ["yè", "zhōng", "xié", "lǜ", "de", "er", "ng"]))
    assert not any(map(is_pinyin_syllable, ["covid", "kn", "abc", "who"]))


def test_mojibake_repaired_from_corrections_csv(doc, corpus):
    text = doc("002")["text"]
    assert "“市政协不愧为智库。”铁东区防疫常务总指挥王劲松介绍" in text
    assert "辫F" not in text and "?!" not in text
    audit = cleaning_audit(corpus)
    row = audit[audit["rule"] == "corrections"].iloc[0]
    assert row["doc_id"].startswith("002") and "GBK" in row["replacement"]


def test_to_simplified_uses_variant_aware_conversion():
    text, _ = to_simplified("帶著感情來、隨著其他地區蔓延,著名的「平谷」")
    assert text == "带着感情来、随着其他地区蔓延,著名的“平谷”"


def test_related_list_cut_to_end(doc):
    raw = doc("003")["raw"]
    assert "相關焦點" in raw and "石家莊警察" in raw
    lines = ["正文。", "相关焦点", "• 别的省的文章", "正文以外的段落。"]
    kept, removed = related_list(lines)
    assert kept == ["正文。"] and len(removed) == 3


def test_numbered_caption_drops_number_and_caption_only():
    lines = ["第一段。", "1", "区侨联与区红十会工作人员接收和清点海外华人捐赠的口罩",
             "海内外联动抗疫 多项措施取得实效", "“隔着半个地球的距离。”"]
    kept, removed = numbered_caption(lines)
    assert kept == ["第一段。", "海内外联动抗疫 多项措施取得实效", "“隔着半个地球的距离。”"]
    assert len(removed) == 2


def test_marked_caption():
    kept, removed = marked_caption(["▲米易县顺达运业有限公司运送核酸检测物资", "正文。"])
    assert kept == ["正文。"] and removed[0][0].startswith("▲")


def test_signoff_only_at_the_end():
    lines = ["正文。", "政协北京市平谷区委员会办公室", "2020年2月15日"]
    assert signoff(lines)[0] == ["正文。"]
    assert signoff(["正文。", "2020年2月15日是个日子。"])[0] == ["正文。", "2020年2月15日是个日子。"]


def test_split_headings_glued_before_and_after():
    line = ("社区结对共建 坚守防控一线    为了共同抗击疫情,九三学社积极响应。对东城区属地区情采集第一手资料。"
            "广泛宣传动员 尽职尽责抗击疫情")
    out, _ = split_headings([line])
    assert out == ["社区结对共建 坚守防控一线", "为了共同抗击疫情,九三学社积极响应。对东城区属地区情采集第一手资料。",
                   "广泛宣传动员 尽职尽责抗击疫情"]


@pytest.mark.parametrize("line, expected", [
    ("时间:2020-03-24   来源:2020年03期", {"date": pd.Timestamp("2020-03-24"), "source": "2020年03期"}),
    ("2020年04月29日 19:54 | 来源:人民政协网", {"date": pd.Timestamp("2020-04-29 19:54"), "source": "人民政协网"}),
    ("2020年02月17日 11:31 | 作者:高峰 通讯员 刘海武 | 来源:人民政协网",
     {"date": pd.Timestamp("2020-02-17 11:31"), "source": "人民政协网", "author": "高峰、刘海武"}),
    ("2020-12-22 消费日报网", {"date": pd.Timestamp("2020-12-22"), "source": "消费日报网"}),
    ("http://www.sctyzx.gov.cn/  (2022-09-09 11:30:43)  来源:四川在线",
     {"date": pd.Timestamp("2022-09-09 11:30:43"), "source": "四川在线", "url": "http://www.sctyzx.gov.cn/"}),
])
def test_header_meta_line_shapes(line, expected):
    assert parse_meta_line(line) == expected


# ---------------------------------------------------------------- the pipeline on the corpus

def test_no_chrome_left_in_text(corpus):
    for doc_id, text in zip(corpus["doc_id"], corpus["text"]):
        for marker in CHROME:
            assert marker not in text, (doc_id, marker)
        assert not re.search(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", text), doc_id
        assert not re.search(r"^\d{1,2}$", text, flags=re.M), doc_id


def test_titles_repeated_in_body_are_removed(doc):
    assert "【同心抗疫】" not in doc("004")["text"]
    assert doc("004")["raw"].count("【同心抗疫】四川统一战线在行动(二)") == 3


def test_text_is_simplified(corpus):
    for text in corpus["text"]:
        assert not re.search("[們這個來說為與區協會國]", text)


def test_nothing_lost_first_and_last_sentence_of_every_paragraph(corpus, paras):
    """Every paragraph's first and last sentence is in the text, and the known body sentences survive."""
    joined = dict(zip(corpus["doc_id"], corpus["text"]))
    for row in paras.itertuples():
        sentences = [s for s in re.split(r"(?<=[。!?])", row.text) if s.strip()]
        assert sentences[0] in joined[row.doc_id] and sentences[-1] in joined[row.doc_id]
    must_keep = {
        "000": ["人民政协作为国家治理体系的重要组成部分", "密云区政协委员累计捐款捐物107.39万元",
                "用正能量鼓舞群众,力争打赢疫情防控阻击战。"],
        "001": ["人民政协网北京4月29日电", "为了共同抗击疫情,九三学社东城区委积极响应区政协倡议",
                "对东城区属地区情采集第一手资料。", "截至4月22日,报送防控信息76篇。"],
        "002": ["严峻的新冠肺炎疫情让北方的冬天倍感寒冷。", "捐赠物资1706.45万元。"],
        "003": ["(刘权有)截至2020年2月14日", "平谷区镇(乡)村", "展现委员的境界和担当。"],
        "004": ["当前,疫情形势仍然复杂严峻", "帮助解决困难问题18件。", "凝聚统战力量"],
    }
    for prefix, needles in must_keep.items():
        text = next(t for d, t in joined.items() if d.startswith(prefix))
        for needle in needles:
            assert needle in text, (prefix, needle)


def test_outlet_credit_with_a_colon_goes_to_the_audit_and_datelines_stay(corpus):
    """央视网消息(新闻联播): credits who sent the story; a dateline run into the lead sentence stays (001's)."""
    row = corpus[corpus["doc_id"].str.startswith("001")].iloc[0]
    assert row["text"].startswith("人民政协网北京4月29日电 抗击疫情工作开展以来")
    for line, expected in [("央视网消息(新闻联播):全国政协主席汪洋主持会议。", ["全国政协主席汪洋主持会议。"]),
                           ("本报讯:市政协组织委员下沉社区。", ["市政协组织委员下沉社区。"]),
                           ("央视网消息:", []),
                           ("新华社北京3月1日电(记者 张三)中共中央印发通知。",
                            ["新华社北京3月1日电(记者 张三)中共中央印发通知。"]),
                           ("消息传来,委员们纷纷捐款。", ["消息传来,委员们纷纷捐款。"]),
                           ("各民主党派积极建言献策:一是加强防控。", ["各民主党派积极建言献策:一是加强防控。"])]:
        assert dateline([line])[0] == expected, line
    kept, removed = dateline(["央视网消息(新闻联播):全国政协主席汪洋主持会议。"])
    assert removed == [("央视网消息(新闻联播):", "")]


def test_every_raw_body_line_is_kept_or_audited(corpus):
    """Nothing disappears silently: each non-blank raw line is in the text or in the audit table."""
    audit = cleaning_audit(corpus)
    for row in corpus.itertuples():
        cleaned = clean_document(row.raw, row.doc_id)
        removed = set(a["removed"] for a in cleaned.audit)
        kept = row.text
        n_removed_lines = sum(1 for a in cleaned.audit if a["rule"] not in
                              ("normalise", "strip_pinyin", "corrections", "to_simplified", "split_headings",
                               "dateline"))  # the seeds' datelines open a line that stays
        n_kept = len(cleaned.lines)
        n_raw = sum(1 for line in row.raw.splitlines() if line.strip())
        n_split = sum(1 for a in cleaned.audit if a["rule"] == "split_headings")
        assert n_kept + n_removed_lines == n_raw + n_split, row.doc_id
        assert removed and kept
    assert set(audit.columns) == {"doc_id", "step", "rule", "removed", "replacement"}


def test_cleaning_is_idempotent(corpus):
    for doc_id, text in zip(corpus["doc_id"], corpus["text"]):
        assert clean_text(text, doc_id) == text


def test_audit_follows_rule_order(corpus):
    audit = cleaning_audit(corpus)
    for _, rows in audit.groupby("doc_id"):
        assert rows["step"].is_monotonic_increasing
    assert audit["step"].max() <= len(RULE_ORDER)
    counts = audit.groupby("rule").size()
    assert counts["strip_pinyin"] >= 150 and counts["numbered_caption"] == 12
    assert counts["related_list"] >= 20 and counts["repeated_title"] == 2


def test_chrome_prefilter_agrees_with_the_rules_line_by_line():
    """The one- or two-expression prefilter finds a line exactly when some chrome rule matches it,
    on every line of the seed articles and on chrome lines of each rule's kind."""
    from analysis.clean import _anchored_throughout, _any_chrome, chrome_patterns

    assert _anchored_throughout(r"^(a|b)\s*:") and not _anchored_throughout(r"^a|b")
    assert not _anchored_throughout(r"【点击[^】]{0,10}】") and _anchored_throughout(r"^[|(]x\|y")
    assert not _anchored_throughout(r"^[](]|x") and not _anchored_throughout(r"^[^]]|x")
    assert _anchored_throughout(r"^[](|]x") and _anchored_throughout(r"^[^]|]x")
    lines = [line.strip() for path in sorted(RAW_DIR.glob("*.txt"))
             for line in read_text(path).split("\n") if line.strip()]
    lines += ["您的位置:首页>政协", "分享到:", "更多", "https://www.cppcc.gov.cn/x.htm", "编辑:李敏",
              "关键词:疫情", "(责任编辑:王某)", "活动火热进行中!【点击投票】", "[摘要:本文介绍]",
              "扫一扫在手机打开当前页", "正文里提到编辑:不在行首", "首页的内容"]
    rules = chrome_patterns()
    flagged = 0
    for line in lines:
        expected = any(p.search(line) for _, p in rules)
        flagged += expected
        assert any(rx.search(line) for rx in _any_chrome()) == expected, line
    assert flagged >= 10


@pytest.mark.parametrize("space", [" ", "\t", "\u3000", "\xa0", "\u2003", "\u202f", "\u205f", "\u1680", "\u2028",
                                   "\u2029", "\x85", "\x0b", "\x0c", "\x1f"])
def test_normalise_trims_every_kind_of_trailing_space(space):
    """Trailing whitespace of any kind goes, at a line end and at the end (normalise only trims when the
    text holds whitespace that survives NFKC: this checks that list misses none)."""
    assert normalise(f"第一段{space}{space}\n第二段{space}")[0] == "第一段\n第二段"


# ---------------------------------------------------------------- issue 25: what each rule removed on the seeds


def test_the_pinggu_articles_signoff_goes_to_the_audit_and_the_text_ends_with_its_last_sentence(doc, corpus):
    """003's raw body ends: ...展現委員的境界和擔當。 / 政協北京市平谷區委員會辦公室 / 2020年2月15日 / 相關焦點 /
    (41 lines of related stories). The related list goes first, then the sign-off (office and date): the text ends with
    the last sentence of the report."""
    row = doc("003")
    assert "政協北京市平谷區委員會辦公室\n\n2020年2月15日\n\n相關焦點" in row["raw"]
    assert row["text"].endswith("投身疫情防控、全面助力防控战“疫”,展现委员的境界和担当。")
    assert "委员会办公室" not in row["text"] and "2020年2月15日" not in row["text"]
    audit = cleaning_audit(corpus)
    signoffs = audit[audit["rule"] == "signoff"]
    assert signoffs["doc_id"].str[:3].tolist() == ["003", "003"]
    assert signoffs["removed"].tolist() == ["政协北京市平谷区委员会办公室", "2020年2月15日"]


def test_audit_counts_each_rule_where_the_raw_files_show_it(corpus):
    """Counted in the raw files here: 174 glued pinyin syllables in 002 (the 首頁(yè) kind), 41 non-blank lines
    from 003's 相關焦點 to its end, 12 photo lines in 001 (6 numbers and their 6 captions), 004's title
    repeated twice in its body."""
    audit = cleaning_audit(corpus)
    by_doc = audit.groupby([audit["doc_id"].str[:3], "rule"]).size().to_dict()
    raw = dict(zip(corpus["doc_id"].str[:3], corpus["raw"]))
    pinyin = re.findall(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", raw["002"])
    assert by_doc[("002", "strip_pinyin")] == len(pinyin) == 174
    tail = raw["003"][raw["003"].index("相關焦點"):]
    assert by_doc[("003", "related_list")] == sum(1 for line in tail.splitlines() if line.strip()) == 41
    numbers = re.findall(r"^\s*\d{1,2}\s*$", raw["001"], flags=re.M)
    assert by_doc[("001", "numbered_caption")] == 2 * len(numbers) == 12
    assert by_doc[("004", "repeated_title")] == raw["004"].count("【同心抗疫】四川统一战线在行动(二)") - 1 == 2
    assert by_doc[("003", "signoff")] == 2 and by_doc[("002", "corrections")] == 1
    assert audit.groupby("rule").size().to_dict() == {
        "breadcrumb": 4, "corrections": 1, "editor_line": 2, "header_author": 1, "header_meta": 5,
        "header_original_title": 1, "header_subtitle": 2, "header_title": 5, "keyword_line": 2, "marked_caption": 1,
        "more_link": 4, "normalise": 5, "numbered_caption": 12, "related_list": 41, "repeated_title": 2,
        "share_button": 2, "signoff": 2, "split_headings": 2, "strip_pinyin": 174, "to_simplified": 2}


# ---------------------------------------------------------------- a site's menu bar (chrome.csv: menu_line)

MENU_LINES = [  # real menu bars of local CPPCC, party and federation pages (benchmarks/local_queries.tsv)
    "• 政协要闻 专委会工作 提案工作 社情民意 建言献策 委员风采 文史天地 学习园地",
    "首页 要闻速览 市委介绍 思想建设 参政议政 社会服务 组织建设 机关建设 区级组织 社员风采 历史回眸 文艺之窗",
    "首页 资讯 关注 科技 财经 汽车 房产 图片 视频 全国 福建",
    "新闻|履职|理论|人物|文化|健康|图片库",
    "网站简介 | 网站律师 | 版权声明 | 广告刊登 | 技术支持 | 联系我们",
    "首 页 要闻 要论 协商 统战 党派 委员讲堂 理论 人事 社会 法治 视频 文化",  # 首页 spaced out
]
NOT_MENU_LINES = [
    "张三 李四 王五 赵六 钱七 孙八",  # a list of names after a caption: not taken
    "• 政协委员 开展志愿服务 为群众送去口罩和消毒液,受到欢迎",  # a bulleted sentence
    "首页 要闻 政协",  # three labels are too few to be sure
    "疫情防控|复工复产|建言献策",
    "• 众志成城 抗击疫情 人民至上 生命至上 同舟共济 共克时艰",  # a bulleted slogan line: no menu label
    "· 获奖个人 张伟 王芳 李娜 刘洋 陈静",  # a bulleted list of names
    "区政协组织委员深入社区 宣传疫情防控知识 帮助居民登记 发放口罩 慰问一线人员 捐赠物资",  # no 首页, bullet or bar
]


def test_a_sites_menu_bar_is_chrome_and_goes_to_the_audit_but_spaced_body_text_stays():
    """The menu bar left in a saved page (its labels would code: 建言献策 advice, 社情民意 advice) is
    removed and logged as menu_line; lines that only look like it (names, a bulleted sentence, three
    labels, spaced phrases with no 首页, bullet or bar) stay."""
    body = "区政协组织委员参与社区疫情防控。"
    for line in MENU_LINES:
        out = clean_document(f"{line}\n{body}", "d", header=False)
        assert out.text == body, line
        assert [(a["rule"], a["removed"]) for a in out.audit if a["rule"] == "menu_line"] == [("menu_line", line)]
    for line in NOT_MENU_LINES:
        assert clean_text(f"{line}\n{body}") == f"{line}\n{body}", line
