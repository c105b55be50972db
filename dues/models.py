"""党费 (RULES.md §C): rate tables as dated data, each member's monthly base and amount set once a year (a mid-year
change needs a reason), payments per member and month, and what the rules and lists read without scanning every
payment: an account per member (how far the dues are covered) and the paid totals per organisation and month.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.access import PathField, Role, ScopedQuerySet


class Category(models.TextChoices):
    EMPLOYED = "employed", "在职（月工资税后收入）"
    ANNUAL = "annual", "年薪制（当月实得）"
    SELF_EMPLOYED = "self", "个体（上季度月均纯收入）"
    RETIRED = "retired", "离退休（离退休费、养老金）"
    FARMER = "farmer", "农民党员（每月0.2–1元）"
    MINIMUM = "minimum", "学生、下岗失业、低保等（每月0.2元）"
    EXEMPT = "exempt", "免交（经支部讨论、上级党委批准）"


class TableKind(models.TextChoices):
    EMPLOYED = "employed", "在职党员"
    RETIRED = "retired", "离退休党员"


# Which rate table a category's base is charged at (R19–R21); the others pay a fixed amount.
TABLE_OF = {
    Category.EMPLOYED: TableKind.EMPLOYED,
    Category.ANNUAL: TableKind.EMPLOYED,
    Category.SELF_EMPLOYED: TableKind.EMPLOYED,
    Category.RETIRED: TableKind.RETIRED,
}


class RateTable(models.Model):
    """One tiered table, applying from its start date until a later table of the same kind starts."""

    kind = models.CharField("适用党员", max_length=10, choices=TableKind.choices)
    starts_on = models.DateField("执行日期")
    source = models.CharField("依据", max_length=120, blank=True)

    class Meta:
        verbose_name = "党费比例表"
        verbose_name_plural = "党费比例表"
        constraints = [models.UniqueConstraint(fields=["kind", "starts_on"], name="rate_table_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on:%Y-%m-%d}起"


class RateTier(models.Model):
    """The rate for a monthly base up to `up_to` (inclusive); the last tier has no bound. The whole base is charged
    at its tier's rate (R19: not marginal bands)."""

    table = models.ForeignKey(RateTable, on_delete=models.CASCADE, related_name="tiers")
    up_to = models.DecimalField("月基数上限（元，含）", max_digits=10, decimal_places=2, null=True, blank=True)
    rate = models.DecimalField("比例（%）", max_digits=5, decimal_places=2)

    class Meta:
        ordering = [models.F("up_to").asc(nulls_last=True)]


class DuesBase(models.Model):
    """A member's monthly dues as set (核定) from a month on: once a year by default (R25), again mid-year only with
    a reason. The rate is the one of the table in force when it was set; the amount is what is due each month."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="dues_bases", db_index=False)
    org_path = PathField()
    year = models.PositiveSmallIntegerField("年度")
    starts_month = models.DateField("起始月份")
    category = models.CharField("类别", max_length=10, choices=Category.choices)
    base = models.DecimalField("月缴纳基数（元）", max_digits=10, decimal_places=2, null=True, blank=True)
    rate = models.DecimalField("比例（%）", max_digits=5, decimal_places=2, null=True, blank=True)
    amount = models.DecimalField("月交纳党费（元）", max_digits=8, decimal_places=2)
    reason = models.CharField("调整或免交原因", max_length=200, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    set_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    access_roles = {"view": Role.SECRETARY, "change": Role.SECRETARY}

    class Meta:
        verbose_name = "党费基数"
        verbose_name_plural = "党费基数"
        constraints = [models.UniqueConstraint(fields=["person", "starts_month"], name="dues_base_once_a_month")]


class Source(models.TextChoices):
    COLLECTED = "collected", "支部收缴"
    BEFORE_TRANSFER = "transfer", "转入前已交"


class Payment(models.Model):
    """One member's dues for one month. Several months paid at once share a receipt number."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="dues_payments", db_index=False)
    month = models.DateField("月份")
    amount = models.DecimalField("金额（元）", max_digits=8, decimal_places=2)
    paid_on = models.DateField("交纳日期")
    org = models.ForeignKey("orgs.PartyOrg", verbose_name="收缴党组织", on_delete=models.PROTECT, related_name="+",
                            db_index=False)  # fmt: skip
    org_path = PathField()
    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.COLLECTED)
    receipt = models.CharField("收据号", max_length=30, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    access_roles = {"view": Role.SECRETARY, "change": Role.SECRETARY}

    class Meta:
        verbose_name = "党费交纳"
        verbose_name_plural = "党费交纳"
        constraints = [models.UniqueConstraint(fields=["person", "month"], name="dues_paid_once_a_month")]
        indexes = [models.Index(fields=["org", "month"], name="payment_org_month")]


class DuesAccount(models.Model):
    """How far a current member's dues are covered, kept in step with their payments, bases and relationship.

    `covered_through` is the last month before the member's current run of unpaid months (the month before
    `due_from` when nothing is covered): the run at any later date is the months since, without a monthly rewrite.
    `gaps` counts unpaid months before it. Dues are due from the first month a base was set for the member (or
    their 入党 month if later: R23), so a branch starting on the platform is not shown decades of arrears.
    """

    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, primary_key=True, related_name="dues_account"
    )
    org = models.ForeignKey("orgs.PartyOrg", on_delete=models.CASCADE, related_name="+", db_index=False)
    org_path = PathField()
    due_from = models.DateField(null=True)
    covered_through = models.DateField(null=True)
    gaps = models.PositiveSmallIntegerField(default=0)
    exempt = models.BooleanField(default=False)
    amount = models.DecimalField(max_digits=8, decimal_places=2, null=True)

    objects = ScopedQuerySet.as_manager()
    access_roles = {"view": Role.SECRETARY}

    class Meta:
        indexes = [
            models.Index(fields=["org_path", "covered_through"], name="dues_account_scope"),
            models.Index(fields=["covered_through", "person"], name="dues_account_behind",
                         condition=Q(exempt=False, due_from__isnull=False)),
        ]  # fmt: skip


class DuesTotal(models.Model):
    """Dues paid per organisation (its whole subtree) and month: written with every payment, read by the sums."""

    org = models.ForeignKey("orgs.PartyOrg", on_delete=models.CASCADE, related_name="+", db_index=False)
    month = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    payments = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "month"], name="dues_total_once")]


class Handover(models.Model):
    """Dues an organisation handed to its superior (上缴), per month it covers."""

    org = models.ForeignKey("orgs.PartyOrg", verbose_name="上缴党组织", on_delete=models.PROTECT, related_name="+")
    org_path = PathField()
    month = models.DateField("所属月份")
    amount = models.DecimalField("上缴金额（元）", max_digits=12, decimal_places=2)
    handed_on = models.DateField("上缴日期")
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    access_roles = {"view": Role.SECRETARY, "change": Role.SECRETARY}

    class Meta:
        verbose_name = "党费上缴"
        verbose_name_plural = "党费上缴"
        constraints = [models.UniqueConstraint(fields=["org", "month"], name="handover_once_a_month")]


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, n: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_between(a: datetime.date, b: datetime.date) -> int:
    """b - a in months (both first days)."""
    return (b.year - a.year) * 12 + b.month - a.month
