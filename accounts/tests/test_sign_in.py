"""Sign-in as an attacker and an operator would try it: guessing, weak and initial passwords, idle sessions, the
second factor of administrators, and accounts outside one's scope."""

import datetime

import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import security
from accounts.models import RoleGrant
from core.access import Role
from core.testing import PASSWORD, CastTestCase, totp_code

LOGIN = "/accounts/login/"


class LockoutTest(CastTestCase):
    def sign_in(self, client, username, password, url=LOGIN, address="10.0.0.1"):
        return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)

    def request_from(self, address):
        from django.test import RequestFactory

        request = RequestFactory().post(LOGIN, REMOTE_ADDR=address)
        request.axes_ip_address, request.axes_user_agent = address, ""
        request.axes_attempt_time = timezone.now()
        return request

    def test_twelve_wrong_passwords_lock_the_account_even_against_the_right_one(self):
        client = Client()
        for _ in range(12):
            self.sign_in(client, "secretary", "wrong-password")
        response = self.sign_in(client, "secretary", PASSWORD)
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "登录已临时锁定", status_code=429)
        self.assertNotIn("_auth_user_id", client.session)
        # from another address too: it is the account that is locked
        self.assertEqual(self.sign_in(Client(), "secretary", PASSWORD, address="10.9.9.9").status_code, 429)

    def test_the_admin_site_locks_out_the_same_way(self):
        client = Client()
        for _ in range(6):
            self.sign_in(client, "root", "wrong-password", url="/admin/login/")
        self.assertEqual(self.sign_in(client, "root", PASSWORD, url="/admin/login/").status_code, 429)

    def test_the_lock_ends_after_the_cool_off_and_an_admin_can_lift_it_at_once(self):
        client = Client()
        for _ in range(5):
            self.sign_in(client, "secretary", "wrong-password")
        self.assertEqual(self.sign_in(client, "secretary", PASSWORD).status_code, 429)
        self.login("unit_admin")
        page = self.client.get(reverse("accounts:grants"))
        self.assertContains(page, "已锁定")
        self.client.post(reverse("accounts:unlock", args=[self.users["secretary"].pk]))
        self.assertEqual(self.sign_in(Client(), "secretary", PASSWORD).status_code, 302)
        for _ in range(5):
            self.sign_in(client, "secretary", "wrong-password")
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
            self.assertEqual(self.sign_in(Client(), "secretary", PASSWORD).status_code, 302)

    def test_one_address_guessing_many_accounts_is_locked_out_later_than_one_account(self):
        client = Client()
        for i in range(19):  # colleagues behind one hospital address mistype their own passwords
            self.sign_in(client, f"nobody{i}", "wrong-password", address="10.0.0.7")
        self.assertFalse(security.LockoutHandler().is_locked(self.request_from("10.0.0.7"), {"username": "member"}))
        self.sign_in(client, "nobody-else", "wrong-password", address="10.0.0.7")
        self.assertEqual(self.sign_in(Client(), "member", PASSWORD, address="10.0.0.7").status_code, 429)
        self.assertEqual(self.sign_in(Client(), "member", PASSWORD, address="10.0.0.8").status_code, 302)

    def test_a_unit_admin_cannot_unlock_an_account_outside_their_scope(self):
        self.login("unit_admin")
        self.assertEqual(
            self.client.post(reverse("accounts:unlock", args=[self.users["outsider"].pk])).status_code, 404
        )
        self.assertEqual(self.client.post(reverse("accounts:unlock", args=[self.superuser.pk])).status_code, 404)


class PasswordRulesTest(CastTestCase):
    def test_weak_and_common_chinese_passwords_are_refused(self):
        user = self.users["secretary"]
        for weak in ("woaini1314", "1qaz2wsx", "Dangjian123!", "12345678", "abcdefgh", "Secretary2024!", "short1!"):
            with self.subTest(password=weak), self.assertRaises(ValidationError):
                validate_password(weak, user)
        validate_password("Hong-Qi-2025", user)

    def test_a_new_account_must_replace_its_initial_password_before_anything_else(self):
        self.login("unit_admin")
        self.client.post(
            reverse("accounts:grant-create"),
            {"username": "clerk", "password": "Chushi-mima-7", "org": self.branch_a2.pk, "role": Role.SECRETARY},
        )
        client = Client()
        client.post(LOGIN, {"username": "clerk", "password": "Chushi-mima-7"})
        self.assertRedirects(client.get(reverse("people:list")), reverse("accounts:password"))
        weak = client.post(
            reverse("accounts:password"),
            {"old_password": "Chushi-mima-7", "new_password1": "woaini1314", "new_password2": "woaini1314"},
        )
        self.assertContains(weak, "过于常见")
        client.post(
            reverse("accounts:password"),
            {"old_password": "Chushi-mima-7", "new_password1": "Zhen-mima-2025", "new_password2": "Zhen-mima-2025"},
        )
        self.assertEqual(client.get(reverse("people:list")).status_code, 200)


