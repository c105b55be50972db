from django.urls import path

from . import views

app_name = "dues"
urlpatterns = [
    path("", views.index, name="index"),
    path("arrears/", views.arrears, name="arrears"),
    path("rates/", views.rates, name="rates"),
    path("receipts/", views.receipts, name="receipts"),
    path("rates/new/", views.rate_create, name="rate-create"),
    path("org/<int:pk>/<int:year>/<int:month>/", views.month_page, name="month"),
    path("org/<int:pk>/bases/<int:year>/", views.bases_page, name="bases"),
    path("org/<int:pk>/register/<int:year>/", views.register, name="register"),
    path("org/<int:pk>/handover/", views.handover, name="handover"),
    path("person/<int:pk>/pay/", views.pay_page, name="pay"),
    path("payments/<int:pk>/undo/", views.undo_payment, name="undo"),
]
