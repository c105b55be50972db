"""发展党员 pages: the list per branch and committee (stage, what is due this month, overdue), a new applicant, the
applicant's record with the step that comes next, the annual plan against its quota, and the register."""

import datetime
import io
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.access import Role, get_visible_or_404, highest_role, role_at, scope_q
from core.export import xlsx_response
from core.forms import show_refusal
from core.paging import count_response, keyset_page
from orgs.forms import OrgFilterForm
from orgs.models import PartyOrg
from orgs.services import rows_under
from people.models import Person

from . import services
from .forms import (
    BRANCH_LIKE,
    ActivistForm,
    AdmitForm,
    ApproveForm,
    CandidateForm,
    CloseForm,
    ConfirmForm,
    DocumentForm,
    ExtendForm,
    PlanRowForm,
    ReviewForm,
    StartForm,
    TalkForm,
)
from .models import OPEN_STAGES, Applicant, Document, Plan, Stage


def require_secretary(user) -> None:
    if highest_role(user) < Role.SECRETARY:
        raise PermissionDenied("只有支部书记及以上角色可以办理发展党员")


def filtered(request):
    filters = OrgFilterForm(request.GET or None, user=request.user)
    org = filters.cleaned_data.get("org") if filters.is_valid() else None
    qs = rows_under(Applicant.objects.all(), request.user, Role.SECRETARY, org)
    if request.GET.get("stage") in Stage.values:
        qs = qs.filter(stage=request.GET["stage"])
    today = timezone.localdate()
    due = request.GET.get("due")
    if due == "month":  # due by the end of this month, overdue included
        end = (today.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
        qs = qs.filter(next_due__lte=end, stage__in=OPEN_STAGES)
    elif due == "overdue":
        qs = qs.filter(next_due__lt=today, stage__in=OPEN_STAGES)
    return qs, filters, due


@login_required
def applicant_list(request):
    require_secretary(request.user)
    qs, filters, due = filtered(request)
    if request.GET.get("export") == "xlsx":
        return register_xlsx(request, qs)
    ordering = ("next_due", "id") if due else ("-id",)
    if counted := count_response(request, qs, ordering):
        return counted
    # plain rows, not models: a page of 50 applicants with their person and branch is 150 model instances
    rows = qs.values("id", "person__name", "org__name", "stage", "applied_on", "next_step", "next_due")
    page = keyset_page(rows, ordering, request.GET.get("after"))
    context = {"page": page, "filters": filters, "stages": Stage.choices, "today": timezone.localdate(),
               "stage_labels": dict(Stage.choices)}  # fmt: skip
    return render(request, "development/list.html", context)


def by_name(people):
    """People in the order every list of people has (by pinyin of the name): a many-to-many keeps none of its own,
    and PostgreSQL gave an applicant's two 入党介绍人 either way round from one read to the next."""
    return people.order_by("name_pinyin", "id")


def register_xlsx(request, qs):
    """发展党员登记表: one row per applicant with every step's date."""
    headers = ["姓名", "性别", "出生日期", "培养党支部", "阶段", "申请日期", "谈话", "积极分子", "备案", "培养联系人",
               "发展对象", "入党介绍人", "政审", "培训学时", "预审", "公示", "支部大会（入党日期）", "表决（应到/赞成/反对/弃权）",
               "上级审批", "延长（月）", "转正（党龄起算）", "终止"]  # fmt: skip
    rows = (
        (a.person.name, a.person.get_gender_display(), a.person.birth_date, a.org.name, a.get_stage_display(),
         a.applied_on, a.talked_on, a.activist_on, a.filed_on, "、".join(p.name for p in a.contacts.all()),
         a.candidate_on, "、".join(p.name for p in a.introducers.all()), a.political_review_on, a.training_hours,
         a.pre_review_on, f"{a.publicity_from}–{a.publicity_to}" if a.publicity_from else "", a.admitted_on,
         f"{a.eligible_voters}/{a.votes_for}/{a.votes_against}/{a.votes_abstain}" if a.admitted_on else "",
         a.approved_on, a.extended_months, a.person.confirmed_on if a.stage == Stage.FORMAL else None,
         f"{a.closed_on} {a.closed_reason}" if a.closed_on else "")
        for a in qs.select_related("person", "org").prefetch_related(
            Prefetch("contacts", queryset=by_name(Person.objects)), Prefetch("introducers", queryset=by_name(Person.objects))
        ).order_by("org_path", "id")
    )  # fmt: skip
    return xlsx_response(request, "发展党员登记表", headers, rows)


@login_required
def applicant_create(request):
    require_secretary(request.user)
    form = StartForm(request.POST or None, user=request.user, initial={"applied_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                person = data["person"] or new_person(data)
                if data["person"] is None:
                    person.home_org = data["org"]
                    person.full_clean(exclude=["org_path", "name_norm", "name_pinyin", "name_initials"])
                    person.save()
                applicant = services.start(request.user, person, data["org"], data["applied_on"], data["talked_on"])
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"已登记入党申请人：{applicant.person.name}")
            return redirect("development:detail", applicant.pk)
    return render(request, "development/form.html", {"form": form})


def new_person(data) -> Person:
    person = Person(name=data["name"].strip(), birth_date=data["birth_date"], gender=data["gender"] or "")
    if data["id_number"]:
        person.set_id_number(data["id_number"])
    return person


# step name -> (form, takes user and applicant, service call, message)
STEPS = {
    "talk": (TalkForm, False, lambda u, a, d: services.talk(u, a, d["talked_on"]), "已登记谈话"),
    "activist": (ActivistForm, True, lambda u, a, d: services.make_activist(
        u, a, d["activist_on"], d["meeting"], [p for p in (d["contact_1"], d["contact_2"]) if p], d["filed_on"]),
        "已确定为入党积极分子"),
    "review": (ReviewForm, False, lambda u, a, d: services.review(u, a, d["reviewed_on"], d["note"]), "已登记考察"),
    "candidate": (CandidateForm, True, lambda u, a, d: services.make_candidate(
        u, a, d["candidate_on"], d["meeting"], d["filed_on"]), "已确定为发展对象"),
    "admit": (AdmitForm, True, lambda u, a, d: services.admit(
        u, a, on=d["admitted_on"], meeting=d["meeting"], introducers=[d["introducer_1"], d["introducer_2"]],
        political_review_on=d["political_review_on"], training_hours=d["training_hours"],
        training_done_on=d["training_done_on"], pre_review_on=d["pre_review_on"], publicity_from=d["publicity_from"],
        publicity_to=d["publicity_to"], eligible=d["eligible_voters"], votes_for=d["votes_for"],
        votes_against=d["votes_against"], votes_abstain=d["votes_abstain"]), "支部大会已通过接收为预备党员"),
    "approve": (ApproveForm, False, lambda u, a, d: services.approve(u, a, d["approved_on"], d["approval_note"]),
                "已登记上级党委审批"),
    "confirm": (ConfirmForm, True, lambda u, a, d: services.confirm(u, a, d["confirmation_voted_on"], d["meeting"]),
                "支部大会已讨论转正，待上级党委审批"),
    "extend": (ExtendForm, False, lambda u, a, d: services.extend(u, a, d["extended_on"], d["extended_months"]),
               "已延长预备期"),
    "close": (CloseForm, False, lambda u, a, d: services.close(u, a, d["closed_on"], d["closed_reason"]), "已终止"),
}  # fmt: skip

# which steps each stage offers, in the order a secretary meets them
OFFERED = {
    Stage.APPLICANT: ["talk", "activist", "close"],
    Stage.ACTIVIST: ["review", "candidate", "close"],
    Stage.CANDIDATE: ["review", "admit", "close"],
    Stage.PROBATIONARY: ["approve", "confirm", "extend", "close"],
}
TITLES = {"talk": "登记谈话", "activist": "确定为入党积极分子", "review": "半年考察", "candidate": "确定为发展对象",
          "admit": "支部大会讨论接收预备党员", "approve": "上级党委审批（党办登记）", "confirm": "支部大会讨论转正",
          "extend": "延长预备期", "close": "停止培养 / 取消预备党员资格"}  # fmt: skip


def step_applies(name: str, a: Applicant, user) -> bool:
    """Only the steps that can come next: approval by the 党委's admin when something awaits it, 转正 once approved."""
    if name == "approve":
        waiting = a.approved_on is None or (a.confirmation_voted_on and not a.confirmation_approved_on)
        return bool(waiting) and role_at(user, a.org_path) >= Role.UNIT_ADMIN
    if name == "talk":
        return a.talked_on is None
    if name in ("confirm", "extend"):
        return a.approved_on is not None and not a.confirmation_voted_on
    return True


def step_form(name, user, applicant, data=None):
    form_class, takes, _, _ = STEPS[name]
    kwargs = {"user": user, "applicant": applicant} if takes else {}
    return form_class(data, prefix=name, **kwargs)


def visible_applicant(request, pk) -> Applicant:
    return get_visible_or_404(request.user, Applicant.objects.select_related("person", "org"), pk=pk)


@login_required
def applicant_detail(request, pk, failed=None):
    applicant = visible_applicant(request, pk)
    offered = [s for s in OFFERED.get(applicant.stage, []) if step_applies(s, applicant, request.user)]
    if failed and failed[0] not in offered:
        offered.insert(0, failed[0])  # the refused step is shown with its reason
    forms_ = {
        name: (failed[1] if failed and failed[0] == name else step_form(name, request.user, applicant))
        for name in offered
    }
    context = {
        "a": applicant, "forms": forms_, "titles": TITLES, "reviews": applicant.reviews.all(),
        "documents": applicant.documents.all(), "document_form": DocumentForm(),
        "contacts": by_name(applicant.contacts), "introducers": by_name(applicant.introducers),
        "probation_end": services.probation_end(applicant), "today": timezone.localdate(),
        "may_act": role_at(request.user, applicant.org_path) >= Role.SECRETARY, "open_step": failed[0] if failed else "",
    }  # fmt: skip
    return render(request, "development/detail.html", context, status=400 if failed else 200)


@login_required
@require_POST
def applicant_step(request, pk, step):
    if step not in STEPS:
        raise Http404("没有这个步骤")
    applicant = visible_applicant(request, pk)
    form = step_form(step, request.user, applicant, request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                STEPS[step][2](request.user, applicant, form.cleaned_data)
        except ValidationError as error:
            show_refusal(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, STEPS[step][3])
            return redirect("development:detail", pk)
    return applicant_detail(request, pk, failed=(step, form))


@login_required
@require_POST
def document_upload(request, pk):
    applicant = visible_applicant(request, pk)
    if role_at(request.user, applicant.org_path) < Role.SECRETARY:
        raise PermissionDenied("您的角色不能上传该党支部的材料")
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        Document.objects.create(applicant=applicant, stage=applicant.stage, title=form.cleaned_data["title"],
                                file=form.cleaned_data["file"], uploaded_by=request.user)  # fmt: skip
        messages.success(request, f"已上传：{form.cleaned_data['title']}")
    else:
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return redirect("development:detail", pk)


@login_required
def document_download(request, pk, doc_pk):
    applicant = visible_applicant(request, pk)
    document = applicant.documents.filter(pk=doc_pk).first()
    if document is None:
        raise Http404("材料不存在")
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.file.name.rsplit("/", 1)[-1])


@login_required
def record_docx(request, pk):
    """发展党员纪实表: every step with its date, meeting and people, to print and file."""
    from docx import Document as Docx
    from docx.shared import Pt

    a = visible_applicant(request, pk)
    doc = Docx()
    doc.styles["Normal"].font.size = Pt(11)
    doc.add_heading("发展党员工作纪实表", level=1)
    p = a.person
    rows = [
        ("姓名", p.name), ("性别", p.get_gender_display()), ("出生日期", p.birth_date), ("培养党支部", a.org.name),
        ("递交入党申请书", a.applied_on), ("谈话", a.talked_on), ("确定为入党积极分子", a.activist_on),
        ("报党委备案", a.filed_on), ("培养联系人", "、".join(x.name for x in by_name(a.contacts))),
        ("半年考察", "；".join(f"{r.reviewed_on} {r.note}" for r in a.reviews.all())),
        ("确定为发展对象", a.candidate_on), ("入党介绍人", "、".join(x.name for x in by_name(a.introducers))),
        ("政治审查", a.political_review_on), ("集中培训", f"{a.training_hours}学时，{a.training_done_on}结业" if a.training_hours else ""),
        ("基层党委预审", a.pre_review_on), ("公示", f"{a.publicity_from} 至 {a.publicity_to}" if a.publicity_from else ""),
        ("支部大会通过（入党日期）", a.admitted_on),
        ("表决", f"应到{a.eligible_voters}人，赞成{a.votes_for}、反对{a.votes_against}、弃权{a.votes_abstain}" if a.admitted_on else ""),
        ("上级党委审批", f"{a.approved_on or ''} {a.approval_note}".strip()),
        ("延长预备期", f"{a.extended_months}个月（{a.extended_on}）" if a.extended_months else ""),
        ("讨论转正", a.confirmation_voted_on), ("转正审批", a.confirmation_approved_on),
        ("转正日期（党龄起算）", p.confirmed_on if a.stage == Stage.FORMAL else ""),
        ("终止", f"{a.closed_on} {a.closed_reason}" if a.closed_on else ""),
    ]  # fmt: skip
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, "" if value is None else str(value)
    buffer = io.BytesIO()
    doc.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(p.name + '发展纪实表.docx')}"
    return response


@login_required
def plan(request):
    """The year's 发展计划: a quota per branch under the chosen organisation, and how many were admitted."""
    require_secretary(request.user)
    filters = OrgFilterForm(request.GET or None, user=request.user)
    org = filters.cleaned_data.get("org") if filters.is_valid() else None
    if org is None:
        org = (
            PartyOrg.objects.filter(scope_q(request.user, Role.SECRETARY, "path") or Q(), is_active=True)
            .order_by("depth", "path")
            .first()
        )
    if org is None:
        raise Http404("没有可查看的党组织")
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else timezone.localdate().year
    branches = list(PartyOrg.objects.filter(path__gte=org.path, path__lt=org.path + "~", is_active=True,
                                            kind__in=BRANCH_LIKE).order_by("path")[:500])  # fmt: skip
    quotas = dict(Plan.objects.filter(org__in=branches, year=year).values_list("org_id", "quota"))
    admitted = dict(
        Applicant.objects.filter(org__in=branches, admitted_on__year=year)
        .values("org_id")
        .annotate(n=Count("id"))
        .values_list("org_id", "n")
    )
    may_set = role_at(request.user, org.path) >= Role.UNIT_ADMIN
    rows = [{"org": b, "form": PlanRowForm(request.POST or None, prefix=str(b.pk), initial={"quota": quotas.get(b.pk)}),
             "quota": quotas.get(b.pk), "admitted": admitted.get(b.pk, 0)} for b in branches]  # fmt: skip
    if request.method == "POST":
        if not may_set:
            raise PermissionDenied("发展计划由上级党委（单位管理员）下达")
        if all(r["form"].is_valid() for r in rows):
            with transaction.atomic():
                for r in rows:
                    quota = r["form"].cleaned_data["quota"]
                    if quota is None:
                        Plan.objects.filter(org=r["org"], year=year).delete()
                    else:
                        Plan.objects.update_or_create(
                            org=r["org"], year=year, defaults={"quota": quota, "org_path": r["org"].path}
                        )
            messages.success(request, f"已保存{year}年发展计划")
            return redirect(f"{request.path}?org={org.pk}&year={year}")
    totals = {"quota": sum(r["quota"] or 0 for r in rows), "admitted": sum(r["admitted"] for r in rows)}
    context = {"org": org, "year": year, "rows": rows, "filters": filters, "may_set": may_set, "totals": totals}
    return render(request, "development/plan.html", context)
