from rest_framework.routers import SimpleRouter

from activities.api import ActivityViewSet, AttendanceViewSet
from development.api import ApplicantViewSet
from dues.api import DuesBaseViewSet, PaymentViewSet
from orgs.api import InstitutionViewSet, PartyOrgViewSet
from people.api import MembershipViewSet, PersonViewSet, PositionViewSet
from transfers.api import TransferViewSet

router = SimpleRouter()
router.register("institutions", InstitutionViewSet, basename="institution")
router.register("orgs", PartyOrgViewSet, basename="partyorg")
router.register("people", PersonViewSet, basename="person")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("positions", PositionViewSet, basename="position")
router.register("activities", ActivityViewSet, basename="activity")
router.register("attendance", AttendanceViewSet, basename="attendance")
router.register("transfers", TransferViewSet, basename="transfer")
router.register("applicants", ApplicantViewSet, basename="applicant")
router.register("dues-bases", DuesBaseViewSet, basename="duesbase")
router.register("dues-payments", PaymentViewSet, basename="payment")
urlpatterns = router.urls
