from django.urls import path

from . import views

app_name = "development"
urlpatterns = [
    path("", views.applicant_list, name="list"),
    path("new/", views.applicant_create, name="create"),
    path("plan/", views.plan, name="plan"),
    path("<int:pk>/", views.applicant_detail, name="detail"),
    path("<int:pk>/step/<slug:step>/", views.applicant_step, name="step"),
    path("<int:pk>/documents/", views.document_upload, name="document-upload"),
    path("<int:pk>/documents/<int:doc_pk>/", views.document_download, name="document"),
    path("<int:pk>/record.docx", views.record_docx, name="record"),
]
