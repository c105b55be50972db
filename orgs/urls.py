from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("<int:pk>/children/", views.tree_children, name="tree-children"),
    path("list/", views.org_list, name="list"),
    path("lookup/", views.org_lookup, name="lookup"),
    path("institutions/lookup/", views.institution_lookup, name="institution-lookup"),
    path("new/", views.org_create, name="create"),
    path("<int:pk>/", views.org_detail, name="detail"),
    path("<int:pk>/edit/", views.org_edit, name="edit"),
    path("<int:pk>/deactivate/", views.org_deactivate, name="deactivate"),
    path("warnings/", views.warnings_list, name="warnings"),
    path("institutions/", views.institution_list, name="institutions"),
    path("institutions/new/", views.institution_form, name="institution-create"),
    path("institutions/<int:pk>/", views.institution_detail, name="institution"),
    path("institutions/<int:pk>/edit/", views.institution_form, name="institution-edit"),
    path("institutions/<int:pk>/deactivate/", views.institution_deactivate, name="institution-deactivate"),
    path("settings/", views.rule_settings, name="rule-settings"),
]
