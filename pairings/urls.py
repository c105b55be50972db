from django.urls import path

from . import views

app_name = "pairings"
urlpatterns = [
    path("", views.pairing_list, name="list"),
    path("new/", views.pairing_form, name="create"),
    path("partner-lookup/", views.partner_lookup, name="partner-lookup"),
    path("lookup/", views.pairing_lookup, name="lookup"),
    path("network/", views.network, name="network"),
    path("network/data/", views.network_data, name="network-data"),
    path("<int:pk>/", views.pairing_detail, name="detail"),
    path("<int:pk>/edit/", views.pairing_form, name="edit"),
    path("<int:pk>/agreement/", views.agreement, name="agreement"),
    path("<int:pk>/members/new/", views.member_add, name="member-add"),
    path("<int:pk>/members/<int:member_pk>/accept/", views.member_accept, name="member-accept"),
    path("<int:pk>/members/<int:member_pk>/leave/", views.member_leave, name="member-leave"),
    path("<int:pk>/commitments/new/", views.commitment_form, name="commitment-create"),
    path("<int:pk>/commitments/plan/", views.commitment_plan, name="commitment-plan"),
    path("<int:pk>/needs/new/", views.list_item_form, {"kind": "need"}, name="need-create"),
    path("<int:pk>/needs/<int:item_pk>/edit/", views.list_item_form, {"kind": "need"}, name="need-edit"),
    path("<int:pk>/resources/new/", views.list_item_form, {"kind": "resource"}, name="resource-create"),
    path("<int:pk>/resources/<int:item_pk>/edit/", views.list_item_form, {"kind": "resource"}, name="resource-edit"),
    path("<int:pk>/projects/new/", views.project_form, name="project-create"),
    path("<int:pk>/projects/<int:project_pk>/edit/", views.project_form, name="project-edit"),
    path("<int:pk>/commitments/<int:commitment_pk>/edit/", views.commitment_form, name="commitment-edit"),
]
