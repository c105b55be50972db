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

    def test_a_large_scope_gets_a_search_box_instead_of_a_select(self):
        self.login("unit_admin")
        with mock.patch("core.widgets.SELECT_LIMIT", 2):
            response = self.client.get(reverse("people:create"))
        self.assertContains(response, 'class="lookup"')
        self.assertContains(response, reverse("orgs:lookup"))
        response = self.client.get(reverse("people:create"))
        self.assertNotContains(response, 'class="lookup"')


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
