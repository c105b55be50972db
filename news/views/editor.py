"""The editors' side: articles in scope, the review flow, photos, columns, drafts from activities, search."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from activities.images import PhotoError, uploaded_photos
from activities.models import Activity
from activities.services import require_record_keeper
from core import versions
from core.access import (
    Role,
    get_changeable_or_404,
    get_visible_or_404,
    granted_roots,
    highest_role,
    object_to_edit,
    recheck_in_scope,
    require,
    role_at,
)
from core.export import xlsx_response
from core.files import upload_done
from core.paging import count_response, keyset_page
from core.replica import reads_may_lag
from orgs.models import PartyOrg

from .. import search as search_module
from .. import services
from ..forms import ArticleForm, ColumnForm, SiteProfileForm, writable_columns
from ..models import Article, ArticlePhoto, Column, DocumentKind, SiteProfile, Status

ORDERING = ("-id",)


@login_required
def article_list(request):
    qs = Article.objects.visible_to(request.user)
    status = request.GET.get("status")
    if status in Status.values:
        qs = qs.filter(status=status)
    column = request.GET.get("column", "")
    if column.isdigit():
        qs = qs.filter(column_id=int(column))
    if request.GET.get("export") == "xlsx":
        rows = (
            (a.title, a.org.name, a.column.name, a.get_status_display(), a.published_at, a.source, a.author,
             a.shown_views)
            for a in qs.select_related("org", "column").order_by(*ORDERING).iterator(1000)
        )  # fmt: skip
        return xlsx_response(
            request, "党建动态", ["标题", "单位", "栏目", "状态", "发布时间", "来源", "作者", "浏览"], rows
        )
    if counted := count_response(request, qs, ORDERING):
        return counted
    page = keyset_page(
        qs.values("id", "title", "status", "published_at", "org__name", "column__name", "views", "imported_views"),
        ORDERING, request.GET.get("after"),
    )  # fmt: skip
    today = services.unfolded_hits(row["id"] for row in page.rows)
    for row in page.rows:
        row["views_now"] = row["views"] + row["imported_views"] + today.get(row["id"], 0)
    return render(request, "news/article_list.html", {
        "page": page, "statuses": Status.choices, "columns": writable_columns(request.user),
        "can_write": highest_role(request.user) >= Role.SECRETARY,
        "can_import": highest_role(request.user) >= Role.UNIT_ADMIN,
    })  # fmt: skip


@login_required
def article_form(request, pk=None):
    article = object_to_edit(request.user, Article.objects, pk, Role.SECRETARY, "只有支部书记及以上角色可以撰写文章")
    if article is not None and article.status == Status.PUBLISHED:
        require(request.user, article, "review")  # editing a published page is the reviewer's call
    form = ArticleForm(request.POST or None, instance=article, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                article = form.save(commit=False)
                if article.created_by_id is None:
                    article.created_by = request.user
                services.save_article(article)
                recheck_in_scope(request.user, article)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "文章已保存。")
            return redirect("news:detail", article.pk)
    return render(request, "news/article_form.html", {"form": form, "article": article})


@login_required
def article_detail(request, pk):
    article = get_visible_or_404(request.user, Article.objects.select_related("org", "column", "activity"), pk=pk)
    return render(request, "news/article_detail.html", {
        "article": article, "views_now": services.views_now(article), "photos": article.photos.all(), "steps": services.allowed_steps(request.user, article),
        "step_names": services.STEP_NAMES,
    })  # fmt: skip


@login_required
@require_POST
def article_step(request, pk):
    get_visible_or_404(request.user, Article.objects, pk=pk)
    try:
        article = services.move(request.user, pk, request.POST.get("to", ""), request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"文章{services.STEP_NAMES[article.status]}成功。")
    return redirect("news:detail", pk)


@login_required
@require_POST
def editor_image(request, pk):
    """An image dropped or pasted into the editor: stored as one of the article's photos, answered in the
    editor's own format so that it is placed where the cursor is."""
    article = get_changeable_or_404(request.user, Article.objects, pk=pk)
    try:
        [(content, width, height, caption)] = uploaded_photos(request)[:1]
    except PhotoError as error:
        return JsonResponse({"errno": 1, "message": str(error)})
    with transaction.atomic():
        photo = ArticlePhoto(article=article, caption=caption, width=width, height=height,
                             sort_order=article.photos.count())  # fmt: skip
        photo.image.save(content.name, content, save=False)
        photo.save()
    return JsonResponse(
        {"errno": 0, "data": {"url": reverse("news:photo", args=[photo.pk]), "alt": caption, "href": ""}}
    )


