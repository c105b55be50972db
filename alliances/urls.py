from django.urls import path

from . import views

app_name = "alliances"
urlpatterns = [
    path("", views.alliance_list, name="list"),
    path("new/", views.alliance_form, name="create"),
    path("institution-lookup/", views.institution_lookup, name="institution-lookup"),
    path("<int:pk>/", views.alliance_detail, name="detail"),
    path("<int:pk>/edit/", views.alliance_form, name="edit"),
    path("<int:pk>/members/new/", views.member_add, name="member-add"),
    path("<int:pk>/members/<int:member_pk>/leave/", views.member_leave, name="member-leave"),
    path("referrals/", views.referral_list, name="referrals"),
    path("referrals/new/", views.referral_create, name="referral-create"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral"),
    path("referrals/<int:pk>/move/", views.referral_move, name="referral-move"),
    path("referrals/<int:pk>/reveal/", views.referral_reveal, name="referral-reveal"),
]
