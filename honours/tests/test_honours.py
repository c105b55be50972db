import datetime

from django.urls import reverse

from core.testing import CastTestCase, make_person
from honours import services
from honours.models import (
    Assessment,
    AssessmentScheme,
    AssessmentStatus,
    Honour,
    HonourKind,
    Indicator,
    Nomination,
    NominationBatch,
    NominationStatus,
)  # fmt: skip
from people.models import PartyStatus


class GoldenTest(CastTestCase):
    def test_the_50_year_list_counts_to_1_july_and_shows_who_has_the_medal(self):
        veteran = make_person(
            "李永川", self.branch_a1, joined_on=datetime.date(1972, 5, 1), confirmed_on=datetime.date(1973, 6, 30)
        )
        late = make_person(
            "王老党员", self.branch_a1, joined_on=datetime.date(1972, 9, 1), confirmed_on=datetime.date(1973, 7, 2)
        )
        make_person("张已故", self.branch_a1, joined_on=datetime.date(1960, 1, 1), confirmed_on=datetime.date(1961, 1, 1),
                    died_on=datetime.date(2020, 1, 1))  # fmt: skip
        make_person("刘外单位", self.org_b, joined_on=datetime.date(1960, 1, 1), confirmed_on=datetime.date(1961, 1, 1))
        self.login("unit_admin")
        page = self.client.get(reverse("honours:golden"), {"year": 2023}).content.decode()
        self.assertIn(veteran.name, page)
        self.assertNotIn(late.name, page)
        self.assertNotIn("张已故", page)
        self.assertNotIn("刘外单位", page)
        self.assertIn("待颁发", page)
        self.assertIn(late.name, self.client.get(reverse("honours:golden"), {"year": 2024}).content.decode())
        self.assertContains(self.client.get(reverse("people:detail", args=[late.pk])), "2024年7月1日起符合颁发条件")

        kind = HonourKind.objects.get(code="golden_50")
        form = {"kind": kind.pk, "person": veteran.pk, "org": "", "post_name": "", "issuer": "中山市博爱医院党委",
                "level": "unit", "year": 2023, "awarded_on": "2023-07-04", "note": ""}  # fmt: skip
        self.assertRedirects(self.client.post(reverse("honours:create"), form), reverse("honours:list"))
        self.assertIn("已颁发", self.client.get(reverse("honours:golden"), {"year": 2023}).content.decode())
        again = self.client.post(reverse("honours:create"), dict(form, year=2024))
        self.assertContains(again, "已获得过“光荣在党50年纪念章”，该荣誉只授予一次")
        too_early = self.client.post(reverse("honours:create"), dict(form, person=late.pk, year=2023))
        self.assertContains(too_early, "到2023年7月1日党龄不满50年")
        self.assertEqual(Honour.objects.count(), 1)
        self.assertContains(self.client.get(reverse("people:detail", args=[veteran.pk])), "光荣在党50年纪念章")
        self.assertEqual(self.client.get(reverse("honours:golden"), {"year": 2023, "export": "xlsx"}).status_code, 200)
        self.login("member")
        self.assertEqual(self.client.get(reverse("honours:golden")).status_code, 403)

    def test_one_step_awards_everyone_eligible_but_the_unticked(self):
        from core.models import AuditEntry

        old = {"joined_on": datetime.date(1970, 1, 1), "confirmed_on": datetime.date(1971, 1, 1)}
        first, unticked, other_page = (
            make_person(n, self.branch_a1, **old) for n in ("甲老党员", "乙老党员", "丙老党员")
        )
        outside = make_person("丁外单位", self.org_b, **old)
        self.login("secretary")
        page = self.client.get(reverse("honours:golden"), {"year": 2023}).content.decode()
        self.assertNotIn("一键颁发", page)  # a secretary sees the list; the unit records the medals
        self.assertEqual(self.client.post(reverse("honours:golden"), {"year": 2023}).status_code, 403)
        self.login("unit_admin")
        page = self.client.get(reverse("honours:golden"), {"year": 2023, "org": self.branch_a1.pk}).content.decode()
        self.assertIn(f'name="award" value="{first.pk}" checked', page)
        self.assertIn(f'name="org" value="{self.branch_a1.pk}"', page)  # the filter picker shows the choice
        self.assertIn('value="测试区民营医疗行业党委 › 中共甲市博爱医院委员会 › 博爱医院第一党支部"', page)
        response = self.client.post(
            reverse("honours:golden") + "?year=2023",
            {"org": self.branch_a1.pk, "shown": [first.pk, unticked.pk], "award": [first.pk],
             "awarded_on": "2023-07-01", "issuer": "中共中央"},
        )  # fmt: skip
        self.assertRedirects(response, reverse("honours:golden") + f"?year=2023&org={self.branch_a1.pk}")
        awarded = Honour.objects.filter(kind__code="golden_50")
        self.assertEqual(set(awarded.values_list("person__name", flat=True)), {first.name, other_page.name})
        self.assertEqual({(h.year, h.level, h.awarded_on.isoformat()) for h in awarded},
                         {(2023, "national", "2023-07-01")})  # fmt: skip
        self.assertEqual(AuditEntry.objects.filter(content_type__model="honour", action=0).count(), 2)
        done = self.client.post(reverse("honours:golden") + "?year=2023", {"awarded_on": "2023-07-01"}, follow=True)
        self.assertContains(done, "已为 1 名党员登记")
        self.assertEqual(awarded.all().count(), 3)  # the unticked one now, and never anyone twice
        self.assertFalse(Honour.objects.filter(person=outside).exists())


