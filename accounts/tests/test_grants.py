from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import RoleGrant
from core.access import Role
from core.testing import CastTestCase


class GrantTest(CastTestCase):
    def post(self, **data):
        values = {
            "username": "newsec",
            "full_name": "新书记",
            "password": "a-long-password-1",
            "org": self.branch_a2.pk,
            "role": Role.SECRETARY,
        }
        values.update(data)
        return self.client.post(reverse("accounts:grant-create"), values)

    def test_a_unit_admin_creates_a_secretary_login_in_scope(self):
        self.login("unit_admin")
        response = self.post(person=self.person_a1.pk)
        self.assertRedirects(response, reverse("accounts:grants"))
        user = get_user_model().objects.get(username="newsec")
        self.assertEqual(user.grants.get().org, self.branch_a2)
        self.assertEqual(user.person, self.person_a1)
        self.client.logout()
        self.client.post(reverse("accounts:login"), {"username": "newsec", "password": "a-long-password-1"})
        # the initial password set by the admin is changed before anything else
        self.assertRedirects(
            self.client.get(reverse("orgs:detail", args=[self.branch_a2.pk])), reverse("accounts:password")
        )
        self.client.post(
            reverse("accounts:password"),
            {"old_password": "a-long-password-1", "new_password1": "Xin-mima-2025", "new_password2": "Xin-mima-2025"},
        )
        self.assertFalse(user.account_state.__class__.objects.get(user=user).must_change_password)
        self.assertEqual(self.client.get(reverse("orgs:detail", args=[self.branch_a1.pk])).status_code, 404)

    def test_no_higher_role_and_no_organisation_outside_scope(self):
        self.login("unit_admin")
        self.assertContains(self.post(role=Role.SECTOR_ADMIN), "选择一个有效的选项")
        self.assertContains(self.post(org=self.org_b.pk), "选择一个有效的选项")
        self.assertFalse(get_user_model().objects.filter(username="newsec").exists())

    def test_a_new_account_needs_a_password(self):
        self.login("unit_admin")
        self.assertContains(self.post(password=""), "新建账号须设置初始密码")

    def test_revoking_ends_access(self):
        self.login("unit_admin")
        grant = RoleGrant.objects.get(user=self.users["secretary"])
        self.client.post(reverse("accounts:grant-revoke", args=[grant.pk]))
        self.login("secretary")
        self.assertEqual(self.client.get(reverse("orgs:detail", args=[self.branch_a1.pk])).status_code, 404)

    def test_secretaries_and_outsiders_cannot_manage_these_grants(self):
        grant = RoleGrant.objects.get(user=self.users["secretary"])
        self.login("secretary")
        self.assertEqual(self.client.get(reverse("accounts:grants")).status_code, 403)
        self.login("outsider")
        self.assertEqual(self.client.post(reverse("accounts:grant-revoke", args=[grant.pk])).status_code, 404)
        self.assertNotContains(self.client.get(reverse("accounts:grants")), "secretary")
