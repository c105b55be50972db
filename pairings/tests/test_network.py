import datetime

import time_machine
from django.urls import reverse

from orgs.models import Institution, OrgKind, PartyOrg
from pairings.models import Pairing, PairingCategory
from pairings.services import propose

from .test_pairings import TODAY, ActivityTestCase


@time_machine.travel(TODAY, tick=False)
class NetworkTest(ActivityTestCase):
    def setUp(self):
        self.clinic = Institution.objects.create(
            name="甲市民营诊所", kind="clinic", ownership="private", region_code="442000", managing_org=self.org_a
        )
        self.clinic_branch = PartyOrg.objects.create(
            name="甲市民营诊所党支部", kind=OrgKind.BRANCH, parent=self.org_a, institution=self.clinic
        )
        category = PairingCategory.objects.get(name="公立+民营")
        self.inside = propose(
            self.superuser,
            Pairing(
                title="院内公立+民营", category=category, lead_org=self.branch_a1, starts_on=datetime.date(2024, 1, 1)
            ),
            [self.clinic_branch],
        )
        self.outside = propose(
            self.superuser,
            Pairing(
                title="乙院自己的共建", category=category, lead_org=self.org_b, starts_on=datetime.date(2024, 1, 1)
            ),
            [self.partner_org],
        )

    def test_the_graph_holds_the_pairings_in_scope_only(self):
        self.login("unit_admin")
        data = self.client.get(reverse("pairings:network-data")).json()
        names = {n["name"] for n in data["nodes"]}
        self.assertEqual(names, {self.branch_a1.name, self.clinic_branch.name})
        self.assertEqual(data["links"][0]["category"], "公立+民营")
        self.login("sector_admin")
        names = {n["name"] for n in self.client.get(reverse("pairings:network-data")).json()["nodes"]}
        self.assertIn(self.partner_org.name, names)
        self.login("partner")
        self.assertEqual(self.client.get(reverse("pairings:network-data")).status_code, 403)

    def test_the_figures(self):
        self.login("unit_admin")
        page = self.client.get(reverse("pairings:network"))
        self.assertContains(page, "1 / 1（100.0%）")  # the one private unit in scope has a public partner
        self.assertContains(page, '沉寂共建</dt><dd><a href="/pairings/?dormant=1">1</a>')
