"""News (党建动态): columns per unit, articles with a review flow, their photos, a view counter without a hot
row, and one search index over articles and activities.

An article belongs to a party organisation (the unit whose site publishes it) and carries its path, so the
access gate scopes the editor's lists with one index range like every other record. Published articles are
public; nothing private (members, attendance, ID numbers) is stored on an article.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

from core.access import PathField, Role, ScopedQuerySet


class Column(models.Model):
    """A column (栏目) of a unit's site, such as 党建动态 or 新闻动态."""

    org = models.ForeignKey("orgs.PartyOrg", verbose_name="单位", on_delete=models.CASCADE, related_name="columns")
    org_path = PathField(editable=False)
    name = models.CharField("栏目名称", max_length=40)
    parent_name = models.CharField("上级栏目", max_length=40, blank=True, help_text="面包屑中的上一级，如 新闻中心")
    sort_order = models.PositiveSmallIntegerField("排序", default=100)
    is_active = models.BooleanField("启用", default=True)

    objects = ScopedQuerySet.as_manager()
    access_roles = {"view": Role.MEMBER, "change": Role.UNIT_ADMIN}

    class Meta:
        verbose_name = "栏目"
        verbose_name_plural = "栏目"
        ordering = ["sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="column_name_once_per_unit")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.org_path = self.org.path
        super().save(*args, **kwargs)


class SiteProfile(models.Model):
    """How a unit's public news site presents itself: name, banner, colour and footer, set by its 党办."""

    org = models.OneToOneField("orgs.PartyOrg", on_delete=models.CASCADE, related_name="site_profile")
    org_path = PathField(editable=False)
    site_name = models.CharField("网站名称", max_length=60, blank=True, help_text="留空则用党组织名称")
    banner = models.ImageField("横幅图片", upload_to="sites/", blank=True, help_text="宽图，如 1600×300；JPG 或 PNG")
    color = models.CharField("主色", max_length=7, default="#b71c1c",
                             validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "请用 #RRGGBB 形式，如 #b71c1c")])  # fmt: skip
    address = models.CharField("地址", max_length=120, blank=True)
    phone = models.CharField("联系电话", max_length=40, blank=True)
    icp_number = models.CharField("ICP备案号", max_length=60, blank=True, help_text="如 粤ICP备12345678号")
    police_number = models.CharField("公安备案号", max_length=60, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    access_roles = {"view": Role.UNIT_ADMIN, "change": Role.UNIT_ADMIN}

    class Meta:
        verbose_name = "网站设置"
        verbose_name_plural = "网站设置"

    def __str__(self) -> str:
        return self.site_name or self.org.name

    def save(self, *args, **kwargs):
        self.org_path = self.org.path
        super().save(*args, **kwargs)


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    REVIEW = "review", "待审核"
    RETURNED = "returned", "已退回"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤回"


class ArticleQuerySet(ScopedQuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)


def story_key(title: str) -> str:
    """The same headline whatever its script, spacing, punctuation or column tag ('【党建】')."""
    import hashlib
    import re

    from core.text import normalise

    text = re.sub(r"^[【\[][^】\]]{1,12}[】\]]", "", normalise(title or ""))
    text = re.sub(r"[\W_]+", "", text)
    return hashlib.sha1(text.encode()).hexdigest()[:16] if text else ""


class Article(models.Model):
    org = models.ForeignKey("orgs.PartyOrg", verbose_name="单位", on_delete=models.PROTECT, related_name="articles")
    org_path = PathField(editable=False)
    column = models.ForeignKey(Column, verbose_name="栏目", on_delete=models.PROTECT, related_name="articles")
    title = models.CharField("标题", max_length=200)
    # The title without script, spacing or punctuation differences: finds the same story imported twice.
    title_key = models.CharField(max_length=16, editable=False, blank=True, db_index=True)
    summary = models.CharField("摘要", max_length=300, blank=True)
    body_html = models.TextField(
        "正文", blank=True, help_text="保存前按白名单清理：不保留脚本、框架、事件属性和 javascript: 链接"
    )
    body_text = models.TextField(editable=False, blank=True)
    source = models.CharField("来源", max_length=80, blank=True, help_text="本文来源，如 党办")
    author = models.CharField("作者", max_length=80, blank=True)
    editor = models.CharField("编辑", max_length=80, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    return_reason = models.CharField("退回原因", max_length=200, blank=True)
    activity = models.ForeignKey(
        "activities.Activity",
        verbose_name="报道的活动",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    pairing = models.ForeignKey(
        "pairings.Pairing",
        verbose_name="报道的共建",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    honour = models.ForeignKey(
        "honours.Honour",
        verbose_name="报道的荣誉",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    views = models.PositiveIntegerField("浏览次数", default=0)
    imported_views = models.PositiveIntegerField("原网站浏览次数", default=0)
    original_file = models.CharField("导入自", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()
    access_roles = {
        "view": Role.SECRETARY,
        "change": Role.SECRETARY,
        "review": Role.UNIT_ADMIN,
        "history": Role.SECRETARY,
    }

    class Meta:
        verbose_name = "文章"
        verbose_name_plural = "文章"
        indexes = [
            models.Index(fields=["column", "status", "published_at", "id"], name="article_column_time"),
            models.Index(fields=["org", "status", "published_at", "id"], name="article_unit_time"),
            models.Index(fields=["org_path", "id"], name="article_scope"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.org_path = self.org.path
        self.title_key = story_key(self.title)
        super().save(*args, **kwargs)

    @property
    def is_public(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def shown_views(self) -> int:
        return self.views + self.imported_views


class ArticlePhoto(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="news/%Y/%m/")
    caption = models.CharField("图注", max_length=200, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    is_cover = models.BooleanField("封面", default=False)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "文章图片"
        verbose_name_plural = "文章图片"
        ordering = ["sort_order", "id"]


class ArticleHit(models.Model):
    """One counted view: a visitor (hash of address and browser) per article per day. Inserts only, so a
    popular article has no hot row; `fold_article_views` adds them to Article.views and deletes them."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    visitor = models.CharField(max_length=32)
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "day", "visitor"], name="hit_once_per_day")]


class DocumentKind(models.TextChoices):
    ARTICLE = "article", "文章"
    ACTIVITY = "activity", "活动"


class SearchDocument(models.Model):
    """What search reads: one row per article or activity, with segmented simplified tokens.

    SQLite indexes `tokens` in an FTS5 table whose rowid is `sort_key` (migrations 0002, 0007); PostgreSQL in a
    GIN index over to_tsvector('simple', tokens) beside a b-tree on `sort_key`. Both keep a second index of the
    published documents for the public sites (0011). Scope, publication and date bands are index words
    (search.scope_tokens, search.band_tokens) and plain columns filtered in the same query.
    """

    kind = models.CharField(max_length=10, choices=DocumentKind.choices)
    object_id = models.BigIntegerField()
    org_path = PathField()
    is_public = models.BooleanField(default=False)
    day = models.DateField(null=True)
    sort_key = models.BigIntegerField(unique=True)  # newest first, packed (search.sort_key)
    title = models.CharField(max_length=200)
    text = models.TextField(blank=True)
    tokens = models.TextField(blank=True)

    objects = ScopedQuerySet.as_manager()
    access_roles = {"view": Role.SECRETARY}

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_once")]
        indexes = [
            models.Index(fields=["org_path", "day"], name="search_scope_day"),
            # the public site's documents in date order: a walk of a common word (news.search) reads only them
            models.Index(fields=["sort_key"], condition=models.Q(is_public=True), name="search_public_order"),
        ]


class PageImportStatus(models.TextChoices):
    PENDING = "pending", "待确认"
    CONFIRMED = "confirmed", "已导入"
    REJECTED = "rejected", "已放弃"
    FAILED = "failed", "无法读取"


class PageImport(models.Model):
    """One uploaded page awaiting review: what the extractor read, nothing else. Confirming it creates the
    article (and, if asked, the activity); until then no record exists."""

    org = models.ForeignKey("orgs.PartyOrg", verbose_name="单位", on_delete=models.CASCADE, related_name="+")
    org_path = PathField(editable=False)
    batch = models.CharField(max_length=32, db_index=True)
    file_name = models.CharField("文件", max_length=200)
    status = models.CharField(max_length=10, choices=PageImportStatus.choices, default=PageImportStatus.PENDING)
    error = models.CharField(max_length=300, blank=True)
    extracted = models.JSONField(default=dict)
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    access_roles = {"view": Role.UNIT_ADMIN, "change": Role.UNIT_ADMIN}

    class Meta:
        verbose_name = "网页导入"
        verbose_name_plural = "网页导入"
        indexes = [models.Index(fields=["org_path", "id"], name="page_import_scope")]

    def save(self, *args, **kwargs):
        self.org_path = self.org.path
        super().save(*args, **kwargs)


class PageUploadStatus(models.TextChoices):
    PROCESSING = "processing", "读取中"
    DONE = "done", "已读取"
    FAILED = "failed", "读取失败"


class PageUpload(models.Model):
    """One uploaded page or zip of pages, read by a background worker into the batch's PageImport rows."""

    org = models.ForeignKey("orgs.PartyOrg", verbose_name="单位", on_delete=models.CASCADE, related_name="+")
    org_path = PathField(editable=False)
    batch = models.CharField(max_length=32, unique=True)
    original_name = models.CharField("文件", max_length=200)
    file = models.FileField(upload_to="page-uploads/%Y/%m/", blank=True)
    status = models.CharField(max_length=10, choices=PageUploadStatus.choices, default=PageUploadStatus.PROCESSING)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    access_roles = {"view": Role.UNIT_ADMIN, "change": Role.UNIT_ADMIN}

    class Meta:
        verbose_name = "网页上传"
        verbose_name_plural = "网页上传"

    def save(self, *args, **kwargs):
        self.org_path = self.org.path
        super().save(*args, **kwargs)
