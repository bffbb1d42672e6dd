"""load_corpus on every source kind (issue 13): folders, pages, tables, lists; column mapping; bad rows
and files; damaged bytes; reposts; the load cache. Every input is made in the test from the real seed
articles in data/raw (their raw bodies: chrome lines, traditional script, glued pinyin)."""
import hashlib
import os
import random
import re
import shutil
import warnings

import pandas as pd
import pytest
from conftest import RAW_DIR
from pandas.testing import assert_frame_equal
from test_pages import TEMPLATES, seed_parts

import analysis.corpus
import analysis.corpus.articles
import analysis.corpus.cache
import analysis.corpus.load
import analysis.corpus.units
import analysis.lexicon
import analysis.memo
import analysis.paragraph
import analysis.parallel
from analysis import CorpusError, cleaning_audit, load_corpus, near_duplicates, read_text
from analysis.clean import apply_corrections, clean_document, normalise, strip_pinyin

SEEDS = sorted(RAW_DIR.glob("*.txt"))
STEMS = [p.stem for p in SEEDS]


def seed(prefix: str):
    return next(p for p in SEEDS if p.name.startswith(prefix))


@pytest.fixture(scope="module")
def module_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _cache_outside_project(module_cache, monkeypatch):
    """Loads here never write the project's .cache; the cache tests use their own folder."""
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(module_cache))


@pytest.fixture(scope="module")
def seeds():
    """The seed corpus as loaded from data/raw: the reference every other source must reproduce."""
    return load_corpus(RAW_DIR, progress=False, cache=False).set_index("doc_id")


def load(source, **kw):
    kw.setdefault("progress", False)
    return load_corpus(source, **kw)


def load_quiet(source, **kw):
    """load(errors="skip") and the warnings it gave."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        corpus = load(source, errors="skip", **kw)
    return corpus, [w for w in caught if issubclass(w.category, UserWarning)]


# ---------------------------------------------------------------- records made from the seeds

# Chrome a table export keeps around the body, in the traditional script of a Hong Kong/Taiwan mirror.
CHROME_ABOVE = ["首頁>新聞中心>正文", "分享到:微信 微博 QQ空間"]
CHROME_BELOW = ["責任編輯:王曉明", "更多"]


def record(path, **extra):
    """One table row for a seed: its id, title, date and source, and its raw body with chrome lines."""
    meta, body = seed_parts(path)
    row = {"id": path.stem, "title": meta["title"], "date": meta["date"].isoformat(),
           "site": meta.get("source", ""), "text": "\n".join(CHROME_ABOVE + body + CHROME_BELOW)}
    row.update(extra)
    return row


def write_table(frame: pd.DataFrame, path):
    name = path.name
    if ".parquet" in name:
        frame.to_parquet(path, index=False)
    elif ".csv" in name:
        frame.to_csv(path, index=False)  # compression from the suffix
    else:
        frame.to_json(path, orient="records", lines=True, force_ascii=False)
    return path


def assert_like_seeds(corpus, seeds, ids=None):
    got = corpus.set_index("doc_id")
    for doc_id in ids or STEMS:
        row, ref = got.loc[doc_id], seeds.loc[doc_id]
        assert row["text"] == ref["text"], doc_id
        assert row["title"] == ref["title"], doc_id
        assert row["date"] == ref["date"], doc_id


# ---------------------------------------------------------------- folders, pages, tables, lists


def test_folder_is_searched_recursively_for_txt_html_and_htm(tmp_path, seeds):
    shutil.copy(seed("000"), tmp_path)
    (tmp_path / "a" / "b").mkdir(parents=True)
    shutil.copy(seed("001"), tmp_path / "a" / "b")
    for prefix, template, suffix in (("002", "classed", ".html"), ("003", "plain", ".htm")):
        meta, body = seed_parts(seed(prefix))
        (tmp_path / "a" / f"{seed(prefix).stem}{suffix}").write_text(TEMPLATES[template](meta, body), encoding="utf-8")
    (tmp_path / "a" / "notes.md").write_text("不是文章。", encoding="utf-8")
    (tmp_path / ".hidden").mkdir()
    shutil.copy(seed("004"), tmp_path / ".hidden")
    corpus = load(tmp_path)
    assert sorted(corpus["doc_id"]) == STEMS[:4]
    assert dict(zip(corpus["doc_id"].str[:3], corpus["format"])) == {"000": "txt", "001": "txt", "002": "html",
                                                                      "003": "html"}
    assert_like_seeds(corpus, seeds, STEMS[:4])


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_pages_in_a_folder_give_the_seed_text_title_and_date(tmp_path, seeds, template):
    for path in SEEDS:
        meta, body = seed_parts(path)
        (tmp_path / f"{path.stem}.html").write_text(TEMPLATES[template](meta, body), encoding="utf-8")
    corpus = load(tmp_path)
    assert_like_seeds(corpus, seeds)
    assert (corpus["format"] == "html").all()


TABLE_NAMES = ["seeds.csv", "seeds.csv.gz", "seeds.csv.bz2", "seeds.jsonl", "seeds.ndjson.xz", "seeds.jsonl.zst",
               "seeds.parquet"]


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_table_file_is_cleaned_like_the_txt_seeds(tmp_path, seeds, name):
    """A table's text with chrome lines, traditional script and glued pinyin comes out as the .txt seed."""
    frame = pd.DataFrame([record(p, channel=f"频道{i}") for i, p in enumerate(SEEDS)])
    assert frame["text"].str.contains("分享到").all() and frame["text"].str.contains(r"\(yè\)").any()
    corpus = load(write_table(frame, tmp_path / name))
    assert list(corpus["doc_id"]) == STEMS
    assert_like_seeds(corpus, seeds)
    assert list(corpus["source"]) == list(frame["site"])
    assert (corpus["format"] == "table").all()
    assert list(corpus["channel"]) == [f"频道{i}" for i in range(5)]  # other columns are kept
    # no curated province: every region inferred at load from the places the article names
    assert corpus["region_inferred"].all()
    assert list(zip(corpus["province"], corpus["city"])) == list(zip(seeds["province"], seeds["city"]))


