from unittest import mock

from django.urls import reverse

from core.testing import CastTestCase


class LookupTest(CastTestCase):
    def test_the_lookup_returns_only_organisations_in_scope(self):
        self.login("unit_admin")
        response = self.client.get(reverse("orgs:lookup"), {"q": "医院", "role": "20"})
        self.assertContains(response, "博爱医院第一党支部")
        self.assertNotContains(response, "乙市人民医院")
        self.login("outsider")
        response = self.client.get(reverse("orgs:lookup"), {"q": "博爱"})
        self.assertContains(response, "没有匹配的结果")

    def test_every_organisation_field_is_a_picker_that_names_the_chosen_path(self):
        self.login("unit_admin")
        response = self.client.get(reverse("people:create"))
        self.assertContains(response, 'class="lookup"')
        self.assertContains(response, reverse("orgs:lookup"))
        self.assertNotContains(response, '<select name="home_org"')
        self.login("secretary")  # one organisation in scope: it comes chosen
        form = self.client.get(reverse("activities:create")).content.decode()
        self.assertIn(f'name="lead_org" value="{self.branch_a1.pk}"', form)
        self.assertIn('value="测试区民营医疗行业党委 › 中共甲市博爱医院委员会 › 博爱医院第一党支部"', form)

    def test_matches_show_their_place_and_an_empty_box_lists_nothing(self):
        self.login("sector_admin")
        self.assertEqual(self.client.get(reverse("orgs:lookup"), {"q": "", "role": "20"}).content, b"")
        self.assertEqual(self.client.get(reverse("orgs:lookup"), {"q": "  ", "role": "20"}).content, b"")
        page = self.client.get(reverse("orgs:lookup"), {"q": "党小组", "role": "20"}).content.decode()
        # a group's two nearest ancestors; the committee's name already says which unit it is in
        self.assertIn("中共甲市博爱医院委员会 › 博爱医院第一党支部 › </span>第一党小组", page)
        page = self.client.get(reverse("orgs:lookup"), {"q": "第一党支部", "role": "20"}).content.decode()
        self.assertIn("测试区民营医疗行业党委 › 中共甲市博爱医院委员会 › </span>博爱医院第一党支部", page)

    def test_pinyin_and_initials_find_organisations_units_and_people(self):
        self.login("sector_admin")
        for query in ("bayy", "BoAi", "boaiyiyuan diyi"):
            page = self.client.get(reverse("orgs:lookup"), {"q": query, "role": "20"}).content.decode()
            self.assertIn("博爱医院第一党支部", page, query)
        page = self.client.get(reverse("orgs:lookup"), {"q": "zgysrmyy", "role": "20"}).content.decode()
        self.assertIn("中共乙市人民医院委员会", page)
        self.assertNotIn("博爱", page)
        units = self.client.get(reverse("orgs:institution-lookup"), {"q": "jsba"}).content.decode()
        self.assertIn("广东省中山市 › </span>甲市博爱医院", units)  # a unit's place, by its region's name
        self.login("unit_admin")
        people = self.client.get(reverse("people:lookup"), {"q": "ljm"}).content.decode()
        self.assertIn("雷继敏", people)
        self.assertIn("博爱医院第一党支部", people)
        self.assertNotIn("高建慧", self.client.get(reverse("people:lookup"), {"q": "gjh"}).content.decode())

    def test_more_matches_than_shown_says_so(self):
        self.login("sector_admin")
        from core import lookup

        with mock.patch.object(lookup, "LOOKUP_LIMIT", 2):
            page = self.client.get(reverse("orgs:lookup"), {"q": "党", "role": "20"}).content.decode()
        self.assertEqual(page.count("data-id="), 2)
        self.assertIn("只显示前 2 条", page)


class ListSortTest(CastTestCase):
    def test_organisations_and_units_sort_by_name_or_tree(self):
        self.login("sector_admin")
        by_name = self.client.get(reverse("orgs:list"), {"sort": "name"}).context["page"].rows
        names = [o["name"] for o in by_name]
        self.assertEqual(names, sorted(names))
        by_tree = self.client.get(reverse("orgs:list")).context["page"].rows
        self.assertEqual([o["path"] for o in by_tree], sorted(o["path"] for o in by_tree))
        units = self.client.get(reverse("orgs:institutions"), {"sort": "name"}).context["page"].rows
        self.assertEqual([u["name"] for u in units], sorted(u["name"] for u in units))

    def test_list_filters_take_an_organisation_by_name_not_by_number(self):
        self.login("unit_admin")
        label = "测试区民营医疗行业党委 › 中共甲市博爱医院委员会 › 博爱医院第一党支部"
        for name in ("people:list", "activities:list", "honours:golden"):
            page = self.client.get(reverse(name), {"org": self.branch_a1.pk}).content.decode()
            self.assertIn(f'name="org" value="{self.branch_a1.pk}"', page, name)
            self.assertIn(f'value="{label}"', page, name)  # the picker shows which organisation is chosen
            self.assertNotIn("党组织编号", page, name)
