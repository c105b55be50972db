from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("token/", views.api_token, name="token"),
    path("token/reset/", views.api_token_reset, name="token-reset"),
    path("grants/", views.grant_list, name="grants"),
    path("grants/new/", views.grant_create, name="grant-create"),
    path("grants/<int:pk>/revoke/", views.grant_revoke, name="grant-revoke"),
    path("users/<int:pk>/unlock/", views.account_unlock, name="unlock"),
    path("users/<int:pk>/reset-otp/", views.account_reset_otp, name="reset-otp"),
    path("otp/", views.otp, name="otp"),
    path("password/", views.password_change, name="password"),
    path("bulk-open/", views.bulk_open, name="bulk-open"),
    path("activate/", views.activate_account, name="activate"),
]
