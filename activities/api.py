from rest_framework import serializers

from core.access import scope_q
from core.api import ScopedReadOnlyViewSet

from .models import Activity, Attendance


class ActivitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Activity
        fields = [
            "id",
            "title",
            "kind",
            "lead_org",
            "starts_at",
            "ends_at",
            "place",
            "headcount",
            "expected_count",
            "present_count",
            "leave_count",
            "absent_count",
            "is_cancelled",
        ]


class ActivityViewSet(ScopedReadOnlyViewSet):
    """Activities whose lead organiser is in scope (a joint activity is also readable by id by co-organisers)."""

    serializer_class = ActivitySerializer

    def base_queryset(self):
        return Activity.objects.all()

    def get_queryset(self):
        if self.action == "list":
            q = scope_q(self.request.user, Activity.access_roles["view"])
            return Activity.objects.all() if q is None else Activity.objects.filter(q)
        return super().get_queryset()


class AttendanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attendance
        fields = ["id", "activity", "person", "starts_at", "expected", "status", "reason", "checked_in_at", "method"]


class AttendanceViewSet(ScopedReadOnlyViewSet):
    """Attendance rows of the members in scope (a member sees their own)."""

    serializer_class = AttendanceSerializer

    def base_queryset(self):
        return Attendance.objects.all()
