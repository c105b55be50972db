"""An upload of a spreadsheet: validated in full, previewed with row-level errors, applied in one transaction."""

from django.conf import settings
from django.db import models


class ImportKind(models.TextChoices):
    INSTITUTIONS = "institutions", "单位"
    ORGS = "orgs", "党组织"
    PEOPLE = "people", "人员"
    MEMBERSHIPS = "memberships", "组织关系"
    POSITIONS = "positions", "职务"
    REFERRAL_COUNTS = "referral_counts", "转诊人次（医联体）"
    DUES_BASES = "dues_bases", "党费基数"
    DUES_PAYMENTS = "dues_payments", "党费交纳记录"
    APPLICANTS = "applicants", "发展党员（入党申请人、积极分子、发展对象）"


class ImportStatus(models.TextChoices):
    CHECKING = "checking", "校验中"
    INVALID = "invalid", "有错误，未导入"
    READY = "ready", "校验通过，待确认"
    QUEUED = "queued", "等待导入"
    RUNNING = "running", "导入中"
    DONE = "done", "已导入"
    FAILED = "failed", "导入失败，未写入任何数据"
    EXPIRED = "expired", "已过期，文件已删除"
    CANCELLED = "cancelled", "已放弃，文件已删除"


# States a job ends in: its upload is gone and nothing will run for it again.
FINAL_STATUSES = {
    ImportStatus.INVALID,
    ImportStatus.DONE,
    ImportStatus.FAILED,
    ImportStatus.EXPIRED,
    ImportStatus.CANCELLED,
}
# States in which a worker is (or should be) working on the job.
WORKING_STATUSES = {ImportStatus.CHECKING, ImportStatus.QUEUED, ImportStatus.RUNNING}


class ImportJob(models.Model):
    """One uploaded file. Only its uploader sees it; the rows it writes go through the same access gate.

    The upload is stored encrypted (it may hold ID numbers in clear) and deleted when the job ends, is given up,
    or waits unconfirmed longer than the CONFIG time (规则参数 import_upload_hours)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="imports")
    kind = models.CharField("类型", max_length=16, choices=ImportKind.choices)
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField("文件名", max_length=200)
    status = models.CharField("状态", max_length=10, choices=ImportStatus.choices)
    source = models.CharField("来源", max_length=8, default="web")  # "web" (a task) or "cli" (import_registry)
    attempts = models.PositiveSmallIntegerField("运行次数", default=0)
    note = models.CharField("说明", max_length=200, blank=True)
    row_count = models.PositiveIntegerField("数据行数", default=0)
    errors = models.JSONField("错误", default=list)
    error_count = models.PositiveIntegerField(default=0)
    summary = models.JSONField("摘要", default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"
        indexes = [
            models.Index(fields=["user", "-created_at"], name="import_user_recent"),
            models.Index(fields=["status", "created_at"], name="import_status_age"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.original_name}"