def test_a_list_of_sources(tmp_path, seeds):
    folder = tmp_path / "folder"
    folder.mkdir()
    shutil.copy(seed("000"), folder)
    table = write_table(pd.DataFrame([record(seed("001")), record(seed("002"))]), tmp_path / "t.jsonl")
    meta, body = seed_parts(seed("003"))
    page = tmp_path / f"{seed('003').stem}.html"
    page.write_text(TEMPLATES["classed"](meta, body), encoding="utf-8")
    corpus = load([folder, table, page, seed("004")])
    assert sorted(corpus["doc_id"]) == STEMS
    assert_like_seeds(corpus, seeds)
    assert sorted(corpus["format"]) == ["html", "table", "table", "txt", "txt"]
    with pytest.raises(CorpusError, match="empty"):
        load([])


@pytest.mark.parametrize("name, encoding", [("t.csv", "gb18030"), ("t.jsonl", "gb18030"), ("t.csv.gz", "utf-16"),
                                            ("page.html", "gb18030"), ("page.htm", "big5")])
def test_encodings_inside_tables_and_pages(tmp_path, seeds, name, encoding):
    """Exports and saved pages from Chinese sites come in GB18030 or Big5 too: the bytes decide."""
    import gzip

    if "page" in name:
        path = seed("002" if encoding == "big5" else "003")
        meta, body = seed_parts(path)
        if encoding == "big5":  # Big5 has no toned pinyin, NBSP or the mojibake 辫: what cleaning makes of them
            body = [apply_corrections(strip_pinyin(normalise(b)[0])[0], path.stem)[0] for b in body]
        page = TEMPLATES["plain"](meta, body)
        if encoding == "big5":  # the whole page in traditional script, chrome and header too
            import opencc

            page = opencc.OpenCC("s2tw").convert(page).replace("©", "(c)")
        (tmp_path / f"{path.stem}{name[4:]}").write_bytes(page.encode(encoding))
        ids = [path.stem]
    else:
        text = pd.DataFrame([record(p) for p in SEEDS]).to_csv(index=False) if ".csv" in name else \
            pd.DataFrame([record(p) for p in SEEDS]).to_json(orient="records", lines=True, force_ascii=False)
        data = text.encode(encoding)
        (tmp_path / name).write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
        ids = STEMS
    corpus = load(tmp_path)
    assert_like_seeds(corpus, seeds, ids)


# ---------------------------------------------------------------- column mapping


@pytest.mark.parametrize("names", [
    {"doc_id": "id", "date": "pub_date", "source": "site", "text": "content"},
    {"doc_id": "doc_id", "date": "published", "source": "media", "text": "body"},
    {"doc_id": "ID", "date": "time", "source": "source", "text": "Text"},
])
def test_common_column_names_are_recognised(tmp_path, seeds, names):
    rows = [record(p) for p in SEEDS[:3]]
    frame = pd.DataFrame([{names["doc_id"]: r["id"], "title": r["title"], names["date"]: r["date"],
                           names["source"]: r["site"], names["text"]: r["text"]} for r in rows])
    corpus = load(write_table(frame, tmp_path / "t.csv"))
    assert_like_seeds(corpus, seeds, STEMS[:3])
    assert list(corpus["source"]) == [r["site"] for r in rows]


def test_curated_columns_win_and_stop_region_inference(tmp_path, seeds):
    frame = pd.DataFrame([record(seed("002"), province="吉林省", city="四平市", org="政协", author="高峰",
                                 url="http://www.rmzxb.com.cn/x.shtml")])
    row = load(write_table(frame, tmp_path / "t.csv")).iloc[0]
    assert (row["province"], row["city"], row["org"], row["author"], row["url"]) == (
        "吉林省", "四平市", "政协", "高峰", "http://www.rmzxb.com.cn/x.shtml")
    assert not row["region_inferred"]


def test_explicit_columns_mapping(tmp_path, seeds):
    rows = [record(p) for p in SEEDS[:2]]
    frame = pd.DataFrame({"稿件编号": [r["id"] for r in rows], "稿件标题": [r["title"] for r in rows],
                          "发稿日期": [r["date"] for r in rows], "稿件正文": [r["text"] for r in rows],
                          "栏目": ["要闻", "地方"]})
    path = write_table(frame, tmp_path / "export.csv")
    mapping = {"doc_id": "稿件编号", "title": "稿件标题", "date": "发稿日期", "text": "稿件正文"}
    with pytest.raises(CorpusError, match="no text column"):
        load(path)
    corpus = load(path, columns=mapping)
    assert_like_seeds(corpus, seeds, STEMS[:2])
    assert list(corpus["栏目"]) == ["要闻", "地方"]
    with pytest.raises(CorpusError) as err:
        load(path, columns={"text": "正文内容"})
    assert "export.csv" in str(err.value) and "正文内容" in str(err.value)


