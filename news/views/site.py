"""A unit's public news site: columns, article pages, Atom feeds, site search and the view beacon.

No login and no session: only published articles of the unit's subtree are ever read, and only the fields
an article holds (no members, attendance or ID numbers exist on it). The rendered article page is cached
(cleared when the article changes) and marked cacheable for browsers and proxies. Views are counted by a
beacon the page sends after loading, so caching does not hide views and crawlers that run no script are not
counted; one visitor counts once per article per day.
"""

import segno
from django.core.cache import cache
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import feedgenerator, timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from activities.models import Activity
from core import versions
from core.access import get_visible_or_404, subtree_q
from core.files import file_response
from core.paging import keyset_page
from core.replica import on_primary, reads_may_lag
from orgs.models import PartyOrg

from .. import search as search_module
from .. import services
from ..models import Article, ArticlePhoto, Column, SiteProfile, Status

PAGE_CACHE_SECONDS = 300
PUBLIC_ORDERING = ("-published_at", "-id")


def _unit(org_pk: int) -> PartyOrg:
    return get_object_or_404(PartyOrg.objects.only("id", "name", "path", "is_active"), pk=org_pk, is_active=True)


def _published(unit: PartyOrg):
    return Article.objects.filter(subtree_q(unit.path), status=Status.PUBLISHED)


def _public(response: HttpResponse, seconds: int = PAGE_CACHE_SECONDS) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=seconds)
    return response


def _site(unit: PartyOrg) -> dict:
    """What every page of the site shows: the unit's name and look (its 党办's settings, else defaults) and the
    column menu. The settings and the menu are cached under the site's version (renewed when either is saved)."""
    key = f"news:site:{unit.pk}:{versions.current(services.site_version_name(unit.pk))}"
    parts = cache.get(key)
    if parts is None:
        with on_primary():  # a lagging replica would keep the old menu under the new version
            profile = SiteProfile.objects.filter(org_id=unit.pk).first() or SiteProfile(org_id=unit.pk)
            columns = list(Column.objects.filter(org_id=unit.pk, is_active=True).only("id", "name", "parent_name"))
        parts = (profile, columns)
        cache.set(key, parts, PAGE_CACHE_SECONDS)
    profile, columns = parts
    return {"unit": unit, "site": profile, "site_name": profile.site_name or unit.name, "nav_columns": columns}


def _with_covers(rows: list[dict]) -> list[dict]:
    """Each article row with its cover photo's id (the one marked cover, else the first): one query for a page."""
    covers: dict[int, int] = {}
    photos = ArticlePhoto.objects.filter(article_id__in=[r["id"] for r in rows]).order_by(
        "-is_cover", "sort_order", "id"
    )
    for article_id, photo_id in photos.values_list("article_id", "id"):
        covers.setdefault(article_id, photo_id)
    for row in rows:
        row["cover"] = covers.get(row["id"])
    return rows


@reads_may_lag
def site_home(request, org_pk):
    unit = _unit(org_pk)
    return _public(HttpResponse(_cached_list(unit, "home", lambda: _render_home(request, unit))))


def _render_home(request, unit: PartyOrg) -> str:
    site = _site(unit)
    fields = ("id", "title", "published_at", "summary", "column_id")
    latest = {
        column.pk: _with_covers(list(
            _published(unit).filter(column=column).order_by(*PUBLIC_ORDERING).values(*fields)[:6]
        ))
        for column in site["nav_columns"]
    }  # fmt: skip
    newest = sorted((row for rows in latest.values() for row in rows if row["cover"]),
                    key=lambda r: (r["published_at"], r["id"]), reverse=True)  # fmt: skip
    lead = newest[0] if newest else None
    return render(request, "news/site_home.html", {**site, "latest": latest, "lead": lead}).content.decode()


@reads_may_lag
def site_column(request, org_pk, column_pk):
    unit = _unit(org_pk)
    after = request.GET.get("after")
    if after:  # a later page: read by few, so not kept
        return _public(HttpResponse(_render_column(request, unit, column_pk, after)))
    page = _cached_list(unit, f"column:{column_pk}", lambda: _render_column(request, unit, column_pk, None))
    return _public(HttpResponse(page))


def _render_column(request, unit: PartyOrg, column_pk: int, after: str | None) -> str:
    site = _site(unit)
    column = next((c for c in site["nav_columns"] if c.pk == column_pk), None)  # the unit's active columns
    if column is None:
        raise Http404("栏目不存在")
    page = keyset_page(
        _published(unit).filter(column=column).values("id", "title", "published_at", "summary"),
        PUBLIC_ORDERING, after, size=20,
    )  # fmt: skip
    _with_covers(page.rows)
    return render(request, "news/site_column.html", {**site, "column": column, "page": page}).content.decode()


def _cached_list(unit: PartyOrg, name: str, render_page) -> str:
    """A public list page (the home page, a column's first page), rendered once per version of the site's settings
    and of the articles (news.signals renews it when any article or photo changes) and shared by every visitor."""
    site_version = versions.current(services.site_version_name(unit.pk))
    key = f"news:list:{unit.pk}:{name}:{site_version}:{versions.current(services.PUBLIC_LISTS_VERSION)}"
    html = cache.get(key)
    if html is None:
        with on_primary():
            html = render_page()
        cache.set(key, html, PAGE_CACHE_SECONDS)
    return html


@reads_may_lag
def site_banner(request, org_pk):
    profile = get_object_or_404(SiteProfile.objects.only("banner"), org_id=org_pk, org__is_active=True)
    if not profile.banner:
        raise Http404("本站未设置横幅图片")
    return file_response(profile.banner, "public, max-age=300")


