"""The evidence explorer in a real browser: headless Chromium (Debian's chromium + chromium-driver, driven by
selenium) on the seed study's explorer.html from file://, on the same page served by `explore` when the
corpus is too large to embed, and on a hostile corpus. Skipped, with the reason, when no browser is found."""
import csv
import io
import json
import re
from urllib.parse import quote, urlencode

import pytest

from analysis import load_corpus, theme_counts, theme_evidence
from analysis.explorer import screenshot_explorer, serve_in_thread, write_explorer
from analysis.explorer.shots import open_page, start_browser, wait_for, why_no_browser

REASON = why_no_browser()
pytestmark = pytest.mark.skipif(REASON is not None, reason=f"no headless browser: {REASON}")

CSS = "css selector"
HOSTILE_TITLE = "<img src=x onerror=window.__pwned=1>"


@pytest.fixture(scope="module")
def browser():
    driver = start_browser()
    yield driver
    driver.quit()


def errors(driver) -> list:
    """SEVERE entries of the browser console since the last call."""
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def listed(driver, selector: str) -> list[tuple[str, int]]:
    return [(e.get_attribute("data-doc-id"), int(e.get_attribute("data-para-no")))
            for e in driver.find_elements(CSS, selector)]


def cell(driver, theme: str, group: str):
    return driver.find_element(CSS, f'td.cell[data-theme="{theme}"][data-group="{group}"]')


def search(driver, term: str):
    box = driver.find_element("id", "search")
    box.clear()
    box.send_keys(term)
    wait_for(driver, lambda d: d.find_element("id", "hit-count").get_attribute("data-query") == term
             and d.find_element("id", "hit-count").get_attribute("data-done"))
    return int(driver.find_element("id", "hit-count").text), int(driver.find_element("id", "article-count").text)


@pytest.mark.parametrize("by,theme,group", [("province", "donation", "北京市"), ("province", "testing", "四川省"),
                                            ("year", "community", "2022"), ("province", "overseas", "吉林省")])
def test_a_heatmap_cell_lists_the_paragraphs_theme_counts_counts(browser, page, coded, corpus, by, theme, group):
    open_page(browser, page)
    target = cell(browser, theme, group)
    assert target.get_attribute("data-by") == by
    target.click()
    wait_for(browser, lambda d: d.find_elements(CSS, "#cell-count"))
    shown = listed(browser, "#cell-list li.para")
    assert len(shown) == theme_counts(coded, by, corpus).at[theme, int(group) if by == "year" else group]
    rows = theme_evidence(coded, theme, by=by, group=int(group) if by == "year" else group, corpus=corpus)
    assert shown == list(zip(rows["doc_id"], rows["para_no"]))
    assert all(item.find_elements(CSS, "mark") for item in browser.find_elements(CSS, "#cell-list li.para"))
    assert errors(browser) == []


def test_cells_of_the_article_heatmap_match_theme_counts_by_label(browser, page, coded, corpus):
    open_page(browser, page)
    counts = theme_counts(coded, "label", corpus)
    cells = browser.find_elements(CSS, 'td.cell[data-by="label"]')
    assert len(cells) == counts.size  # 12 themes x 5 articles
    label = corpus["label"].iloc[1]
    cell(browser, "parties", label).click()
    wait_for(browser, lambda d: d.find_elements(CSS, "#cell-count"))
    assert len(listed(browser, "#cell-list li.para")) == counts.at["parties", label] == 6


@pytest.mark.parametrize("term", ["疫情", "口罩", "政协委员", "志"])
def test_search_counts_what_pandas_counts(browser, page, paras, term):
    open_page(browser, page)
    hits, articles = search(browser, term)
    per_para = paras["text"].str.count(term)
    assert hits == per_para.sum() > 0
    assert articles == paras.loc[per_para > 0, "doc_id"].nunique()
    lines = listed(browser, "#kwic li.kwic")
    assert len(lines) == min(hits, 500)
    assert lines[0] == tuple(paras.loc[per_para > 0, ["doc_id", "para_no"]].iloc[0])
    assert errors(browser) == []


def test_regex_search_and_a_click_on_a_line_opens_its_article(browser, page, paras, corpus):
    open_page(browser, page + "#re=1")
    hits, _ = search(browser, r"政协.{0,4}委员")
    assert hits == paras["text"].str.count(r"政协.{0,4}委员").sum() == 42
    first = browser.find_element(CSS, "#kwic li.kwic")
    doc = first.get_attribute("data-doc-id")
    first.click()
    wait_for(browser, lambda d: d.find_elements(CSS, "#article-title"))
    assert browser.find_element("id", "article-title").text == corpus.set_index("doc_id").at[doc, "title"]
    assert "doc=" + doc in browser.current_url


