from rest_framework import serializers

from core.api import ScopedReadOnlyViewSet

from .models import DuesBase, Payment


class DuesBaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = DuesBase
        fields = ["id", "person", "year", "starts_month", "category", "base", "rate", "amount", "reason"]


class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["id", "person", "month", "amount", "paid_on", "org", "source", "receipt"]


class DuesBaseViewSet(ScopedReadOnlyViewSet):
    """党费 bases as set for each member (the base is personal: the same gate as the person's record)."""

    serializer_class = DuesBaseSerializer

    def base_queryset(self):
        return DuesBase.objects.all()


class PaymentViewSet(ScopedReadOnlyViewSet):
    """党费 payments (?month=YYYY-MM-01, ?person=)."""

    serializer_class = PaymentSerializer

    def base_queryset(self):
        qs = Payment.objects.all()
        params = self.request.query_params
        if params.get("month"):
            qs = qs.filter(month=params["month"])
        if params.get("person", "").isdigit():
            qs = qs.filter(person_id=int(params["person"]))
        return qs