def site_article(request, org_pk, pk):  # from the primary: it fills a cache keyed by the site's version
    key = services.article_cache_key(pk)
    version = versions.current(services.site_version_name(org_pk))
    cached = cache.get(key)
    if cached is None or cached[:2] != (org_pk, version):
        html = _render_article(request, org_pk, pk)
        cached = (org_pk, version, html)
        cache.set(key, cached, PAGE_CACHE_SECONDS)
    return _public(HttpResponse(cached[2]))


def _render_article(request, org_pk: int, pk: int) -> str:
    unit = _unit(org_pk)
    article = (
        _published(unit).select_related("column").filter(pk=pk)
        .only("id", "title", "summary", "body_html", "source", "author", "editor", "published_at", "views",
              "imported_views", "column__id", "column__name", "column__parent_name", "org_path", "status",
              "activity_id").first()
    )  # fmt: skip
    if article is None:
        raise Http404("文章不存在或未发布")
    siblings = _published(unit).filter(column_id=article.column_id)
    newer = (
        siblings.filter(
            Q(published_at__gt=article.published_at) | Q(published_at=article.published_at, id__gt=article.pk)
        )
        .order_by("published_at", "id")
        .values("id", "title")
        .first()
    )
    older = (
        siblings.filter(
            Q(published_at__lt=article.published_at) | Q(published_at=article.published_at, id__lt=article.pk)
        )
        .order_by("-published_at", "-id")
        .values("id", "title")
        .first()
    )
    url = request.build_absolute_uri(reverse("news:site-article", args=[org_pk, pk]))
    photos = list(ArticlePhoto.objects.filter(article_id=pk).only("image", "caption", "is_cover"))
    placed = {photo.pk for photo in photos if reverse("news:photo", args=[photo.pk]) in article.body_html}
    event_on = None
    if article.activity_id:
        started = Activity.objects.filter(pk=article.activity_id).values_list("starts_at", flat=True).first()
        event_on = timezone.localtime(started).date() if started else None
    published_on = timezone.localtime(article.published_at).date() if article.published_at else None
    response = render(request, "news/site_article.html", {
        **_site(unit), "article": article, "event_on": event_on if event_on != published_on else None, "previous": older, "next": newer, "page_url": url,
        "photos": [p for p in photos if p.pk not in placed],  # those not placed in the body follow it
        "qr_svg": segno.make(url, error="m").svg_inline(scale=3),
        "cover": next((p for p in photos if p.is_cover), photos[0] if photos else None),
    })  # fmt: skip
    return response.content.decode()


class PlainTextAtomFeed(feedgenerator.Atom1Feed):
    """Atom with the summary declared as what it is, plain text: as "html" (Django's default) a reader would render
    markup typed into a summary."""

    def add_item_elements(self, handler, item):
        description, item["description"] = item["description"], None
        super().add_item_elements(handler, item)
        item["description"] = description
        if description:
            handler.addQuickElement("summary", description, {"type": "text"})


@reads_may_lag
def site_feed(request, org_pk, column_pk=None):
    unit = _unit(org_pk)
    articles = _published(unit).select_related("column")
    link = request.build_absolute_uri(reverse("news:site-home", args=[org_pk]))
    title = f"{unit.name} · 党建动态"
    if column_pk:
        column = get_object_or_404(Column, pk=column_pk, org=unit)
        articles, title = articles.filter(column=column), f"{unit.name} · {column.name}"
    feed = PlainTextAtomFeed(title=title, link=link, description=title, language="zh-hans")
    for article in articles.order_by(*PUBLIC_ORDERING)[:30]:
        url = request.build_absolute_uri(reverse("news:site-article", args=[org_pk, article.pk]))
        feed.add_item(title=article.title, link=url, description=article.summary, pubdate=article.published_at,
                      updateddate=article.updated_at, unique_id=url, categories=[article.column.name],
                      author_name=article.author or article.source or unit.name)  # fmt: skip
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return _public(response)


@reads_may_lag
def site_search(request, org_pk):
    unit = _unit(org_pk)
    query = request.GET.get("q", "").strip()[:100]
    order = "date" if request.GET.get("order") == "date" else "relevance"
    offset = search_module.search_offset(request)
    hits = (
        search_module.search(query, public_only=True, org_path=unit.path, order=order, offset=offset) if query else []
    )
    return render(request, "news/site_search.html", {
        **_site(unit), "query": query, "hits": hits, "order": order, "offset": offset,
        "max_results": search_module.MAX_RESULTS,
    })  # fmt: skip


@reads_may_lag
def photo_file(request, pk):
    """A published article's photo is public (and cacheable); a draft's only for those who may see the draft."""
    photo = get_object_or_404(ArticlePhoto.objects.select_related("article"), pk=pk)
    if photo.article.status == Status.PUBLISHED:
        cache_control = "public, max-age=86400"
    else:
        get_visible_or_404(request.user, Article.objects, pk=photo.article_id)
        cache_control = "private, max-age=600"
    return file_response(photo.image, cache_control)


@csrf_exempt
@require_POST
def site_hit(request, pk):
    """The view beacon. Exempt from CSRF: it changes nothing but a de-duplicated counter."""
    if not Article.objects.filter(pk=pk, status=Status.PUBLISHED).exists():
        raise Http404("文章不存在或未发布")
    address = request.META.get("REMOTE_ADDR", "")
    services.count_view(pk, address, request.META.get("HTTP_USER_AGENT", ""))
    article = Article.objects.only("views", "imported_views").get(pk=pk)
    response = JsonResponse({"views": services.views_now(article)})  # the cached page shows it
    response["Cache-Control"] = "no-store"
    return response