def test_filters_narrow_the_search(browser, page, paras, corpus):
    year = paras["doc_id"].map(corpus.set_index("doc_id")["date"].dt.year)
    open_page(browser, page + "#" + urlencode({"f_year": "2022"}))
    hits, articles = search(browser, "疫情")
    assert hits == paras.loc[year == 2022, "text"].str.count("疫情").sum() and articles == 1


def test_deep_links_open_a_cell_a_search_and_an_article(browser, page, corpus, paras):
    open_page(browser, page + "#" + urlencode({"theme": "donation", "group": "北京市"}))
    assert browser.find_element("id", "cell-count").text == "11"
    open_page(browser, page + "#" + urlencode({"q": "核酸"}))
    wait_for(browser, lambda d: d.find_element("id", "hit-count").get_attribute("data-done"))
    assert int(browser.find_element("id", "hit-count").text) == paras["text"].str.count("核酸").sum()
    assert browser.find_element("id", "search").get_attribute("value") == "核酸"
    doc = corpus["doc_id"].iloc[4]
    open_page(browser, page + "#doc=" + quote(doc))
    assert browser.find_element("id", "article-title").text == corpus["title"].iloc[4]
    assert len(listed(browser, "#article-text p.para")) == (paras["doc_id"] == doc).sum() == 39
    assert browser.find_elements(CSS, "#article-text mark")
    assert errors(browser) == []


def test_the_cleaning_toggle_strikes_through_what_cleaning_removed(browser, page, corpus):
    doc = corpus["doc_id"].iloc[1]
    open_page(browser, page + "#doc=" + quote(doc))
    assert browser.find_elements(CSS, "del.removed") == []
    browser.find_element("id", "show-removed").click()
    wait_for(browser, lambda d: d.find_elements(CSS, "del.removed"))
    struck = browser.find_elements(CSS, "del.removed")
    by_text = {d.text: d.get_attribute("data-rule") for d in struck}
    # what the audit lists for this article (data/raw/001_…): the breadcrumb, the header, 分享到, six photo
    # numbers and their captions, the editor and keyword lines, two 更多 links
    assert by_text["分享到:"] == "share_button" and by_text["编辑:李敏杰"] == "editor_line"
    assert len(struck) == 21 and "cleaning=1" in browser.current_url
    assert struck[0].value_of_css_property("text-decoration-line") == "line-through"
    browser.find_element("id", "show-removed").click()
    wait_for(browser, lambda d: not d.find_elements(CSS, "del.removed"))


def test_export_gives_the_list_on_screen_as_csv(browser, page):
    open_page(browser, page + "#" + urlencode({"theme": "donation", "group": "北京市"}))
    text = browser.execute_async_script("const done = arguments[0]; window.explorer.csv().then(done);")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["doc_id"], int(r["para_no"])) for r in rows] == listed(browser, "#cell-list li.para")
    assert {r["theme"] for r in rows} == {"donation"} and {r["group"] for r in rows} == {"北京市"}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    rows = [
        {"id": "evil1", "title": HOSTILE_TITLE, "date": "2020-03-01", "province": "北京市",
         "url": "javascript:window.__pwned=5",
         "text": "区政协组织委员捐赠口罩<script>window.__pwned=2</script>一万只,支援社区疫情防控工作。\n"
                 "</script><script>window.__pwned=3</script>委员们积极参与社区值守,开展志愿服务。"},
        {"id": "evil2", "title": "\"><svg onload=window.__pwned=4>", "date": "2021-05-01", "province": "<b>上海市</b>",
         "text": "统战部动员民主党派成员捐款捐物<img src=x onerror=window.__pwned=6>,支持企业复工复产。\n"
                 "社区志愿者坚守一线,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab。"},
    ]
    src = folder / "hostile.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    corpus = load_corpus(src)
    return corpus, write_explorer(folder / "out", corpus, group_fields=["province"], intervals=False)


