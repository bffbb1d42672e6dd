"""load_corpus, paragraphs, encodings and bad input, on the real seed articles."""
import hashlib
import shutil

import pandas as pd
import pytest
from conftest import RAW_DIR

from analysis import CorpusError, load_corpus, read_text

EXPECTED = {
    "000": dict(title="凝聚抗“疫”政协合力", date="2020-03-24", source="北京观察 2020年第3期", author="张斯伟",
                province="北京市", city="", org="政协"),
    "001": dict(title="凝心聚力抗击疫情 团结一心复产复课", subtitle="东城区政协发挥界别优势参与抗击疫情复产复课",
                date="2020-04-29 19:54", source="人民政协网", province="北京市", city="东城区", org="政协"),
    "002": dict(title="守护“平”安", subtitle="吉林省四平市政协全力投身疫情防控工作记事", date="2020-02-17 11:31",
                source="人民政协网", author="高峰、刘海武", province="吉林省", city="四平市", org="政协"),
    "003": dict(title="奋勇投身疫情防控第一线 为保人民群众平安作贡献", subtitle="平谷区政协抗击疫情工作纪实",
                date="2020-12-22", source="消费日报网", author="刘权有", province="北京市", city="平谷区", org="政协"),
    "004": dict(title="【同心抗疫】四川统一战线在行动(二)", date="2022-09-09 11:30:43", source="四川在线",
                url="http://www.sctyzx.gov.cn/", province="四川省", city="", org="统战部"),
}


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_metadata_of_each_article(doc, prefix):
    row = doc(prefix)
    for key, value in EXPECTED[prefix].items():
        expected = pd.Timestamp(value) if key == "date" else value
        assert row[key] == expected, (prefix, key, row[key])


def test_corpus_columns_and_types(corpus):
    for col in ["doc_id", "title", "subtitle", "date", "source", "author", "province", "city", "org", "text", "raw"]:
        assert col in corpus.columns
    assert pd.api.types.is_datetime64_any_dtype(corpus["date"])
    assert list(corpus["doc_id"]) == sorted(p.stem for p in RAW_DIR.glob("*.txt"))
    assert (corpus["n_chars_clean"] < corpus["n_chars_raw"]).all()


def test_the_session_cache_is_a_folder_of_its_own(session_cache_dir, corpus):
    """conftest's autouse fixture: this session's caches are in a fresh tmp folder, not the project's .cache."""
    import os

    assert os.environ["ANALYSIS_CACHE_DIR"] == str(session_cache_dir)
    assert RAW_DIR.parents[1] not in session_cache_dir.parents
    load_corpus()
    assert any(session_cache_dir.rglob("*"))  # the load above wrote its cache here


def test_raw_column_is_the_file_and_files_untouched(corpus):
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in RAW_DIR.glob("*.txt")}
    load_corpus()
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in RAW_DIR.glob("*.txt")}
    assert before == after
    for row in corpus.itertuples():
        assert row.raw == (RAW_DIR / f"{row.doc_id}.txt").read_text(encoding="utf-8")


# Each article's paragraphs, counted in the raw files (body paragraphs, headings not counted), and the first
# and last of them as they read after cleaning (simplified script, ASCII punctuation from NFKC).
PARAGRAPHS = {
    "000": (12, "人民政协作为国家治理体系的重要组成部分,深入贯彻落实习近平总书记重要指示精神和党",
            "委员在防疫过程中的感人事迹或文艺作品,用正能量鼓舞群众,力争打赢疫情防控阻击战。"),
    "001": (11, "人民政协网北京4月29日电 抗击疫情工作开展以来,东城区政协积极发挥各界别的组织",
            "别优势,在不同领域、不同岗位贡献智慧和力量,截至4月22日,报送防控信息76篇。"),
    "002": (6, "严峻的新冠肺炎疫情让北方的冬天倍感寒冷。吉林省四平市铁东区的街路上行人和车辆寥寥",
            "捐物。截止12日,市民营企业捐赠现金80.85万元,捐赠物资1706.45万元。"),
    "003": (13, "(刘权有)截至2020年2月14日,平谷区没有一例确诊病例,平谷区镇(乡)村、城",
            "瓶、方便面等急需物资,投身疫情防控、全面助力防控战“疫”,展现委员的境界和担当。"),
    "004": (39, "当前,疫情形势仍然复杂严峻,疫情防控正处于关键阶段。全省统一战线按照省委、省政府",
            "“贴心人”和“主心骨”。6天累计直接服务300余名群众,帮助解决困难问题18件。"),
}


