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
