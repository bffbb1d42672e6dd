"""The evidence explorer in headless Firefox (Debian's firefox-esr), driven over WebDriver BiDi (tests/firefox_bidi.py:
no geckodriver). The checks tests/test_explorer_browser.py makes in Chromium, on the seed study's explorer.html
opened from file://, on the same page served by `explore`, and on a hostile corpus: console errors, a heatmap cell
against theme_counts, a search typed key by key against a pandas count, deep links, the cleaning toggle's
strike-through, a runaway regular expression stopped, markup in a title shown as text, and a screenshot.
Skipped, with the reason, when Firefox is not installed."""
import json
import time
from urllib.parse import quote, urlencode

import pytest
from firefox_bidi import Firefox, why_no_firefox

from analysis import load_corpus, theme_counts, theme_evidence
from analysis.explorer import serve_in_thread, write_explorer

REASON = why_no_firefox()
pytestmark = pytest.mark.skipif(REASON is not None, reason=f"no headless Firefox: {REASON}")

HOSTILE_TITLE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def firefox():
    browser = Firefox()
    yield browser
    browser.quit()


def listed(firefox, selector: str) -> list[tuple[str, int]]:
    pairs = firefox.run(f"return [...document.querySelectorAll({json.dumps(selector)})]"
                        ".map((e) => [e.dataset.docId, e.dataset.paraNo])")
    return [(doc, int(para)) for doc, para in pairs]


def text(firefox, element_id: str) -> str:
    return firefox.run(f"return document.getElementById({json.dumps(element_id)}).textContent")


def search(firefox, term: str) -> tuple[int, int]:
    """Type `term` into #search key by key, as a person would, and wait for the count of this term (the page
    searches 350 ms after the last keystroke)."""
    firefox.type(firefox.find("#search")[0], term)
    firefox.wait(f"const c = document.getElementById('hit-count'); "
                 f"return c.dataset.query === {json.dumps(term)} && c.dataset.done === '1'")
    return int(text(firefox, "hit-count")), int(text(firefox, "article-count"))


def test_the_page_loads_from_file_with_no_console_errors_and_errors_would_be_seen(firefox, page, corpus):
    firefox.open(page)
    assert firefox.run("return location.protocol") == "file:"
    assert len(firefox.find('td.cell[data-by="label"]')) == 12 * len(corpus)
    assert firefox.errors() == []
    # the listener hears what the page would log: a console.error, an exception nobody catches, and what the
    # page's Content-Security-Policy blocks (an image from elsewhere: img-src allows data: only)
    firefox.run("console.error('probe: console'); setTimeout(() => { throw new Error('probe: uncaught'); });"
                "document.body.append(Object.assign(document.createElement('img'), {src: 'http://127.0.0.1:9/probe.png'}));")
    probes, end = ("probe: console", "probe: uncaught", "img-src"), time.monotonic() + 10
    while not all(p in (heard := " | ".join(e["text"] for e in firefox.errors())) for p in probes):
        assert time.monotonic() < end, f"the console listener missed a probe: {heard}"
        time.sleep(0.05)
    firefox.events.clear()


@pytest.mark.parametrize("by,theme,group", [("province", "donation", "北京市"), ("province", "testing", "四川省"),
                                            ("year", "community", "2022"), ("province", "overseas", "吉林省")])
def test_a_heatmap_cell_lists_the_paragraphs_theme_counts_counts(firefox, page, coded, corpus, by, theme, group):
    firefox.open(page)
    [cell] = firefox.find(f'td.cell[data-theme="{theme}"][data-group="{group}"]')
    assert firefox.run("return arguments[0].dataset.by", cell) == by
    firefox.click(cell)
    firefox.wait("return document.getElementById('cell-count') !== null")
    shown = listed(firefox, "#cell-list li.para")
    key = int(group) if by == "year" else group
    assert len(shown) == theme_counts(coded, by, corpus).at[theme, key]
    rows = theme_evidence(coded, theme, by=by, group=key, corpus=corpus)
    assert shown == list(zip(rows["doc_id"], rows["para_no"]))
    assert firefox.run("return [...document.querySelectorAll('#cell-list li.para')]"
                       ".every((li) => li.querySelector('mark') !== null)")
    assert firefox.errors() == []


def test_the_beijing_donation_cell_lists_eleven_paragraphs(firefox, page):
    """theme_counts' figure worked out by hand once: 11 of Beijing's paragraphs carry a donation trigger."""
    firefox.open(page)
    firefox.click(firefox.find('td.cell[data-by="province"][data-theme="donation"][data-group="北京市"]')[0])
    firefox.wait("return document.getElementById('cell-count') !== null")
    assert text(firefox, "cell-count") == "11" and len(listed(firefox, "#cell-list li.para")) == 11


@pytest.mark.parametrize("term", ["疫情", "口罩", "政协委员", "志"])
def test_search_counts_what_pandas_counts(firefox, page, paras, term):
    firefox.open(page)
    hits, articles = search(firefox, term)
    per_para = paras["text"].str.count(term)
    assert hits == per_para.sum() > 0
    assert articles == paras.loc[per_para > 0, "doc_id"].nunique()
    lines = listed(firefox, "#kwic li.kwic")
    assert len(lines) == min(hits, 500)
    assert lines[0] == tuple(paras.loc[per_para > 0, ["doc_id", "para_no"]].iloc[0])
    assert firefox.run("return document.getElementById('search').value") == term
    assert firefox.errors() == []


