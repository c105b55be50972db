import datetime

import time_machine
from django.urls import reverse
from django.utils import timezone

from activities.tests.base import ActivityTestCase, at
from dashboards.models import DashboardSnapshot
from honours.models import Honour, HonourKind
from people.models import Position


class DashboardTest(ActivityTestCase):
    def test_figures_links_staleness_export_and_scope(self):
        year = timezone.localdate().year
        self.record(self.branch_a1, "party_day", when=at(year, 1, 10))
        Honour.objects.create(kind=HonourKind.objects.get(code="advanced_branch"), org=self.branch_a2, issuer="甲院党委",
                              level="unit", year=year)  # fmt: skip
        self.person_a1.is_dual_leader = True
        self.person_a1.save()
        self.login("unit_admin")
        url = reverse("dashboards:dashboard")
        response = self.client.get(url, {"org": self.org_a.pk, "year": year})
        html = response.content.decode()
        data = response.context["data"]
        self.assertEqual(data["dual_leaders"]["branches"], 2)
        self.assertEqual(data["dual_leaders"]["dual"], 1)  # 雷继敏 is 书记 of the first branch
        self.assertEqual(data["activities"]["total"], 1)
        kind = HonourKind.objects.get(code="advanced_branch")
        self.assertEqual(
            data["honours"], [{"label": "先进党支部", "value": 1, "link": f"/honours/?kind={kind.pk}&year={year}"}]
        )
        self.assertIn(f"/activities/?org={self.org_a.pk}&year={year}", html)
        self.assertIn("数据计算于", html)
        self.assertIn('id="dashboard-data"', html)
        compliance = html.split("组织生活落实情况")[1]
        self.assertIn("综合（按各项中最差的计）", compliance)
        self.assertNotIn("overall", compliance)

        Position.objects.filter(person=self.person_a1).update(end_on=datetime.date(2020, 1, 1))
        again = self.client.get(url, {"org": self.org_a.pk, "year": year}).context["data"]
        self.assertEqual(again["dual_leaders"]["dual"], 1)  # within the interval: the stored figures
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=61)):
            self.login("unit_admin")  # an hour later the idle session has ended
            stale = self.client.get(url, {"org": self.org_a.pk, "year": year}).context["data"]
        self.assertEqual(stale["dual_leaders"]["dual"], 0)
        self.assertEqual(DashboardSnapshot.objects.filter(org=self.org_a).count(), 1)

        export = self.client.get(url, {"org": self.org_a.pk, "year": year, "export": "xlsx"})
        self.assertEqual(export["Content-Type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        screen = self.client.get(url, {"org": self.org_a.pk, "year": year, "screen": "1"}).content.decode()
        self.assertIn('class="screen"', screen)
        self.login("outsider")
        self.assertEqual(self.client.get(url, {"org": self.org_a.pk}).status_code, 404)
        self.login("member")
        self.assertEqual(self.client.get(url).status_code, 403)
        self.login("secretary")
        own = self.client.get(url)
        self.assertEqual(own.context["org"], self.branch_a1)
        self.assertEqual(self.client.post(reverse("dashboards:refresh"), {"org": self.branch_a1.pk}).status_code, 403)
