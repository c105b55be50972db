"""The page reader on the layouts it meets beyond the five seeds. Every page here is written for the test, in the
image of a kind of page (a run-on text rendering, a government portal, a news portal's repost, a WeChat mirror),
and the development corpus is scored against the bar when it is beside the clone."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from news.extract import extract_page

DEV_PAGES = Path(__file__).resolve().parents[3] / "shared" / "pages-dev"
SCORER = Path(__file__).resolve().parents[3] / "shared" / "tools" / "score_pages.py"


def read(text: str) -> dict:
    return extract_page(text.encode("utf-8"))


def test_a_run_on_rendering_is_split_into_title_metadata_and_body():
    page = read(
        "學黨史 守初心 ——我院開展黨史專題宣講發表時間:2021-06-15 11:07 為深入推進黨史學習教育,6月10日下午,"
        "市中醫醫院邀請宣講團成員講黨史,黨委書記王作軍主持會議,黨員干部100余人參加了學習。"
    )
    assert page["title"] == "學黨史 守初心 ——我院開展黨史專題宣講"
    assert page["published_at"] == "2021-06-15T11:07:00"
    assert page["event_dates"] == ["2021-06-10"]
    assert "市中醫醫院" in page["institutions"]


def test_a_title_run_into_its_first_paragraph():
    page = read(
        "我院为12名老党员颁发纪念章 7月1日上午,我院举行纪念章颁发仪式,党委书记为老党员佩戴纪念章,表达崇高敬意。"
    )
    assert page["title"] == "我院为12名老党员颁发纪念章"
    assert page["body"].startswith("7月1日上午")
    assert page["event_dates"] == ["????-07-01"]  # no year anywhere on the page: never guessed


def test_a_government_portal_page():
    page = read(
        "政府信息公开\n索引号: 11440000/2024-00001 分类:\n发布机构: 某县卫生健康局 成文日期: 2024-05-12\n"
        "名称: 党建引领促发展\n——县卫健局党支部与县人民医院党支部开展联学共建\n文号: 发布日期: 2024-05-13\n"
        "【打印】 【字体:\n党建引领促发展\n——县卫健局党支部与县人民医院党支部开展联学共建\n发布日期:2024-05-13 浏览次数:-\n"
        "5月10日,县卫健局党支部与县人民医院党支部联合开展联学共建活动,双方支部书记分别介绍了支部工作情况。"
    )
    assert page["title"] == "党建引领促发展 ——县卫健局党支部与县人民医院党支部开展联学共建"
    assert page["published_at"].startswith("2024-05-13")  # the publish date, not 成文日期
    assert page["views"] is None  # '浏览次数:-' is an empty counter
    assert page["source"] == "某县卫生健康局"
    assert page["event_dates"] == ["2024-05-10"]
    assert "某县卫生健康局" in page["institutions"]  # '县卫健局' named in full by the publisher line


def test_labels_inside_a_run_on_metadata_line():
    page = read(
        "我院与市人民医院开展党建联建活动\n来源:儿科第一党支部宣传委员:周志强发布时间:2026-02-02编辑:谭凌宇校对:何梦莹 点击:\n"
        "1月23日—24日,我院儿科党支部与市人民医院儿科党支部联合开展主题党日活动,双方交流了党建工作经验。"
    )
    assert (page["source"], page["author"], page["editor"]) == ("儿科第一党支部", "周志强", "谭凌宇")
    assert page["views"] is None
    assert page["event_dates"] == ["2026-01-23", "2026-01-24"]


@pytest.mark.parametrize(
    ("first_paragraph", "source", "author"),
    [
        (
            "红网时刻3月22日讯(通讯员莫研)近日,医院两个党支部联合开展主题党日活动,党员们参加了义务劳动。",
            "红网时刻",
            "莫研",
        ),
        ("东北网绥化7月1日讯(隋卫)6月29日,市卫健委为老党员颁发纪念章,送去党的关怀和温暖。", "东北网", "隋卫"),
        (
            "阳光讯(记者 高小雨 通讯员 师海娥 张笑)8月21日,调研组在县人民医院调研党建帮扶工作,了解医院情况。",
            "阳光",
            "高小雨、师海娥、张笑",
        ),
        ("(通讯员:严庄婷)10月27日上午,医院第一党支部联合开展主题党日活动,重温入党誓词,参观教育基地。", None, "严庄婷"),
        ("(作者:蔣文彬)永州市中心醫院機關一黨支部現有黨員31人,在醫院黨委的領導下,模範履行支部職責。", None, "蔣文彬"),
        ("本网讯 8月5日上午,东关分院党委书记带领党员前往延长分院举行结对共建启动仪式,双方交流。", None, None),
    ],
)
def test_credits_written_into_the_text(first_paragraph, source, author):
    page = read("医院开展党建活动\n" + first_paragraph)
    assert (page["source"], page["author"]) == (source, author)
    assert not page["body"].startswith(("(", "红网", "东北网", "阳光讯"))


def test_credits_under_the_text_and_byline_lines():
    page = read(
        "把党的关怀送给老同志\n发布时间:2021-07-05 浏览次数:\n封面新闻记者宁芝\n"
        "自6月21日起,党委书记等院领导陆续入户走访慰问了离退休老干部,并颁发纪念章。\n"
        "老人们都激动地说,感谢党,感谢祖国。(胡志强、医师报陈远航)\n离退休办公室 张伟"
    )
    assert page["source"] == "封面新闻、离退休办公室、医师报"
    assert page["author"] == "宁芝、张伟、胡志强、陈远航"
    assert "张伟" not in page["body"]
    assert page["event_dates"] == ["2021-06-21"]


@pytest.mark.parametrize(
    ("line", "published", "views"),
    [
        ("2014-03-12 阅读量:857 作者: 编辑:", "2014-03-12", 857),
        ("来源:某医科大学  2021-07-01 15:50:49   307 阅读", "2021-07-01T15:50:49", 307),
        ("06.07.2018  18:46", "2018-07-06T18:46:00", None),
        ("发布时间:2019/7/30 16:53:51      閱讀: 1.4萬", "2019-07-30T16:53:51", 14000),
        ("[ 2023-6-28]", "2023-06-28", None),
    ],
)
def test_publish_dates_and_view_counters_in_their_common_forms(line, published, views):
    page = read(f"某医院开展主题党日活动\n{line}\n6月下旬,医院党委组织党员开展主题党日活动,重温入党誓词,学习党的理论。")
    assert page["published_at"] == published
    assert page["views"] == views


def test_a_masthead_greeting_with_today_is_neither_title_nor_publish_date():
    page = read(
        "您好,欢迎访问某市人民医院官网! 今天是:2026年12月1日 星期二\n新闻动态\n当前位置: 首页 >> 新闻动态\n"
        "我院与社区开展结对共建\n发布日期:2024-10-21 来源:组织部 作者:杨琳 责任编辑:丛昕\n"
        "10月17日上午,我院与某街道社区党委签订结对共建协议,双方将在健康服务方面开展合作。"
    )
    assert page["title"] == "我院与社区开展结对共建"
    assert page["published_at"] == "2024-10-21"
    assert (page["source"], page["author"], page["editor"]) == ("组织部", "杨琳", "丛昕")


def test_dates_in_the_body():
    base = "某院开展活动\n发布时间:2024-01-03\n"
    assert read(base + "12月28日,医院党委召开总结大会,表彰先进党支部和优秀党员。")["event_dates"] == ["2023-12-28"]
    assert read(base + "1月2日至3日,医院党委开展培训,全体党员参加学习。")["event_dates"] == ["2024-01-02", "2024-01-03"]
    assert read(base + "医院1月2日召开大会,总结全年工作。")["event_dates"] == ["2024-01-02"]
    assert read(base + "昨日,医院党委召开专题会议,传达学习上级会议精神。")["event_dates"] == ["2024-01-02"]
    assert read(base + "近日,医院党委召开专题会议,部署下一步工作安排。")["event_dates"] == []
    assert read(base + "人民网1月2日电 1月1日,医院党委召开新年座谈会,交流工作。")["event_dates"] == ["2024-01-01"]
    assert read(base + "医院于1231日召开年终总结会,表彰先进。")["event_dates"] == ["2023-12-31"]  # a slip for 12月31日


def test_a_page_reporting_two_events_gives_both_dates():
    page = read(
        "党支部结对共建赋能发展\n发布时间:2024-08-21\n"
        "8月19日,医院皮肤科党支部与某商会党支部签署共建协议,双方约定每季度开展一次联合活动。\n"
        "3月15日,医院皮肤科党支部与某集团有限公司党支部举行党建共建签约,开展健康讲座。"
    )
    assert page["event_dates"] == ["2024-03-15", "2024-08-19"]


def test_units_taking_part_in_their_longest_form_and_not_in_passing():
    page = read(
        "市四医院与社区开展结对共建\n发布时间:2024-06-01\n"
        "5月30日,市四医院党委与新民路社区、东张社区及青岛高实置业有限公司党支部开展结对共建,"
        "山东第一医科大学附属省立医院(山东省立医院)专家参加义诊,省卫生健康委有关处室负责同志出席。"
        "活动按照市卫健委“六个必须”精神开展,受到群众欢迎。为新时代公立医院党建工作提供了经验。"
        "中国福利彩票平台公立医院赞助。活动期间,白山市卫健委、白山市卫生健康委联合调研。"
    )
    institutions = page["institutions"]
    for name in ("市四医院", "新民路社区", "东张社区", "青岛高实置业有限公司", "山东第一医科大学附属省立医院",
                 "省卫生健康委", "白山市卫生健康委"):  # fmt: skip
        assert name in institutions, name
    for name in ("山东省立医院", "市卫健委", "时代公立医院", "彩票平台公立医院", "白山市卫健委"):
        assert name not in institutions, name


def test_people_named_without_a_post():
    page = read(
        "两支部联合开展主题党日\n发布时间:2018-01-26\n"
        "1月25日,县委办公室第二党支部王振瑜、李玲燕同志领学讲话精神。出席活动的有:张三丰、李四光。"
    )
    names = {p["name"] for p in page["people"]}
    assert {"王振瑜", "李玲燕"} <= names


@pytest.mark.skipif(
    not (DEV_PAGES / "index.tsv").exists(), reason=f"the development pages are not beside the clone ({DEV_PAGES})"
)
def test_the_development_pages_reach_the_bar():
    """The scorer's own bar: every field ≥ 95% and institutions F1 ≥ 0.9 on ../shared/pages-dev."""
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, str(SCORER), str(DEV_PAGES)], cwd=root, capture_output=True, text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "gongjian.settings", "GONGJIAN_LOCAL": "1"},
    )  # fmt: skip
    summary = result.stdout.strip().splitlines()[-1]
    assert result.returncode == 0, summary
