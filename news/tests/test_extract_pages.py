"""Pages written for these tests in the image of hospital sites: HTML in GBK and Big5, furniture, injected
markup and spam, and the bad input the importer must refuse with a clear message."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from news.extract import PageError, extract_page

GBK_PAGE = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>我院与城南社区卫生服务中心开展主题党日活动_党建动态_青山县人民医院</title>
<meta name="PubDate" content="2025-03-07 09:30">
<script>var spam = "document.write('<a href=x>彩票</a>')";</script>
<style>.nav{color:red}</style>
</head><body>
<header><nav><a href="/">首页</a> <a href="/news">新闻中心</a> <a href="/dj">党建工作</a></nav></header>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/dj">党建工作</a> &gt; <a href="/dj/dt">党建动态</a></div>
<div class="article">
<h1>我院与城南社区卫生服务中心开展主题党日活动</h1>
<div class="info">发布时间：2025-03-07 09:30　来源：党委办公室　作者：林晓　浏览次数：1,024</div>
<div class="content">
<p>3月5日上午，青山县人民医院第一党支部与青山县城南社区卫生服务中心党支部联合开展“学雷锋”主题党日活动。</p>
<p>青山县人民医院党委书记张卫东、城南社区卫生服务中心主任李红梅参加活动。</p>
<p><img src="/uploads/2025/03/a1.jpg" alt="义诊现场" onerror="alert(1)"></p>
<p>党员志愿者为居民测量血压</p>
<p onclick="steal()">活动中，党员志愿者为社区居民提供义诊咨询、健康宣教等服务，共服务群众120余人次。<a href="javascript:alert(1)">点此</a></p>
<div style="display:none">国产精品一区二区 视频在线 无码 久久</div>
<iframe src="http://evil.example/"></iframe>
</div>
<div class="pager">上一篇：我院召开2025年党建工作会议</div>
<div class="pager">下一篇：暂无</div>
</div>
<footer>版权所有 青山县人民医院 地址：青山县人民路1号 电话：0000-1234567</footer>
</body></html>"""

BIG5_PAGE = """<html><head><meta charset="big5"><title>博仁醫院黨委召開黨史學習教育動員大會</title></head>
<body><div>您的位置：首頁 &gt; 黨建園地 &gt; 黨建動態</div>
<h2>博仁醫院黨委召開黨史學習教育動員大會</h2>
<p>發布日期：2024年4月2日　來源：黨辦</p>
<p>3月28日下午，博仁醫院黨委召開黨史學習教育動員大會，醫院黨委書記陳志明作動員講話。</p>
<p>會議要求各黨支部認真組織學習，確保學習教育取得實效。</p>
<p>掃一掃 手機端瀏覽</p></body></html>"""


def test_gbk_page_with_furniture_and_injections():
    result = extract_page(GBK_PAGE.encode("gbk"))
    assert result["encoding"] == "gb18030"
    assert result["title"] == "我院与城南社区卫生服务中心开展主题党日活动"
    assert result["published_at"] == "2025-03-07T09:30:00"
    assert (result["source"], result["author"], result["views"]) == ("党委办公室", "林晓", 1024)
    assert result["column"] == "党建动态"
    assert result["event_dates"] == ["2025-03-05"]
    assert result["event_type"] == "主题党日"
    assert "青山县人民医院" in result["institutions"]
    assert "青山县城南社区卫生服务中心" in result["institutions"]
    people = {p["name"]: p["posts"] for p in result["people"]}
    assert people["张卫东"] == ["青山县人民医院党委书记"]
    assert "李红梅" in people
    body = result["body"]
    for unwanted in ("alert", "javascript", "彩票", "无码", "evil", "上一篇", "版权所有", "首页", "onclick", "<"):
        assert unwanted not in body, unwanted
    assert result["images"] == [
        {"name": "a1.jpg", "src": "/uploads/2025/03/a1.jpg", "caption": "党员志愿者为居民测量血压"}
    ]


def test_big5_page_keeps_traditional_script():
    result = extract_page(BIG5_PAGE.encode("big5"))
    assert result["title"] == "博仁醫院黨委召開黨史學習教育動員大會"
    assert result["published_at"] == "2024-04-02"
    assert result["column"] == "黨建動態"
    assert result["source"] == "黨辦"
    assert result["event_dates"] == ["2024-03-28"]
    assert result["people"] == [{"name": "陳志明", "posts": ["醫院黨委書記"]}]
    assert "手機端" not in result["body"]


def test_text_page_with_pinyin_artefacts_and_a_date_range():
    page = (
        "首页 > 新闻中心\n示范医院举办党务干部培训班\n发布时间:2024-01-03\n"
        "12月28日至30日,示范醫(yī)院黨(dǎng)委在院内举办党务干部培训班,全院党支部书记参加培训。\n"
    )
    result = extract_page(page.encode("utf-8"))
    assert result["event_dates"] == ["2023-12-28", "2023-12-29", "2023-12-30"]
    assert "醫院黨委" in result["body"] and "yī" not in result["body"]
    assert result["event_type"] == "培训"


def test_truncated_html_still_reads():
    cut = GBK_PAGE[: GBK_PAGE.index("活动中")]
    result = extract_page(cut.encode("utf-8"))
    assert result["title"] == "我院与城南社区卫生服务中心开展主题党日活动"
    assert result["body"].startswith("3月5日上午")


@pytest.mark.parametrize(
    "data, message",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "二进制"),
        (b"   \n  ", "空的"),
        (b"<p>" + b"a" * (6 * 1024 * 1024), "过大"),
    ],
)
def test_bad_files_are_refused_with_a_reason(data, message):
    with pytest.raises(PageError, match=message):
        extract_page(data)


def test_command_prints_one_json_object_and_reports_bad_files(tmp_path):
    page = tmp_path / "page.html"
    page.write_bytes(GBK_PAGE.encode("gbk"))
    out = StringIO()
    call_command("extract_page", str(page), stdout=out)
    result = json.loads(out.getvalue())
    assert list(result) == [
        "title",
        "published_at",
        "views",
        "source",
        "author",
        "editor",
        "column",
        "event_dates",
        "event_type",
        "institutions",
        "people",
        "body",
    ]
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(100))
    with pytest.raises(CommandError, match="二进制"):
        call_command("extract_page", str(binary), stdout=StringIO())
    with pytest.raises(CommandError, match="无法读取"):
        call_command("extract_page", str(tmp_path / "missing.html"), stdout=StringIO())


def test_only_real_pinyin_is_removed_after_a_character():
    from core.text import strip_pinyin_artefacts

    assert strip_pinyin_artefacts("博愛醫(yī)院黨(dǎng)委醫(yi)生") == "博愛醫院黨委醫生"
    assert strip_pinyin_artefacts("A栋(a)区 门诊(ok)") == "A栋(a)区 门诊(ok)"