class NominationTest(CastTestCase):
    def setUp(self):
        self.kind = HonourKind.objects.get(code="excellent_member")
        self.batch = NominationBatch.objects.create(
            kind=self.kind, title="2023年度优秀党员评选", issuer_org=self.sector, issuer="测试区行业党委", level="county",
            year=2023, quota=1,
        )  # fmt: skip

    def nominate(self, person, org=None, username="secretary"):
        self.login(username)
        data = {"nominating_org": (org or self.branch_a1).pk, "person": person.pk, "org": "", "post_name": "",
                "reason": "工作突出"}  # fmt: skip
        return self.client.post(reverse("honours:batch", args=[self.batch.pk]), data)

    def step(self, nomination, step, username, **extra):
        self.login(username)
        return self.client.post(
            reverse("honours:nomination-step", args=[nomination.pk]), {"step": step, **extra}, follow=True
        )

    def test_a_nomination_climbs_the_tree_and_the_quota_holds(self):
        self.assertRedirects(self.nominate(self.member_person), reverse("honours:batch", args=[self.batch.pk]))
        nomination = Nomination.objects.get()
        self.assertEqual((nomination.reviewing_org, nomination.snapshot["姓名"]), (self.org_a, "李永川"))
        self.assertContains(self.step(nomination, "approve", "sector_admin"), "尚未报到评选组织，不能批准")
        self.assertEqual(self.step(nomination, "pass", "secretary").status_code, 403)
        self.step(nomination, "pass", "unit_admin")
        nomination.refresh_from_db()
        self.assertEqual(nomination.reviewing_org, self.sector)
        self.step(nomination, "approve", "sector_admin")
        nomination.refresh_from_db()
        self.assertEqual(nomination.status, NominationStatus.APPROVED)
        honour = Honour.objects.get()
        self.assertEqual((honour.person, honour.year, honour.batch), (self.member_person, 2023, self.batch))

        self.nominate(self.person_a1)
        second = Nomination.objects.exclude(pk=nomination.pk).get()
        self.step(second, "pass", "unit_admin")
        response = self.step(second, "approve", "sector_admin")
        self.assertContains(response, "名额已满：“2023年度优秀党员评选”共 1 个名额，已批准 1 个")
        self.assertEqual(Honour.objects.count(), 1)
        response = self.step(second, "return", "sector_admin", reason="")
        self.assertContains(response, "退回时请写明原因")
        self.step(second, "return", "sector_admin", reason="材料不全")
        second.refresh_from_db()
        self.assertEqual((second.status, second.return_reason), (NominationStatus.RETURNED, "材料不全"))

    def test_nominees_outside_scope_or_not_eligible_are_refused(self):
        response = self.nominate(self.person_b)
        self.assertEqual(response.status_code, 200)  # not in the form's choices: the secretary cannot pick them
        outsider_batch = NominationBatch.objects.create(kind=self.kind, title="乙院评选", issuer_org=self.org_b, issuer="乙院",
                                                        level="unit", year=2023, quota=5)  # fmt: skip
        self.login("secretary")
        self.assertEqual(self.client.get(reverse("honours:batch", args=[outsider_batch.pk])).status_code, 404)
        masses = make_person("群众甲", self.branch_a1, status=PartyStatus.MASSES)
        self.assertContains(self.nominate(masses), "群众甲不是党员，不能获得“优秀党员”")
        self.assertEqual(Nomination.objects.count(), 0)


