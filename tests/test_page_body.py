"""extract_page on small pages built in the shapes real news pages take: an article split over
several containers or interleaved with photos and captions, lists, footers, breadcrumbs and
'return to home' links under or above it, headlines that the <title> does not give.

Every sentence here was written for these tests; the expected text is the article as a reader
keeps it, worked out by hand."""
import pytest

from analysis.clean import clean_text
from analysis.page_lines import is_breadcrumb, is_chrome_line, is_end_line
from analysis.pages import extract_page

LEAD = ["今年以来，西河区把老旧小区改造作为民生实事，完成改造小区四十二个，惠及居民一万三千余户。",
        "改造中，区里坚持“居民点菜、政府配菜”，先后召开居民议事会一百六十多场，收集意见建议九百余条。"]
MORE = ["在幸福里小区，新装的三部电梯已经投入使用，八十多岁的独居老人再也不用为上下楼发愁。",
        "区住房和城乡建设局负责人表示，明年将再改造老旧小区五十个，并同步推进充电桩、养老服务站等配套设施建设。"]
NAV = ('<div class="topnav"><a href="/">首页</a> <a href="/news/">新闻</a> '
       '<a href="/gov/">政务</a> <a href="/life/">生活</a></div>')
RELATED = ("<div><h3>相关新闻</h3><ul>"
           '<li><a href="/a/1.html">西河区召开城市更新工作推进会</a><span>2021-06-01</span></li>'
           '<li><a href="/a/2.html">老旧小区加装电梯补贴标准提高</a><span>2021-05-28</span></li>'
           '<li><a href="/a/3.html">社区养老服务站覆盖所有街道</a><span>2021-05-20</span></li></ul></div>')
FOOTER = ('<div class="bt"><p>主办：西河区人民政府办公室 承办：西河区融媒体中心</p>'
          "<p>地址：西河区府前街1号 电话：0371-6612345 豫ICP备10012345号</p></div>")


