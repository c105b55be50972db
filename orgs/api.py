from rest_framework import serializers

from core.api import ScopedReadOnlyViewSet

from .models import Institution, PartyOrg


class InstitutionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Institution
        fields = [
            "id",
            "name",
            "short_name",
            "credit_code",
            "ownership",
            "kind",
            "grade",
            "region_code",
            "parent",
            "managing_org",
            "staff_count",
            "is_operating",
            "is_active",
        ]


class PartyOrgSerializer(serializers.ModelSerializer):
    class Meta:
        model = PartyOrg
        fields = [
            "id",
            "name",
            "kind",
            "is_functional",
            "parent",
            "depth",
            "institution",
            "joint_institutions",
            "established_on",
            "term_started_on",
            "term_years",
            "size_approved",
            "is_active",
            "formal_count",
            "probationary_count",
            "subtree_member_count",
        ]


class InstitutionViewSet(ScopedReadOnlyViewSet):
    serializer_class = InstitutionSerializer

    def base_queryset(self):
        qs = Institution.objects.all()
        q = self.request.query_params.get("q")
        return qs.search(q) if q else qs


class PartyOrgViewSet(ScopedReadOnlyViewSet):
    serializer_class = PartyOrgSerializer
    keyset_ordering = ("path",)
    list_columns = {"joint_institutions": None}

    def finish_page(self, data):
        joint: dict[int, list[int]] = {row["id"]: [] for row in data}
        links = PartyOrg.joint_institutions.through.objects.filter(partyorg_id__in=joint)
        for org_id, institution_id in links.values_list("partyorg_id", "institution_id"):
            joint[org_id].append(institution_id)
        for row in data:
            row["joint_institutions"] = joint[row["id"]]
        return data

    def base_queryset(self):
        qs = PartyOrg.objects.prefetch_related("joint_institutions")
        q = self.request.query_params.get("q")
        return qs.search(q) if q else qs