# ---------------------------------------------------------------- doc_id, year, label


def test_doc_id_from_a_content_hash_when_there_is_no_id_and_stable(tmp_path):
    frame = pd.DataFrame([{k: v for k, v in record(p).items() if k != "id"} for p in SEEDS])
    path = write_table(frame, tmp_path / "noid.jsonl")
    first, again = load(path, cache=False), load(path)
    assert list(first["doc_id"]) == list(again["doc_id"])
    assert first["doc_id"].is_unique and first["doc_id"].str.fullmatch(r"[0-9a-f]{16}").all()
    assert list(first["doc_id"]) == [hashlib.sha1(t.encode()).hexdigest()[:16] for t in frame["text"]]


def test_a_doc_id_clash_names_both_files(tmp_path):
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        shutil.copy(seed("001"), tmp_path / sub / "same.txt")
    with pytest.raises(CorpusError) as err:
        load(tmp_path)
    assert str(tmp_path / "a" / "same.txt") in str(err.value) and str(tmp_path / "b" / "same.txt") in str(err.value)


def test_year_and_a_short_unique_label(tmp_path, seeds):
    corpus = load(RAW_DIR)
    assert str(corpus["year"].dtype) == "Int64"
    assert list(corpus["year"]) == [2020, 2020, 2020, 2020, 2022]
    assert corpus["label"].is_unique and (corpus["label"].str.len() <= 30).all()
    assert corpus.loc[corpus["doc_id"].str.startswith("002"), "label"].item() == "守护“平”安 (2020-02-17)"
    # the same title on the same day twice: labels still unique
    frame = pd.DataFrame([record(seed("002"), id="a"), record(seed("002"), id="b")])
    twins = load(write_table(frame, tmp_path / "twins.csv"))
    assert twins["label"].is_unique and twins["label"].str.startswith("守护“平”安 (2020-02-17)").all()


# ---------------------------------------------------------------- characters that carry nothing


def test_a_good_article_with_two_stray_nuls_loads(tmp_path, seeds):
    data = seed("001").read_bytes()
    middle = data.index("东城区政协".encode(), 600) + 4  # inside a character
    (tmp_path / seed("001").name).write_bytes(data[:200] + b"\x00" + data[200:middle] + b"\x00" + data[middle:])
    corpus = load(tmp_path)
    assert corpus["text"].item() == seeds.loc[seed("001").stem, "text"]
    audit = cleaning_audit(corpus)
    assert audit["removed"].str.contains(r"^2 NUL or other control characters removed \(U\+0000\)").any()


def test_zero_width_and_bidi_characters_are_removed_and_logged(tmp_path, seeds):
    raw = read_text(seed("004"))
    sentence = "当前,疫情形势仍然复杂严峻"
    assert sentence in raw
    damaged = raw.replace(sentence, "当前,\u200b疫情形势\u202e仍然复杂\u2066严峻\u200d", 1)
    (tmp_path / seed("004").name).write_text(damaged, encoding="utf-8")
    corpus = load(tmp_path)
    assert corpus["text"].item() == seeds.loc[seed("004").stem, "text"]
    removed = cleaning_audit(corpus)["removed"]
    logged = removed[removed.str.contains("zero-width, bidi-control")]
    assert len(logged) == 1 and logged.item().startswith("4 ")
    assert all(code in logged.item() for code in ("U+200B", "U+200D", "U+202E", "U+2066"))


# ---------------------------------------------------------------- bad rows and files


def good_rows():
    return [record(seed("000")), record(seed("001"))]


def bad_empty(tmp_path):
    frame = pd.DataFrame(good_rows() + [record(seed("002"), id="hollow", text="  ")])
    return write_table(frame, tmp_path / "t.csv"), "row 3 (id hollow)", "empty"


def bad_chrome_only(tmp_path):
    frame = pd.DataFrame(good_rows() + [record(seed("002"), id="chromeonly",
                                                 text="首页>政协·协商>协商\n分享到:\n编辑:李敏杰\n更多")])
    return write_table(frame, tmp_path / "t.jsonl"), "row 3 (id chromeonly)", "no article body"


def bad_json_line(tmp_path):
    path = write_table(pd.DataFrame(good_rows()), tmp_path / "t.jsonl")
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(1, '{"id": "broken", "text": "市政协组织委员')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, "line 2", "not valid JSON"


def bad_duplicate_id(tmp_path):
    frame = pd.DataFrame(good_rows() + [record(seed("002"), id=seed("000").stem)])
    return write_table(frame, tmp_path / "t.csv"), seed("000").stem, "used twice"


