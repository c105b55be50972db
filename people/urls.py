from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("lookup/", views.person_lookup, name="lookup"),
    path("new/", views.person_create, name="create"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/deactivate/", views.person_deactivate, name="deactivate"),
    path("<int:pk>/reveal/", views.person_reveal, name="reveal"),
    path("<int:pk>/end-membership/", views.membership_end, name="end-membership"),
    path("<int:pk>/positions/new/", views.position_form, name="position-create"),
    path("<int:pk>/positions/<int:position_pk>/edit/", views.position_form, name="position-edit"),
]
