"""Pages of the party tree and the units: browse, read, create, edit, deactivate, warnings, rule settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST
from markupsafe import Markup

from core import versions
from core.access import (
    Role,
    can,
    get_changeable_or_404,
    get_visible_or_404,
    granted_roots,
    highest_role,
    object_to_edit,
    recheck_in_scope,
    role_at,
)
from core.export import xlsx_response
from core.lookup import lookup_response
from core.paging import count_response, keyset_page
from core.regions import city_prefix_choices, region_name
from core.text import natural_key
from honours.services import ORG_PAGES_VERSION
from people.models import Membership, Position, PositionKind

from . import services
from .forms import (
    DeactivateForm,
    InstitutionForm,
    PartyOrgForm,
    RuleSettingsForm,
    scoped_institutions,
    scoped_orgs,
)
from .labels import institution_choices, org_choices
from .models import (
    Institution,
    InstitutionKind,
    OrgKind,
    OrgWarning,
    Ownership,
    PartyOrg,
    RuleSetting,
    WarningCode,
    tree_version,
)
from .rules import current_settings, term_years_for

# --- tree -------------------------------------------------------------------------


@login_required
def tree(request):
    if request.user.is_superuser:
        roots = PartyOrg.objects.filter(parent__isnull=True)
    else:  # the top of each granted subtree
        roots = PartyOrg.objects.filter(path__in=granted_roots(request.user, Role.SECRETARY))
    roots = roots.filter(is_active=True).order_by("path")
    return render(request, "orgs/tree.html", {"roots": roots})


@login_required
def tree_children(request, pk):
    org = get_visible_or_404(request.user, PartyOrg.objects, pk=pk)
    children = sorted(org.children.filter(is_active=True).order_by("path")[:500], key=lambda o: natural_key(o.name))
    return render(request, "orgs/_tree_children.html", {"children": children})


# --- organisations ----------------------------------------------------------------


@login_required
def org_lookup(request):
    """Search-as-you-type results for the organisation choice of a form (see core.widgets.LookupWidget)."""
    role = int(request.GET.get("role", Role.SECRETARY)) if request.GET.get("role", "").isdigit() else Role.SECRETARY
    orgs = scoped_orgs(request.user, max(role, Role.SECRETARY))
    kinds = [k for k in request.GET.get("kind", "").split(",") if k in OrgKind.values]
    if kinds:  # a field that takes only some kinds (a survey round's 行业党委)
        orgs = orgs.filter(kind__in=kinds)
    return lookup_response(request, orgs.search, org_choices)


@login_required
def institution_lookup(request):
    return lookup_response(request, scoped_institutions(request.user).search, institution_choices)


@login_required
def org_list(request):
    qs = PartyOrg.objects.visible_to(request.user).search(request.GET.get("q", ""))
    kind = request.GET.get("kind")
    if kind in OrgKind.values:
        qs = qs.filter(kind=kind)
    if request.GET.get("inactive") != "1":
        qs = qs.filter(is_active=True)
    if request.GET.get("export") == "xlsx":
        rows = (
            (
                o.id,
                o.name,
                o.get_kind_display(),
                o.parent.name if o.parent else "",
                o.institution or "",
                o.formal_count,
                o.probationary_count,
                o.subtree_member_count,
                o.established_on,
                o.term_started_on,
            )
            for o in qs.select_related("parent", "institution").order_by("path").iterator(2000)
        )
        headers = [
            "编号",
            "名称",
            "类型",
            "上级党组织",
            "所在单位",
            "正式党员",
            "预备党员",
            "党员（含下级）",
            "成立日期",
            "本届任期开始",
        ]
        return xlsx_response(request, "党组织", headers, rows)
    columns = (
        "id",
        "path",
        "name",
        "kind",
        "is_active",
        "parent__name",
        "institution__name",
        "formal_count",
        "probationary_count",
        "subtree_member_count",
    )
    ordering = ("name_norm", "id") if request.GET.get("sort") == "name" else ("path",)
    if counted := count_response(request, qs, ordering):
        return counted
    page = keyset_page(qs.values(*columns, "name_norm"), ordering, request.GET.get("after"))
    return render(request, "orgs/org_list.html", {"page": page, "kinds": OrgKind.choices})


@login_required
def org_detail(request, pk):
    org = get_visible_or_404(request.user, PartyOrg.objects.select_related("institution"), pk=pk)
    parts = org_page_parts(org)
    ancestors = parts["ancestors"]  # the last one is the parent
    admin_posts = []
    if org.institution_id:
        admin_posts = (
            Position.objects.filter(institution_id=org.institution_id, kind=PositionKind.ADMIN)
            .values("title", "person_id", "person__name", "start_on", "end_on", "dates_approximate")
            .order_by("-start_on")[:30]
        )
    context = {
        "org": org,
        "ancestors": ancestors,
        "parent_name": ancestors[-1]["name"] if ancestors else None,
        "tables": Markup(parts["tables"]),
        "admin_posts": admin_posts,
        "joint": org.joint_institutions.values("id", "name") if org.kind == OrgKind.JOINT_BRANCH else [],
        "warnings": parts["warnings"],
        "can_change": can(request.user, org, "change"),
        "role": role_at(request.user, org.path),
        "term_end": org.term_end(term_years_for(org, current_settings())) if org.term_started_on else None,
        "this_year": timezone.localdate().year,
        "honours": parts["honours"],
        "stars": parts["stars"],
    }
    return render(request, "orgs/org_detail.html", context)


def org_page_parts(org: PartyOrg) -> dict:
    """Breadcrumb, warnings, honours, star ratings and the committee, sub-organisation and member tables of an
    organisation page (a 党委 lists 100 branches), cached per state of the organisation, the tree and the honours.

    Every write that changes the warnings or tables (memberships, posts, people, sub-organisations, rules) goes
    through services.refresh_orgs or refresh_institutions, which stamp counts_refreshed_at; renaming or moving
    any organisation changes the tree version, which renews breadcrumbs; honours and assessments change theirs
    (honours.services.bump_shown_on_org_pages).
    """
    stamp = org.counts_refreshed_at.timestamp() if org.counts_refreshed_at else None
    key = f"org-page:{org.pk}:{stamp}:{tree_version()}:{versions.current(ORG_PAGES_VERSION)}"
    parts = cache.get(key) if stamp else None
    if parts is None:
        context = {
            "org": org,
            "children": sorted(
                org.children.filter(is_active=True)
                .values("id", "name", "kind", "formal_count", "probationary_count", "subtree_member_count")
                .order_by("path")[:300],
                key=lambda child: natural_key(child["name"]),
            ),
            "committee": sorted(
                Position.objects.current()
                .filter(org=org, kind=PositionKind.PARTY)
                .values(
                    "title", "person_id", "person__name", "person__is_dual_leader", "start_on", "dates_approximate"
                ),
                key=lambda p: _TITLE_ORDER.get(p["title"], 99),
            ),
            "members": Membership.objects.filter(org=org, end_on__isnull=True)
            .values("person_id", "person__name", "person__party_status", "start_on")
            .order_by("person__name_pinyin")[:50],
        }
        parts = {
            "ancestors": list(org.ancestors().values("id", "name")),
            "warnings": list(org.warnings.all()),
            "honours": list(org.honours.values("year", "kind__name", "issuer").order_by("-year", "-id")[:50]),
            "stars": list(
                org.assessments.filter(status="published")
                .values("year", "stars", "scheme__name", "final_score")
                .order_by("-year")[:10]
            ),
            "tables": render_to_string("orgs/_org_tables.html", context),
        }
        if stamp:  # without a stamp the key could not tell this state from a later one: never read, not written
            cache.set(key, parts, 7 * 86400)
    return parts


_TITLE_ORDER = {"书记": 0, "副书记": 1, "专职副书记": 1, "组织委员": 2, "宣传委员": 3, "纪检委员": 4, "委员": 5}


@login_required
def org_create(request):
    if highest_role(request.user) < Role.UNIT_ADMIN:
        raise PermissionDenied("只有单位管理员及以上角色可以新建党组织")
    initial = {}
    parent_id = request.GET.get("parent")
    if parent_id and parent_id.isdigit():
        parent = get_visible_or_404(request.user, PartyOrg.objects, pk=int(parent_id))
        initial = {"parent": parent, "institution": parent.institution}
    form = PartyOrgForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            org = form.save()
            recheck_in_scope(request.user, org)
            services.refresh_orgs([org.id] + ([org.parent_id] if org.parent_id else []))
            services.refresh_institutions([org.institution_id] + [i.id for i in org.joint_institutions.all()])
        messages.success(request, f"已新建党组织：{org.name}")
        return redirect("orgs:detail", org.pk)
    return render(request, "orgs/org_form.html", {"form": form, "org": None})


@login_required
def org_edit(request, pk):
    org = get_changeable_or_404(request.user, PartyOrg.objects, pk=pk)
    old_parent_id = org.parent_id
    old_units = {org.institution_id, *org.joint_institutions.values_list("id", flat=True)}
    form = PartyOrgForm(request.POST or None, instance=org, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            org = form.save(commit=False)
            if org.parent_id != old_parent_id:
                services.move_subtree(org, org.parent)
            org.save()
            form.save_m2m()
            recheck_in_scope(request.user, org)
            services.refresh_orgs([org.id, *(p for p in (old_parent_id, org.parent_id) if p)])
            new_units = {org.institution_id, *org.joint_institutions.values_list("id", flat=True)}
            services.refresh_institutions(old_units | new_units)
        messages.success(request, "已保存")
        return redirect("orgs:detail", org.pk)
    return render(request, "orgs/org_form.html", {"form": form, "org": org})


@login_required
def org_deactivate(request, pk):
    org = get_changeable_or_404(request.user, PartyOrg.objects, pk=pk)
    form = DeactivateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if PartyOrg.objects.filter(parent=org, is_active=True).exists():
            form.add_error(None, "该党组织还有下级党组织，请先撤销或调整下级组织")
        elif Membership.objects.filter(org=org, end_on__isnull=True).exists():
            form.add_error(None, "该党组织还有在册党员，请先办理组织关系转出")
        else:
            with transaction.atomic():
                org.is_active = False
                org.deactivated_on = form.cleaned_data["deactivated_on"]
                org.save()
                services.refresh_orgs([org.id] + ([org.parent_id] if org.parent_id else []))
                services.refresh_institutions([org.institution_id])
            messages.success(request, f"已撤销：{org.name}")
            return redirect("orgs:detail", org.pk)
    return render(request, "core/confirm_form.html", {"form": form, "title": f"撤销党组织：{org.name}", "back": org})


# --- warnings ---------------------------------------------------------------------


@login_required
def warnings_list(request):
    qs = OrgWarning.objects.visible_to(request.user)
    root = None
    org_id = request.GET.get("org")
    if org_id and org_id.isdigit():
        root = get_visible_or_404(request.user, PartyOrg.objects, pk=int(org_id))
        qs = OrgWarning.objects.visible_under(request.user, root.path)
    counts = dict(qs.values("code").annotate(n=Count("id")).values_list("code", "n"))
    code = request.GET.get("code")
    if code in WarningCode.values:
        qs = qs.filter(code=code)
    qs = qs.select_related("org").only(
        "id", "org_path", "code", "message", "computed_at", "institution_id", "org__name"
    )
    if request.GET.get("export") == "xlsx":
        rows = (
            (w.org.name, w.get_code_display(), w.message, w.computed_at.date())
            for w in qs.order_by("org_path", "id").iterator(2000)
        )
        return xlsx_response(request, "规则提示", ["党组织", "类别", "说明", "计算时间"], rows)
    columns = ("id", "org_path", "org_id", "org__name", "code", "message", "institution_id", "person_id")
    if counted := count_response(request, qs, ("org_path", "id")):
        return counted
    page = keyset_page(qs.values(*columns), ("org_path", "id"), request.GET.get("after"))
    summary = [(c, label, counts.get(c, 0)) for c, label in WarningCode.choices if counts.get(c)]
    return render(request, "orgs/warnings.html", {"page": page, "summary": summary, "root": root, "code": code})


# --- institutions -----------------------------------------------------------------


@login_required
def institution_list(request):
    qs = Institution.objects.visible_to(request.user).search(request.GET.get("q", ""))
    for param, field, values in (
        ("kind", "kind", InstitutionKind.values),
        ("ownership", "ownership", Ownership.values),
    ):
        value = request.GET.get(param)
        if value in values:
            qs = qs.filter(**{field: value})
    region = request.GET.get("region", "").strip()
    if region.isdigit():
        qs = qs.filter(region_code__startswith=region)
    if request.GET.get("inactive") != "1":
        qs = qs.filter(is_active=True)
    if request.GET.get("export") == "xlsx":
        rows = (
            (
                i.id,
                i.name,
                i.credit_code,
                i.get_ownership_display(),
                i.get_kind_display(),
                i.grade,
                i.region_code,
                region_name(i.region_code),
                i.parent.name if i.parent else "",
                i.managing_org.name,
                i.staff_count,
            )
            for i in qs.select_related("parent", "managing_org").order_by("org_path", "id").iterator(2000)
        )
        headers = [
            "编号",
            "名称",
            "统一社会信用代码",
            "所有制",
            "类型",
            "等级",
            "行政区划代码",
            "行政区划",
            "上级单位",
            "管理党组织",
            "从业人员数",
        ]
        return xlsx_response(request, "单位", headers, rows)
    columns = ("id", "org_path", "name", "kind", "ownership", "grade", "region_code", "managing_org__name")
    ordering = ("name_norm", "id") if request.GET.get("sort") == "name" else ("org_path", "id")
    if counted := count_response(request, qs, ordering):
        return counted
    page = keyset_page(qs.values(*columns, "name_norm"), ordering, request.GET.get("after"))
    return render(
        request,
        "orgs/institution_list.html",
        {
            "page": page,
            "kinds": InstitutionKind.choices,
            "ownerships": Ownership.choices,
            "regions": city_prefix_choices(
                Institution.objects.visible_to(request.user).values_list("region_code", flat=True).distinct()[:2000]
            ),
        },  # fmt: skip
    )


@login_required
def institution_detail(request, pk):
    inst = get_visible_or_404(request.user, Institution.objects.select_related("parent", "managing_org"), pk=pk)
    context = {
        "inst": inst,
        "campuses": inst.campuses.filter(is_active=True).order_by("name"),
        "orgs": PartyOrg.objects.visible_to(request.user).filter(institution=inst),
        "joint_orgs": PartyOrg.objects.visible_to(request.user).filter(joint_institutions=inst),
        "posts": Position.objects.filter(institution=inst).select_related("person").order_by("-start_on", "title")[:50],
        "warnings": OrgWarning.objects.filter(institution=inst),
        "can_change": can(request.user, inst, "change"),
    }
    return render(request, "orgs/institution_detail.html", context)


@login_required
def institution_form(request, pk=None):
    inst = object_to_edit(
        request.user, Institution.objects, pk, Role.UNIT_ADMIN, "只有单位管理员及以上角色可以新建单位"
    )
    form = InstitutionForm(request.POST or None, instance=inst, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            inst = form.save()
            recheck_in_scope(request.user, inst)
            services.refresh_institutions([inst.id])
        messages.success(request, f"已保存单位：{inst.name}")
        return redirect("orgs:institution", inst.pk)
    return render(request, "orgs/institution_form.html", {"form": form, "inst": inst})


@login_required
@require_POST
def institution_deactivate(request, pk):
    inst = get_changeable_or_404(request.user, Institution.objects, pk=pk)
    inst.is_active = False
    inst.save()
    services.refresh_institutions([inst.id])
    messages.success(request, f"已停用单位：{inst.name}")
    return redirect("orgs:institution", inst.pk)


# --- rule settings (CONFIG data) ----------------------------------------------------


@login_required
def rule_settings(request):
    if not request.user.is_superuser:
        raise PermissionDenied("规则参数由系统管理员维护")
    current = current_settings()
    form = RuleSettingsForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            for key, value in form.cleaned_data.items():
                setting, _ = RuleSetting.objects.get_or_create(key=key, defaults={"value": value})
                if setting.value != value:
                    setting.value = value
                    setting.save()
            services.refresh_orgs()
        messages.success(request, "规则参数已保存，所有党组织的提示已重新计算")
        return redirect("orgs:rule-settings")
    return render(request, "orgs/rule_settings.html", {"form": form})