@pytest.mark.parametrize("make", [bad_empty, bad_chrome_only, bad_json_line, bad_duplicate_id])
def test_bad_row_raises_naming_file_and_row_or_skips_with_one_warning(tmp_path, make):
    path, where, problem = make(tmp_path)
    with pytest.raises(CorpusError) as err:
        load(path)
    assert str(path) in str(err.value) and where in str(err.value) and problem in str(err.value)
    corpus, caught = load_quiet(path)
    assert list(corpus["doc_id"][:2]) == [seed("000").stem, seed("001").stem]
    assert len(caught) == 1
    message = str(caught[0].message)
    assert "skipped 1 " in message and where in message
    skipped = cleaning_audit(corpus).query("rule == 'skipped'")
    assert len(skipped) == 1 and where in skipped["doc_id"].item() and problem in skipped["removed"].item()


def test_a_table_without_text_column_is_skipped_as_a_whole(tmp_path, seeds):
    frame = pd.DataFrame([{k: v for k, v in record(seed("000")).items() if k != "text"}])
    notext = write_table(frame, tmp_path / "notext.csv")
    with pytest.raises(CorpusError, match="notext.csv: no text column"):
        load(notext)
    corpus, caught = load_quiet([notext, seed("001")])
    assert list(corpus["doc_id"]) == [seed("001").stem]
    assert len(caught) == 1 and "notext.csv" in str(caught[0].message)
    assert cleaning_audit(corpus).query("rule == 'skipped'")["doc_id"].str.endswith("notext.csv").all()


def test_skip_warns_once_with_the_count_and_the_first_items(tmp_path):
    shutil.copy(seed("000"), tmp_path)
    for i in range(3):
        (tmp_path / f"empty{i}.txt").write_bytes(b"")
    rows = good_rows()[1:] + [record(seed("002"), id=f"blank{i}", text="") for i in range(9)]
    write_table(pd.DataFrame(rows), tmp_path / "t.csv")
    corpus, caught = load_quiet(tmp_path)
    assert sorted(corpus["doc_id"]) == STEMS[:2]
    assert len(caught) == 1
    message = str(caught[0].message)
    assert message.startswith("skipped 12 ") and "and 2 more" in message
    assert "empty0.txt" in message and "id blank0" in message
    assert len(cleaning_audit(corpus).query("rule == 'skipped'")) == 12


def test_a_folder_named_like_an_article_is_reported_and_the_rest_loads(tmp_path):
    shutil.copy(seed("000"), tmp_path)
    (tmp_path / "x.txt").mkdir()
    corpus, caught = load_quiet(tmp_path)
    assert list(corpus["doc_id"]) == [seed("000").stem]
    assert len(caught) == 1 and "x.txt" in str(caught[0].message)
    assert cleaning_audit(corpus).query("rule == 'skipped'")["doc_id"].str.endswith("x.txt").all()
    with pytest.raises(CorpusError, match="x.txt"):  # errors="raise": a clear error, not IsADirectoryError
        load(tmp_path)


# ---------------------------------------------------------------- damaged bytes

SENTENCE_END = re.compile(r"(?<=[。！？!?])")


def sentences(text):
    return [s for s in SENTENCE_END.split(text) if s.strip()]


def reference(path):
    """The seed's clean text under another file name (a doc_id-specific correction does not apply)."""
    return clean_document(read_text(path), "").text


