"""The evidence explorer without a browser: its data, where cleaning removals are placed, the SQLite index
and search, and the server's API and folder (analysis.explorer). The page itself: test_explorer_browser.py."""
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from interval_reference import clopper_pearson, exact_effective_n

import analysis.explorer.index as index_module
from analysis import cleaning_audit, code_paragraphs, theme_counts, theme_evidence, theme_share_intervals
from analysis.explorer import serve_in_thread, write_explorer
from analysis.explorer.data import build_data
from analysis.explorer.page import INDEX, PAGE, payload_from_page
from analysis.explorer.removed import removals
from analysis.explorer.search import Explorer, QueryError

PROJECT = Path(__file__).resolve().parents[1]
BEIJING, DONATION = "北京市", "donation"


@pytest.fixture(scope="module")
def coded(paras):
    return code_paragraphs(paras)


@pytest.fixture(scope="module")
def data(corpus):
    return build_data(corpus)


@pytest.fixture(scope="module")
def built(corpus, tmp_path_factory):
    """The seed build's explorer.html (embedded) and, for the same data, the index a large corpus gets."""
    out = tmp_path_factory.mktemp("explorer")
    page = write_explorer(out, corpus)
    index_module.write_index(payload_from_page(page), out / "index.sqlite")
    return out


@pytest.fixture(scope="module")
def explorer(built):
    return Explorer(built / "index.sqlite")


@pytest.fixture(scope="module")
def server(built):
    srv, url = serve_in_thread(built)
    yield url
    srv.shutdown()
    srv.server_close()


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def q(text):
    return urllib.parse.quote(text)


# ---------------------------------------------------------------- the payload


def test_heatmap_cells_hold_theme_counts_and_the_intervals_of_theme_share_intervals(data, corpus, coded):
    head = data["head"]
    fields = [f["name"] for f in head["fields"]]
    assert fields == ["label", "province", "year"]  # notebook 03 on five articles: each article, provinces, years
    province = next(f for f in head["fields"] if f["name"] == "province")
    counts = theme_counts(coded, "province", corpus)
    themes = [t["id"] for t in head["themes"]]
    for t, g, k, *_ in head["heat"]["province"]:
        assert k == counts.at[themes[t], province["groups"][g]]
    cell = next(c for c in head["heat"]["province"] if themes[c[0]] == DONATION and province["groups"][c[1]] == BEIJING)
    # 11 of Beijing's 36 paragraphs (three articles) carry donations: "31 %" in the issue
    assert cell[2:6] == [11, 36, 3, 3] and cell[6] == pytest.approx(11 / 36, abs=1e-4)
    ours = theme_share_intervals(coded, "province", corpus).set_index(["province", "theme"]).loc[(BEIJING, DONATION)]
    assert cell[7] == pytest.approx(ours["lo"], abs=1e-4) and cell[8] == pytest.approx(ours["hi"], abs=1e-4)
    # worked out here: the 27 equally likely draws of three articles give the resampled shares' variance, then
    # Korn & Graubard's interval (Clopper-Pearson on the effective number of paragraphs, t on 2 df)
    per_article = coded[coded["doc_id"].str[:3].isin(["000", "001", "003"])].groupby("doc_id")[DONATION]
    p, n_eff = exact_effective_n(per_article.sum(), per_article.size())
    lo, hi = clopper_pearson(p * n_eff, n_eff)
    assert cell[7] == pytest.approx(lo, abs=0.01) and cell[8] == pytest.approx(hi, abs=0.03)  # 1,000 resamples
    year = next(f for f in head["fields"] if f["name"] == "year")
    assert year["groups"] == ["2020", "2022"]  # as tables/themes_by_period.csv writes the years


def test_every_paragraph_and_trigger_is_in_the_payload(data, paras, coded):
    body = data["body"]
    assert body["paras"]["t"] == paras["text"].tolist()
    matches = analysis_matches(paras)
    assert sum(len(m) for m in body["paras"]["m"]) == len(matches)
    for text, spans in zip(body["paras"]["t"], body["paras"]["m"]):
        for s, e, _ in spans:
            assert text[s:e].replace(" ", "") in set(matches["keyword"])


def analysis_matches(paras):
    from analysis import theme_matches

    return theme_matches(paras)


def test_article_layout_keeps_headings_and_paragraphs_in_text_order(data, corpus):
    docs, texts = data["body"]["docs"], data["body"]["paras"]["t"]
    for d, text in enumerate(corpus["text"]):
        lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
        shown = [x if isinstance(x, str) else texts[x] for x in docs["layout"][d]]
        assert shown == lines


