"""Demo 两个覆盖 rounds over the 白云 sector's private institutions (the seed's 精康 group, its campuses and
白云精神康复医院) plus three invented clinics, then a second round with changes to compare."""

import datetime

from orgs.models import Institution, PartyOrg

from . import services
from .models import OrgForm, SurveyRound

MARKER = "2023年上半年两个覆盖摸排"
CLINICS = [("白云区和平门诊部（演示）", 18), ("白云区康乐口腔诊所（演示）", 9), ("白云区安心护理院（演示）", 26)]
# institution name -> (staff, formal, form, instructor) in the first and second round
FIRST = {
    "广州精康医疗集团": (420, 38, OrgForm.OWN, ""), "广州精康医疗集团龙归院区": (160, 12, OrgForm.OWN, ""),
    "广州精康医疗集团同和院区": (120, 9, OrgForm.OWN, ""), "白云精神康复医院": (210, 21, OrgForm.OWN, ""),
    "白云区和平门诊部（演示）": (18, 3, OrgForm.NONE, ""), "白云区康乐口腔诊所（演示）": (9, 1, OrgForm.NONE, "何耀东"),
}  # fmt: skip
SECOND = {
    "广州精康医疗集团龙归院区": (172, 14, OrgForm.OWN, ""),
    "白云区和平门诊部（演示）": (20, 3, OrgForm.JOINT, ""),
    "白云区安心护理院（演示）": (26, 2, OrgForm.NONE, "冯秀娟"),
}  # fmt: skip


def load_demo_coverage() -> None:
    sector = PartyOrg.objects.filter(name="广州市白云区民营医疗行业党委").first()
    if sector is None or SurveyRound.objects.filter(name=MARKER).exists():
        return
    for name, _staff in CLINICS[:2]:
        _clinic(name, sector)
    first = services.open_round(sector, MARKER, datetime.date(2023, 3, 1), datetime.date(2023, 4, 30))
    _fill(first, FIRST)
    _clinic(CLINICS[2][0], sector)  # opened between the rounds: 新增 in the second
    second = services.open_round(
        sector, "2023年下半年两个覆盖摸排", datetime.date(2023, 9, 1), datetime.date(2023, 10, 31)
    )
    _fill(second, SECOND)


def _clinic(name: str, sector: PartyOrg) -> Institution:
    return Institution.objects.create(name=name, ownership="private", kind="clinic", region_code="440111",
                                      managing_org=sector)  # fmt: skip


def _fill(survey: SurveyRound, figures: dict) -> None:
    for row in survey.rows.select_related("institution"):
        values = figures.get(row.institution.name)
        if values is None:
            continue
        row.staff_count, row.formal_members, row.org_form, row.instructor = values
        row.note = ""
        services.save_row(None, row)
