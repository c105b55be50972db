from rest_framework import serializers

from core.api import ScopedReadOnlyViewSet

from .models import Applicant


class ApplicantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Applicant
        fields = ["id", "person", "org", "stage", "applied_on", "talked_on", "activist_on", "filed_on", "candidate_on",
                  "political_review_on", "training_hours", "pre_review_on", "admitted_on", "approved_on",
                  "extended_months", "confirmation_voted_on", "confirmation_approved_on", "closed_on", "next_step",
                  "next_due"]  # fmt: skip


class ApplicantViewSet(ScopedReadOnlyViewSet):
    """发展党员 records under the same gate as the pages (?stage=)."""

    serializer_class = ApplicantSerializer

    def base_queryset(self):
        qs = Applicant.objects.all()
        if self.request.query_params.get("stage"):
            qs = qs.filter(stage=self.request.query_params["stage"])
        return qs
