from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.start, name="start"),
    path("<int:pk>/", views.job_detail, name="job"),
    path("<int:pk>/confirm/", views.job_confirm, name="confirm"),
    path("<int:pk>/discard/", views.job_discard, name="discard"),
    path("template/<str:kind>.xlsx", views.template, name="template"),
]
