"""Extraction speed on one core: pages like hospital sites' (a CMS layout with navigation, a sidebar of links,
a footer, 1-3k characters of article text; 40-200 KB; UTF-8, GBK and Big5), plus the seed pages if present.

    .venv/bin/python bench/extraction.py [--seconds 10]     prints pages/s and the ratio to the goal (100/s, issue 18)
"""

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjian.settings")
os.environ.setdefault("GONGJIAN_LOCAL", "1")  # generated keys in the data dir (gongjian/keys.py)

GOAL_PAGES_PER_S = 100  # one core (issue 18; the news issue asked 50)
MENU = ["首页", "医院概况", "新闻中心", "党建工作", "党建动态", "科室导航", "专家介绍", "就医指南", "预约挂号", "健康科普",
        "招聘信息", "联系我们", "院务公开", "纪检监察", "护理园地", "科研教学"]  # fmt: skip
SENTENCES = ["{m}月{d}日下午，{unit}党委召开党建工作推进会，院党委书记{name}同志出席并讲话。",
             "会议传达学习了上级有关文件精神，总结上半年党建工作，部署下一阶段重点任务。",
             "各党支部书记围绕支部标准化规范化建设、党建与业务融合等作交流发言。",
             "{name}强调，要坚持以党建引领医院高质量发展，推动各项工作落地见效。",
             "活动中，党员志愿者为群众提供义诊咨询，服务群众{n}余人次。"]  # fmt: skip
NAMES = ["张卫东", "李红梅", "王建国", "陈志明", "刘晓燕", "黄振华"]


def make_page(rng: random.Random, target_kb: int) -> str:
    unit = f"{rng.choice(['青山', '城南', '东湖', '北河'])}县人民医院"
    name = rng.choice(NAMES)
    nav = "".join(f'<li class="nav-item"><a href="/{i}/index.html" title="{m}">{m}</a>'
                  f'<ul class="sub">{"".join(f"<li><a href=/{i}/{j}.html>{m}栏目{j}</a></li>" for j in range(8))}</ul></li>'
                  for i, m in enumerate(MENU))  # fmt: skip
    paragraphs = [rng.choice(SENTENCES).format(m=rng.randrange(1, 13), d=rng.randrange(1, 28), unit=unit, name=name,
                                               n=rng.randrange(50, 500)) for _ in range(rng.randrange(8, 25))]  # fmt: skip
    body = "".join(f'<p style="text-indent:2em"><span style="font-size:16px">{p}</span></p>' for p in paragraphs)
    sidebar = "".join(f'<li><a href="/news/{rng.randrange(10**6)}.html">{unit}{rng.choice(SENTENCES)[:14]}</a>'
                      f"<span>2024-0{rng.randrange(1, 9)}-1{rng.randrange(9)}</span></li>" for _ in range(30))  # fmt: skip
    filler = ""
    page = (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{unit}召开党建工作推进会_党建动态_{unit}</title>'
            f"<script>var _hmt=[];{'x=1;' * 200}</script><style>{'.a{color:red}' * 200}</style></head><body>"
            f'<div class="top"><ul class="nav">{nav}</ul></div>'
            f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/dj/">党建工作</a> &gt; 党建动态</div>'
            f'<div class="main"><div class="article"><h1>{unit}召开党建工作推进会</h1>'
            f'<div class="info">发布时间：2024-06-2{rng.randrange(9)} 10:3{rng.randrange(9)}　来源：党办　浏览次数：{rng.randrange(999)}</div>'
            f'<div class="content">{body}</div><div class="pager">上一篇：<a href="#">无</a></div></div>'
            f'<div class="side"><ul>{sidebar}</ul></div></div><div class="footer">版权所有 {unit} 地址：某某路1号</div>'
            "{filler}</body></html>")  # fmt: skip
    while len(page.encode()) < target_kb * 1024:
        filler += f'<div class="ad" style="display:none">{"<span>广告位</span>" * 50}</div>'
        page = page.replace("{filler}", filler + "{filler}", 1) if "{filler}" in page else page + filler
    return page.replace("{filler}", "")


def pages(rng: random.Random) -> list[bytes]:
    encodings = ["utf-8", "gbk", "big5"]
    made = []
    for i, kb in enumerate([40, 60, 80, 100, 120, 150, 180, 200]):
        html = make_page(rng, kb)
        encoding = encodings[i % 3]
        if encoding == "big5":
            html = _to_traditional(html)
        if encoding != "utf-8":
            html = html.replace('charset="utf-8"', f'charset="{encoding}"')
        made.append(html.encode(encoding, errors="replace"))
    seeds = ROOT.parent / "shared" / "seeds"
    if seeds.is_dir():
        made += [p.read_bytes() for p in sorted(seeds.glob("*.txt"))]
    return made


def _to_traditional(text: str) -> str:
    import opencc

    return opencc.OpenCC("s2tw").convert(text)


def main() -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    import django

    django.setup()
    from news.extract import extract_page

    sample = pages(random.Random(7))
    for page in sample:
        extract_page(page)  # warm-up: jieba's dictionary, OpenCC
    done, started = 0, time.process_time()
    while time.process_time() - started < args.seconds:
        for page in sample:
            extract_page(page)
            done += 1
    elapsed = time.process_time() - started
    rate = done / elapsed
    result = {"pages": done, "cpu_seconds": round(elapsed, 2), "pages_per_s": round(rate, 1),
              "mean_kb": round(sum(map(len, sample)) / len(sample) / 1024, 1),
              "ratio_to_goal": round(rate / GOAL_PAGES_PER_S, 2)}  # fmt: skip
    print(json.dumps(result, ensure_ascii=False))
    return result


if __name__ == "__main__":
    main()
