"""Keep the search index in step with activities and articles (articles also reindex on every service write), and
retire the cached public lists when any article or photo changes."""

from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from activities.models import Activity
from core import versions

from . import search, services
from .models import Article, ArticlePhoto, DocumentKind


def index_activity(sender, instance: Activity, raw=False, **kwargs):
    if raw:
        return
    search.index(
        DocumentKind.ACTIVITY, instance.pk, org_path=instance.org_path, is_public=False,
        day=timezone.localtime(instance.starts_at).date(), title=instance.title,
        text="\n".join(t for t in (instance.place, instance.summary) if t),
    )  # fmt: skip


def unindex_activity(sender, instance: Activity, **kwargs):
    search.remove(DocumentKind.ACTIVITY, instance.pk)


def unindex_article(sender, instance: Article, **kwargs):
    search.remove(DocumentKind.ARTICLE, instance.pk)


def renew_public_lists(sender, raw=False, **kwargs):
    if not raw:
        versions.renew(services.PUBLIC_LISTS_VERSION)


def connect() -> None:
    for model in (Article, ArticlePhoto):
        post_save.connect(renew_public_lists, sender=model, dispatch_uid=f"news-lists-{model.__name__}")
        post_delete.connect(renew_public_lists, sender=model, dispatch_uid=f"news-lists-del-{model.__name__}")
    post_save.connect(index_activity, sender=Activity, dispatch_uid="news-index-activity")
    post_delete.connect(unindex_activity, sender=Activity, dispatch_uid="news-unindex-activity")
    post_delete.connect(unindex_article, sender=Article, dispatch_uid="news-unindex-article")
