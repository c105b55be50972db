"""Synthetic news at scale: a 党建动态 column on each generated hospital committee's site and published articles
about its branches' activities, plus the search index of every article and activity (bulk, no model saves)."""

import datetime
import random

from django.utils import timezone

from activities.models import Activity
from core.bulk import insert_rows, reserve_ids
from orgs.models import OrgKind, PartyOrg

from .models import Article, Column, DocumentKind, SearchDocument, Status, story_key
from .search import document_row, store_in_date_order

SCALES = {"small": 2_000, "province": 100_000, "national": 1_000_000}
MARKER = "党建动态（模拟）"
BATCH = 5_000
TOPICS = ["学习贯彻党的二十大精神", "主题教育", "“我为群众办实事”", "医德医风建设", "清廉医院建设", "党史学习教育",
          "公立医院高质量发展", "“公立+民营”联学共建", "志愿服务进社区", "双带头人培育"]  # fmt: skip
EVENTS = ["召开专题党课", "开展主题党日活动", "召开支部党员大会", "举办党务干部培训班", "开展义诊进社区活动",
          "召开组织生活会", "与共建单位开展联学共建", "举行新党员入党宣誓仪式", "开展红色教育参观学习", "召开党建工作推进会"]  # fmt: skip
SENTENCES = [
    "{month}月{day}日，{org}{event}，围绕“{topic}”进行交流。",
    "会议由支部书记主持，全体党员参加，并邀请共建单位党员代表列席。",
    "与会党员结合本职工作谈体会、找差距，表示要把学习成果转化为服务患者的实际行动。",
    "活动中，党员志愿者为群众提供健康咨询、测量血压和用药指导，服务群众{count}余人次。",
    "支部将继续推进党建与业务深度融合，以高质量党建引领医院高质量发展。",
    "院党委有关负责同志到会指导，对支部规范化建设提出具体要求。",
]


def exists() -> bool:
    return Column.objects.filter(name=MARKER).exists()


def generate_news(root: PartyOrg, articles: int, seed: int = 2024) -> int:
    """Columns for the hospital committees under root and `articles` published articles spread over them."""
    rng = random.Random(seed)
    units = list(
        PartyOrg.objects.filter(path__startswith=root.path, kind=OrgKind.COMMITTEE, institution__isnull=False)
        .order_by("path").values_list("id", "path", "name")
    )  # fmt: skip
    if not units:
        return 0
    columns = []
    for org_id, path, _name in units:
        columns.append(Column(org_id=org_id, org_path=path, name=MARKER, parent_name="新闻中心"))
    Column.objects.bulk_create(columns, batch_size=BATCH)
    column_of = dict(Column.objects.filter(name=MARKER).values_list("org_id", "id"))
    now = timezone.now()
    made = 0
    while made < articles:
        count = min(BATCH, articles - made)
        ids = reserve_ids(Article, count)
        rows, docs = [], []
        for pk in ids:
            org_id, path, name = units[rng.randrange(len(units))]
            published = now - datetime.timedelta(days=rng.randrange(3 * 365), minutes=rng.randrange(1440))
            title, body = _article_text(rng, name, published)
            html = "".join(f"<p>{p}</p>" for p in body)
            text = "\n".join(body)
            rows.append(_row(pk, org_id, path, column_of[org_id], title, html, text, published, now, rng))
            docs.append(
                document_row(
                    DocumentKind.ARTICLE, pk, org_path=path, is_public=True, when=published, title=title, text=text
                )
            )
        insert_rows(Article, rows)
        insert_rows(SearchDocument, docs)
        made += count
    return made


def _article_text(rng, unit_name: str, published: datetime.datetime) -> tuple[str, list[str]]:
    event, topic = rng.choice(EVENTS), rng.choice(TOPICS)
    short = unit_name.removeprefix("中共").removesuffix("委员会")
    day = timezone.localtime(published) - datetime.timedelta(days=rng.randrange(1, 5))
    title = f"{short}{event}"[:120]
    paragraphs = [SENTENCES[0].format(month=day.month, day=day.day, org=short, event=event, topic=topic)]
    paragraphs += rng.sample(SENTENCES[1:], 3)
    return title, [p.format(count=rng.randrange(30, 300)) for p in paragraphs]


def _row(pk, org_id, path, column_id, title, html, text, published, now, rng) -> dict:
    return {"id": pk, "org_id": org_id, "org_path": path, "column_id": column_id, "title": title, "title_key": story_key(title),
            "summary": text[:120], "body_html": html, "body_text": text, "source": "党办", "author": "", "editor": "",
            "published_at": published, "status": Status.PUBLISHED, "return_reason": "", "activity_id": None,
            "pairing_id": None, "views": rng.randrange(2000), "imported_views": 0, "original_file": "",
            "created_by_id": None, "reviewed_by_id": None, "created_at": now, "updated_at": now}  # fmt: skip


def index_activities(batch: int = BATCH) -> int:
    """Search documents for every activity not indexed yet (bulk-loaded activities bypass the model signal)."""
    indexed = set(SearchDocument.objects.filter(kind=DocumentKind.ACTIVITY).values_list("object_id", flat=True))
    rows, total = [], 0
    for pk, path, starts, title, place, summary in (
        Activity.objects.order_by("id").values_list("id", "org_path", "starts_at", "title", "place", "summary")
        .iterator(batch)
    ):  # fmt: skip
        if pk in indexed:
            continue
        text = f"{place}\n{summary}".strip()
        rows.append(
            document_row(DocumentKind.ACTIVITY, pk, org_path=path, is_public=False, when=starts, title=title, text=text)
        )
        if len(rows) >= batch:
            insert_rows(SearchDocument, rows)
            total += len(rows)
            rows = []
    insert_rows(SearchDocument, rows)
    store_in_date_order()  # the documents were written unit by unit, not day by day as a live index's are
    return total + len(rows)
