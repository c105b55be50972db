from rest_framework import serializers

from core.api import ScopedReadOnlyViewSet

from .models import Transfer


class TransferSerializer(serializers.ModelSerializer):
    class Meta:
        model = Transfer
        fields = ["id", "person", "kind", "status", "from_org", "to_org", "outside_org", "reason", "transfer_on",
                  "moved_on", "dues_paid_until", "letter_number", "receipt_on", "answer"]  # fmt: skip


class TransferViewSet(ScopedReadOnlyViewSet):
    """组织关系转接, seen by both sides as on the pages."""

    serializer_class = TransferSerializer
    keyset_ordering = ("id",)

    def get_queryset(self):
        qs = Transfer.objects.listable_by(self.request.user)
        params = self.request.query_params
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        if params.get("person", "").isdigit():
            qs = qs.filter(person_id=int(params["person"]))
        return qs
