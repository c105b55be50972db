from rest_framework import serializers

from core.api import ScopedReadOnlyViewSet

from .models import Membership, Person, Position, party_age


class PersonSerializer(serializers.ModelSerializer):
    party_age = serializers.SerializerMethodField(help_text="党龄（年），自转正日期起计算")
    id_number = serializers.CharField(source="id_number_mask", read_only=True, help_text="脱敏")
    phone = serializers.CharField(source="phone_mask", read_only=True, help_text="脱敏")

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "gender",
            "birth_date",
            "party_status",
            "joined_on",
            "confirmed_on",
            "party_age",
            "home_org",
            "institution",
            "department",
            "job_title",
            "is_dual_leader",
            "is_active",
            "id_number",
            "phone",
        ]

    def get_party_age(self, obj) -> int | None:
        return party_age(obj.party_status, obj.confirmed_on)


class MembershipSerializer(serializers.ModelSerializer):
    class Meta:
        model = Membership
        fields = ["id", "person", "org", "start_on", "end_on", "reason"]


class PositionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Position
        fields = ["id", "person", "kind", "title", "org", "institution", "start_on", "end_on", "dates_approximate"]


class PersonViewSet(ScopedReadOnlyViewSet):
    serializer_class = PersonSerializer
    list_columns = {"id_number": "id_number_mask", "phone": "phone_mask", "party_age": None}

    def finish_row(self, data, row):
        data["party_age"] = party_age(row["party_status"], row["confirmed_on"])
        return data

    def base_queryset(self):
        qs = Person.objects.all()
        params = self.request.query_params
        if params.get("q"):
            qs = qs.search(params["q"])
        if params.get("party_status"):
            qs = qs.filter(party_status=params["party_status"])
        return qs


class MembershipViewSet(ScopedReadOnlyViewSet):
    serializer_class = MembershipSerializer

    def base_queryset(self):
        return Membership.objects.all()


class PositionViewSet(ScopedReadOnlyViewSet):
    serializer_class = PositionSerializer

    def base_queryset(self):
        return Position.objects.all()