def test_a_hostile_corpus_shows_its_markup_as_text(browser, hostile):
    corpus, html = hostile
    open_page(browser, html.as_uri() + "#doc=evil1")
    assert browser.find_element("id", "article-title").text == HOSTILE_TITLE
    assert "<script>window.__pwned=2</script>" in browser.find_element("id", "article-text").text
    assert not browser.find_elements(CSS, "main img, main svg, main script, main b")
    assert not browser.find_elements(CSS, 'a[href^="javascript"]')
    open_page(browser, html.as_uri() + "#" + urlencode({"q": "<img"}))
    wait_for(browser, lambda d: d.find_element("id", "hit-count").get_attribute("data-done"))
    assert browser.find_element("id", "hit-count").text == "1"
    open_page(browser, html.as_uri() + "#" + urlencode({"theme": "donation", "group": "<b>上海市</b>"}))
    assert "<b>上海市</b>" in [c.get_attribute("data-group") for c in browser.find_elements(CSS, "td.cell")]
    assert browser.find_element("id", "cell-count").text == "1"
    assert browser.execute_script("return window.__pwned === undefined")
    assert errors(browser) == []


def test_a_pathological_regex_is_stopped_and_the_page_stays_responsive(browser, hostile):
    _, html = hostile
    open_page(browser, html.as_uri() + "#re=1")
    search_box = browser.find_element("id", "search")
    search_box.send_keys("(a|aa)+$")  # 2**40 ways to fail on the line of a's
    wait_for(browser, lambda d: "took longer" in d.find_element("id", "status").text, timeout=30)
    assert browser.execute_script("return 1 + 1") == 2
    search_box.clear()
    hits, _ = search(browser, "志愿")  # the search runs again after the worker was stopped
    assert hits == 2


def test_an_index_served_by_explore_answers_the_page(browser, corpus, coded, paras, tmp_path):
    html = write_explorer(tmp_path, corpus, max_mb=0.02)  # too large to embed: explorer.sqlite
    server, url = serve_in_thread(tmp_path)
    try:
        open_page(browser, url + "#" + urlencode({"theme": "donation", "group": "北京市"}))
        expected = theme_counts(coded, "province", corpus).at["donation", "北京市"]
        assert len(listed(browser, "#cell-list li.para")) == expected
        hits, _ = search(browser, "疫情")
        assert hits == paras["text"].str.count("疫情").sum()
        browser.find_element(CSS, "#kwic li.kwic").click()
        wait_for(browser, lambda d: d.find_elements(CSS, "#article-title"))
        browser.find_element("id", "show-removed").click()
        wait_for(browser, lambda d: d.find_elements(CSS, "del.removed"))
        assert errors(browser) == []
    finally:
        server.shutdown()
        server.server_close()
    assert html.exists()


def test_screenshots_of_the_three_views(page, tmp_path):
    from pathlib import Path
    from urllib.parse import urlparse
    from urllib.request import url2pathname

    shots = screenshot_explorer(Path(url2pathname(urlparse(page).path)), tmp_path)
    assert [p.name for p in shots] == ["explorer_heatmap.png", "explorer_search.png", "explorer_article.png"]
    for p in shots:
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and p.stat().st_size > 20_000
    assert re.fullmatch(r"explorer_\w+\.png", shots[0].name)


def test_cells_stay_clickable_one_after_another(browser, page, coded, corpus):
    """The heatmap is not drawn again when only the chosen cell changes: the same elements take click
    after click, and only the chosen view's paragraphs are on the page."""
    open_page(browser, page + "#doc=" + quote(corpus["doc_id"].iloc[0]))
    browser.find_element(CSS, '#tabs button[data-view="heat"]').click()
    wait_for(browser, lambda d: d.find_elements(CSS, 'td.cell[data-by="province"]'))
    counts = theme_counts(coded, "province", corpus)
    cells = browser.find_elements(CSS, 'td.cell[data-by="province"]')[:6]
    for c in cells:
        theme, group = c.get_attribute("data-theme"), c.get_attribute("data-group")
        c.click()

        def shown(d, c=c, key=f"{theme}|{group}"):
            return ("selected" in c.get_attribute("class") and d.find_elements(CSS, "#cell-count")
                    and d.find_element("id", "cell-title").get_attribute("data-cell") == key)

        wait_for(browser, shown)
        assert len(browser.find_elements(CSS, "[data-doc-id][data-para-no]")) == counts.at[theme, group]


