"""Demo news: a 党建动态 column on each seed unit's site and one published article per seed event, written here
from the records (the seeds' facts and publish times; none of their text). The 蒙阴 page reports an honour and
the 大涌 page a 托管 signing; both get short articles of their own."""

import datetime

from django.utils import timezone

from activities.models import Activity
from orgs.models import PartyOrg

from . import services
from .models import Article, Column, Status

MARKER = "党建动态"
# activity title -> (site unit, publish time, source)
SEED_ARTICLES = {
    "“公立+民营”党建联学共建见面会": ("中共东莞市第七人民医院委员会", "2024-05-25T09:00", ""),
    "白云区医疗行业党建工作座谈会": ("广州市白云区民营医疗行业党委", "2023-11-28T09:00", "集团全媒体中心"),
    "庆祝建党102周年暨党建工作总结大会": ("中共中山市博爱医院委员会", "2023-07-06T07:51", "党办"),
}
# site unit, title, publish time, source, paragraphs (written for the demo)
OWN_ARTICLES = [
    ("中共中山市博爱医院委员会", "博爱医院与大涌医院建立紧密型医联体", "2024-06-24T08:07", "医务部", [
        "6月20日，大涌镇人民政府委托中山市博爱医院管理中山市大涌医院，双方签订紧密型医联体合作协议并揭牌。",
        "按照协议，两院将建立快速双向转诊通道，博爱医院派出管理和技术力量支持大涌医院学科建设。",
    ]),
    ("中共蒙阴县人民医院委员会", "我院党委获评全市公立医院党建工作示范点", "2022-08-22T10:14", "", [
        "8月9日，中共临沂市委组织部、中共临沂市卫生健康委员会党组发布通报，命名蒙阴县人民医院党委为全市公立医院党建工作示范点。",
        "全市共有10家公立医院党组织获此命名。",
    ]),
]  # fmt: skip


def _aware(value: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(value))


def _column(org: PartyOrg) -> Column:
    column, _ = Column.objects.get_or_create(org=org, name=MARKER, defaults={"parent_name": "新闻中心"})
    return column


def load_demo_news(publisher) -> int:
    count = 0
    for title, (unit_name, published, source) in SEED_ARTICLES.items():
        unit = PartyOrg.objects.filter(name=unit_name).first()
        activity = Activity.objects.filter(title=title).first()
        if unit is None or activity is None:
            continue
        article = services.draft_from_activity(publisher, activity, _column(unit))
        _publish(article, published, source)
        count += 1
    for unit_name, title, published, source, paragraphs in OWN_ARTICLES:
        unit = PartyOrg.objects.filter(name=unit_name).first()
        if unit is None:
            continue
        article = Article(org=unit, column=_column(unit), title=title, source=source,
                          body_html=services.paragraphs_to_html(paragraphs), created_by=publisher)  # fmt: skip
        services.save_article(article)
        _publish(article, published, source)
        count += 1
    return count


def _publish(article: Article, published: str, source: str) -> None:
    article.published_at, article.source, article.status = _aware(published), source, Status.PUBLISHED
    article.save()
    services.reindex(article)


def load_demo_site() -> bool:
    """博爱医院's site settings: a name, a drawn banner (no photograph of anyone), the colour and the footer."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image, ImageDraw

    from .models import SiteProfile

    unit = PartyOrg.objects.filter(name="中共中山市博爱医院委员会").first()
    if unit is None or SiteProfile.objects.filter(org=unit).exists():
        return False
    banner = Image.new("RGB", (1600, 240), "#b71c1c")
    draw = ImageDraw.Draw(banner)
    for x in range(1600):  # a red gradient with a lighter band: a banner without text to translate or misquote
        shade = int(183 - 60 * x / 1600)
        draw.line([(x, 0), (x, 240)], fill=(shade, 28, 28))
    for i in range(0, 1600, 40):
        draw.line([(i, 240), (i + 240, 0)], fill=(200, 60, 50), width=2)
    out = io.BytesIO()
    banner.save(out, "JPEG", quality=85)
    profile = SiteProfile(org=unit, site_name="中山市博爱医院 · 党建动态", color="#b71c1c", address="广东省中山市")
    profile.banner.save("boai-banner.jpg", ContentFile(out.getvalue()), save=False)
    profile.save()
    return True