def _position(rng, data, inside=False):
    """A random byte position in the middle 90 % of the file (inside=True: inside a UTF-8 character)."""
    while True:
        i = rng.randrange(len(data) // 20, len(data) - len(data) // 20)
        if not inside or 0x80 <= data[i] < 0xC0:
            return i


def flip_bit(rng, data):
    i = _position(rng, data)
    return data[:i] + bytes([data[i] ^ (1 << rng.randrange(8))]) + data[i + 1:]


def cut_tail(rng, data):
    """The file cut inside one of its last eight characters (an interrupted write)."""
    starts = [i for i in range(len(data) - 40, len(data)) if 0x80 <= data[i] < 0xC0][-16:]
    return data[:rng.choice(starts)]


def stray_nul(rng, data):
    i = _position(rng, data)
    return data[:i] + b"\x00" + data[i:]


def invalid_byte(rng, data):
    i = _position(rng, data)
    return data[:i] + bytes([rng.choice([0xC0, 0xC1, 0xF8, 0xFE, 0xFF])]) + data[i:]


def bom_inside(rng, data):
    i = _position(rng, data)
    return data[:i] + b"\xef\xbb\xbf" + data[i:]


def cr_only(rng, data):
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r")


DAMAGE = {"flip": flip_bit, "cut": cut_tail, "nul": stray_nul, "invalid": invalid_byte, "bom": bom_inside,
          "cr": cr_only}


def test_one_damaged_byte_does_not_cost_the_article(tmp_path):
    """150 damaged copies (25 per kind over the 5 seeds): >= 95 % load with >= 95 % of their sentences."""
    rng = random.Random(13)
    expected = {}
    for kind, damage in DAMAGE.items():
        for n in range(25):
            path = SEEDS[n % 5]
            name = f"{kind}{n:02d}_{path.stem[:3]}"
            (tmp_path / f"{name}.txt").write_bytes(damage(rng, path.read_bytes()))
            expected[name] = path
    refs = {p: sentences(reference(p)) for p in SEEDS}
    corpus, _ = load_quiet(tmp_path)
    got = dict(zip(corpus["doc_id"], corpus["text"]))
    share = {name: sum(s in got.get(name, "") for s in refs[p]) / len(refs[p]) for name, p in expected.items()}
    whole = [name for name, v in share.items() if v >= 0.95]
    assert len(whole) >= 0.95 * len(expected), sorted(set(share) - set(whole))
    assert len(got) >= 0.99 * len(expected)  # and practically no copy is lost at all


@pytest.mark.parametrize("kind", ["flip", "cut", "invalid"])
def test_the_audit_says_where_bytes_were_replaced(tmp_path, kind):
    path = seed("001")
    data = path.read_bytes()
    i = data.index("充分发挥了界别".encode())
    if kind == "flip":  # the top bit of the character's second byte
        damaged = data[:i + 1] + bytes([data[i + 1] ^ 0x80]) + data[i + 2:]
    elif kind == "cut":
        damaged = data[:i + 1]
    else:  # a byte UTF-8 never uses, inside the character
        damaged = data[:i + 1] + b"\xff" + data[i + 1:]
    (tmp_path / "damaged.txt").write_bytes(damaged)
    corpus = load(tmp_path)
    at = read_text(path).index("充分发挥了界别")
    removed = cleaning_audit(corpus)["removed"]
    logged = removed[removed.str.contains("undecodable byte")]
    assert len(logged) == 1
    m = re.fullmatch(r"(\d+) undecodable byte\(s\) replaced and removed at character offset\(s\) ([\d, ]+) "
                     r"of the raw text", logged.item())
    count, offsets = int(m.group(1)), [int(x) for x in m.group(2).split(", ")]
    assert offsets[0] == at and 1 <= count <= 3
    assert all(corpus["raw"].item()[o] == "\ufffd" for o in offsets)  # the raw text shows where
    text = corpus["text"].item()
    if kind == "invalid":  # a stray byte taken out: the character around it survives
        assert "充分发挥了界别" in text
    else:
        assert "分发挥了界别" in text or kind == "cut"
        assert "充分发挥了界别" not in text


@pytest.mark.parametrize("kind, logged", [
    ("nul", r"^1 NUL or other control characters removed \(U\+0000\)$"),
    ("bom", r"^1 zero-width, bidi-control or soft-hyphen characters removed \(U\+FEFF\)$"),
    ("cr", r"^\d+ characters normalised$"),
])
def test_the_audit_logs_stray_bytes_and_line_ends(tmp_path, seeds, kind, logged):
    path = seed("001")
    data = path.read_bytes()
    i = data.index("充分发挥了界别".encode()) + 1  # inside the character 充
    damaged = {"nul": data[:i] + b"\x00" + data[i:], "bom": data[:i] + b"\xef\xbb\xbf" + data[i:],
               "cr": cr_only(None, data)}[kind]
    (tmp_path / path.name).write_bytes(damaged)
    corpus = load(tmp_path)
    assert corpus["text"].item() == seeds.loc[path.stem, "text"]  # nothing lost at all
    normalise_rows = cleaning_audit(corpus).query("rule == 'normalise'")["removed"]
    assert normalise_rows.str.contains(logged).sum() == 1
    if kind == "cr":
        n = int(normalise_rows[normalise_rows.str.contains(logged)].item().split()[0])
        assert n >= data.count(b"\n")


@pytest.mark.parametrize("prefix, encoding", [(p, "gb18030") for p in ["000", "001", "002", "003", "004"]]
                         + [("002", "big5")])
def test_legacy_encodings_with_one_damaged_byte(tmp_path, seeds, prefix, encoding):
    path = seed(prefix)
    raw = read_text(path)
    if encoding == "big5":  # Big5 has no toned pinyin, NBSP or the mojibake 辫: write what cleaning makes of them
        raw = apply_corrections(strip_pinyin(normalise(raw)[0])[0], path.stem)[0]
    data = raw.encode(encoding)
    rng = random.Random(prefix + encoding)
    i = rng.randrange(len(data) // 3, 2 * len(data) // 3)
    while data[i] < 0x81:  # the first byte of a two-byte character
        i += 1
    damaged = data[:i] + b"\xff" + data[i + 1:]
    (tmp_path / path.name).write_bytes(damaged)
    corpus = load(tmp_path)
    row = corpus.iloc[0]
    assert row["encoding"] == encoding
    assert row["title"] == seeds.loc[path.stem, "title"]
    lost = [s for s in sentences(seeds.loc[path.stem, "text"]) if s not in row["text"]]
    assert len(lost) <= 1, lost
    assert cleaning_audit(corpus)["removed"].str.contains("undecodable byte").sum() == 1


# ---------------------------------------------------------------- reposts


def repost_of_003(date="2020-12-25 09:30"):
    """Seed 003's body under other chrome: breadcrumb, header line and date, share lines, related list."""
    meta, body = seed_parts(seed("003"))
    return "\n\n".join(["當前位置:首頁 > 北京 > 區縣新聞", meta["title"], f"{date} 來源:北京日報客戶端",
                        "分享到:微信 微博", *body, "分享到:", "【責任編輯:趙某】",
                        "相關閱讀", "北京市政協召開常委會議", "區政協委員深入一線"])


def test_a_repost_with_other_chrome_is_found_and_an_unrelated_pair_is_not(tmp_path):
    for p in SEEDS:
        shutil.copy(p, tmp_path)
    (tmp_path / "repost.txt").write_text(repost_of_003(), encoding="utf-8")
    corpus = load(tmp_path)
    pairs = near_duplicates(corpus, threshold=0.8, progress=False)
    assert list(pairs.columns) == ["doc_id_a", "doc_id_b", "similarity"]
    assert len(pairs) == 1
    assert set(pairs.iloc[0][["doc_id_a", "doc_id_b"]]) == {seed("003").stem, "repost"}
    assert pairs["similarity"].item() >= 0.8
    # the two Beijing CPPCC reports (000, 001) share a genre, not a text
    assert near_duplicates(corpus[corpus["doc_id"].str[:3].isin(["000", "001"])], 0.8, progress=False).empty


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs two cores to run the signatures on workers")
def test_near_duplicates_on_two_cores_finds_the_same_pairs(tmp_path, monkeypatch):
    """The signatures of a large corpus are computed on forked workers; the pairs do not change."""
    for p in SEEDS:
        shutil.copy(p, tmp_path)
    (tmp_path / "repost.txt").write_text(repost_of_003(), encoding="utf-8")
    corpus = load(tmp_path)
    alone = near_duplicates(corpus, threshold=0.8, progress=False)
    monkeypatch.setattr(analysis.parallel, "PARALLEL_MIN_ITEMS", 2)
    assert analysis.parallel.workers_for(len(corpus)) == min(os.cpu_count() or 1, 8)
    assert_frame_equal(near_duplicates(corpus, threshold=0.8, progress=False), alone)


@pytest.mark.parametrize("repost_date, kept", [("2020-12-25 09:30", "003"), ("2020-12-20 09:30", "repost")])
def test_dedupe_keeps_the_earliest_and_the_audit_lists_what_it_dropped(tmp_path, repost_date, kept):
    for p in SEEDS:
        shutil.copy(p, tmp_path)
    (tmp_path / "repost.txt").write_text(repost_of_003(repost_date), encoding="utf-8")
    full = load(tmp_path)
    corpus = load(tmp_path, dedupe=True)
    dropped = {seed("003").stem, "repost"} - {d for d in corpus["doc_id"] if d.startswith(kept)}
    assert len(corpus) == 5 and set(full["doc_id"]) - set(corpus["doc_id"]) == dropped
    log = cleaning_audit(corpus).query("rule == 'duplicate'")
    assert list(log["doc_id"]) == list(dropped)
    assert log["replacement"].str.contains("repost of").all()


# ---------------------------------------------------------------- the load cache


def mixed_folder(tmp_path):
    folder = tmp_path / "src"
    folder.mkdir()
    shutil.copy(seed("000"), folder)
    shutil.copy(seed("001"), folder)
    meta, body = seed_parts(seed("002"))
    (folder / f"{seed('002').stem}.html").write_text(TEMPLATES["classed"](meta, body), encoding="utf-8")
    write_table(pd.DataFrame([record(seed("003")), record(seed("004"))]), folder / "t.jsonl.gz")
    (folder / "empty.txt").write_bytes(b"")
    return folder


@pytest.fixture
def counted(monkeypatch, tmp_path):
    """A fresh cache folder, and the files load_corpus cleans (not from the cache) in each load."""
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    calls = []
    real = analysis.corpus.load.read_unit

    def read_unit(unit, columns=None):
        calls.append(unit.path.name)
        return real(unit, columns)

    monkeypatch.setattr(analysis.corpus.load, "read_unit", read_unit)
    real_prepare = analysis.corpus.articles.prepare_table  # a table file is read by load_units itself

    def prepare_table(unit, *args, **kwargs):
        calls.append(unit.path.name)
        return real_prepare(unit, *args, **kwargs)

    monkeypatch.setattr(analysis.corpus.units, "prepare_table", prepare_table)
    return calls


def test_cold_and_warm_loads_are_identical(tmp_path, counted):
    folder = mixed_folder(tmp_path)
    cold, _ = load_quiet(folder)
    assert sorted(counted) == sorted(p.name for p in folder.iterdir())
    counted.clear()
    warm, caught = load_quiet(folder)
    assert counted == []
    assert_frame_equal(cold, warm)
    assert_frame_equal(cleaning_audit(cold), cleaning_audit(warm))
    assert len(caught) == 1 and "empty.txt" in str(caught[0].message)  # a cached bad file is still reported
    uncached, _ = load_quiet(folder, cache=False)
    assert_frame_equal(cold, uncached)


def test_a_warm_load_from_the_per_file_entries_equals_a_cold_one(tmp_path, counted, monkeypatch):
    """Without the whole-load entry (another option, another file set) the per-file entries serve: the
    same frame and audit, and an entry holds only its own files' columns."""
    folder = mixed_folder(tmp_path)
    texts = tmp_path / "texts"
    texts.mkdir()
    shutil.copy(seed("000"), texts)
    extra = tmp_path / "extra.jsonl"
    write_table(pd.DataFrame([record(seed("001"), editor="某编辑")]), extra)
    cold, _ = load_quiet(folder)
    load_quiet([texts, extra])
    monkeypatch.setattr(analysis.corpus.load, "read_corpus", lambda key: None)
    counted.clear()
    warm, _ = load_quiet(folder)
    assert counted == []
    assert_frame_equal(cold, warm)
    assert_frame_equal(cleaning_audit(cold), cleaning_audit(warm))
    alone_warm, _ = load_quiet(texts)
    assert counted == []
    alone_cold, _ = load_quiet(texts, cache=False)
    assert "editor" not in alone_warm.columns
    assert_frame_equal(alone_cold, alone_warm)


def test_a_changed_file_re_cleans_exactly_that_file(tmp_path, counted):
    folder = mixed_folder(tmp_path)
    before, _ = load_quiet(folder)
    counted.clear()
    target = folder / seed("001").name
    target.write_text(read_text(target).replace("充分发挥了界别", "充分发挥了各界别", 1), encoding="utf-8")
    after, _ = load_quiet(folder)
    assert counted == [target.name]
    changed = after.set_index("doc_id")["text"] != before.set_index("doc_id")["text"]
    assert list(changed[changed].index) == [seed("001").stem]


def test_a_changed_rule_file_re_cleans_everything_and_the_text_follows_the_rule(tmp_path, counted, monkeypatch):
    """A rule added to chrome.csv: every file is cleaned again and the line it matches (004's last paragraph, in
    the table file) is gone from the text; the rule taken out, the first texts come back from the cache."""
    lexicon = tmp_path / "lexicon"  # a project's own copy of chrome.csv, in force instead of the package's
    lexicon.mkdir()
    shutil.copy(analysis.lexicon.CHROME_FILE, lexicon / "chrome.csv")
    monkeypatch.setattr(analysis.lexicon, "CHROME_FILE", lexicon / "chrome.csv")
    folder = mixed_folder(tmp_path)
    first, _ = load_quiet(folder)
    version = analysis.corpus.cache.rules_version()
    counted.clear()
    load_quiet(folder)
    assert counted == []
    before = (lexicon / "chrome.csv").read_bytes()
    with open(lexicon / "chrome.csv", "a", encoding="utf-8") as fh:
        fh.write('duty_line,"^我们的岗位职责是“为民服务”","a line of 004, for this test"\n')
    assert analysis.corpus.cache.rules_version() != version
    edited, _ = load_quiet(folder)
    assert sorted(counted) == sorted(p.name for p in folder.iterdir())
    changed = edited.set_index("doc_id")["text"] != first.set_index("doc_id")["text"]
    assert list(changed[changed].index) == [seed("004").stem]
    text = edited.set_index("doc_id").loc[seed("004").stem, "text"]
    assert "我们的岗位职责是“为民服务”" not in text
    assert text.endswith("用脚步丈量完9个小区2143户家庭9500余人全面排查路程。")
    (lexicon / "chrome.csv").write_bytes(before)
    counted.clear()
    again, _ = load_quiet(folder)
    assert counted == [] and analysis.corpus.cache.rules_version() == version
    assert_frame_equal(again, first)


def test_cache_false_writes_nothing(tmp_path, counted):
    folder = mixed_folder(tmp_path)
    load_quiet(folder, cache=False)
    cache = tmp_path / "cache"
    assert not cache.exists() or not any(p.is_file() for p in cache.rglob("*"))


def test_a_changed_metadata_file_is_seen_by_a_warm_load(tmp_path, counted):
    folder = tmp_path / "src"
    folder.mkdir()
    shutil.copy(seed("001"), folder)
    stem = seed("001").stem
    (folder / "metadata.csv").write_text(f"doc_id,org\n{stem},甲组织\n", encoding="utf-8")
    first, _ = load_quiet(folder)
    assert first.set_index("doc_id").loc[stem, "org"] == "甲组织"
    (folder / "metadata.csv").write_text(f"doc_id,org\n{stem},乙组织\n", encoding="utf-8")
    counted.clear()
    second, _ = load_quiet(folder)
    assert counted == []  # the article itself is not cleaned again (the per-file cache still holds it)
    assert second.set_index("doc_id").loc[stem, "org"] == "乙组织"


def test_old_cache_results_are_pruned(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(analysis.memo, "KEEP_MEMOS", 3)
    for n in range(6):
        frame = analysis.memo.memo_frame("demo", [f"input {n}"], lambda n=n: pd.DataFrame({"n": [n]}))
        assert frame["n"].tolist() == [n]
        os.utime(next(p for p in (tmp_path / "cache" / "demo").iterdir() if p.name.endswith(".arrow")
                      and pd.read_feather(p)["n"].tolist() == [n]), (1000 + n, 1000 + n))
    kept = sorted(pd.read_feather(p)["n"].item() for p in (tmp_path / "cache" / "demo").iterdir())
    assert kept == [3, 4, 5]  # the three written last
    assert analysis.memo.memo_frame("demo", ["input 5"], lambda: pd.DataFrame({"n": [-1]}))["n"].item() == 5  # a hit


def test_a_tables_traditional_title_is_written_like_the_text(tmp_path, seeds):
    """A title from a table (or a page) gets the text's character rules: simplified script, NFKC; a body
    line that only repeats it is then recognised and removed."""
    import opencc

    row = record(seed("003"))
    simplified = row["title"]
    traditional = opencc.OpenCC("s2tw").convert(simplified)
    assert traditional != simplified
    row["title"] = traditional.replace(":", "：")  # full-width colon, as such titles come
    row["text"] = traditional + "\n" + row["text"]  # the title repeated above the body (image alt text)
    corpus = load(write_table(pd.DataFrame([row]), tmp_path / "t.jsonl")).set_index("doc_id")
    got = corpus.loc[seed("003").stem]
    assert got["title"] == simplified.replace("：", ":")
    assert got["text"] == seeds.loc[seed("003").stem, "text"]


def _not_split_again(corpus):
    raise AssertionError("split again instead of read from the cache")


def test_the_paragraph_cache_keeps_the_doc_id_type(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(analysis.paragraph, "PARALLEL_MIN_ITEMS", 1)  # the cache is used from one article on
    monkeypatch.setattr(analysis.parallel, "PARALLEL_MIN_ITEMS", 1)  # (and the split runs on every core)
    corpus = load(RAW_DIR, cache=False)
    corpus = corpus.assign(doc_id=[str(n) for n in range(len(corpus))])  # "0", "1", …
    by_str = analysis.corpus.paragraphs(corpus)
    numbered = corpus.assign(doc_id=range(len(corpus)))  # 0, 1, …: the same text as a cache key
    by_int = analysis.corpus.paragraphs(numbered)
    assert by_int["doc_id"].dtype == numbered["doc_id"].dtype and by_str["doc_id"].dtype == corpus["doc_id"].dtype
    monkeypatch.setattr(analysis.paragraph, "_paragraphs_parallel", _not_split_again)
    assert_frame_equal(analysis.corpus.paragraphs(corpus), by_str)  # read back from the cache, not split again
    assert len(list((tmp_path / "cache" / "paragraphs").iterdir())) == 2


def test_regions_the_cache_has_are_not_inferred_again_when_a_rule_file_changes(tmp_path, monkeypatch):
    """A changed cleaning rule re-cleans every article, but a region already in the region cache (same
    title and text, same place rules) is read from it, not inferred again; the corpus is the same."""
    import analysis.corpus.units as units
    import analysis.places as places

    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "t"
    folder.mkdir()
    write_table(pd.DataFrame([record(seed("003")), record(seed("004"))]), folder / "t.jsonl")
    first, _ = load_quiet(folder / "t.jsonl")
    calls = []
    real = places.region_of_text_detail
    monkeypatch.setattr(places, "region_of_text_detail", lambda *a, **k: calls.append(1) or real(*a, **k))
    monkeypatch.setattr(units, "rules_version", lambda: "another rule version")  # as if chrome.csv changed
    again, _ = load_quiet(folder / "t.jsonl", dedupe=True)  # another option: the whole-load entry misses too
    assert calls == []
    assert_frame_equal(first, again)


def test_a_table_rows_missing_values_reach_the_cleaning_as_none(tmp_path):
    """The fields of a table's rows, as _clean_rows gets them: a missing date (NaT), title, nullable int
    are None, not "NaT" or <NA>; numpy values in an object column and category codes come as Python values."""
    import numpy as np

    from analysis.corpus.articles import frame_items

    body = read_text(sorted(RAW_DIR.glob("*.txt"))[0])
    table = pd.DataFrame({
        "doc_id": ["a", "b"], "title": ["标题一", None], "date": pd.to_datetime(["2020-03-01", None]),
        "text": [body, body], "n": pd.Series([1, None], dtype="Int64"),
        "kind": pd.Series([1, 2], dtype="category"), "mixed": pd.Series([np.int64(5), "x"], dtype=object),
    })
    fields = [item[3] for item in frame_items(table, ["title", "date"], ["n", "kind", "mixed"], "t.parquet")]
    assert fields[1]["date"] is None and fields[1]["title"] is None and fields[1]["n"] is None
    assert fields[0]["date"] == pd.Timestamp("2020-03-01") and fields[0]["n"] == 1
    assert type(fields[0]["kind"]) is int and type(fields[0]["mixed"]) is int
    table.drop(columns="mixed").to_parquet(tmp_path / "t.parquet", index=False)
    corpus = load_corpus(tmp_path / "t.parquet", cache=False, progress=False)
    assert corpus["date"].isna().tolist() == [False, True]
    assert corpus["title"].tolist()[0] == "标题一"


def test_a_table_keeps_its_other_columns_storable(tmp_path):
    """Columns beyond the corpus fields are kept: nested values (lists, objects) as JSON text, a column
    of mixed types as text, plain numbers and text as they are."""
    import json

    body = read_text(sorted(RAW_DIR.glob("*.txt"))[0])
    rows = [{"id": "a", "text": body, "tags": ["政协", "防疫"], "meta": {"page": 2}, "mixed": 5, "n": 1, "note": "甲"},
            {"id": "b", "text": body + "补充。", "tags": [], "meta": {"page": 3}, "mixed": "五", "n": 2, "note": "乙"}]
    path = tmp_path / "t.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    corpus = load_corpus(path, cache=False, progress=False).set_index("doc_id")
    assert corpus.loc["a", "tags"] == '["政协", "防疫"]' and corpus.loc["b", "tags"] == "[]"
    assert json.loads(corpus.loc["b", "meta"]) == {"page": 3}
    assert corpus["mixed"].tolist() == ["5", "五"]
    assert corpus["n"].tolist() == [1, 2] and corpus["n"].dtype == "int64"
    assert corpus["note"].tolist() == ["甲", "乙"]
