"""Activity pages, by responsibility: the record, attendance and check-in, and oversight (calendar, compliance,
ledger, 民主评议)."""

from .attendance import attendance_sheet, checkin, my_activities, person_attendance, qr_display, signin_sheet
from .oversight import appraisal, compliance_list, compliance_overview, meeting_record, org_calendar, org_ledger, todo
from .records import (
    activity_cancel,
    activity_detail,
    activity_form,
    activity_list,
    photo_delete,
    photo_file,
    photo_upload,
)

__all__ = [
    "activity_cancel",
    "activity_detail",
    "activity_form",
    "activity_list",
    "appraisal",
    "attendance_sheet",
    "checkin",
    "compliance_list",
    "compliance_overview",
    "meeting_record",
    "my_activities",
    "org_calendar",
    "org_ledger",
    "person_attendance",
    "photo_delete",
    "photo_file",
    "photo_upload",
    "qr_display",
    "signin_sheet",
    "todo",
]
