from django.urls import path

from . import views

app_name = "activities"
urlpatterns = [
    path("", views.activity_list, name="list"),
    path("new/", views.activity_form, name="create"),
    path("mine/", views.my_activities, name="mine"),
    path("todo/", views.todo, name="todo"),
    path("checkin/", views.checkin, name="checkin"),
    path("compliance/", views.compliance_overview, name="compliance"),
    path("compliance/branches/", views.compliance_list, name="compliance-list"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/edit/", views.activity_form, name="edit"),
    path("<int:pk>/cancel/", views.activity_cancel, name="cancel"),
    path("<int:pk>/attendance/", views.attendance_sheet, name="attendance"),
    path("<int:pk>/signin-sheet/", views.signin_sheet, name="signin-sheet"),
    path("<int:pk>/qr/", views.qr_display, name="qr"),
    path("<int:pk>/record.docx", views.meeting_record, name="record"),
    path("<int:pk>/photos/", views.photo_upload, name="photo-upload"),
    path("<int:pk>/photos/<int:photo_pk>/", views.photo_file, name="photo"),
    path("<int:pk>/photos/<int:photo_pk>/delete/", views.photo_delete, name="photo-delete"),
    path("person/<int:pk>/", views.person_attendance, name="person"),
    path("org/<int:pk>/calendar/", views.org_calendar, name="calendar"),
    path("org/<int:pk>/ledger/<int:year>/", views.org_ledger, name="ledger"),
    path("org/<int:pk>/appraisal/<int:year>/", views.appraisal, name="appraisal"),
]