def test_hits_by_group_list_the_articles_without_a_group_so_the_rows_add_up(browser, tmp_path):
    """Counted by hand: 社区 stands twice in the 北京市 article, once in the 上海市 one and twice in the one with no
    province; the table of hits by province lists all three rows (the last as "(none)") and they add up to 5."""
    rows = [{"id": "a", "title": "甲", "date": "2020-03-01", "province": "北京市",
             "text": "区政协委员深入社区开展值守。\n社区志愿者坚守一线。"},
            {"id": "b", "title": "乙", "date": "2020-04-01", "province": "上海市", "text": "统战部组织社区服务活动。"},
            {"id": "c", "title": "丙", "date": "2020-05-01", "text": "侨联捐赠物资支援社区,社区工作者表示感谢。"}]
    src = tmp_path / "groups.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    html = write_explorer(tmp_path / "out", load_corpus(src), group_fields=["province"], intervals=False)
    open_page(browser, html.as_uri())
    assert search(browser, "社区") == (5, 3)
    table = browser.find_element(CSS, 'table.bygroup[data-by="province"]')
    got = [tuple(td.text for td in tr.find_elements(CSS, "td")) for tr in table.find_elements(CSS, "tr")]
    assert sorted(got) == [("(none)", "2"), ("上海市", "1"), ("北京市", "2")]
    assert errors(browser) == []


def test_the_build_takes_the_screenshots_with_the_browser_it_started_beforehand(tmp_path, monkeypatch):
    """write_study_explorer starts the browser on a thread while it writes the explorer, and the screenshots use
    that browser: one start, three PNGs, and the browser is quit."""
    import analysis.explorer.shots as shots
    from analysis.build import write_study_explorer
    from analysis.paths import RAW_DIR

    started, quit_ = [], []

    def counted():
        driver = start_browser()
        started.append(driver)
        real = driver.quit
        driver.quit = lambda: (quit_.append(1), real())
        return driver

    monkeypatch.setattr(shots, "start_browser", counted)
    write_study_explorer(str(RAW_DIR), tmp_path / "out", tmp_path / "figures", cache_dir=tmp_path / "cache",
                         progress=False)
    assert len(started) == 1 and quit_ == [1]
    assert sorted(p.name for p in (tmp_path / "figures").glob("*.png")) == [
        "explorer_article.png", "explorer_heatmap.png", "explorer_search.png"]


def test_a_failed_explorer_quits_the_browser_started_for_it(tmp_path, monkeypatch):
    """When writing the explorer fails, the browser started beforehand is quit (no Chromium left behind) and the
    error reaches the caller."""
    import analysis.explorer as explorer_module
    import analysis.explorer.shots as shots
    from analysis.build import write_study_explorer
    from analysis.paths import RAW_DIR

    quit_ = []

    class Driver:
        def quit(self):
            quit_.append(1)

    def broken(*args, **kwargs):
        raise RuntimeError("the explorer could not be written")

    monkeypatch.setattr(shots, "start_browser", Driver)
    monkeypatch.setattr(explorer_module, "write_explorer", broken)
    with pytest.raises(RuntimeError, match="could not be written"):
        write_study_explorer(str(RAW_DIR), tmp_path / "out", tmp_path / "figures", cache_dir=tmp_path / "cache",
                             progress=False)
    assert quit_ == [1]



def _start_a_browser_and_wait(path):
    import time

    driver = start_browser()
    try:
        path.write_text(driver.capabilities["chrome"]["userDataDir"])
        time.sleep(120)
    finally:
        driver.quit()


def test_a_stopped_explorer_process_leaves_no_browser_profile(tmp_path, monkeypatch):
    """A build that fails stops its explorer's process (and the Chromium it started). That process's browser
    profile stayed in the temporary directory, one per failed build, and so did Chromium's own folders
    (org.chromium.Chromium.*, under TMPDIR) when the browser was killed instead of quit: now none is left."""
    import os
    import shutil
    import tempfile
    import time
    from pathlib import Path

    from analysis.explorer.shots import _browsers_of
    from analysis.parallel import Background

    # Chromium's TMPDIR (the profile goes where tempfile already put it): a short path, as its socket's must be
    chromium_tmp = Path(tempfile.mkdtemp(prefix="chromium-tmp-"))
    monkeypatch.setenv("TMPDIR", str(chromium_tmp))
    job = Background(_start_a_browser_and_wait, (tmp_path / "profile",), "evidence explorer", nice=3)
    try:
        for _ in range(600):
            if (tmp_path / "profile").exists() and (tmp_path / "profile").read_text() or not job.process.is_alive():
                break
            time.sleep(0.05)
        if not job.process.is_alive():
            job.result()  # (its error)
        profile = Path((tmp_path / "profile").read_text())
        assert profile.is_dir() and _browsers_of(profile) and os.listdir(chromium_tmp)
        job.stop()
        assert not profile.exists() and not _browsers_of(profile)
        assert os.listdir(chromium_tmp) == []
    finally:
        job.stop()
        shutil.rmtree(chromium_tmp, ignore_errors=True)