class CopyBatchTest(CastTestCase):
    def test_a_batch_is_copied_to_next_year_through_its_form(self):
        batch = NominationBatch.objects.create(kind=HonourKind.objects.get(code="excellent_member"), title="2024年优秀党员评选",
                                               issuer_org=self.org_a, issuer="甲院党委", level="unit", year=2024, quota=5,
                                               deadline=datetime.date(2024, 6, 1))  # fmt: skip
        self.login("unit_admin")
        detail = self.client.get(reverse("honours:batch", args=[batch.pk])).content.decode()
        link = f"{reverse('honours:batch-create')}?from={batch.pk}"
        self.assertIn(link, detail)
        form = self.client.get(link).content.decode()
        for expected in (
            'value="2025年优秀党员评选"',
            'name="year" value="2025"',
            'value="2025-06-01"',
            'name="quota" value="5"',
        ):
            self.assertIn(expected, form)
        self.login("secretary")
        self.assertNotIn(link, self.client.get(reverse("honours:batch", args=[batch.pk])).content.decode())


class AssessmentTest(CastTestCase):
    def test_self_review_confirm_publish_and_results(self):
        scheme = AssessmentScheme.objects.create(name="2024年星级党支部评定", year=2024, issuer_org=self.org_a,
                                                 bands=[[90, 5], [80, 4], [70, 3], [60, 2], [0, 1]],
                                                 satisfaction_weight="0.20", target_distribution={"5": 0.2})  # fmt: skip
        self.login("unit_admin")
        for code, name, points in (("1", "组织建设", "50"), ("2", "组织生活", "50")):
            self.client.post(reverse("honours:scheme", args=[scheme.pk]),
                             {"action": "indicator", "code": code, "name": name, "points": points})  # fmt: skip
        self.client.post(reverse("honours:scheme", args=[scheme.pk]), {"action": "open"})
        self.assertEqual(set(Assessment.objects.values_list("org", flat=True)), {self.branch_a1.pk, self.branch_a2.pk})
        assessment = Assessment.objects.get(org=self.branch_a1)
        first, second = Indicator.objects.order_by("code")

        self.login("secretary")
        url = reverse("honours:assessment", args=[assessment.pk])
        response = self.client.post(
            url, {"action": "self", f"score_{first.pk}": "60", f"score_{second.pk}": "40"}, follow=True
        )
        self.assertContains(response, "指标“1 组织建设”的得分 60 超出范围（0–50.0）")
        self.client.post(url, {"action": "self", f"score_{first.pk}": "48", f"score_{second.pk}": "45"})
        self.client.post(url, {"action": "submit"})
        assessment.refresh_from_db()
        self.assertEqual((assessment.self_score, assessment.status), (93, AssessmentStatus.SUBMITTED))
        self.assertEqual(self.client.post(url, {"action": "review", f"score_{first.pk}": "50"}).status_code, 403)
        assessment.refresh_from_db()
        self.assertIsNone(assessment.review_score)  # a secretary cannot review

        self.login("unit_admin")
        self.client.post(url, {"action": "review", f"score_{first.pk}": "45", f"score_{second.pk}": "40"})
        self.client.post(url, {"action": "confirm", "satisfaction": "90"})
        assessment.refresh_from_db()
        self.assertEqual((assessment.final_score, assessment.stars), (86, 4))  # 85 × 0.8 + 90 × 0.2
        org_page = reverse("orgs:detail", args=[self.branch_a1.pk])
        self.assertNotContains(self.client.get(org_page), "2024年星级党支部评定")  # not yet published
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("honours:scheme", args=[scheme.pk]), {"action": "publish"})
        assessment.refresh_from_db()
        self.assertEqual(assessment.status, AssessmentStatus.PUBLISHED)
        results = self.client.get(reverse("honours:results", args=[scheme.pk])).content.decode()
        self.assertIn("★★★★", results)
        self.assertIn("博爱医院第一党支部", results)
        count = self.client.get(reverse("honours:results", args=[scheme.pk]), {"count": "1"}).content.decode()
        self.assertEqual(count, "共 2 条")
        self.assertContains(self.client.get(org_page), "★★★★ 2024年星级党支部评定")  # its cached parts renewed
        self.login("outsider")
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_a_scheme_is_written_as_rows_of_stars_and_percentages_and_copied_to_next_year(self):
        self.login("unit_admin")
        url = reverse("honours:scheme-create")
        form = self.client.get(url).content.decode()
        self.assertNotIn("[[90", form)  # no JSON to type
        self.assertIn('name="floor_5"', form)
        self.assertIn(f'name="issuer_org" value="{self.org_a.pk}"', form)  # the admin's one organisation
        data = {"name": "2024年星级党支部评定", "year": "2024", "issuer_org": self.org_a.pk, "satisfaction_percent": "10",
                "floor_5": "90", "floor_4": "75", "floor_3": "80", "floor_2": "", "floor_1": "0",
                "target_5": "20", "target_4": "40", "target_3": "", "target_2": "", "target_1": ""}  # fmt: skip
        refused = self.client.post(url, data).content.decode()
        self.assertIn("四星的最低分（75）应高于三星（80）", refused)
        self.assertIn('name="floor_5" value="90"', refused)  # what was typed stays
        self.assertFalse(AssessmentScheme.objects.exists())
        self.client.post(url, dict(data, floor_3="70"))
        scheme = AssessmentScheme.objects.get()
        self.assertEqual(scheme.bands, [[90, 5], [75, 4], [70, 3], [0, 1]])
        self.assertEqual(scheme.target_distribution, {"5": 0.2, "4": 0.4})
        self.assertEqual(str(scheme.satisfaction_weight), "0.10")
        page = self.client.get(reverse("honours:scheme", args=[scheme.pk])).content.decode()
        self.assertIn("满意度权重 10%", page)
        self.assertIn("目标 5星20%，4星40%", page)
        url = reverse("honours:scheme-indicators", args=[scheme.pk])
        rows = [("1", "组织建设", "50"), ("1.1", "三会一课", "20"), ("1.2", "主题党日", "30"), ("2.1", "无上级", "5")]
        data = {"indicators-TOTAL_FORMS": len(rows), "indicators-INITIAL_FORMS": 0}
        for i, (code, name, points) in enumerate(rows):
            data.update({f"indicators-{i}-code": code, f"indicators-{i}-name": name, f"indicators-{i}-points": points,
                         f"indicators-{i}-evidence": "", f"indicators-{i}-sort_order": i})  # fmt: skip
        self.assertContains(self.client.post(url, data), "找不到上级指标“2”")
        self.assertFalse(scheme.indicators.exists())
        data["indicators-TOTAL_FORMS"] = 3
        self.assertRedirects(self.client.post(url, data), reverse("honours:scheme", args=[scheme.pk]))
        tree = dict(scheme.indicators.values_list("code", "parent__code"))
        self.assertEqual(tree, {"1": None, "1.1": "1", "1.2": "1"})
        self.assertContains(self.client.get(reverse("honours:scheme", args=[scheme.pk])), "满分 50")
        response = self.client.post(reverse("honours:scheme", args=[scheme.pk]), {"action": "copy"})
        copy = AssessmentScheme.objects.get(year=2025)
        self.assertRedirects(response, reverse("honours:scheme", args=[copy.pk]))
        self.assertEqual((copy.name, copy.bands, copy.status), ("2025年星级党支部评定", scheme.bands, "draft"))
        child = copy.indicators.get(code="1.1")
        self.assertEqual((child.parent.code, child.parent.scheme_id), ("1", copy.pk))
        self.assertEqual(scheme.indicators.count(), 3)

    def test_submit_keeps_what_was_typed_and_a_bad_score_loses_nothing(self):
        scheme = AssessmentScheme.objects.create(name="2025年星级党支部评定", year=2025, issuer_org=self.org_a,
                                                 bands=[[90, 5], [0, 1]], satisfaction_weight="0")  # fmt: skip
        first = Indicator.objects.create(scheme=scheme, code="1", name="组织建设", points=50)
        second = Indicator.objects.create(scheme=scheme, code="2", name="组织生活", points=50)
        self.login("unit_admin")
        self.client.post(reverse("honours:scheme", args=[scheme.pk]), {"action": "open"})
        assessment = Assessment.objects.get(org=self.branch_a1)
        url = reverse("honours:assessment", args=[assessment.pk])

        self.login("secretary")
        page = self.client.get(url).content.decode()
        self.assertNotIn("None", page)
        typed = {f"score_{first.pk}": "44", f"evidence_{first.pk}": "会议记录本第3页",
                 f"score_{second.pk}": "51", f"evidence_{second.pk}": "主题党日照片"}  # fmt: skip
        response = self.client.post(url, {"action": "submit", **typed})
        self.assertContains(response, "超出范围（0–50.0）")
        self.assertContains(response, 'value="44"')  # the typed values come back, not blanks
        self.assertContains(response, 'value="会议记录本第3页"')
        self.assertContains(response, 'value="51"')
        assessment.refresh_from_db()
        self.assertEqual((assessment.status, assessment.scores.count()), (AssessmentStatus.SELF, 0))

        typed[f"score_{second.pk}"] = "47.5"
        self.client.post(url, {"action": "submit", **typed})  # 提交党委审核 straight after typing
        assessment.refresh_from_db()
        self.assertEqual((assessment.status, assessment.self_score), (AssessmentStatus.SUBMITTED, 91.5))
        stored = dict(assessment.scores.values_list("indicator__code", "evidence"))
        self.assertEqual(stored, {"1": "会议记录本第3页", "2": "主题党日照片"})
        self.login("unit_admin")
        page = self.client.get(url).content.decode()
        self.assertNotIn("None", page)
        self.assertIn("47.5", page)


class OrgPageHonoursTest(CastTestCase):
    def test_the_organisation_page_shows_an_honour_from_its_recording_to_its_removal(self):
        self.login("unit_admin")
        page = reverse("orgs:detail", args=[self.branch_a1.pk])
        self.assertNotContains(self.client.get(page), "测试区卫健局党委")  # the page's parts are now cached
        kind = HonourKind.objects.get(code="advanced_branch")
        with self.captureOnCommitCallbacks(execute=True):
            honour = services.record_honour(
                Honour(kind=kind, org=self.branch_a1, issuer="测试区卫健局党委", level="county", year=2024)
            )
        self.assertContains(self.client.get(page), "2024 先进党支部 · 测试区卫健局党委")
        with self.captureOnCommitCallbacks(execute=True):
            kind.name = "五好党支部"
            kind.save()
        self.assertContains(self.client.get(page), "2024 五好党支部 · 测试区卫健局党委")
        with self.captureOnCommitCallbacks(execute=True):
            honour.delete()
        self.assertNotContains(self.client.get(page), "测试区卫健局党委")