def test_each_articles_paragraphs_count_first_and_last(corpus, paras):
    for prefix, (n, first, last) in PARAGRAPHS.items():
        rows = paras[paras["doc_id"].str.startswith(prefix)]
        assert len(rows) == n, prefix
        assert rows["text"].iloc[0].startswith(first) and rows["text"].iloc[-1].endswith(last), prefix
        text = corpus.loc[corpus["doc_id"].str.startswith(prefix), "text"].iloc[0]
        assert text.startswith(first) and text.endswith(last), prefix
        assert all(t in text.split("\n") for t in rows["text"])  # each paragraph is a line of the text
    assert len(paras) == 81


def test_paragraphs_with_sections(paras):
    assert list(paras.columns) == ["doc_id", "para_no", "section", "text"]
    sichuan = paras[paras["doc_id"].str.startswith("004")]
    panzhihua = sichuan[sichuan["section"] == "攀枝花:市工商联系统发动民营企业助力疫情防控"]
    assert len(panzhihua) == 2 and panzhihua["text"].iloc[0].startswith("近期,攀枝花市突发疫情")
    beijing = paras[paras["doc_id"].str.startswith("000")]
    assert (beijing["section"] == "发挥组织优势 增强政治定力").sum() == 4
    # headings are sections, never paragraphs
    assert not paras["text"].isin(["发挥组织优势 增强政治定力", "广泛宣传动员 尽职尽责抗击疫情"]).any()
    dongcheng = paras[paras["doc_id"].str.startswith("001")]
    assert (dongcheng["section"] == "广泛宣传动员 尽职尽责抗击疫情").sum() == 1
    for _, rows in paras.groupby("doc_id"):
        assert list(rows["para_no"]) == list(range(1, len(rows) + 1))


def test_folder_without_metadata_loads(tmp_path):
    shutil.copy(RAW_DIR / "002_2009a04c406b736c.txt", tmp_path / "siping.txt")
    corpus = load_corpus(tmp_path)
    row = corpus.iloc[0]
    assert row["doc_id"] == "siping" and row["title"] == "守护“平”安"
    # no curated province: inferred from the places the article names, and flagged as inferred
    assert (row["province"], row["city"], row["region_inferred"]) == ("吉林省", "四平市", True)
    assert row["date"] == pd.Timestamp("2020-02-17 11:31")


def test_metadata_csv_in_folder_wins(tmp_path):
    shutil.copy(RAW_DIR / "003_e88b616f19a6a93b.txt", tmp_path / "pinggu.txt")
    (tmp_path / "metadata.csv").write_text("doc_id,province,city,source\npinggu,北京市,平谷区,平谷政协\n",
                                           encoding="utf-8")
    row = load_corpus(tmp_path).iloc[0]
    assert (row["province"], row["city"], row["source"]) == ("北京市", "平谷区", "平谷政协")
    assert not row["region_inferred"]


# ---------------------------------------------------------------- encodings

ENCODINGS = ["utf-8-sig", "gb18030", "gbk", "big5", "utf-16", "utf-16-le", "utf-16-be"]
PREFIXES = ["000", "001", "002", "003", "004"]
# GBK has no NBSP or bullet: for the GBK files those two become what NFKC / the related-list rule
# would make of them anyway, so the clean text must still be identical.
GBK_SAFE = str.maketrans({"\xa0": " ", "•": "·"})


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_encoding_variants_give_the_same_clean_text(tmp_path, corpus, encoding, newline):
    written = 0
    for row in corpus.itertuples():
        raw = row.raw.translate(GBK_SAFE) if encoding == "gbk" else row.raw
        try:
            data = raw.replace("\n", newline).encode(encoding)
        except UnicodeEncodeError:  # Big5 holds only the traditional-script article
            continue
        (tmp_path / f"{row.doc_id}.txt").write_bytes(data)
        written += 1
    assert written >= (1 if encoding == "big5" else 5)
    loaded = load_corpus(tmp_path).set_index("doc_id")
    for row in corpus.itertuples():
        if row.doc_id in loaded.index:
            assert loaded.loc[row.doc_id, "text"] == row.text, (encoding, row.doc_id)
            assert loaded.loc[row.doc_id, "title"] == row.title
            assert loaded.loc[row.doc_id, "date"] == row.date