def test_a_url_that_is_not_http_is_dropped(tmp_path):
    from analysis.explorer.data import safe_url

    assert safe_url("javascript:alert(1)") == "" and safe_url(" data:text/html,x") == ""
    assert safe_url("https://www.sctyzx.gov.cn/") == "https://www.sctyzx.gov.cn/"


# ---------------------------------------------------------------- where cleaning removed what


def test_removed_lines_stand_before_the_line_they_preceded(corpus):
    row = corpus[corpus["doc_id"].str.startswith("001")].iloc[0]
    audit = cleaning_audit(corpus)
    rows = audit[audit["doc_id"] == row["doc_id"]]
    placed = removals(row["raw"], row["text"], zip(rows["rule"], rows["removed"]), "txt", row["doc_id"])
    lines = [ln.strip() for ln in row["text"].split("\n") if ln.strip()]
    by_text = {r[2]: r for r in placed}
    assert by_text["分享到:"][1] == -1 and by_text["分享到:"][3] == "share_button"
    caption = by_text["区侨联与区红十会工作人员接收和清点海外华人捐赠的口罩"]
    # in the file: photo number 1, its caption, then the heading 海内外联动抗疫 多项措施取得实效
    assert caption[3] == "numbered_caption" and lines[caption[0]] == "海内外联动抗疫 多项措施取得实效"
    assert by_text["编辑:李敏杰"][0] == len(lines)  # after the last line
    listed = [r for r in rows["removed"] if r and "characters" not in r]
    assert sorted(listed) == sorted(r[2] for r in placed)


def test_pinyin_removed_inside_a_line_stands_after_its_character(corpus):
    row = corpus[corpus["doc_id"].str.startswith("002")].iloc[0]
    audit = cleaning_audit(corpus)
    rows = audit[audit["doc_id"] == row["doc_id"]]
    placed = removals(row["raw"], row["text"], zip(rows["rule"], rows["removed"]), "txt", row["doc_id"])
    lines = [ln.strip() for ln in row["text"].split("\n") if ln.strip()]
    syllable = r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)"
    found = Counter(s for r in placed for s in re.findall(syllable, r[2]))  # in removed lines and inside lines
    assert found == Counter(rows.loc[rows["rule"] == "strip_pinyin", "removed"])
    inline = [r for r in placed if r[1] >= 0 and r[3] == "strip_pinyin"]
    first = inline[0]  # 严(yán)峻: the first paragraph starts 严峻的新冠肺炎疫情
    assert lines[first[0]].startswith("严峻") and first[1] == 1 and first[2] == "(yán)"


# ---------------------------------------------------------------- index and search


@pytest.mark.parametrize("term", ["疫", "疫情", "口罩", "政协委员", "疫情防控", "(", "不存在的词"])
def test_search_counts_what_pandas_counts(explorer, paras, term):
    res = explorer.search(term, limit=10_000)
    expected = paras["text"].str.count(re.escape(term))
    assert res["total"] == expected.sum()
    assert res["articles"] == paras.loc[expected > 0, "doc_id"].nunique()
    assert len(res["hits"]) == res["total"]
    assert all(h["match"] == term for h in res["hits"])


def test_every_literal_of_three_to_eight_characters_counts_what_str_count_counts(explorer, paras):
    """The positional pair index against Python's str.count, on substrings cut from every paragraph."""
    texts = paras["text"].tolist()
    terms = {t[i:i + n] for t in texts for i in range(0, len(t), 41) for n in range(3, 9) if i + n <= len(t)}
    assert len(terms) > 1000
    for term in sorted(terms):
        res = explorer.search(term, limit=0)
        assert res["total"] == sum(t.count(term) for t in texts), term


