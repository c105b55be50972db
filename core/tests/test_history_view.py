"""An object's change history, served apart from its page (core:history) through the same gate."""

from django.urls import reverse

from core.testing import CastTestCase


def history_url(obj) -> str:
    return reverse("core:history", args=[obj._meta.label_lower, obj.pk])


class HistoryViewTest(CastTestCase):
    def test_a_page_loads_its_history_which_names_labels_and_actions(self):
        self.login("unit_admin")
        data = {"name": "博爱医院第二党支部（改）", "kind": "branch", "parent": self.org_a.pk}
        response = self.client.post(reverse("orgs:edit", args=[self.branch_a2.pk]), data)
        self.assertRedirects(response, reverse("orgs:detail", args=[self.branch_a2.pk]))
        history = self.history_of(self.client.get(reverse("orgs:detail", args=[self.branch_a2.pk])))
        self.assertTemplateUsed(history, "core/_history.html")
        self.assertNotContains(history, "<html")  # a fragment for HTMX
        self.assertContains(history, "修改")
        self.assertContains(history, "博爱医院第二党支部（改）")

    def test_without_htmx_it_is_a_page_of_its_own(self):
        self.login("unit_admin")
        response = self.client.get(history_url(self.person_a1))
        self.assertContains(response, "<html")
        self.assertContains(response, "变更记录")

    def test_outside_scope_is_404_and_a_role_too_low_is_403(self):
        self.login("outsider")
        self.assertEqual(self.client.get(history_url(self.person_a1)).status_code, 404)
        self.login("member")  # sees their own record, but its history is for those who may change it
        self.assertEqual(self.client.get(reverse("people:detail", args=[self.member_person.pk])).status_code, 200)
        self.assertEqual(self.client.get(history_url(self.member_person)).status_code, 403)

    def test_only_models_whose_pages_show_a_history(self):
        self.login("sector_admin")
        for label in ("auth.user", "accounts.rolegrant", "nothing.here", "orgs", "people.membership"):
            with self.subTest(label=label):
                self.assertEqual(self.client.get(f"/history/{label}/1/").status_code, 404)

    def test_anonymous_users_are_sent_to_log_in(self):
        self.assertEqual(self.client.get(history_url(self.org_a)).status_code, 302)
