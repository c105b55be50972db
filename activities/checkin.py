"""QR check-in: a signed, time-limited code shown at the meeting; a member scans it on a phone and is checked in.

The code is `activity id . person id (0 = anyone on the roll) . issue time`, signed with the site's secret key
(django.core.signing), so it cannot be forged, is refused once older than CHECKIN_TOKEN_SECONDS, and a member can
use it only for themselves. A second use by the same member changes nothing (the first check-in time stays).
"""

import io

import segno
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from core.access import own_person

from .models import Activity, Attendance, AttendanceStatus, CheckInMethod
from .services import recount

SALT = "activities.checkin"
EARLY_MINUTES = 120  # the code works from two hours before the start …
LATE_HOURS = 4  # … until four hours after the end (or the start, when no end is recorded)


class CheckInError(Exception):
    """A refusal with a message for the member."""


def make_token(activity_id: int, person_id: int = 0) -> str:
    return signing.TimestampSigner(salt=SALT).sign(f"{activity_id}.{person_id}")


def read_token(token: str) -> tuple[int, int]:
    signer = signing.TimestampSigner(salt=SALT)
    try:
        value = signer.unsign(token or "", max_age=settings.CHECKIN_TOKEN_SECONDS)
    except signing.SignatureExpired:
        raise CheckInError("签到码已过期，请扫描会场屏幕上最新的二维码")
    except signing.BadSignature:
        raise CheckInError("签到码无效（可能被篡改或不完整），请重新扫码")
    activity_id, person_id = (int(part) for part in value.split("."))
    return activity_id, person_id


def qr_svg(url: str) -> str:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=6, border=2, xmldecl=False, svgns=True)
    return buffer.getvalue().decode()


def check_open(activity: Activity) -> None:
    now = timezone.now()
    if activity.is_cancelled:
        raise CheckInError("该活动已取消")
    if now < activity.starts_at - timezone.timedelta(minutes=EARLY_MINUTES):
        raise CheckInError("签到尚未开始（活动开始前2小时开放）")
    if now > (activity.ends_at or activity.starts_at) + timezone.timedelta(hours=LATE_HOURS):
        raise CheckInError("该活动签到已结束")


def check_in(user, token: str) -> tuple[Attendance, bool]:
    """Check the signed-in member in; returns (attendance, created_now). Raises CheckInError with the reason."""
    activity_id, bound_person = read_token(token)
    own = own_person(user)
    if own is None:
        raise CheckInError("您的账号未关联党员信息，请联系支部书记登记")
    person_id, person_path = own
    if bound_person and bound_person != person_id:
        raise CheckInError("这是其他党员的个人签到码，请使用您本人的签到码")
    activity = Activity.objects.filter(pk=activity_id).first()
    if activity is None:
        raise CheckInError("活动不存在")
    check_open(activity)
    with transaction.atomic():
        row = Attendance.objects.select_for_update().filter(activity=activity, person_id=person_id).first()
        if row is None:
            organiser_paths = activity.organisers.values_list("org_path", flat=True)
            if not any(person_path.startswith(path) for path in organiser_paths):
                raise CheckInError("您不在本次活动的参加范围内")
            row = Attendance(
                activity=activity,
                person_id=person_id,
                org_path=person_path,
                starts_at=activity.starts_at,
                expected=False,
            )
        if row.status == AttendanceStatus.PRESENT and row.checked_in_at:
            return row, False
        row.status = AttendanceStatus.PRESENT
        row.reason = ""
        row.checked_in_at = timezone.now()
        row.method = CheckInMethod.QR
        row.save()
        recount(activity)
    return row, True
