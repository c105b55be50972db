from django.urls import path

from . import views

app_name = "coverage"
urlpatterns = [
    path("", views.round_list, name="list"),
    path("new/", views.round_create, name="create"),
    path("<int:pk>/", views.round_detail, name="detail"),
    path("<int:pk>/compare/", views.round_compare, name="compare"),
    path("<int:pk>/import/", views.round_import, name="import"),
    path("rows/<int:pk>/", views.row_edit, name="row"),
]
