"""analysis.notebook.terms and analysis.notebook.places (notebooks 02 and 04), on the seed study and on a sample of
the shared corpus: what each section saves and says, checked against values made independently (string counts in
the paragraphs, the curated data/metadata.csv, the article's own section headings read with pandas), and the
sections left out, with the reason, where the data says nothing."""
from __future__ import annotations

import json
import lzma
import os
import random
import re
from collections import Counter
from dataclasses import replace

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from analysis import use_house_style
from analysis.notebook import Context, places, terms
from analysis.outputs import _current, output_dirs
from analysis.paths import PROJECT_ROOT, SHARED_CORPORA
from analysis.study import SEED_STUDY, STUDY_ENV, activate, default_study, read_study

XWLB = SHARED_CORPORA / "xwlb_2020_2022.jsonl.xz"
# articles of that file that run through places clause by clause (found by notebook 04 on a 400-item sample)
XWLB_PLACE_ARTICLES = ("VIDE41X4Q62zJ6dBep46hUKr211214", "VIDEi0gPyq6ATXdY97M0ZDQO210917",
                       "VIDEjsdcoyITsaIYTCpMennA220703", "VIDEumzMMXGXlGWTWzwc4xkA220616")
BEIJING = "北京市"
SICHUAN = "四川省"
BEIJING_LABEL = "凝聚抗“疫”政协合力 (2020-03-24)"  # 000: Beijing's sixteen district CPPCCs, clause by clause
SICHUAN_LABEL = "【同心抗疫】四川统一战线在… (2022-09-09)"  # 004: ten city sections


