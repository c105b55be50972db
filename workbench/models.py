"""Messages to a person about something that waits for them, and their choice of email per kind."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Kind(models.TextChoices):
    REVIEW_REQUESTED = "review_requested", "稿件待审核"
    ARTICLE_RETURNED = "article_returned", "稿件被退回"
    PAIRING_TO_CONFIRM = "pairing_to_confirm", "共建关系待确认"
    NOMINATION_TO_REVIEW = "nomination_to_review", "推荐待审核"
    NOMINATION_RETURNED = "nomination_returned", "推荐被退回"
    REFERRAL_TO_RECEIVE = "referral_to_receive", "转诊待接收"
    REFERRAL_FOLLOW_UP = "referral_follow_up", "下转患者待随访"
    SURVEY_TO_FILL = "survey_to_fill", "两个覆盖摸排待填报"
    MEETING_REMINDER = "meeting_reminder", "会议提醒"
    TERM_ENDING = "term_ending", "任期届满提醒"
    PROBATION_ENDING = "probation_ending", "预备期届满提醒"
    TRANSFER_TO_ACCEPT = "transfer_to_accept", "组织关系待接收"
    TRANSFER_RETURNED = "transfer_returned", "组织关系转接被退回"
    TRANSFER_RECEIPT = "transfer_receipt", "介绍信回执待登记"


class Notice(models.Model):
    """One message to one user. `target` names the record that waits (e.g. news.article #12): when that record no
    longer waits for this user, the message is marked done (read) by the same code that wrote it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField("类别", max_length=24, choices=Kind.choices)
    title = models.CharField("消息", max_length=200)
    url = models.CharField(max_length=300)
    target_type = models.CharField(max_length=40)
    target_id = models.BigIntegerField()
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "消息"
        verbose_name_plural = "消息"
        indexes = [
            models.Index(fields=["user", "id"], name="notice_user"),
            models.Index(fields=["user", "id"], condition=Q(read_at__isnull=True), name="notice_user_unread"),
            models.Index(fields=["target_type", "target_id"], name="notice_target"),
        ]
        constraints = [
            # one open message per person, kind and record: a save that changes nothing writes nothing
            models.UniqueConstraint(
                fields=["user", "kind", "target_type", "target_id"],
                condition=Q(read_at__isnull=True),
                name="notice_open_once",
            )
        ]

    def __str__(self) -> str:
        return self.title


class NoticeSetting(models.Model):
    """A user's choice to get a kind of message by email as well (off unless chosen)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_settings")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    email = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notice_setting_once")]