def test_repeats_count_once_and_characters_past_the_bmp_are_told_apart(corpus, tmp_path):
    extra = corpus.copy()
    extra.loc[extra.index[0], "text"] = extra["text"].iloc[0] + "\n哈哈哈哈哈，𠀀𠀁𠀀𠀁𠀀。"
    write_explorer(tmp_path, extra, max_mb=0.02)
    ex = Explorer(tmp_path / INDEX)
    # by hand: 哈哈哈哈哈 holds 哈哈 twice and 哈哈哈 once when hits may not overlap (as str.count counts)
    assert [ex.search(q, limit=0)["total"] for q in ("哈哈", "哈哈哈", "哈哈哈哈哈", "哈哈哈哈哈哈")] == [2, 1, 1, 0]
    # 𠀀𠀁𠀀𠀁𠀀: 𠀀𠀁 at 0 and 2, 𠀁𠀀 at 1 and 3, 𠀀𠀁𠀀 at 0 only (the one at 2 overlaps it); 𠀀𠀂 shares the pair
    # code of 𠀀𠀁 (past the BMP) but is not in the text
    assert [ex.search(q, limit=0)["total"] for q in ("𠀀𠀁", "𠀁𠀀", "𠀀𠀁𠀀", "𠀀𠀂", "哈，𠀀")] == [2, 2, 1, 0, 1]


def test_search_by_group_adds_up_and_names_the_groups(explorer, paras, corpus):
    res = explorer.search("疫情", by="province")
    hits = paras.assign(n=paras["text"].str.count("疫情")).merge(corpus[["doc_id", "province"]], on="doc_id")
    assert res["by_group"] == {p: int(n) for p, n in hits.groupby("province")["n"].sum().items() if n}
    assert sum(res["by_field"]["year"].values()) == res["total"]


@pytest.mark.parametrize("pattern", [r"政协.{0,4}委员", r"^[^,]{0,6}政协", r"[^。]+。", r"\d+万", r"委员|党员"])
def test_regex_search_counts_what_pandas_counts(explorer, paras, pattern):
    res = explorer.search(pattern, regex=True, limit=0)
    assert res["total"] == paras["text"].str.count(pattern).sum()


def test_a_bad_regex_is_an_error_that_says_why(explorer):
    with pytest.raises(QueryError, match="not a valid regular expression"):
        explorer.search("[政协", regex=True)


def test_filters_narrow_the_search_to_a_group_a_period_and_a_theme(explorer, paras, coded, corpus):
    year = corpus.set_index("doc_id")["date"].dt.year
    res = explorer.search("疫情", filters={"year": "2022", "theme": "testing"})
    keep = (paras["doc_id"].map(year) == 2022) & coded["testing"]
    assert res["total"] == paras.loc[keep, "text"].str.count("疫情").sum()


def test_a_cell_lists_what_theme_evidence_lists(explorer, coded, corpus):
    res = explorer.cell(DONATION, BEIJING, by="province")
    rows = theme_evidence(coded, DONATION, by="province", group=BEIJING, corpus=corpus)
    assert [(i["doc_id"], i["para_no"]) for i in res["items"]] == list(zip(rows["doc_id"], rows["para_no"]))
    assert all(i["marks"] and all(m[2] == 1 for m in i["marks"]) for i in res["items"])


# ---------------------------------------------------------------- the page's size and the server mode


def test_a_page_past_max_mb_leaves_the_paragraphs_to_the_index(corpus, tmp_path):
    small = write_explorer(tmp_path / "small", corpus)
    assert payload_from_page(small)["body"] is not None and not (tmp_path / "small" / INDEX).exists()
    big = write_explorer(tmp_path / "big", corpus, max_mb=0.02)
    assert payload_from_page(big)["body"] is None and (tmp_path / "big" / INDEX).exists()
    assert big.stat().st_size < 0.1e6
    ex = Explorer(tmp_path / "big" / INDEX)
    article = ex.article(corpus["doc_id"].iloc[1])  # removals placed on request from the stored raw text
    assert any(r[2] == "分享到:" for r in article["removed"])
    assert article["places"] and article["amounts"] is not None


def test_the_explorer_kept_in_memory_answers_what_its_sqlite_file_answers(corpus, tmp_path):
    """write_explorer(keep=) hands the build's screenshots the Explorer of the data it has just written (not read
    back: 1.3 s on 58k articles); every kind of query gets the same answer as from the file."""
    kept: dict = {}
    write_explorer(tmp_path, corpus, max_mb=0.02, keep=kept)
    mem, disk = kept["explorer"], Explorer(tmp_path / INDEX)
    assert mem.doc_ids == disk.doc_ids and mem.texts == disk.texts and len(mem.texts) > 50
    doc = corpus["doc_id"].iloc[1]
    for ask in (lambda e: e.search("疫情", limit=50), lambda e: e.search("防控", by="province"),
                lambda e: e.search("社区", filters={"theme": "community"}), lambda e: e.search("[捐募]款", regex=True),
                lambda e: e.cell("donation", BEIJING, by="province"),
                lambda e: e.heat("province", {"theme": "donation"}),
                lambda e: e.article(doc), lambda e: e.paragraph(7)):
        a, b = ask(mem), ask(disk)
        a.pop("ms", None), b.pop("ms", None)  # (the time the search took)
        assert a == b
    assert mem.search("疫情")["total"] > 0 and mem.article(doc)["removed"]