@pytest.fixture(scope="module", autouse=True)
def isolated(tmp_path_factory):
    """A cache of this test session's own; outputs and the study's environment restored afterwards."""
    saved_env = {k: os.environ.get(k) for k in ("ANALYSIS_CACHE_DIR", *STUDY_ENV)}
    saved_out = (_current["figures"], _current["tables"])
    os.environ["ANALYSIS_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    use_house_style()
    yield
    for key, value in saved_env.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    _current["figures"], _current["tables"] = saved_out


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def run(ctx: Context, section, *args, **kwargs):
    """A section with its outputs written to its study's folder."""
    activate(ctx.study)
    return section(ctx, *args, **kwargs)


def table(ctx: Context, name: str) -> pd.DataFrame:
    return pd.read_csv(output_dirs(ctx.study.out)["tables"] / f"{name}.csv", dtype={"doc_id": str})


def has_table(ctx: Context, name: str) -> bool:
    return (output_dirs(ctx.study.out)["tables"] / f"{name}.csv").exists()


def has_figure(ctx: Context, name: str) -> bool:
    return (output_dirs(ctx.study.out)["figures"] / f"{name}.png").exists()


def on(ctx: Context, tmp_path, docs=None, **study) -> Context:
    """A Context on some of `ctx`'s articles (doc_id prefixes), with study fields changed, writing to tmp_path."""
    corpus = ctx.corpus
    if docs is not None:
        corpus = corpus[corpus["doc_id"].str[:3].isin(docs)].reset_index(drop=True)
    return Context(replace(ctx.study, out=tmp_path, **study), corpus=corpus)


def paras_of(ctx: Context, prefix: str) -> pd.DataFrame:
    return ctx.paras[ctx.paras["doc_id"].str.startswith(prefix)]


def count_in(texts, term: str) -> int:
    return sum(t.count(term) for t in texts)


def section_places(paras: pd.DataFrame) -> Counter:
    """Paragraphs per place of an article that runs through places section by section, read from its headings:
    a heading "城市:…" starts a place; a heading without a colon (a sub-heading) keeps the current place."""
    counts, current = Counter(), None
    for heading in paras["section"]:
        if re.search("[:：]", heading):
            current = re.split("[:：]", heading)[0]
        if current is not None:
            counts[current] += 1
    return counts


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    return Context(replace(read_study(SEED_STUDY), out=tmp_path_factory.mktemp("seed")))


# ---------------------------------------------------------------- notebook 02 on the seed study


@pytest.fixture(scope="module")
def seed_terms(seed):
    return run(seed, terms.corpus_terms)


@pytest.fixture(scope="module")
def seed_group_keyness(seed):
    return run(seed, terms.keyness_by_group)


@pytest.fixture(scope="module")
def seed_period_keyness(seed):
    return run(seed, terms.keyness_period)


def test_summary_counts_the_five_articles_and_shows_each_by_its_label(seed):
    text = run(seed, terms.summary).text
    assert text.startswith("5 articles, 81 paragraphs, ")
    assert "Groups compared: **label** (" in text
    assert all(label in text for label in seed.corpus["label"])
    assert "守护“平”安 (2020-02-17)" in text  # 002's title and date


def test_top_term_count_and_paragraphs_equal_its_string_count_in_the_paragraphs(seed, seed_terms):
    freq = table(seed, "terms_corpus")
    top = freq.iloc[0]
    texts = seed.paras["text"]
    assert top["term"] == "疫情防控"
    assert top["count"] == count_in(texts, "疫情防控") == 106
    assert top["docs"] == texts.str.contains("疫情防控").sum() == 59
    assert "疫情防控 alone is 28 of every 1,000 tokens" in seed_terms.text  # 106 of 3,726 tokens
    genre = table(seed, "terms_corpus_genre").set_index("term")
    assert genre.loc["工作", "rank"] == 2 and "工作" not in set(freq["term"])
    assert seed_terms.text.startswith("With the genre words kept, 工作 ranks 2 (101)")
    assert list(seed_terms.table["term"][:3]) == ["疫情防控", "疫情", "社区"]
    assert has_figure(seed, "02_top_terms_corpus")


def test_terms_by_group_ranks_each_articles_own_terms(seed):
    run(seed, terms.terms_by_group)
    by_label = table(seed, "terms_by_group")
    assert list(by_label.columns) == ["label", "term", "count", "per_1k", "docs", "rank"]
    assert set(by_label["label"]) == set(seed.corpus["label"])
    assert by_label.groupby("label").size().max() == 12
    sichuan = by_label[by_label["label"] == SICHUAN_LABEL].set_index("term")
    texts = paras_of(seed, "004")["text"]
    assert sichuan.loc["全员核酸检测", "count"] == count_in(texts, "全员核酸检测") == 14
    assert sichuan.loc["统战部", "count"] == count_in(texts, "统战部") == 16
    assert has_figure(seed, "02_top_terms_by_group")


def test_tfidf_marks_the_siping_article_by_checking(seed):
    shown = run(seed, terms.tfidf_by_group)
    distinct = table(seed, "tfidf_by_group")
    siping = distinct[distinct["label"] == "守护“平”安 (2020-02-17)"].iloc[0]
    assert siping["term"] == "排查"
    assert siping["count"] == count_in(paras_of(seed, "002")["text"], "排查")
    assert shown.table.loc["守护“平”安 (2020-02-17)", "top 10 terms by tf-idf"].startswith("排查 四平市委")


def test_keyness_compares_the_provinces_with_500_tokens_while_each_article_is_shown(seed, seed_group_keyness):
    assert terms.compared_field(seed).value == "province"
    assert seed_group_keyness.text.startswith("Keyness by province: 2 groups with at least 500 tokens.")
    key = table(seed, "keyness_province")
    assert list(dict.fromkeys(key["group"])) == [BEIJING, SICHUAN]
    jilin = seed.corpus.loc[seed.corpus["province"] == "吉林省", "doc_id"]
    jilin_paras = seed.paras.index[seed.paras["doc_id"].isin(jilin)]
    jilin_tokens = [t for i in jilin_paras for t in seed.tokens[i] if len(t) >= 2]
    assert len(jilin_tokens) < 500  # the one Jilin article is too short for keyness of its own
    # 统战 as a word: its string count less 统战部, all in the Sichuan article
    tongzhan = key[(key["group"] == SICHUAN) & (key["term"] == "统战")].iloc[0]
    sichuan, rest = paras_of(seed, "004")["text"], seed.paras.loc[~seed.paras["doc_id"].str.startswith("004"), "text"]
    assert tongzhan["n_target"] == count_in(sichuan, "统战") - count_in(sichuan, "统战部") == 23
    assert tongzhan["n_reference"] == count_in(rest, "统战") - count_in(rest, "统战部") == 0
    assert "- **四川省**: 统战 (23:0), 全员核酸检测 (14:0)" in seed_group_keyness.text
    assert has_figure(seed, "02_keyness_group_vs_rest")


def test_keyness_of_2022_against_2020_the_only_earlier_year(seed, seed_period_keyness):
    years = sorted(seed.corpus["date"].dt.year.unique())
    assert years == [2020, 2022]
    assert seed_period_keyness.text.startswith("**2022** is marked by 统战 (23:0), 全员核酸检测 (14:0)")
    assert "; **2020** by 政协 (0:42)" in seed_period_keyness.text
    key = table(seed, "keyness_period")
    assert set(key["target"].astype(str)) == {"2022"} and set(key["reference"].astype(str)) == {"2020"}
    assert has_table(seed, "keyness_period_reference") and has_figure(seed, "02_keyness_last_period")


def test_a_study_period_of_quarters_compares_2022q3_with_the_2020_quarters(seed, tmp_path):
    ctx = on(seed, tmp_path, period="quarter")
    # dates: 2020-02-17, 2020-03-24 (Q1), 2020-04-29 (Q2), 2020-12-22 (Q4), 2022-09-09 (Q3)
    text = run(ctx, terms.keyness_period).text
    assert text.startswith("**2022Q3** is marked by ") and "; **2020Q1–2020Q4** by " in text
    assert set(table(ctx, "keyness_period")["reference"]) == {"2020Q1–2020Q4"}


def test_a_study_grouping_by_source_makes_keyness_compare_sources(seed, tmp_path):
    ctx = on(seed, tmp_path, group_by=("source",))
    assert terms.compared_field(ctx).value == "source"
    shown = run(ctx, terms.keyness_by_group)
    assert shown.text.startswith("Keyness by source: ")
    assert set(table(ctx, "keyness_source")["group"]) <= set(seed.corpus["source"])
    assert not has_table(ctx, "keyness_province")


def test_key_terms_in_context_are_the_top_keyness_terms(seed, seed_terms, seed_group_keyness, seed_period_keyness):
    shown = run(seed, terms.key_terms_in_context, seed_group_keyness, seed_period_keyness, seed_terms)
    assert shown.text == "Key terms: **政协**, **政协委员**, **阻击战**."
    lines = shown.table["keyword"].value_counts()
    assert count_in(seed.paras["text"], "阻击战") == 12 and lines["阻击战"] == 10  # capped at ten lines
    assert list(shown.table.columns) == ["doc_id", "pre", "keyword", "post"]


def test_cooccurrence_sets_aside_the_term_in_59_of_81_paragraphs(seed):
    pairs = run(seed, terms.cooccurrence)
    assert list(table(seed, "cooccurrence").iloc[0][["term_a", "term_b", "count"]]) == ["疫情", "疫情防控", 24]
    shown = run(seed, terms.without_widest, pairs)
    widest = seed.paras["text"].str.contains("疫情防控").sum()
    assert shown.text == f"疫情防控 is in {widest} of the 81 paragraphs; the pairs without it:" and widest == 59
    assert not shown.table[["term_a", "term_b"]].isin(["疫情防控"]).any().any()


def test_one_province_leaves_keyness_and_word_clouds_by_group_out_with_the_reason(seed, tmp_path):
    ctx = on(seed, tmp_path, docs=["000", "001", "003"], group_by=("province",))
    assert set(ctx.corpus["province"]) == {BEIJING}
    shown = run(ctx, terms.keyness_by_group)
    assert shown.text == ("Keyness between groups left out: none of province has two values or more in these 3 "
                          "articles: no comparison of groups.")
    assert not list(tmp_path.glob("tables/keyness_*.csv"))
    assert run(ctx, terms.wordcloud_groups).text.startswith("Fewer than two groups with text: no per-group word clouds")
    # without the study's choice, the three Beijing articles are compared by their three sources
    assert terms.compared_field(on(seed, tmp_path, docs=["000", "001", "003"])).value == "source"


def test_one_article_leaves_the_period_comparison_out_with_the_reason(seed, tmp_path):
    ctx = on(seed, tmp_path, docs=["004"])
    assert run(ctx, terms.keyness_period).text == ("Keyness of periods left out: all articles fall in one month: "
                                                   "no comparison of periods.")


# ---------------------------------------------------------------- notebook 04 on the seed study


@pytest.fixture(scope="module")
def seed_units(seed):
    return run(seed, places.units)


@pytest.fixture(scope="module")
def seed_below(seed, seed_units):
    return run(seed, places.below_article, seed_units)


def test_sample_keeps_a_small_corpus_and_samples_a_large_one_with_a_fixed_seed(seed):
    ctx, note = places.sample(seed)
    assert ctx is seed and note.text == ""
    small, note = places.sample(seed, max_articles=3)
    assert note.text == "Working on a fixed-seed sample of 3 of the 5 articles."
    assert list(small.corpus["doc_id"]) == list(seed.corpus.sample(3, random_state=0).sort_index()["doc_id"])


def test_region_check_finds_the_curated_provinces_again(seed):
    shown = run(seed, places.region_check)
    assert shown.text == "The inferred province agrees with the given one for 100% of 5 articles."
    curated = pd.read_csv(PROJECT_ROOT / "data" / "metadata.csv", comment="#").set_index("doc_id")["province"]
    check = shown.data["check"].set_index("doc_id")
    assert check["province_inferred"].to_dict() == curated.to_dict()


def test_the_ambiguous_name_used_most_is_chaoyang_in_beijing_and_changchun(seed):
    shown = run(seed, places.ambiguous_places)
    assert shown.text == "朝阳区 (2 mentions):"
    assert count_in(seed.paras["text"], "朝阳区") == 2
    assert set(shown.table["code"].astype(str)) == {"110105", "220104"}  # official codes: Beijing, Changchun


def test_units_are_section_units_of_the_sichuan_article_and_clauses_of_one_other(seed, seed_units):
    per_basis = seed_units.table
    sichuan = section_places(paras_of(seed, "004"))
    assert per_basis.loc["section", "units"] == sum(sichuan.values()) == 37
    assert per_basis.loc["section", "articles"] == 1 and per_basis.loc["clause", "articles"] == 1
    assert per_basis.loc["article", "articles"] == 5


def test_below_article_finds_the_two_articles_the_metadata_describes(seed, seed_below):
    # data/metadata.csv: 000 "covers all sixteen district CPPCCs", 004 "ten city and prefecture sections"
    assert seed_below.text == (f"2 articles run through places below article level: **{BEIJING_LABEL}**, 16 places "
                               f"by clause; **{SICHUAN_LABEL}**, 10 places by section.")
    within = table(seed, "places_within_articles")
    assert within.groupby("doc_id")["place"].nunique().to_dict() == {"000_1f6bdea46cc4949c": 16,
                                                                    "004_85bcb02d0b9cfa40": 10}
    sichuan = within[within["doc_id"].str.startswith("004")]
    by_heading = section_places(paras_of(seed, "004"))
    assert {p: n for p, n in zip(sichuan["place"], sichuan["n_units"], strict=True)} == {
        p: by_heading[next(h for h in by_heading if p.startswith(h[:2]))] for p in sichuan["place"]}


def test_money_by_place_names_the_largest_figure_of_each_article(seed, seed_below):
    shown = run(seed, places.money_by_place, seed_below)
    assert shown.text.splitlines() == [
        f"- **{BEIJING_LABEL}**: 10 of 16 places give 17 figures; the largest is 超1亿元 (东城区); 6 give none.",
        f"- **{SICHUAN_LABEL}**: 2 of 10 places give 3 figures; the largest is 350余万元 (南充市); 8 give none."]
    nanchong = paras_of(seed, "004")
    assert "350余万元" in "".join(nanchong.loc[nanchong["section"].str.startswith("南充"), "text"])
    assert len(table(seed, "amounts_by_place")) == 17 + 3
    assert has_figure(seed, "04_amounts_by_place")


def test_themes_within_articles_compare_only_places_with_three_units(seed, seed_units, seed_below):
    shown = run(seed, places.themes_within, seed_units, seed_below)
    within = table(seed, "themes_within_articles")
    assert set(within["doc_id"]) == {"004_85bcb02d0b9cfa40"}  # 000's places have one to four units each
    by_heading = section_places(paras_of(seed, "004"))  # 成都 4, 攀枝花 2, 泸州 6, ..., 资阳 1, 凉山州 5
    expected = {h: n for h, n in by_heading.items() if n >= 3}
    n = within.drop_duplicates("place").set_index("place")["n"]
    assert {next(h for h in expected if p.startswith(h[:2])): k for p, k in n.items()} == expected
    assert len(n) == 8 and list(within["share"]) == pytest.approx(list(within["k"] / within["n"]), abs=1e-6)
    assert (f"- **{BEIJING_LABEL}**: 2 of its 16 places have at least 3 units; only 0 places with at least 5 units "
            "(need 2): left out.") in shown.text
    assert has_figure(seed, "04_themes_within_articles")


def test_the_report_sizes_only_the_places_it_compares_within_an_article(seed, seed_units, seed_below):
    from analysis.report import Report, findings

    run(seed, places.themes_within, seed_units, seed_below)
    text = findings.places_within(Report(seed))[0]
    sichuan = paras_of(seed, "004").assign(chars=lambda d: d["text"].str.len())
    current, owner = None, []
    for heading in sichuan["section"]:  # each paragraph's city section, as section_places reads it
        current = re.split("[:：]", heading)[0] if re.search("[:：]", heading) else current
        owner.append(current)
    chars = sichuan.assign(place=owner).groupby("place")["chars"].sum()
    compared = chars[[h for h, n in section_places(sichuan).items() if n >= 3]]  # 资阳 (one unit, 136) left out
    assert (compared.min(), compared.max()) == (294, 896)
    assert text.startswith(f"- **{SICHUAN_LABEL}** (8 places, 294 to 896 characters each): ")


def test_themes_by_region_count_the_units_of_each_region(seed, seed_units):
    run(seed, places.themes_by_region, seed_units)
    by_region = table(seed, "themes_by_region")
    n = by_region.drop_duplicates("region").set_index("region")["n"]
    assert len(n) == 25 and len(by_region) == 25 * len(seed.labels)
    assert n["四平市"] == len(paras_of(seed, "002")) == 6  # the Siping article, paragraph by paragraph
    assert n["泸州市"] == section_places(paras_of(seed, "004"))["泸州"] == 6
    assert list(n.index[:2]) == ["东城区", "平谷区"] and n.is_monotonic_decreasing


def test_places_named_most_are_beijing_districts(seed):
    ambiguous = run(seed, places.ambiguous_places)
    run(seed, places.places_named, ambiguous)
    named = table(seed, "places_mentioned")
    assert len(named) == 25 and list(named.iloc[0]) == ["东城区", 19, BEIJING]
    assert has_figure(seed, "04_places_mentioned")


def test_province_keyness_and_regions_within_a_province(seed, seed_units):
    by_province = run(seed, places.province_keyness, seed_units)
    assert by_province.data["provinces"] == [BEIJING, SICHUAN, "吉林省"]
    # key terms are those with q < 0.05 (p adjusted over every term tested): the six paragraphs of 吉林省 give none
    assert set(table(seed, "keyness_province_units")["province"]) == {BEIJING, SICHUAN}
    assert (table(seed, "keyness_province_units")["q"] < 0.05).all()
    regions = run(seed, places.region_keyness, seed_units, by_province).table
    assert list(zip(regions["province"], regions["region"], regions["units"], strict=True)) == [
        (BEIJING, "东城区", 15), (BEIJING, "平谷区", 14), (SICHUAN, "泸州市", 6), (SICHUAN, "南充市", 5),
        (SICHUAN, "凉山彝族自治州", 5)]
    # the Sichuan regions with five units or more are the city sections with five paragraphs or more
    assert sorted(h for h, k in section_places(paras_of(seed, "004")).items() if k >= 5) == ["凉山州", "南充", "泸州"]


def test_an_article_without_places_below_it_leaves_those_sections_out(seed, tmp_path):
    ctx = on(seed, tmp_path, docs=["002"])
    units = run(ctx, places.units)
    below = run(ctx, places.below_article, units)
    assert below.text == ("No article has sections or clauses about two places or more: no comparison below "
                          "article level.")
    assert run(ctx, places.money_by_place, below).text == "No article gives money figures place by place."
    assert run(ctx, places.themes_within, units, below).text == "No article with places below article level."
    assert run(ctx, places.themes_by_region, units).text == ("Themes by region left out: only 1 region with at "
                                                             "least 5 units (need 2): left out.")
    by_province = run(ctx, places.province_keyness, units)
    assert by_province.text == "Fewer than two provinces among the units: no keyness by province."
    assert run(ctx, places.region_keyness, units, by_province).text == ("No province has two regions with 5 units "
                                                                        "or more.")
    assert not list(tmp_path.glob("figures/04_*"))


def test_a_left_out_section_removes_its_table_and_figure_of_an_earlier_build(seed, tmp_path):
    full = on(seed, tmp_path)
    run(full, places.themes_by_region, run(full, places.units))
    run(full, terms.keyness_period)
    assert has_table(full, "themes_by_region") and has_figure(full, "04_region_themes")
    assert has_table(full, "keyness_period") and has_figure(full, "02_keyness_last_period")
    siping = on(seed, tmp_path, docs=["002"])  # rebuilt into the same folder on one article
    assert run(siping, places.themes_by_region, run(siping, places.units)).text.startswith("Themes by region left out")
    assert run(siping, terms.keyness_period).text.startswith("Keyness of periods left out")
    assert not has_table(siping, "themes_by_region") and not has_figure(siping, "04_region_themes")
    assert not has_table(siping, "keyness_period") and not has_figure(siping, "02_keyness_last_period")


def test_region_check_without_given_provinces_says_so(seed, tmp_path):
    ctx = Context(replace(seed.study, out=tmp_path), corpus=seed.corpus.assign(province=""))
    assert run(ctx, places.region_check).text == ("The corpus gives no province for its articles: nothing to check "
                                                  "the inference against.")


# ---------------------------------------------------------------- someone else's corpus: the shared CCTV news


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    if not XWLB.exists():
        pytest.skip("../shared/corpora is absent (a fresh clone has no ../shared)")
    lines = lzma.open(XWLB, "rt", encoding="utf-8").read().splitlines()
    pick = set(random.Random(0).sample(range(len(lines)), 60))
    rows = [line for i, line in enumerate(lines) if i in pick or json.loads(line)["id"] in XWLB_PLACE_ARTICLES]
    folder = tmp_path_factory.mktemp("xwlb")
    (folder / "sample.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return Context(replace(default_study(folder / "sample.jsonl"), out=folder / "build"))


def test_shared_sample_terms_follow_the_choices(shared):
    choices = shared.choices
    assert len(shared.corpus) == 64 and not choices.few
    assert choices.groups.value == "province" and choices.period.value == "year"
    summary = run(shared, terms.summary).text
    assert summary.startswith("64 articles, ")
    assert f"Groups compared: **province** ({', '.join(choices.shown)})." in summary
    corpus_terms = run(shared, terms.corpus_terms)
    top = corpus_terms.data["freq"].iloc[0]
    texts = shared.paras["text"]
    # a word is counted where the string occurs as that word, never more often than the string
    assert 0 < top["count"] <= count_in(texts, top["term"]) and top["docs"] <= texts.str.contains(top["term"]).sum()
    run(shared, terms.terms_by_group)
    assert set(table(shared, "terms_by_group")["province"]) == set(choices.shown)
    key = run(shared, terms.keyness_by_group)
    groups = table(shared, "keyness_province")
    assert (groups["group_tokens"] >= terms.MIN_GROUP_TOKENS).all() and set(groups["group"]) <= set(choices.shown)
    assert key.text.startswith(f"Keyness by province: {groups['group'].nunique()} groups with at least 500 tokens.")
    years = sorted(shared.corpus["date"].dt.year.unique())
    assert years == [2020, 2021, 2022]
    assert run(shared, terms.keyness_period).text.startswith("**2022** is marked by ")
    period = table(shared, "keyness_period")
    assert set(period["target"].astype(str)) == {"2022"} and set(period["reference"]) == {"2020–2021"}


def test_shared_sample_places_with_too_few_units_are_left_out_with_the_reason(shared):
    ctx, note = places.sample(shared)
    assert ctx is shared and note.text == ""
    units = run(ctx, places.units)
    below = run(ctx, places.below_article, units)
    assert set(below.data["docs"]) == set(XWLB_PLACE_ARTICLES)
    within = run(ctx, places.themes_within, units, below)
    assert within.text.startswith("No article has two places with enough units to compare their themes. Places with "
                                  "fewer than 3 units are left out")
    assert within.text.count("left out.") == 4 and not has_table(ctx, "themes_within_articles")
    assert run(ctx, places.money_by_place, below).text == "No article gives money figures place by place."


def test_shared_one_province_leaves_keyness_by_group_out_with_the_reason(shared, tmp_path):
    hubei = shared.corpus[shared.corpus["province"] == "湖北省"].reset_index(drop=True)
    assert len(hubei) >= 2 and (hubei["org"] == "").all() and (hubei["source"] == "").all()
    ctx = Context(replace(shared.study, out=tmp_path), corpus=hubei)
    assert run(ctx, terms.keyness_by_group).text == (
        f"Keyness between groups left out: none of province, org, source has two values or more in these "
        f"{len(hubei)} articles: no comparison of groups.")
