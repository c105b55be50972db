from django.urls import path

from . import views

app_name = "transfers"
urlpatterns = [
    path("", views.transfer_list, name="list"),
    path("new/", views.transfer_create, name="create"),
    path("incoming/", views.transfer_incoming, name="incoming"),
    path("org-lookup/", views.org_lookup, name="org-lookup"),
    path("<int:pk>/", views.transfer_detail, name="detail"),
    path("<int:pk>/accept/", views.transfer_accept, name="accept"),
    path("<int:pk>/return/", views.transfer_return, name="return"),
    path("<int:pk>/cancel/", views.transfer_cancel, name="cancel"),
    path("<int:pk>/receipt/", views.transfer_receipt, name="receipt"),
    path("<int:pk>/letter/", views.transfer_letter, name="letter"),
]
