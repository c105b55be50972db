import datetime

from django import forms

from orgs.forms import DATE, MonthField

from .models import Category, RateTable, TableKind


class BaseRowForm(forms.Form):
    """One member's row on the 核定基数 page."""

    category = forms.ChoiceField(label="类别", choices=Category.choices)
    base = forms.DecimalField(label="月缴纳基数（元）", max_digits=10, decimal_places=2, min_value=0, required=False)
    amount = forms.DecimalField(label="月交纳（元）", max_digits=8, decimal_places=2, min_value=0, required=False)
    reason = forms.CharField(label="调整或免交原因", max_length=200, required=False)


class MonthPaidForm(forms.Form):
    paid_on = forms.DateField(label="交纳日期", widget=DATE)
    receipt = forms.CharField(label="收据号", max_length=30, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = datetime.date.today()


class PayMonthsForm(MonthPaidForm):
    first = MonthField(label="从")
    last = MonthField(label="到")

    field_order = ["first", "last", "paid_on", "receipt"]


class HandoverForm(forms.Form):
    month = MonthField(label="所属月份")
    amount = forms.DecimalField(label="上缴金额（元）", max_digits=12, decimal_places=2, min_value=0)
    handed_on = forms.DateField(label="上缴日期", widget=DATE)
    note = forms.CharField(label="说明", max_length=200, required=False)


class RateTableForm(forms.ModelForm):
    class Meta:
        model = RateTable
        fields = ["kind", "starts_on", "source"]
        widgets = {"starts_on": DATE}


class TierForm(forms.Form):
    up_to = forms.DecimalField(label="月基数上限（元，含；最高一档留空）", max_digits=10, decimal_places=2, min_value=0,
                               required=False)  # fmt: skip
    rate = forms.DecimalField(label="比例（%）", max_digits=5, decimal_places=2, min_value=0, max_value=100)


TierFormSet = forms.formset_factory(TierForm, extra=0, min_num=1, validate_min=True, can_delete=True)

__all__ = ["BaseRowForm", "HandoverForm", "MonthPaidForm", "PayMonthsForm", "RateTableForm", "TierFormSet", "TableKind"]