class IdleSessionTest(CastTestCase):
    def test_a_session_idle_longer_than_the_configured_time_ends(self):
        from orgs.models import RuleSetting

        RuleSetting.objects.create(key="session_idle_minutes", value=10)
        security._idle["value"] = None
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            self.login("secretary")
            self.assertEqual(self.client.get(reverse("people:list")).status_code, 200)
        with time_machine.travel(start + datetime.timedelta(minutes=9), tick=False):
            self.assertEqual(self.client.get(reverse("people:list")).status_code, 200)  # activity renews the clock
        with time_machine.travel(start + datetime.timedelta(minutes=18), tick=False):
            self.assertEqual(self.client.get(reverse("people:list")).status_code, 200)
        with time_machine.travel(start + datetime.timedelta(minutes=29), tick=False):
            response = self.client.get(reverse("people:list"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(LOGIN, response["Location"])
        self.assertNotIn("_auth_user_id", self.client.session)
        security._idle["value"] = None


class SecondFactorTest(CastTestCase):
    def password_only(self, username):
        client = Client()
        response = client.post(LOGIN, {"username": username, "password": PASSWORD})
        self.assertEqual(response.status_code, 302)
        return client

    def test_an_admin_with_only_a_password_reaches_no_data(self):
        client = self.password_only("unit_admin")
        self.assertRedirects(
            client.get(reverse("people:list")),
            reverse("accounts:otp") + "?next=/people/",
            fetch_redirect_response=False,
        )
        self.assertEqual(client.get(f"/api/v1/people/{self.person_a1.pk}/").status_code, 403)
        self.assertEqual(client.get("/admin/").status_code, 302)
        wrong = client.post(reverse("accounts:otp"), {"code": "000000"})
        self.assertContains(wrong, "验证码不正确")
        with time_machine.travel(timezone.now() + datetime.timedelta(seconds=3)):  # a failure throttles for a second
            right = client.post(reverse("accounts:otp"), {"code": totp_code(), "next": "/people/"})
        self.assertRedirects(right, "/people/", fetch_redirect_response=False)
        self.assertEqual(client.get(reverse("people:list")).status_code, 200)

    def test_an_admin_without_an_authenticator_binds_one_first(self):
        TOTPDevice.objects.filter(user=self.users["sector_admin"]).delete()
        client = self.password_only("sector_admin")
        page = client.get(reverse("accounts:otp"))
        self.assertContains(page, "扫描下方二维码")
        self.assertContains(page, "<svg")
        device = TOTPDevice.objects.get(user=self.users["sector_admin"])
        self.assertFalse(device.confirmed)
        from django_otp.oath import totp

        client.post(reverse("accounts:otp"), {"code": f"{totp(device.bin_key):06d}"})
        device.refresh_from_db()
        self.assertTrue(device.confirmed)
        self.assertEqual(client.get(reverse("orgs:tree")).status_code, 200)

    def test_members_and_secretaries_sign_in_with_their_password_alone(self):
        client = self.password_only("secretary")
        self.assertEqual(client.get(reverse("people:list")).status_code, 200)

    def test_resetting_an_admins_authenticator_takes_effect_on_their_next_page(self):
        admin = self.users["unit_admin"]
        self.login("unit_admin")
        self.assertEqual(self.client.get(reverse("people:list")).status_code, 200)
        TOTPDevice.objects.filter(user=admin).delete()  # as 重置二次验证 does
        self.assertEqual(self.client.get(reverse("people:list")).status_code, 302)


class AccountScopeTest(CastTestCase):
    def grant(self, username, **extra):
        data = {"username": username, "org": self.branch_a2.pk, "role": Role.SECRETARY, **extra}
        return self.client.post(reverse("accounts:grant-create"), data)

    def test_a_unit_admin_cannot_add_a_role_to_another_hospitals_account(self):
        self.login("unit_admin")
        response = self.grant("outsider")
        self.assertContains(response, "不在您的管理范围内")
        self.assertFalse(RoleGrant.objects.filter(user=self.users["outsider"], org=self.branch_a2).exists())

    def test_nobody_but_a_superuser_touches_the_superuser(self):
        self.login("unit_admin")
        self.assertContains(self.grant("root"), "不在您的管理范围内")
        self.assertContains(self.grant("root", person=self.person_a1.pk), "不在您的管理范围内")
        self.assertFalse(get_user_model().objects.get(username="root").grants.exists())

    def test_a_person_already_linked_to_a_login_is_refused_with_a_message(self):
        self.login("unit_admin")
        response = self.grant("newclerk", password="Xinzhanghao-1", person=self.member_person.pk)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "已关联账号 member")
        self.assertFalse(get_user_model().objects.filter(username="newclerk").exists())