def test_read_text_detects_gbk(tmp_path, doc):
    path = tmp_path / "a.txt"
    raw = doc("001")["raw"].translate(GBK_SAFE)
    path.write_bytes(raw.encode("gbk"))
    assert read_text(path) == raw


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("name, data, message", [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"  \n\n ", "empty"),
    ("binary.txt", bytes(range(256)) * 8, "binary"),
    ("latin.txt", "Ceci n'est pas un article chinois, pas du tout. ".encode("latin-1") * 20 + b"\xe9\xff",
     "cannot be decoded"),
    ("chrome.txt", "首页>政协·协商>协商 协商\n\n分享到:\n\n编辑:李敏杰\n\n关键词:疫情 东城区\n\n更多\n".encode("utf-8"),
     "no article body"),
])
def test_bad_file_raises_naming_file_and_problem(tmp_path, name, data, message):
    (tmp_path / name).write_bytes(data)
    with pytest.raises(CorpusError) as err:
        load_corpus(tmp_path)
    assert name in str(err.value) and message in str(err.value)


def test_errors_skip_loads_the_rest_and_warns(tmp_path):
    shutil.copy(RAW_DIR / "000_1f6bdea46cc4949c.txt", tmp_path)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    with pytest.warns(UserWarning) as caught:
        corpus = load_corpus(tmp_path, errors="skip")
    assert list(corpus["doc_id"]) == ["000_1f6bdea46cc4949c"]
    message = str(caught[0].message)
    assert "empty.txt" in message and "image.txt" in message and "2 file" in message
    with pytest.raises(CorpusError, match="empty.txt"):
        load_corpus(tmp_path)


def test_empty_folder(tmp_path):
    with pytest.raises(CorpusError, match="no .txt, .html or table files"):
        load_corpus(tmp_path)


def _tagged(job, shared):
    import time

    time.sleep(0.001)
    return [shared[i] for i in range(*job)]


def test_map_chunks_shared_data_is_each_calls_own_across_threads():
    """map_chunks(shared=) in this process from two threads at once (a Dask worker's threads): each
    call's chunks read that call's data, never the other's."""
    from concurrent.futures import ThreadPoolExecutor

    from analysis.parallel import map_chunks

    def run(tag):
        data = [f"{tag}{i}" for i in range(200)]
        got = map_chunks(_tagged, [(k, k + 10) for k in range(0, 200, 10)], 1, shared=data)
        return [x for part in got for x in part] == data

    with ThreadPoolExecutor(4) as pool:
        assert all(pool.map(run, "abcdabcd"))
    assert map_chunks(_tagged, [(0, 5), (5, 9)], 2, shared=list("abcdefghi")) == [list("abcde"), list("fghi")]


def test_quiet_loading_prints_no_progress_bar(tmp_path, capfd):
    """`build --quiet` passes progress=False down to the warm load: the loading bar (shown from 50 files on)
    and the tokenizing bar stay away (issue 26.5)."""
    from analysis.build import warm_load

    folder = tmp_path / "many"
    folder.mkdir()
    for k in range(12):
        for p in sorted(RAW_DIR.glob("*.txt")):
            shutil.copy(p, folder / f"{k:02d}_{p.name}")
    capfd.readouterr()
    warm_load(str(folder), cache_dir=tmp_path / "cache", progress=False)
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")
    assert any((tmp_path / "cache").rglob("*")), "the warm load wrote no cache: it did not run"
    load_corpus(folder, cache=False, progress=True)  # the same load with bars: what the quiet one left out
    assert "loading" in capfd.readouterr().err