# ---------------------------------------------------------------- the server


def test_api_search_answers_in_the_documented_shape(server, paras):
    status, body = get(server + "api/search?q=" + q("口罩") + "&limit=3")
    res = json.loads(body)
    assert status == 200 and {"total", "articles", "by_group", "hits"} <= set(res)
    assert res["total"] == paras["text"].str.count("口罩").sum() and len(res["hits"]) == 3
    assert set(res["hits"][0]) >= {"doc_id", "para_no", "pre", "match", "post"}


def test_api_cell_and_article(server, corpus):
    cell = json.loads(get(server + f"api/cell?theme={DONATION}&group={q(BEIJING)}")[1])
    assert cell["total"] == 11 and cell["by"] == "province"
    doc = corpus["doc_id"].iloc[2]
    art = json.loads(get(server + "api/article?doc=" + doc)[1])
    assert art["title"] == corpus["title"].iloc[2] and len([ln for ln in art["lines"] if "text" in ln]) == 6
    status, body = get(server + "api/article?doc=nope")
    assert status == 400 and "no article" in json.loads(body)["error"]


def test_the_index_written_for_a_page_without_one_goes_with_its_server(built):
    """A page that embeds its paragraphs has no explorer.sqlite: the server writes one into a temporary folder.
    server_close removes it; before, only the garbage collector did, and the build closes its server in a forked
    process, which ends without it: each build left a folder in the temporary directory."""
    srv, url = serve_in_thread(built)
    folder = srv.RequestHandlerClass.explorer.path.parent
    try:
        assert not (built / INDEX).exists() and (folder / INDEX).is_file() and folder != built
        assert get(url + "api/search?q=" + q("口罩"))[0] == 200
    finally:
        srv.shutdown()
        srv.server_close()
    assert not folder.exists()


def test_a_pathological_regex_is_stopped_by_the_server(tmp_path):
    rows = [{"id": f"a{i}", "title": "t", "date": "2020-01-01",
             "text": "政协委员捐赠口罩,支援社区。" + "a" * 40 + "b。"} for i in range(30)]  # (a|aa)+$: 2**40 ways
    src = tmp_path / "a.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    from analysis import load_corpus

    write_explorer(tmp_path / "out", load_corpus(src), max_mb=0.001, intervals=False)
    srv, url = serve_in_thread(tmp_path / "out")
    try:
        started = time.perf_counter()
        status, body = get(url + "api/search?regex=1&q=" + q("(a|aa)+$"))
        took = time.perf_counter() - started
    finally:
        srv.shutdown()
        srv.server_close()
    assert status == 400 and "stopped" in json.loads(body)["error"]
    assert took < 20  # a budget of 2 s (more on a busy machine); unbounded, hours