def test_deep_links_open_an_article_a_cell_and_a_search(firefox, page, corpus, paras):
    doc = corpus["doc_id"].iloc[4]
    firefox.open(page + "#doc=" + quote(doc))
    assert firefox.run("return document.body.dataset.view") == "article"
    assert text(firefox, "article-title") == corpus["title"].iloc[4]
    assert len(listed(firefox, "#article-text p.para")) == (paras["doc_id"] == doc).sum() == 39
    assert firefox.find("#article-text mark")
    firefox.open(page + "#" + urlencode({"theme": "donation", "group": "北京市"}))
    assert text(firefox, "cell-count") == "11"
    firefox.open(page + "#" + urlencode({"q": "核酸"}))
    firefox.wait("return document.getElementById('hit-count').dataset.done === '1'")
    assert int(text(firefox, "hit-count")) == paras["text"].str.count("核酸").sum()
    assert firefox.errors() == []


def test_the_cleaning_toggle_strikes_through_what_cleaning_removed(firefox, page, corpus):
    firefox.open(page + "#doc=" + quote(corpus["doc_id"].iloc[1]))
    assert firefox.find("del.removed") == []
    firefox.click(firefox.find("#show-removed")[0])
    firefox.wait("return document.querySelectorAll('del.removed').length > 0")
    struck = firefox.run("return [...document.querySelectorAll('del.removed')].map((d) => "
                         "[d.textContent, d.dataset.rule, getComputedStyle(d).textDecorationLine])")
    # the audit of data/raw/001_…: 21 pieces, among them the share button and the editor line
    assert len(struck) == 21 and {(t, r) for t, r, _ in struck} >= {("分享到:", "share_button"),
                                                                      ("编辑:李敏杰", "editor_line")}
    assert {line for _, _, line in struck} == {"line-through"}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    rows = [{"id": "evil1", "title": HOSTILE_TITLE, "date": "2020-03-01", "province": "北京市",
             "text": "区政协组织委员捐赠口罩<script>alert(2)</script>一万只,支援社区疫情防控工作。\n"
                     "委员们积极参与社区值守,开展志愿服务。"},
            {"id": "evil2", "title": "平常的标题", "date": "2021-05-01", "province": "上海市",
             "text": "统战部动员民主党派成员捐款捐物,支持企业复工复产。\n社区志愿者坚守一线," + "a" * 40 + "b。"}]
    src = folder / "hostile.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return write_explorer(folder / "out", load_corpus(src), group_fields=["province"], intervals=False).as_uri()


def test_a_hostile_title_shows_as_text(firefox, hostile):
    firefox.open(hostile + "#doc=evil1")
    assert text(firefox, "article-title") == HOSTILE_TITLE
    assert "<script>alert(2)</script>" in text(firefox, "article-text")
    firefox.open(hostile + "#" + urlencode({"theme": "donation", "group": "北京市"}))
    assert HOSTILE_TITLE in text(firefox, "cell-list")
    assert firefox.find("main img, main script, main svg") == []
    assert firefox.prompts() == [] and firefox.errors() == []


def test_a_pathological_regex_is_stopped_and_the_search_works_again(firefox, hostile):
    """The search runs in a worker made from a blob: URL (file:// pages in Firefox have an opaque origin);
    a pattern that backtracks for ever is stopped after 4 s and the worker is started afresh."""
    firefox.open(hostile + "#re=1")
    box = firefox.find("#search")[0]
    firefox.type(box, "(a|aa)+$")  # on the line of 40 a's and a b: about 2**40 ways to fail
    firefox.wait("return document.getElementById('status').textContent.includes('took longer')", timeout=30)
    firefox.run("arguments[0].value = '';", box)
    assert search(firefox, "志愿") == (2, 2)


def test_the_page_served_by_explore_answers_in_firefox(firefox, corpus, coded, paras, tmp_path):
    write_explorer(tmp_path, corpus, max_mb=0.02)  # too large to embed: explorer.sqlite and the JSON API
    server, url = serve_in_thread(tmp_path)
    try:
        firefox.open(url + "#" + urlencode({"theme": "donation", "group": "北京市"}))
        assert len(listed(firefox, "#cell-list li.para")) == theme_counts(coded, "province", corpus).at[
            "donation", "北京市"]
        assert search(firefox, "疫情")[0] == paras["text"].str.count("疫情").sum()
        firefox.click(firefox.find("#kwic li.kwic")[0])
        firefox.wait("return document.getElementById('article-title') !== null")
        assert firefox.errors() == []
    finally:
        server.shutdown()
        server.server_close()


def test_a_screenshot_of_the_heatmap_in_firefox(firefox, page, tmp_path):
    from PIL import Image

    firefox.open(page + "#" + urlencode({"theme": "donation", "group": "北京市", "by": "province"}))
    shot = firefox.screenshot(tmp_path / "explorer_heatmap_firefox.png")
    image = Image.open(shot)
    assert image.size == (1400, 1000)
    # drawn, not blank: the blues of the heatmap's cells and dark text among them
    assert len(image.convert("RGB").getcolors(1 << 20)) > 200
