from django.urls import path

from .views import editor, pages, site

app_name = "news"
urlpatterns = [
    path("", editor.article_list, name="list"),
    path("new/", editor.article_form, name="create"),
    path("<int:pk>/", editor.article_detail, name="detail"),
    path("<int:pk>/edit/", editor.article_form, name="edit"),
    path("<int:pk>/step/", editor.article_step, name="step"),
    path("<int:pk>/photos/", editor.photo_add, name="photo-add"),
    path("<int:pk>/editor-image/", editor.editor_image, name="editor-image"),
    path("from-activity/<int:activity_pk>/", editor.draft_from_activity, name="from-activity"),
    path("columns/", editor.column_list, name="columns"),
    path("columns/new/", editor.column_form, name="column-create"),
    path("site-settings/<int:org_pk>/", editor.site_settings, name="site-settings"),
    path("columns/<int:pk>/edit/", editor.column_form, name="column-edit"),
    path("search/", editor.search, name="search"),
    path("import/", pages.upload, name="import"),
    path("import/batch/<str:batch>/", pages.batch, name="import-batch"),
    path("import/batch/<str:batch>/confirm-all/", pages.confirm_all, name="import-confirm-all"),
    path("import/<int:pk>/", pages.review, name="import-review"),
    path("import/<int:pk>/reject/", pages.reject, name="import-reject"),
    path("site/<int:org_pk>/", site.site_home, name="site-home"),
    path("site/<int:org_pk>/c/<int:column_pk>/", site.site_column, name="site-column"),
    path("site/<int:org_pk>/a/<int:pk>/", site.site_article, name="site-article"),
    path("site/<int:org_pk>/feed.atom", site.site_feed, name="site-feed"),
    path("site/<int:org_pk>/c/<int:column_pk>/feed.atom", site.site_feed, name="site-column-feed"),
    path("site/<int:org_pk>/search/", site.site_search, name="site-search"),
    path("site/<int:org_pk>/banner/", site.site_banner, name="site-banner"),
    path("site/hit/<int:pk>/", site.site_hit, name="site-hit"),
    path("photo/<int:pk>/", site.photo_file, name="photo"),
]
