from django.urls import path

from . import views

app_name = "workbench"
urlpatterns = [
    path("notices/", views.notice_list, name="notices"),
    path("notices/<int:pk>/", views.notice_open, name="notice-open"),
    path("notices/read-all/", views.notice_read_all, name="notices-read-all"),
    path("notices/settings/", views.notice_settings, name="notice-settings"),
]
