"""Nothing lost, nothing altered: real items saved as .txt (title line, then body) keep every body line, and
script conversion touches traditional text only. The CCTV items come from ../shared/corpora (skipped without)."""
import importlib.util
import json
import lzma
import unicodedata
from functools import lru_cache

import opencc
import pytest
from conftest import PROJECT_ROOT, RAW_DIR

from analysis import cleaning_audit, load_corpus
from analysis.clean import clean_document, to_simplified
from analysis.paths import SHARED_CORPORA

RECENT = SHARED_CORPORA / "xwlb_2020_2022.jsonl.xz"
needs_corpora = pytest.mark.skipif(not RECENT.exists(), reason="needs ../shared/corpora (not in a fresh clone)")
CREDIT = "央视网消息(新闻联播):"


@lru_cache(maxsize=1)
def recent_items() -> dict:
    with lzma.open(RECENT, "rt", encoding="utf-8") as f:
        return {item["id"]: item for item in map(json.loads, f)}


@lru_cache(maxsize=1)
def early_items() -> dict:
    with lzma.open(SHARED_CORPORA / "xwlb_2012_2019.jsonl.xz", "rt", encoding="utf-8") as f:
        return {item["id"]: item for item in map(json.loads, f)}


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def load_as_txt(tmp_path, item, body=None):
    (tmp_path / f"{item['id']}.txt").write_text(f"{item['title']}\n{body or item['text']}\n", encoding="utf-8")
    return load_corpus(tmp_path, errors="raise", cache=False, progress=False)


# ---------------------------------------------------------------- the .txt header


@needs_corpora
def test_a_one_paragraph_item_whose_credit_line_holds_a_date_loads_with_its_paragraph(tmp_path):
    """Was refused ("nothing is left after removing site chrome and the header"): its only line, a credit
    followed by a sentence with a date (2018年11月5日), was taken for the header's date line."""
    item = early_items()["VIDE3SXqC0lPVRCOxWEVVboy181112"]
    row = load_as_txt(tmp_path, item).iloc[0]
    assert row["text"] == nfkc(item["text"]).removeprefix(CREDIT)
    assert row["title"] == nfkc(item["title"]) and row["source"] == "" and str(row["date"]) == "NaT"
    audit = cleaning_audit(load_corpus(tmp_path, cache=False, progress=False))
    assert audit.loc[audit["rule"] == "dateline", "removed"].tolist() == [CREDIT]
    assert not audit["rule"].isin(["header_meta", "header_author", "header_subtitle"]).any()


@needs_corpora
def test_a_lead_paragraph_with_a_date_stays_the_first_paragraph(tmp_path):
    """The lead 中共中央2017年12月15日在中南海召开… ended up in `source` and out of the text."""
    item = early_items()["VIDE2AeiocwETlH1IZizL2n0180120"]
    row = load_as_txt(tmp_path, item).iloc[0]
    lines = nfkc(item["text"]).split("\n")
    assert row["text"].split("\n")[0] == lines[0].removeprefix(CREDIT)
    assert row["text"].count("\n") == len(lines) - 1
    assert row["source"] == "" and "中南海" not in row["source"]


@needs_corpora
def test_a_line_of_short_phrases_under_the_title_is_a_heading_not_an_author(tmp_path):
    """携手抗疫 一起回家 (a section heading of this item) right under the title, as a body that opens with
    its first section, has the shape of a line of names; without a date line under it, it is body text."""
    item = recent_items()["VIDEeJpGiWvlwVDl1Hx5N4Yi200227"]
    body = "\n".join(item["text"].split("\n")[1:])
    assert body.startswith("携手抗疫 一起回家\n")
    row = load_as_txt(tmp_path, item, body).iloc[0]
    assert row["text"] == nfkc(body) and row["author"] == ""


def test_the_seed_headers_are_read_as_before():
    """Title, author line above the date line, subtitle, 原标题: the documented header shapes still parse."""
    from analysis.corpus import read_text

    meta = {p.name[:3]: clean_document(read_text(p)).meta for p in sorted(RAW_DIR.glob("*.txt"))}
    assert meta["000"]["author"] == "张斯伟" and meta["000"]["source"] == "2020年03期"
    assert meta["001"]["subtitle"] == "东城区政协发挥界别优势参与抗击疫情复产复课"
    assert meta["002"]["author"] == "高峰、刘海武" and meta["003"]["source"] == "消费日报网"
    assert meta["004"]["url"] == "http://www.sctyzx.gov.cn/" and meta["004"]["source"] == "四川在线"