def test_the_server_serves_only_files_of_its_folder(server, built, tmp_path):
    (built / "figures").mkdir(exist_ok=True)
    (built / "figures" / "x.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (built / ".hidden.html").write_text("secret")
    outside = tmp_path / "outside.html"
    outside.write_text("outside")
    link = built / "link.html"
    if not link.exists():
        os.symlink(outside, link)
    assert get(server)[0] == 200 and get(server + PAGE)[0] == 200 and get(server + "figures/x.png")[0] == 200
    for path in ["../" * 6 + "etc/passwd", "%2e%2e/%2e%2e/%2e%2e/etc/passwd", "..%2f..%2f..%2fetc%2fpasswd",
                 "figures/../../../etc/passwd", "%2Fetc%2Fpasswd", "/etc/passwd", "link.html", ".hidden.html",
                 "index.sqlite", "figures/%00x.png", "..\\..\\etc\\passwd"]:
        status, body = get(server + path)
        assert status == 404, path
        assert b"root:" not in body and b"outside" not in body


def test_explore_command_binds_to_localhost_and_answers(built, paras, tmp_path):
    """...and, stopped by `kill` (SIGTERM) as by Ctrl-C, removes the index it wrote for a page without one (it
    stayed in the temporary directory)."""
    proc = subprocess.Popen([sys.executable, "-m", "analysis", "explore", str(built), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=PROJECT,
                            env=dict(os.environ, PYTHONPATH=str(PROJECT), TMPDIR=str(tmp_path)))
    try:
        line = proc.stdout.readline()
        url = re.search(r"http://[\d.]+:\d+/", line).group(0)
        assert url.startswith("http://127.0.0.1:")
        res = json.loads(get(url + "api/search?q=" + q("疫情"))[1])
        assert res["total"] == paras["text"].str.count("疫情").sum()
        assert [p.name for p in tmp_path.glob("*/" + INDEX)]  # the index it wrote
    finally:
        proc.terminate()
        code = proc.wait(timeout=10)
    assert code == 0 and not list(tmp_path.glob("*/" + INDEX))


def test_removals_past_the_time_budget_are_placed_by_the_server(corpus, tmp_path, monkeypatch):
    import analysis.explorer.removed as removed_module

    monkeypatch.setattr(removed_module, "REMOVALS_SECONDS", 0.0)
    data = build_data(corpus, intervals=False)
    assert data["body"]["docs"]["removed"] == [None] * len(corpus)  # time was up before the first article
    index_module.write_index(data, tmp_path / INDEX, corpus=corpus)
    article = Explorer(tmp_path / INDEX).article(corpus["doc_id"].iloc[3])
    # data/raw/003_…: the header, the sign-off (office and date) and the related-news list after it
    texts = [r[2] for r in article["removed"]]
    assert texts[:2] == ["奋勇投身疫情防控第一线 为保人民群众平安作贡献", "2020-12-22 消费日报网"]
    assert {"政协北京市平谷区委员会办公室", "2020年2月15日", "相关焦点"} <= set(texts)


def test_pair_index_lists_each_pair_of_adjacent_characters_in_code_point_order_with_ascending_positions():
    """Worked by hand: "政协\\n政协委员" has 政协 at 0 and 3, 协委 at 4, 委员 at 5 (none across the line end);
    by code point 协 U+534F < 委 U+59D4 < 政 U+653F. Text with no pair at all gives an empty index, not an error."""
    import numpy as np

    from analysis.explorer.index import bigram_index

    keys, starts, positions = bigram_index("政协\n政协委员")
    assert keys.tolist() == [0x534F << 16 | 0x59D4, 0x59D4 << 16 | 0x5458, 0x653F << 16 | 0x534F]
    assert starts.tolist() == [0, 1, 2, 4] and positions.tolist() == [4, 5, 0, 3]
    assert (keys.dtype, starts.dtype, positions.dtype) == (np.uint32, np.int64, np.int32)
    for text in ("", "政", "政\n协", "\n\n"):
        keys, starts, positions = bigram_index(text)
        assert (keys.tolist(), starts.tolist(), positions.tolist()) == ([], [0], [])


def test_a_browser_start_that_fails_is_tried_again(monkeypatch):
    """Chromium's start now and then fails on a loaded machine ("session not created from chrome not reachable",
    once seen in a full test run): start_browser tries again, START_ATTEMPTS times in all, then raises that error;
    the profile folder of a start that never succeeds is removed."""
    pytest.importorskip("selenium")
    from pathlib import Path

    import selenium.webdriver
    from selenium.common.exceptions import SessionNotCreatedException

    import analysis.explorer.shots as shots

    calls, profiles = [], []

    class Flaky:
        def __init__(self, service=None, options=None):
            calls.append(1)
            profiles.extend(a.split("=", 1)[1] for a in options.arguments if a.startswith("--user-data-dir="))
            if len(calls) < fail_times + 1:
                raise SessionNotCreatedException("session not created from chrome not reachable")

        def quit(self):
            pass

    monkeypatch.setattr(selenium.webdriver, "Chrome", Flaky)
    monkeypatch.setattr(shots, "find_chromium", lambda: ("/usr/bin/chromium", "/usr/bin/chromedriver"))  # none needed
    monkeypatch.setattr(shots.time, "sleep", lambda s: None)
    fail_times = 2  # fails twice, starts on the third try
    driver = shots.start_browser()
    assert isinstance(driver, Flaky) and len(calls) == 3
    driver.quit()
    assert not Path(profiles[0]).exists()
    calls.clear()
    profiles.clear()
    fail_times = 3  # never starts
    with pytest.raises(SessionNotCreatedException, match="chrome not reachable"):
        shots.start_browser()
    assert len(calls) == shots.START_ATTEMPTS == 3
    assert not Path(profiles[0]).exists()
    # an error that is no failed start (an interrupted one) is not tried again, and leaves no profile either
    calls.clear()
    profiles.clear()

    class Interrupted(Flaky):
        def __init__(self, service=None, options=None):
            profiles.extend(a.split("=", 1)[1] for a in options.arguments if a.startswith("--user-data-dir="))
            calls.append(1)
            raise KeyboardInterrupt

    monkeypatch.setattr(selenium.webdriver, "Chrome", Interrupted)
    with pytest.raises(KeyboardInterrupt):
        shots.start_browser()
    assert len(calls) == 1 and not Path(profiles[0]).exists()


def test_a_profile_is_removed_once_no_browser_runs_on_it(tmp_path):
    """A browser that is ending (killed with the build's stopped explorer process, not quit) still writes to its
    profile; removed at once, the folder came back (a Default folder, seen after a full test run) and stayed in the
    temporary directory. remove_profile waits for the processes that run on the profile, then removes it."""
    from analysis.explorer.shots import remove_profile

    if not os.path.isdir("/proc"):
        pytest.skip("needs Linux /proc")
    profile = tmp_path / "profile"
    profile.mkdir()
    ending = subprocess.Popen([sys.executable, "-c", "import os, sys, time; time.sleep(0.8); "
                               "os.makedirs(os.path.join(sys.argv[2], 'Default'))",
                               f"--user-data-dir={profile}", str(profile)])  # (its argv names it, as Chromium's)
    try:
        time.sleep(0.1)
        remove_profile(profile)
        assert ending.wait(timeout=10) == 0 and not profile.exists()
    finally:
        ending.kill()
    # a browser that does not end on its own (a start interrupted by Ctrl-C leaves it running) is ended
    profile.mkdir()
    stuck = subprocess.Popen([sys.executable, "-c", "import signal, sys, time; signal.signal(signal.SIGTERM, "
                              "signal.SIG_IGN); print(1, flush=True); time.sleep(60)", f"--user-data-dir={profile}"],
                             stdout=subprocess.PIPE)  # (deaf to SIGTERM: it takes SIGKILL)
    try:
        stuck.stdout.readline()
        t0 = time.monotonic()
        remove_profile(profile, timeout=0.5)
        assert stuck.wait(timeout=10) == -9 and not profile.exists() and time.monotonic() - t0 < 5
    finally:
        stuck.kill()


def test_a_server_that_cannot_start_leaves_no_index(built, tmp_path, monkeypatch):
    """The port is taken: make_server raises, and the index it wrote for the page is removed."""
    import socket
    import tempfile

    from analysis.explorer.server import make_server

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(OSError) as raised:
            make_server(built, port=taken.getsockname()[1])
    # (checked while the traceback is held: the garbage collector would remove it only after that)
    assert raised.value is not None and list(tmp_path.iterdir()) == []


def test_explore_stopped_in_this_process_gives_back_the_sigterm_handler(built, tmp_path, monkeypatch):
    """`explore` run in a process of the caller's (analysis.cli.main, a notebook) treats SIGTERM as Ctrl-C while it
    serves, and afterwards the caller's handler is back (a kernel would otherwise turn every SIGTERM into
    KeyboardInterrupt); its index is removed."""
    import signal
    import tempfile

    import analysis.explorer.server as server_module

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    seen = {}
    make = server_module.make_server

    def make_server(*args, **kwargs):
        server = make(*args, **kwargs)

        def serve_forever():  # Ctrl-C at once
            seen["handler"] = signal.getsignal(signal.SIGTERM)
            seen["index"] = list(tmp_path.glob("*/" + INDEX))
            raise KeyboardInterrupt

        server.serve_forever = serve_forever
        seen["server"] = server  # (held, so that only server_close, not the garbage collector, removes the index)
        return server

    def callers_handler(signum, frame):
        pass

    monkeypatch.setattr(server_module, "make_server", make_server)
    before = signal.signal(signal.SIGTERM, callers_handler)
    try:
        assert server_module.main([str(built), "--port", "0"]) == 0
        assert seen["handler"] is server_module._interrupt and seen["index"]
        assert signal.getsignal(signal.SIGTERM) is callers_handler and not list(tmp_path.glob("*/" + INDEX))
    finally:
        signal.signal(signal.SIGTERM, before)
