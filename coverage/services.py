"""Opening a round, filling rows (by hand or from a sheet), rates and the comparison with the previous round."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q

from core.access import PATH_END
from orgs.models import BRANCH_KINDS, COMMITTEE_KINDS, Institution, OrgKind, Ownership, PartyOrg
from orgs.rules import current_settings
from people.models import PartyStatus, Person

from .models import Change, CoverageStatus, OrgForm, RoundStatus, SurveyRound, SurveyRow

OWN_KINDS = BRANCH_KINDS | COMMITTEE_KINDS | {OrgKind.GENERAL_BRANCH}


def min_formal() -> int:
    return int(current_settings()["min_formal_members"])


def private_institutions(sector: PartyOrg):
    return Institution.objects.filter(
        ownership=Ownership.PRIVATE, is_active=True, org_path__gte=sector.path, org_path__lt=sector.path + PATH_END
    )


def open_round(sector: PartyOrg, name: str, started_on, closes_on=None) -> SurveyRound:
    """A new round with a row per private institution, prefilled from the previous round, else the registry."""
    previous = SurveyRound.objects.filter(sector=sector).order_by("-started_on", "-id").first()
    minimum = min_formal()
    with transaction.atomic():
        survey = SurveyRound.objects.create(sector=sector, name=name, started_on=started_on, closes_on=closes_on,
                                            previous=previous)  # fmt: skip
        before = {r.institution_id: r for r in previous.rows.all()} if previous else {}
        institutions = list(private_institutions(sector).only("id", "org_path", "staff_count"))
        registry = _registry_figures([i.pk for i in institutions if i.pk not in before])
        rows = []
        for institution in institutions:
            row = SurveyRow(round=survey, institution=institution, org_path=institution.org_path)
            old = before.get(institution.pk)
            if old is not None:
                for field in SurveyRow.COMPARED:
                    setattr(row, field, getattr(old, field))
                row.probationary_members, row.previous = old.probationary_members, old.figures()
            else:
                _prefill(row, registry.get(institution.pk, {}), institution.staff_count)
            row.derive(minimum)
            rows.append(row)
        SurveyRow.objects.bulk_create(rows, batch_size=2000)
        refresh_summary(survey)
        if previous and previous.status == RoundStatus.OPEN:
            previous.status = RoundStatus.CLOSED
            previous.save(update_fields=["status"])
    return survey


def _registry_figures(institution_ids: list[int]) -> dict[int, dict]:
    figures: dict[int, dict] = {i: {} for i in institution_ids}
    for inst, status, n in (
        Person.objects.filter(institution_id__in=institution_ids, is_active=True, died_on__isnull=True,
                              party_status__in=[PartyStatus.FORMAL, PartyStatus.PROBATIONARY])
        .values_list("institution_id", "party_status").annotate(n=Count("id"))
    ):  # fmt: skip
        figures[inst]["formal" if status == PartyStatus.FORMAL else "probationary"] = n
    own = PartyOrg.objects.filter(institution_id__in=institution_ids, is_active=True, kind__in=OWN_KINDS)
    for inst in own.values_list("institution_id", flat=True):
        figures[inst]["form"] = OrgForm.OWN
    joint = PartyOrg.joint_institutions.through.objects.filter(institution_id__in=institution_ids)
    for inst in joint.values_list("institution_id", flat=True):
        figures[inst].setdefault("form", OrgForm.JOINT)
    return figures


def _prefill(row: SurveyRow, figures: dict, staff_count: int | None) -> None:
    """Party figures from the registry; staff from the unit's own record, else left to be reported."""
    row.formal_members = figures.get("formal", 0)
    row.probationary_members = figures.get("probationary", 0)
    row.staff_count = staff_count
    row.org_form = figures.get("form", OrgForm.NONE)
    row.note = "" if staff_count is not None else "从业人员数待填报"


def save_row(user, row: SurveyRow) -> SurveyRow:
    if row.round.status != RoundStatus.OPEN:
        raise ValidationError("本轮摸排已结束，不能再修改。")
    row.full_clean(exclude=["round", "institution", "org_path", "updated_by"])
    row.derive(min_formal())
    row.updated_by = user
    with transaction.atomic():
        row.save()
        refresh_summary(row.round)
    return row


def refresh_summary(survey: SurveyRound) -> None:
    survey.summary = {field: _grouped(survey.rows.all(), field) for field in ("status", "change")}
    SurveyRound.objects.filter(pk=survey.pk).update(summary=survey.summary)


def _grouped(rows, field: str) -> dict[str, int]:
    return dict(rows.values(field).annotate(n=Count("id")).values_list(field, "n"))


@dataclass
class Rates:
    operating: int
    own: int
    joint: int
    should_build: int
    work_covered: int
    uncovered: int
    closed: int

    @property
    def coverage_rate(self) -> float | None:
        """组织覆盖率 = (单独组建 + 联合组建) ÷ 在营单位."""
        return (self.own + self.joint) / self.operating if self.operating else None

    @property
    def own_rate(self) -> float | None:
        """单独组建率 = 单独组建 ÷ 在营单位."""
        return self.own / self.operating if self.operating else None


def rates(survey: SurveyRound, scope: Q | None = None) -> Rates:
    if scope is None and survey.summary:
        counts = survey.summary["status"]
    else:
        counts = _grouped(survey.rows.all() if scope is None else survey.rows.filter(scope), "status")
    closed = counts.get(CoverageStatus.CLOSED, 0)
    return Rates(
        operating=sum(counts.values()) - closed, own=counts.get(CoverageStatus.OWN, 0),
        joint=counts.get(CoverageStatus.JOINT, 0), should_build=counts.get(CoverageStatus.SHOULD_BUILD, 0),
        work_covered=counts.get(CoverageStatus.WORK_COVERED, 0), uncovered=counts.get(CoverageStatus.UNCOVERED, 0),
        closed=closed,
    )  # fmt: skip


def change_counts(survey: SurveyRound, scope: Q | None = None) -> dict[str, int]:
    if scope is None and survey.summary:
        counts = survey.summary["change"]
    else:
        counts = _grouped(survey.rows.all() if scope is None else survey.rows.filter(scope), "change")
    return {value: counts.get(value, 0) for value in Change.values}


def changed_fields(row: SurveyRow) -> list[tuple[str, object, object]]:
    """(label, previous value, current value) for each compared figure that differs."""
    return compare_figures(row.previous, row.figures())


_LABELS = {f.name: str(f.verbose_name) for f in SurveyRow._meta.fields}


def compare_figures(previous: dict, current: dict) -> list[tuple[str, object, object]]:
    """changed_fields of a row read as values: its previous figures against the current ones."""
    if not previous:
        return []

    def shown(value):
        return "未填报" if value is None else value

    return [(_LABELS[k], shown(previous.get(k)), shown(v)) for k, v in current.items() if previous.get(k) != v]

