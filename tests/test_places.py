"""analysis.places on the real articles: gazetteer, shared names, regions, sections and clauses."""
import shutil

import pytest

from analysis import find_places, gazetteer, infer_region, load_corpus, place_mentions, place_units
from analysis.corpus import RAW_DIR

SICHUAN_SECTIONS = ["成都市", "攀枝花市", "泸州市", "绵阳市", "内江市", "南充市", "达州市", "资阳市",
                    "阿坝藏族羌族自治州", "凉山彝族自治州"]
BEIJING_DISTRICTS = ["东城区", "西城区", "朝阳区", "海淀区", "丰台区", "石景山区", "门头沟区", "房山区",
                     "通州区", "顺义区", "昌平区", "大兴区", "怀柔区", "平谷区", "密云区", "延庆区"]


@pytest.fixture(scope="module")
def units(corpus, paras):
    return place_units(corpus, paras)


def test_gazetteer_has_official_codes():
    gaz = gazetteer()
    assert (gaz["level"] == "province").sum() == 34
    assert gaz["code"].str.fullmatch(r"\d{6}|").all()
    chaoyang = gaz[gaz["name"] == "朝阳区"].set_index("province")["code"]
    assert chaoyang["北京市"] == "110105" and chaoyang["吉林省"] == "220104"
    sichuan_cities = gaz[(gaz["province"] == "四川省") & (gaz["level"] == "city")]["name"]
    assert set(SICHUAN_SECTIONS) <= set(sichuan_cities)


def test_shared_name_resolved_by_article_province():
    clause = "朝阳区政协委员和委员单位直接捐款3000多万元"
    assert find_places(clause, "北京市").iloc[0]["code"] == "110105"
    assert find_places(clause, "吉林省").iloc[0]["code"] == "220104"
    assert bool(find_places(clause, "北京市").iloc[0]["ambiguous"])


def test_shared_name_in_beijing_article_is_beijings(corpus, paras):
    mentions = place_mentions(paras, corpus)
    chaoyang = mentions[mentions["place"] == "朝阳区"]
    assert len(chaoyang) >= 2
    assert set(chaoyang["province"]) == {"北京市"} and set(chaoyang["code"]) == {"110105"}


def test_without_province_the_text_itself_decides(doc):
    # no province given: the text's other (unambiguous) names are Beijing districts
    found = find_places(doc("000")["text"])
    assert set(found.loc[found["place"] == "朝阳区", "province"]) == {"北京市"}


def test_short_county_names_only_inside_the_province(doc):
    pinggu = find_places(doc("003")["text"], "北京市")
    assert "平谷" in set(pinggu["mention"])
    assert set(pinggu.loc[pinggu["mention"] == "平谷", "code"]) == {"110117"}
    assert find_places("平谷政协人", "四川省").empty


def test_common_words_and_recipients(doc):
    assert "安康市" not in set(find_places(doc("000")["text"], "北京市")["place"])  # 身体安康
    found = find_places("石景山区政协委员向武汉方面捐款约2000多万元", "北京市")
    assert found.set_index("place").loc["武汉市", "recipient"]
    assert not found.set_index("place").loc["石景山区", "recipient"]


def test_infer_region_reproduces_curated_regions(corpus):
    blank = corpus.assign(province="", city="")
    inferred = infer_region(blank)
    assert inferred["region_inferred"].all()
    assert inferred["province"].tolist() == corpus["province"].tolist()
    assert inferred["city"].tolist() == corpus["city"].tolist()


def test_infer_region_keeps_curated_rows(corpus):
    assert not infer_region(corpus)["region_inferred"].any()
    assert infer_region(corpus)["city"].tolist() == corpus["city"].tolist()


def test_new_article_without_metadata_gets_placed(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for src in sorted(RAW_DIR.glob("00[24]_*.txt")):
        shutil.copy(src, raw / ("new_" + src.name))
    corpus = load_corpus(raw)
    assert corpus["region_inferred"].all()  # no metadata.csv row for these: inferred at load
    placed = corpus.set_index("doc_id")
    assert placed.loc["new_002_2009a04c406b736c", ["province", "city"]].tolist() == ["吉林省", "四平市"]
    assert placed.loc["new_004_85bcb02d0b9cfa40", ["province", "city"]].tolist() == ["四川省", ""]


def test_sichuan_sections_map_to_their_cities(units):
    sichuan = units[units["doc_id"].str.startswith("004")]
    by_section = sichuan[sichuan["basis"] == "section"]
    assert list(dict.fromkeys(by_section["city"])) == SICHUAN_SECTIONS
    assert set(by_section["province"]) == {"四川省"}
    codes = by_section.drop_duplicates("city").set_index("city")["code"]
    assert codes["攀枝花市"] == "510400" and codes["凉山彝族自治州"] == "513400"
    # sub-headings inside the 泸州 section keep its place
    assert set(sichuan.loc[sichuan["section"] == "一声令下,迅速集结", "city"]) == {"泸州市"}
    # the province-wide opening and the 倡议书 section stay at province level
    assert set(sichuan.loc[sichuan["para_no"] <= 2, "place"]) == {"四川省"}


def test_beijing_donation_paragraph_splits_into_district_clauses(units):
    beijing = units[units["doc_id"].str.startswith("000")]
    para = beijing.loc[beijing["text"].str.contains("密云区"), "para_no"].iloc[0]
    clauses = beijing[beijing["para_no"] == para]
    assert clauses["place"].tolist() == BEIJING_DISTRICTS
    assert (clauses["basis"] == "clause").all()
    assert clauses["code"].str.startswith("11").all()
    for text, place in zip(clauses["text"], clauses["place"]):
        assert place in text[:20]


def test_paragraph_naming_one_place_is_not_split(units):
    # 成都 section names 龙泉驿区 once: the paragraph stays whole, on 成都市
    chengdu = units[units["text"].str.contains("龙泉驿区")]
    assert len(chengdu) == 1 and chengdu.iloc[0]["place"] == "成都市"


def test_unit_region_is_district_in_beijing_and_city_in_sichuan(units):
    from analysis import unit_region

    region = unit_region(units)
    beijing_clauses = units["doc_id"].str.startswith("000") & (units["basis"] == "clause")
    assert (region[beijing_clauses] == units.loc[beijing_clauses, "county"]).all()
    sichuan_sections = units["basis"] == "section"
    assert (region[sichuan_sections] == units.loc[sichuan_sections, "city"]).all()
    assert set(region[units["doc_id"].str.startswith("000") & (units["basis"] == "article")]) == {"北京市"}


def test_starts_with_place():
    from analysis import starts_with_place

    assert starts_with_place("东城区委", "北京市")
    assert starts_with_place("江阳", "四川省") and not starts_with_place("江阳", "北京市")
    assert not starts_with_place("政协委员") and not starts_with_place("统一战线")
