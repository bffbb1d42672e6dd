"""analysis.amounts on the real articles: district amounts, numerals, bounds, two amounts in a clause."""
import math

import pytest

from analysis import extract_amounts, place_units, unit_amounts
from analysis.amounts import parse_number


@pytest.fixture(scope="module")
def beijing_money(doc):
    found = extract_amounts(doc("000")["text"], "北京市")
    return found[found["kind"] == "money"]


def _one(frame, place, span):
    rows = frame[(frame["place"] == place) & (frame["span"] == span)]
    assert len(rows) == 1, (place, span, frame[["place", "span"]].values.tolist())
    return rows.iloc[0]


def test_district_amounts_of_the_beijing_article(beijing_money):
    miyun = _one(beijing_money, "密云区", "107.39万元")
    assert miyun["amount_yuan"] == pytest.approx(1_073_900) and miyun["bound_kind"] == "exact"
    daxing = _one(beijing_money, "大兴区", "近3千万元")
    assert daxing["amount_yuan"] == pytest.approx(30_000_000)
    assert daxing["bound"] == "近" and daxing["bound_kind"] == "at_most"
    dongcheng = _one(beijing_money, "东城区", "超1亿元")
    assert dongcheng["amount_yuan"] == pytest.approx(1e8) and dongcheng["bound"] == "超"
    assert set(beijing_money["province"]) == {"北京市"}


def test_a_clause_with_two_amounts(beijing_money):
    chaoyang = beijing_money[beijing_money["place"] == "朝阳区"]
    assert chaoyang["amount_yuan"].tolist() == [30_000_000, 10_000_000]
    assert chaoyang["bound"].tolist() == ["多", ""]
    assert chaoyang["given"].tolist() == ["捐款", "医疗物资"]
    assert chaoyang["clause"].nunique() == 1


def test_bound_inside_or_after_the_magnitude(beijing_money):
    pinggu = beijing_money[beijing_money["place"] == "平谷区"]
    assert pinggu["span"].tolist()[:2] == ["240余万元", "30万余元"]
    assert pinggu["amount_yuan"].tolist()[:2] == [2_400_000, 300_000]
    assert set(pinggu["bound"]) == {"余"} and set(pinggu["bound_kind"]) == {"at_least"}


def test_recipient_is_not_the_place(beijing_money):
    # 石景山区政协委员向武汉方面捐款约2000多万元: the amount is 石景山区's
    shijingshan = _one(beijing_money, "石景山区", "约2000多万元")
    assert shijingshan["amount_yuan"] == pytest.approx(20_000_000)
    assert shijingshan["bound_kind"] == "approx"  # 约 and 多 together
    assert "武汉市" not in set(beijing_money["place"])


def test_districts_without_figures_have_no_money(beijing_money):
    for district in ("西城区", "海淀区", "丰台区", "门头沟区", "顺义区", "怀柔区"):
        assert district not in set(beijing_money["place"])


@pytest.mark.parametrize("text,value", [
    ("107.39", 107.39), ("五十", 50), ("千", 1000), ("3千", 3000), ("3千万", 30_000_000),
    ("一百二十", 120), ("两千", 2000), ("1,028", 1028),
])
def test_parse_number(text, value):
    assert parse_number(text) == pytest.approx(value)


def test_chinese_numerals_and_head_counts(doc):
    people = extract_amounts(doc("003")["text"], "北京市", place="平谷区").query("kind == 'people'")
    fifty = _one(people, "平谷区", "五十人")  # no place in its clause: the default place
    assert fifty["count"] == 50 and math.isnan(fifty["amount_yuan"])
    daxing = extract_amounts(doc("000")["text"], "北京市").query("kind == 'people'")
    nearly = _one(daxing, "大兴区", "近千余人次")
    assert nearly["count"] == 1000 and nearly["unit"] == "人次" and nearly["bound"] == "近+余"
    aba = extract_amounts(doc("004")["text"], "四川省")
    assert _one(aba, "阿坝藏族羌族自治州", "5万余人次")["count"] == 50_000


def test_dates_percentages_and_slogans_are_not_amounts(doc):
    spans = set(extract_amounts(doc("003")["text"], "北京市")["span"])
    assert not any("年" in s or "月" in s for s in spans)
    assert not any("%" in s for s in extract_amounts(doc("001")["text"], "北京市")["span"])
    sichuan = extract_amounts(doc("004")["text"], "四川省")
    assert "十户" not in set(sichuan["span"])  # 十户长 is a role, not ten households
    assert "48个" not in set(sichuan["span"])  # 48个小时 is a duration


def test_unit_amounts_carry_section_and_clause_places(corpus, paras):
    found = unit_amounts(place_units(corpus, paras))
    sichuan = found[found["doc_id"].str.startswith("004")]
    assert set(sichuan["province"]) == {"四川省"}
    # 南充 section: 350余万元 donated, kept with 南充市
    nanchong = _one(sichuan, "南充市", "350余万元")
    assert nanchong["amount_yuan"] == pytest.approx(3_500_000) and nanchong["basis"] == "section"
    # a finer place named in the clause wins when it lies inside the section's city
    assert "米易县" in set(sichuan.loc[sichuan["city"] == "攀枝花市", "place"])
    beijing = found[found["doc_id"].str.startswith("000") & (found["kind"] == "money")]
    assert _one(beijing, "密云区", "107.39万元")["basis"] == "clause"


def test_amounts_by_place_adds_each_citys_figures(corpus, paras):
    from analysis import amounts_by_place

    units = place_units(corpus, paras)
    sichuan = units[units["doc_id"].str.startswith("004") & (units["city"] != "")]
    found = unit_amounts(sichuan)
    table = amounts_by_place(sichuan, found, by="city").set_index("city")
    assert len(table) == 10
    assert table.at["南充市", "money_yuan"] == pytest.approx(3_500_000 + 168_000)  # 350余万元 + 16.8万元
    assert table.at["阿坝藏族羌族自治州", "person_times"] == pytest.approx(50_000)
    assert table.at["资阳市", "n_chars"] == sichuan.loc[sichuan["city"] == "资阳市", "text"].str.len().sum()
