"""星级党支部 / 示范点 assessment: schemes and their indicators, each branch's self-assessment, the committee's
review and confirmation, publication, and the results with the star distribution against the target."""

import hashlib
from collections import Counter
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.shortcuts import redirect, render

from core import versions
from core.access import (
    Role,
    get_visible_or_404,
    granted_roots,
    highest_role,
    recheck_in_scope,
    require,
    role_at,
    under_any,
)
from core.export import xlsx_response
from core.paging import count_response, keyset_page
from orgs.models import PartyOrg

from .. import services
from ..forms import IndicatorFormSet, SchemeForm
from ..models import Assessment, AssessmentScheme, AssessmentStatus, Indicator, SchemeStatus

RESULT_ORDERING = ("-stars", "-id")  # the (scheme, stars, id) index, read backwards; 0 stars = not yet rated


@login_required
def scheme_list(request):
    schemes = AssessmentScheme.objects.visible_to(request.user).select_related("issuer_org").order_by("-year", "-id")
    mine = Assessment.objects.visible_to(request.user).select_related("scheme", "org").order_by("-year", "org_path")
    return render(request, "honours/scheme_list.html", {
        "schemes": schemes[:100], "assessments": mine[:50],
        "can_create": highest_role(request.user) >= Role.UNIT_ADMIN,
    })  # fmt: skip


@login_required
def scheme_form(request):
    if highest_role(request.user) < Role.UNIT_ADMIN:
        raise PermissionDenied("只有单位管理员及以上角色可以设置评定方案")
    form = SchemeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            scheme = form.save()
            recheck_in_scope(request.user, scheme)
        return redirect("honours:scheme", scheme.pk)
    return render(request, "honours/scheme_form.html", {"form": form, "title": "评定方案"})


@login_required
def scheme_detail(request, pk):
    scheme = get_visible_or_404(request.user, AssessmentScheme.objects.select_related("issuer_org"), pk=pk)
    manager = role_at(request.user, scheme.org_path) >= Role.UNIT_ADMIN
    if request.method == "POST" and manager:
        target = None
        try:
            target = _scheme_action(request, scheme)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("honours:scheme", target or pk)
    return render(request, "honours/scheme_detail.html", {
        "scheme": scheme, "indicators": scheme.indicators.all(), "manager": manager,
        "max_points": services.max_points(scheme),
    })  # fmt: skip


@login_required
def scheme_indicators(request, pk):
    """A draft scheme's indicators as one table: add, remove and reorder rows, save once."""
    scheme = get_visible_or_404(request.user, AssessmentScheme.objects, pk=pk)
    require(request.user, scheme, "change")
    if scheme.status != SchemeStatus.DRAFT:
        raise PermissionDenied("评定开始后指标不能再修改")
    formset = IndicatorFormSet(request.POST or None, instance=scheme, prefix="indicators",
                               queryset=scheme.indicators.order_by("sort_order", "code"))  # fmt: skip
    if request.method == "POST" and formset.is_valid():
        with transaction.atomic():
            formset.save()
        messages.success(request, "指标已保存")
        return redirect("honours:scheme", pk)
    return render(request, "honours/scheme_indicators.html", {"scheme": scheme, "formset": formset})


def _scheme_action(request, scheme: AssessmentScheme) -> int | None:
    """Carry out a manager's action; returns the scheme to show next when it is another one (a copy)."""
    action = request.POST.get("action")
    if action == "indicator":
        points = _decimal(request.POST.get("points"))
        if points is None or points <= 0:
            raise ValidationError("分值应为正数。")
        parent = scheme.indicators.filter(pk=request.POST.get("parent") or 0).first()
        Indicator.objects.create(scheme=scheme, parent=parent, code=request.POST.get("code", "")[:12],
                                 name=request.POST.get("name", "")[:200], points=points,
                                 evidence=request.POST.get("evidence", "")[:200])  # fmt: skip
    elif action == "copy":
        copy = services.copy_scheme(scheme)
        messages.success(request, f"已复制为《{copy.name}》（草稿），可修改后发起评定。")
        return copy.pk
    elif action == "open":
        count = services.open_scheme(scheme)
        messages.success(request, f"已为 {count} 个党支部建立评定。")
    elif action == "publish":
        count = services.publish(request.user, scheme)
        messages.success(request, f"已公布 {count} 个党支部的星级。")
    return None


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value).strip()) if value not in (None, "") else None
    except InvalidOperation:
        return None