def page(article: str, title: str = "西河区老旧小区改造惠及万余户_西河新闻网", head: str = "") -> bytes:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>{head}</head>
<body>{NAV}<div class="wrap">{article}</div>{FOOTER}</body></html>""".encode()


HEADLINE = '<h1>西河区老旧小区改造惠及万余户</h1><div class="info">2021-06-03 09:30 来源：西河日报</div>'


def paras(lines):
    return "".join(f"<p>{line}</p>" for line in lines)


def text_of(data: bytes) -> str:
    return clean_text(extract_page(data, "t.html")["text"])


def lines_of(data: bytes) -> list[str]:
    return text_of(data).split("\n")


def norm(lines):
    return clean_text("\n".join(lines)).split("\n")


def test_body_split_over_sibling_containers_around_a_photo_table_is_kept_whole():
    article = (HEADLINE + f'<div class="text-a">{paras(LEAD)}</div>'
               '<table class="pic"><tr><td><img src="1.jpg"></td></tr>'
               "<tr><td>幸福里小区改造后的新貌。记者 周航摄</td></tr></table>"
               f'<div class="text-b">{paras(MORE)}</div>' + RELATED)
    assert lines_of(page(article)) == norm([*LEAD, "幸福里小区改造后的新貌。记者 周航摄", *MORE])


def test_picture_story_captions_between_photos_are_body():
    captions = ["6月2日，施工人员在幸福里小区安装电梯井架。",
                "居民在改造后的小区广场上锻炼身体，广场原来是一片杂乱的停车场。",
                "社区工作人员向居民介绍加装电梯的申请流程。"]
    photos = "".join(f'<p style="text-align:center"><img src="{i}.jpg"></p><p style="text-align:center">{c}</p>'
                     for i, c in enumerate(captions))
    article = HEADLINE + f'<div class="content">{paras(LEAD[:1])}{photos}</div>' + RELATED
    assert lines_of(page(article)) == norm([LEAD[0], *captions])


def test_appended_list_and_signature_in_a_second_container_are_kept_list_of_links_is_not():
    names = ["西河区东关街道幸福里社区", "西河区南湖街道柳园社区", "西河区北关街道和平里社区", "西河区城西街道紫荆社区"]
    article = (HEADLINE + f'<div class="zw">{paras(LEAD)}<p>西河区人民政府办公室</p><p>2021年6月3日</p></div>'
               '<div class="fj"><p>附件：2021年老旧小区改造示范社区名单</p>' + paras(names) + "</div>"
               + RELATED)
    got = lines_of(page(article))
    assert got[-len(names):] == names
    assert "附件:2021年老旧小区改造示范社区名单" in got
    assert not any("推进会" in line for line in got)


def test_related_list_with_dates_footer_and_return_link_under_the_body_are_dropped():
    article = (HEADLINE + f'<div class="content">{paras(LEAD + MORE)}'
               '<p><a href="/">返回首页</a></p></div>' + RELATED)
    assert lines_of(page(article)) == norm(LEAD + MORE)


def test_footer_in_the_article_container_without_a_class_is_dropped():
    article = (HEADLINE + f"<div>{paras(LEAD + MORE)}<div>版权所有：西河新闻网 未经授权禁止转载</div>"
               "<div>豫ICP备10012345号 豫公网安备41010202000123号</div></div>")
    assert lines_of(page(article)) == norm(LEAD + MORE)


def test_breadcrumb_line_inside_the_article_box_is_dropped():
    article = ('<div class="box"><div class="pos">网站首页 &gt;&gt; 新闻中心 &gt;&gt; 本地要闻</div>'
               + HEADLINE + paras(LEAD + MORE) + "</div>")
    assert lines_of(page(article)) == norm(LEAD + MORE)


def test_headline_is_not_the_site_name_of_the_logo_and_the_title_tag():
    article = ('<h1 class="logo"><a href="/"><img src="logo.png" alt="">西河区人民政府</a></h1>'
               '<div class="lanmu">本地要闻</div><div class="news-title">西河区老旧小区改造惠及万余户</div>'
               '<div class="news-info">发布时间：2021-06-03　来源：西河日报</div>' + paras(LEAD + MORE))
    got = extract_page(page(article, title="西河区人民政府"), "t.html")
    assert got["title"] == "西河区老旧小区改造惠及万余户"
    assert str(got["date"].date()) == "2021-06-03"


def test_headline_of_a_page_with_an_empty_title_tag_and_no_h1():
    article = ('<table><tr><td class="newstitle">西河区老旧小区改造惠及万余户</td></tr>'
               "<tr><td>2021年06月03日 西河日报</td></tr>"
               f"<tr><td>{paras(LEAD + MORE)}</td></tr></table>")
    got = extract_page(page(article, title=""), "t.html")
    assert got["title"] == "西河区老旧小区改造惠及万余户"
    assert got["text"].split("\n")[0] == LEAD[0]


def test_headline_not_the_subtitle_that_matches_the_title_tag_better():
    article = ("<h1>为民办实事 小区换新颜</h1><h2>——西河区老旧小区改造惠及万余户</h2>"
               '<div class="info">2021-06-03 来源：西河日报</div>' + paras(LEAD + MORE))
    got = extract_page(page(article, title="为民办实事 小区换新颜——西河区老旧小区改造惠及万余户-西河新闻网"), "t.html")
    assert got["title"] == "为民办实事 小区换新颜"
    assert got["subtitle"] == "西河区老旧小区改造惠及万余户"


@pytest.mark.parametrize("line, crumb", [
    ("首页 > 新闻中心 > 正文", True), ("网站首页 >> 工作动态", True), ("首页 › 要闻", True),
    ("当前位置：首页 > 政务公开", True), ("您现在的位置: 网站首页", True),
    ("增速由3.2%提高到4.5%，表明经济>预期。", False), ("甲>乙", False),
])
def test_breadcrumb_lines_by_their_shape(line, crumb):
    assert (is_breadcrumb(line) or is_chrome_line(line)) is crumb


@pytest.mark.parametrize("line, end", [
    ("【相关阅读】", True), ("热点新闻", True), ("24小时热文", True), ("京ICP备12345678号-1", True),
    ("东江日报社版权所有，未经书面授权禁止使用", True), ("返回人民网首页，查看更多", True),
    ("技术支持：某某网络科技有限公司", True),
    ("会议由市政协主办，市工商联承办。", False), ("相关新闻报道引起了广泛关注。", False),
    ("国家网信办违法和不良信息举报中心今天发布通报。", False),
])
def test_end_of_article_lines(line, end):
    assert is_end_line(line) is end


def test_a_related_box_inside_the_article_does_not_end_it():
    box = ('<p><strong>相关阅读</strong></p><p><a href="/a/1.html">西河区召开城市更新工作推进会</a></p>'
           '<p><a href="/a/2.html">老旧小区加装电梯补贴标准提高</a></p>')
    article = HEADLINE + f'<div class="content">{paras(LEAD)}{box}{paras(MORE)}</div>'
    assert lines_of(page(article)) == norm(LEAD + MORE)


def test_e_paper_text_run_in_a_custom_tag_with_br_is_read_line_by_line():
    body = "<br>".join(f"&nbsp;&nbsp;&nbsp;&nbsp;{line}" for line in LEAD + MORE)
    article = ('<div class="left"><a href="/p1.htm">第01版：要闻</a><br><a href="/p2.htm">第02版：要闻</a></div>'
               '<div class="article"><h1>西河区老旧小区改造惠及万余户</h1>'
               '<p>《西河日报》（2021年06月03日 第 02 版）</p>'
               f'<div id="ozoom"><founder-content>{body}</founder-content></div></div>')
    assert lines_of(page(article)) == norm(LEAD + MORE)


def test_list_items_of_a_linked_title_and_its_date_inside_the_article_run_are_dropped():
    items = "".join(f'<p><a href="/a/{i}.html">{t}</a> 来源：西河日报 2021-06-0{i}</p>'
                    for i, t in enumerate(["城市更新工作推进会召开", "加装电梯补贴标准提高"], start=1))
    article = HEADLINE + f'<div class="content">{paras(LEAD)}{items}{paras(MORE)}</div>'
    assert lines_of(page(article)) == norm(LEAD + MORE)
