"""Writing articles: sanitising, the review flow, the search index, drafts from activities, counted views."""

import datetime
import hashlib
import re
from html import unescape

import nh3
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from core.access import Role, role_at

from . import search
from .models import Article, ArticleHit, ArticlePhoto, Column, DocumentKind, Status

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "sub",
    "sup",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "img",
    "figure",
    "figcaption",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "span",
    "hr",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
_BOTS = re.compile(r"bot|crawl|spider|slurp|curl|wget|python-requests|httpclient|headless|monitor|preview", re.I)
_TAGS = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</(?:p|h\d|li|blockquote|figcaption|tr|div)>|<br\s*/?>", re.I)


def sanitise(html: str) -> str:
    """Allow-listed markup only: no script, style, iframe, on* handlers, javascript: or data: links."""
    return nh3.clean(
        html or "", tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow", strip_comments=True,
    )  # fmt: skip


def html_to_text(html: str) -> str:
    text = _BLOCK_END.sub("\n", html)
    text = _TAGS.sub("", text)
    return "\n".join(line.strip() for line in unescape(text).splitlines() if line.strip())


def paragraphs_to_html(paragraphs: list[str]) -> str:
    return "".join(f"<p>{escape(p)}</p>" for p in paragraphs if p.strip())


def prepare(article: Article) -> Article:
    """Sanitise the body and derive its plain text; called before every save of an edited article."""
    article.body_html = sanitise(article.body_html)
    article.body_text = html_to_text(article.body_html)
    if not article.summary:
        article.summary = article.body_text.replace("\n", " ")[:120]
    if article.column_id and not article.org.path.startswith(article.column.org.path):
        raise ValidationError({"column": "栏目不属于该单位或其上级单位。"})
    return article


def save_article(article: Article) -> Article:
    prepare(article)
    article.save()
    reindex(article)
    return article


def reindex(article: Article) -> None:
    day = timezone.localtime(article.published_at).date() if article.published_at else None
    search.index(
        DocumentKind.ARTICLE,
        article.pk,
        org_path=article.org_path,
        is_public=article.is_public,
        day=day,
        title=article.title,
        text=article.body_text,
    )
    cache.delete(article_cache_key(article.pk))


def site_version_name(org_pk: int) -> str:
    """The version of a unit's site settings: part of the key of its cached pages."""
    return f"news-site:{org_pk}"


# The version of every site's home page and column lists: renewed when any article or photo is saved or deleted
# (news.signals), a few hundred times a day at province scale, so a list is rendered again only after a change.
PUBLIC_LISTS_VERSION = "news-public-lists"


def article_cache_key(pk: int) -> str:
    return f"news:article:{pk}"


# The review flow: (from, to) -> role needed at the article's organisation.
TRANSITIONS = {
    (Status.DRAFT, Status.REVIEW): Role.SECRETARY,
    (Status.RETURNED, Status.REVIEW): Role.SECRETARY,
    (Status.REVIEW, Status.PUBLISHED): Role.UNIT_ADMIN,
    (Status.REVIEW, Status.RETURNED): Role.UNIT_ADMIN,
    (Status.DRAFT, Status.PUBLISHED): Role.UNIT_ADMIN,
    (Status.RETURNED, Status.PUBLISHED): Role.UNIT_ADMIN,
    (Status.PUBLISHED, Status.WITHDRAWN): Role.UNIT_ADMIN,
    (Status.WITHDRAWN, Status.PUBLISHED): Role.UNIT_ADMIN,
    (Status.WITHDRAWN, Status.DRAFT): Role.SECRETARY,
}
STEP_NAMES = {
    Status.REVIEW: "提交审核",
    Status.PUBLISHED: "发布",
    Status.RETURNED: "退回",
    Status.WITHDRAWN: "撤回",
    Status.DRAFT: "改回草稿",
}


def allowed_steps(user, article: Article) -> list[str]:
    role = role_at(user, article.org_path)
    return [to for (frm, to), needed in TRANSITIONS.items() if frm == article.status and role >= needed]


