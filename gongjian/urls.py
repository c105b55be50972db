from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

urlpatterns = [
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("orgs/", include("orgs.urls")),
    path("people/", include("people.urls")),
    path("imports/", include("imports.urls")),
    path("activities/", include("activities.urls")),
    path("pairings/", include("pairings.urls")),
    path("alliances/", include("alliances.urls")),
    path("news/", include("news.urls")),
    path("honours/", include("honours.urls")),
    path("coverage/", include("coverage.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("workbench/", include("workbench.urls")),
    path("transfers/", include("transfers.urls")),
    path("dues/", include("dues.urls")),
    path("development/", include("development.urls")),
    path("api/v1/", include("gongjian.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("admin/", admin.site.urls),
]