@login_required
def assessment_detail(request, pk):
    assessment = get_visible_or_404(request.user, Assessment.objects.select_related("scheme", "org"), pk=pk)
    typed, error = {}, ""
    if request.method == "POST":
        try:
            with transaction.atomic():
                _assessment_action(request, assessment)
        except ValidationError as problem:
            # Shown again with what was typed: nothing is saved, nothing is lost.
            error = " ".join(problem.messages)
            typed = {key: value for key, value in request.POST.items() if key.startswith(("score_", "evidence_"))}
            assessment.refresh_from_db()
        else:
            return redirect("honours:assessment", pk)
    scores = {s.indicator_id: s for s in assessment.scores.all()}
    leaves = services.leaf_indicators(assessment.scheme)
    parent_path = assessment.org.parent.path if assessment.org.parent_id else assessment.org_path
    return render(request, "honours/assessment_detail.html", {
        "assessment": assessment, "rows": [(i, scores.get(i.pk)) for i in leaves], "typed": typed, "error": error,
        "can_self": role_at(request.user, assessment.org_path) >= Role.SECRETARY
        and assessment.status == AssessmentStatus.SELF,
        "can_review": role_at(request.user, parent_path) >= Role.UNIT_ADMIN
        and assessment.status in (AssessmentStatus.SUBMITTED, AssessmentStatus.REVIEWED),
        "can_confirm": role_at(request.user, assessment.scheme.org_path) >= Role.UNIT_ADMIN
        and assessment.status == AssessmentStatus.REVIEWED,
        "max_points": services.max_points(assessment.scheme),
    })  # fmt: skip


def _assessment_action(request, assessment: Assessment) -> None:
    action = request.POST.get("action")
    if action in ("self", "review", "submit"):
        values = _typed_scores(request, assessment)
        if values or action != "submit":  # 提交党委审核 saves what was typed first
            services.save_scores(request.user, assessment, values, review=action == "review")
        if action == "submit":
            services.submit(request.user, assessment)
            messages.success(request, "已保存自评分并提交党委审核。")
        else:
            messages.success(request, "评分已保存。")
    elif action == "confirm":
        services.confirm(request.user, assessment, _decimal(request.POST.get("satisfaction")))
        messages.success(request, "已确认星级。")


def _typed_scores(request, assessment: Assessment) -> dict[int, tuple]:
    values = {}
    for indicator in services.leaf_indicators(assessment.scheme):
        if f"score_{indicator.pk}" not in request.POST:
            continue
        raw = request.POST.get(f"score_{indicator.pk}", "")
        score = _decimal(raw)
        if raw.strip() and score is None:
            raise ValidationError(f"指标“{indicator.code} {indicator.name}”的得分“{raw}”不是数字。")
        values[indicator.pk] = (score, request.POST.get(f"evidence_{indicator.pk}", ""))
    return values


def star_distribution(user, scheme, qs, org: str) -> Counter:
    """How many of the visible organisations got each star rating, cached under the version that every write
    to an assessment renews (services.ORG_PAGES_VERSION): a sector's scheme counts thousands of rows."""
    scope = "*" if user.is_superuser else "|".join(granted_roots(user, Assessment.access_roles["view"]))
    digest = hashlib.sha256(f"{scope}:{org}".encode()).hexdigest()[:16]
    key = f"star-distribution:{scheme.pk}:{digest}:{versions.current(services.ORG_PAGES_VERSION)}"
    counts = cache.get(key)
    if counts is None:
        counts = dict(qs.exclude(stars=0).values("stars").annotate(n=Count("id")).values_list("stars", "n"))
        cache.set(key, counts, 3600)
    return Counter(counts)


@login_required
def scheme_results(request, pk):
    scheme = get_visible_or_404(request.user, AssessmentScheme.objects.select_related("issuer_org"), pk=pk)
    qs = Assessment.objects.filter(scheme=scheme)
    if not request.user.is_superuser:  # as visible_to, by prefix: the stars index then gives the page in order
        qs = under_any(qs, granted_roots(request.user, Assessment.access_roles["view"]))
    org = request.GET.get("org", "")
    if org.isdigit():
        root = get_visible_or_404(request.user, PartyOrg.objects, pk=int(org))
        qs = under_any(qs, [root.path], tag="org")
    stars = request.GET.get("stars", "")
    if request.GET.get("export") == "xlsx":
        rows = ((a.org.name, a.get_status_display(), a.self_score, a.review_score, a.satisfaction, a.final_score, a.stars)
                for a in qs.select_related("org").order_by("-stars", "org_path").iterator(1000))  # fmt: skip
        return xlsx_response(
            request, scheme.name, ["党组织", "状态", "自评分", "审核分", "满意度", "最终得分", "星级"], rows
        )
    distribution = star_distribution(request.user, scheme, qs, org)
    if stars.isdigit():
        qs = qs.filter(stars=int(stars))
    if counted := count_response(request, qs, RESULT_ORDERING[1:]):
        return counted
    rows = qs.values("id", "org__name", "org_id", "status", "self_score", "review_score", "final_score", "stars")
    page = keyset_page(rows, RESULT_ORDERING, request.GET.get("after"))  # fmt: skip
    total = sum(distribution.values())
    bands = [(s, distribution.get(s, 0), scheme.target_distribution.get(str(s))) for s in range(5, 0, -1)]
    return render(request, "honours/scheme_results.html", {
        "scheme": scheme, "page": page, "bands": bands, "total": total,
    })  # fmt: skip