def move(user, article_id: int, to: str, reason: str = "") -> Article:
    """Change an article's status in one transaction, after re-reading it under a row lock."""
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article_id)
        needed = TRANSITIONS.get((article.status, to))
        if needed is None:
            raise ValidationError(f"文章当前为“{article.get_status_display()}”，不能{STEP_NAMES.get(to, to)}。")
        if role_at(user, article.org_path) < needed:
            raise PermissionDenied("您的角色不能执行这一步。")
        if to == Status.RETURNED and not reason.strip():
            raise ValidationError("退回时请写明原因。")
        article.status = to
        article.return_reason = reason.strip() if to == Status.RETURNED else ""
        if to == Status.PUBLISHED:
            article.reviewed_by = user
            article.published_at = article.published_at or timezone.now()
        article.save()
        reindex(article)
    return article


def draft_from_activity(user, activity, column: Column) -> Article:
    """A draft whose title, skeleton body and photos come from the activity's record (nothing private)."""
    start = timezone.localtime(activity.starts_at)
    organisers = "、".join(o.org.name for o in activity.organisers.select_related("org"))
    speakers = [f"{s.post}{s.name}{s.get_role_display()}" for s in activity.speakers.all()]
    paragraphs = [
        f"{start.month}月{start.day}日，{organisers}{('在' + activity.place) if activity.place else ''}开展"
        f"{activity.kind.name}：{activity.title}。",
        activity.summary,
        "；".join(speakers) + ("。" if speakers else ""),
    ]
    paragraphs += [f"{o.label}{o.value}{o.unit}" for o in activity.outcomes.all()]
    lead = activity.lead_org
    article = Article(
        org=lead if lead.path.startswith(column.org.path) else column.org,
        column=column,
        title=activity.title,
        body_html=paragraphs_to_html(paragraphs),
        activity=activity,
        pairing=activity.pairing,
        created_by=user,
    )
    with transaction.atomic():
        save_article(article)
        for order, photo in enumerate(activity.photos.all()):
            copy = ArticlePhoto(article=article, caption=photo.caption, width=photo.width, height=photo.height,
                                sort_order=order, is_cover=order == 0)  # fmt: skip
            with photo.image.open("rb") as source:  # a copy: deleting the activity's photo keeps the article's
                copy.image.save(photo.image.name.rsplit("/", 1)[-1], File(source), save=True)
    return article


def count_view(article_id: int, address: str, user_agent: str) -> None:
    """Count one view per visitor per article per day; bots and browsers without an agent are not counted.
    An insert that meets the unique (article, day, visitor) row does nothing: a refresh is not a view."""
    if not user_agent or _BOTS.search(user_agent):
        return
    visitor = hashlib.blake2b(f"{address}|{user_agent}".encode(), digest_size=16).hexdigest()
    ArticleHit.objects.bulk_create(
        [ArticleHit(article_id=article_id, visitor=visitor, day=timezone.localdate())], ignore_conflicts=True
    )


def unfolded_hits(article_ids) -> dict[int, int]:
    """Views counted but not yet folded into Article.views (today's, kept apart so a visitor counts once a day):
    one grouped count on the hit table's (article, day, visitor) index."""
    from django.db.models import Count

    rows = ArticleHit.objects.filter(article_id__in=list(article_ids)).values("article_id").annotate(n=Count("id"))
    return {row["article_id"]: row["n"] for row in rows}


def views_now(article) -> int:
    """What a reader is shown: the folded total, the count imported from the old site, and today's views."""
    return article.views + article.imported_views + unfolded_hits([article.pk]).get(article.pk, 0)


def fold_views(before: datetime.date | None = None) -> int:
    """Add counted hits to Article.views and delete them (run by a periodic command, not per request)."""
    from django.db.models import Count, F

    hits = ArticleHit.objects.all()
    if before:
        hits = hits.filter(day__lt=before)
    folded = {}
    with transaction.atomic():
        for article_id, n in hits.values_list("article_id").annotate(n=Count("id")).values_list("article_id", "n"):
            Article.objects.filter(pk=article_id).update(views=F("views") + n)
            folded[article_id] = n
        hits.delete()
    cache.delete_many([article_cache_key(pk) for pk in folded])  # the pages show the new totals
    return sum(folded.values())