def test_names_without_a_date_line_under_them_stay_in_the_text():
    """Seed 000's author line, but the file has no date line: the line is not known to be a byline."""
    cleaned = clean_document("凝聚抗“疫”政协合力\n张斯伟\n人民政协作为国家治理体系的重要组成部分。")
    assert cleaned.lines == ["张斯伟", "人民政协作为国家治理体系的重要组成部分。"]
    assert "author" not in cleaned.meta


# ---------------------------------------------------------------- script conversion


@needs_corpora
@pytest.mark.parametrize("item_id, word", [
    ("VIDE83LiSaq27y9P2yC1QRPL200101", "显著"), ("VIDExSA2PUoZC35icwnkpA7N200107", "原著"),
    ("VIDEOYGLzwEAClkcixZ38J1D200301", "土著"), ("VIDE1Z0Ma9OkNI7Uh8noZKI8200923", "卓著"),
    ("VIDEwK2XExZoRE4GSbGICMDa221119", "执著"), ("VIDECZLHDqs3uPyl9wQn0DEe210713", "乾坤"),
])
def test_simplified_items_come_out_byte_for_byte(item_id, word):
    """OpenCC's tw2s on every text turned 显著 into 显着 (1,682 of 56,811 CCTV articles changed)."""
    text = nfkc(recent_items()[item_id]["text"])
    assert word in text
    assert to_simplified(text) == (text, [])


@needs_corpora
def test_traditional_text_goes_back_to_the_simplified_original():
    """The same items written in Taiwan's script (OpenCC s2tw: 顯著, 土著, particle 著) convert back to the
    words of the original: 著 stays in 显著/土著/原著/卓著 and the particle 著 becomes 着."""
    s2tw = opencc.OpenCC("s2tw")
    for item_id, word in [("VIDE83LiSaq27y9P2yC1QRPL200101", "显著"), ("VIDEOYGLzwEAClkcixZ38J1D200301", "土著"),
                          ("VIDExSA2PUoZC35icwnkpA7N200107", "原著"), ("VIDE1Z0Ma9OkNI7Uh8noZKI8200923", "卓著")]:
        original = nfkc(recent_items()[item_id]["text"])
        traditional = s2tw.convert(original)
        back, log = to_simplified(traditional)
        assert back.count(word) == original.count(word) and back.count("着") == original.count("着"), item_id
        assert log and "converted to simplified script" in log[0][0]


def test_the_traditional_seeds_convert_with_their_particles(doc):
    for prefix, raw_words, words in [("002", ["帶著感情", "帶著物資"], ["带着感情", "带着物资"]),
                                     ("003", ["隨著其他", "捍衛著平谷", "隔著坐"],
                                      ["随着其他", "捍卫着平谷", "隔着坐"])]:
        row = doc(prefix)
        assert all(w in row["raw"] for w in raw_words)
        assert all(w in row["text"] for w in words), prefix
        assert "著" not in row["text"] and "「" not in row["text"]


def test_a_mixed_text_converts_only_its_traditional_paragraph(doc):
    """Seed 004's first paragraph (simplified) and seed 003's lead (traditional) in one text."""
    from analysis.corpus import read_text

    simplified = "当前,疫情形势仍然复杂严峻,疫情防控正处于关键阶段。「显著」成效,土著居民。"
    traditional = read_text(next(RAW_DIR.glob("003_*.txt"))).split("\n")[6]
    assert traditional.startswith("(劉權有)截至2020年2月14日")
    out, _ = to_simplified(f"{simplified}\n{traditional}")
    first, second = out.split("\n")
    assert first == simplified
    assert second.startswith("(刘权有)截至2020年2月14日,平谷区没有一例确诊病例,平谷区镇(乡)村")


# ---------------------------------------------------------------- 3,000 real items as .txt


@needs_corpora
def test_3000_real_items_saved_as_txt_all_load_and_keep_every_body_sentence():
    """benchmarks/check_txt_integrity.py: every item loads with errors="raise"; every body sentence is in the
    text unchanged or removed as chrome the audit lists (the outlet credit); none taken for a header or altered."""
    import tempfile
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("check", PROJECT_ROOT / "benchmarks" / "check_txt_integrity.py")
    check = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(check)
    items = check.sample_items(3000, seed=26)
    with tempfile.TemporaryDirectory() as tmp:
        check.write_items(items, Path(tmp))
        corpus = load_corpus(tmp, errors="raise", cache=False, progress=False)
        result = check.check(items, corpus, cleaning_audit(corpus))
    assert result["loaded"] == 3000 and result["sentences"] > 30_000
    assert (result["taken for a header"], result["altered"], result["lost"]) == (0, 0, 0), result["examples"]
    assert result["chrome"] >= 2900  # the credit 央视网消息(新闻联播): of nearly every item, in the audit