@login_required
@require_POST
def photo_add(request, pk):
    article = get_changeable_or_404(request.user, Article.objects, pk=pk)
    next_url = reverse("news:detail", args=[pk])
    try:
        photos = uploaded_photos(request)
    except PhotoError as error:
        messages.error(request, str(error))
        return upload_done(request, next_url)
    cover = request.POST.get("is_cover") == "1"
    with transaction.atomic():
        if cover:
            article.photos.update(is_cover=False)
        start = article.photos.count()
        for order, (content, width, height, caption) in enumerate(photos, start=start):
            photo = ArticlePhoto(article=article, caption=caption, width=width, height=height, sort_order=order,
                                 is_cover=cover and order == start)  # fmt: skip
            photo.image.save(content.name, content, save=False)
            photo.save()
        services.reindex(article)
    messages.success(request, f"已添加 {len(photos)} 张图片。")
    return upload_done(request, next_url)


@login_required
@require_POST
def draft_from_activity(request, activity_pk):
    activity = get_visible_or_404(request.user, Activity.objects.select_related("kind", "pairing"), pk=activity_pk)
    require_record_keeper(request.user, activity)  # a member on the roll sees the meeting, but does not write it up
    column = writable_columns(request.user).filter(pk=request.POST.get("column") or 0).first()
    if column is None:
        messages.error(request, "请选择一个您可以发稿的栏目。")
        return redirect("activities:detail", activity_pk)
    article = services.draft_from_activity(request.user, activity, column)
    messages.success(request, "已根据活动记录生成草稿，请补充正文后提交审核。")
    return redirect("news:edit", article.pk)


@login_required
def column_list(request):
    if highest_role(request.user) < Role.UNIT_ADMIN:
        raise PermissionDenied("只有单位管理员及以上角色可以管理栏目")
    columns = list(
        Column.objects.visible_to(request.user).select_related("org").order_by("org_path", "sort_order")[:500]
    )
    units = {c.org_id: c.org for c in columns}
    for root in granted_roots(request.user, Role.UNIT_ADMIN):
        org = PartyOrg.objects.filter(path=root).first()
        if org is not None:
            units.setdefault(org.pk, org)
    return render(request, "news/column_list.html", {
        "columns": columns, "can_create": True, "units": sorted(units.values(), key=lambda o: o.path),
    })  # fmt: skip


@login_required
def site_settings(request, org_pk):
    """The unit's site name, banner, colour and footer (备案号), set by its own 党办."""
    org = get_visible_or_404(request.user, PartyOrg.objects, pk=org_pk)
    if role_at(request.user, org.path) < Role.UNIT_ADMIN:
        raise PermissionDenied("只有单位管理员可以设置本单位网站")
    profile = SiteProfile.objects.filter(org=org).first() or SiteProfile(org=org)
    form = SiteProfileForm(request.POST or None, request.FILES or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        versions.renew(services.site_version_name(org.pk))  # cached article pages show the new look
        messages.success(request, "网站设置已保存，公开网站立即生效。")
        return redirect("news:site-settings", org.pk)
    return render(request, "news/site_settings.html", {"form": form, "org": org, "profile": profile})


@login_required
def column_form(request, pk=None):
    column = object_to_edit(request.user, Column.objects, pk, Role.UNIT_ADMIN, "只有单位管理员及以上角色可以设置栏目")
    form = ColumnForm(request.POST or None, instance=column, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            column = form.save()
            recheck_in_scope(request.user, column)
            versions.renew(services.site_version_name(column.org_id))  # the menu of every cached page of the site
        messages.success(request, "栏目已保存。")
        return redirect("news:columns")
    return render(request, "core/simple_form.html", {"form": form, "title": "栏目"})


@login_required
@reads_may_lag
def search(request):
    query = request.GET.get("q", "").strip()[:100]
    order = "date" if request.GET.get("order") == "date" else "relevance"
    kinds = tuple(k for k in (request.GET.get("kind", ""),) if k in DocumentKind.values)
    offset = search_module.search_offset(request)
    if highest_role(request.user) < Role.SECRETARY:
        raise PermissionDenied("搜索文章和活动需要支部书记及以上角色；公开文章请在单位网站搜索。")
    hits = search_module.search(query, user=request.user, order=order, kinds=kinds, offset=offset) if query else []
    return render(request, "news/search.html", {
        "query": query, "hits": hits, "order": order, "kind": kinds[0] if kinds else "", "offset": offset,
        "max_results": search_module.MAX_RESULTS,
    })  # fmt: skip
