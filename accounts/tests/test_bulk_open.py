import re

from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import AccountActivation
from core.access import Role
from core.models import AuditEntry
from core.testing import CastTestCase, make_person


class BulkOpenTest(CastTestCase):
    def test_members_in_the_filter_get_logins_and_set_their_own_passwords(self):
        wang = make_person("王晓", self.branch_a2)
        make_person("王晓", self.branch_a2)  # the same name: a numbered username
        make_person("群众丙", self.branch_a2, status="masses")  # not a member: no login
        make_person("外院丁", self.org_b)  # outside the admin's scope
        self.login("unit_admin")
        people = self.client.get(reverse("people:list"), {"org": self.branch_a2.pk}).content.decode()
        link = f"{reverse('accounts:bulk-open')}?org={self.branch_a2.pk}"
        self.assertIn(link, people)
        preview = self.client.get(link).content.decode()
        self.assertIn("<strong>2</strong> 名党员", preview)
        self.assertNotIn("群众丙", preview)
        updates = AuditEntry.objects.filter(content_type__model="person", action=1)
        before = updates.count()
        slips = self.client.post(link).content.decode()
        users = get_user_model().objects.filter(username__startswith="wangxiao")
        self.assertEqual(sorted(users.values_list("username", flat=True)), ["wangxiao", "wangxiao2"])
        for user in users:
            self.assertFalse(user.has_usable_password())
            self.assertEqual(list(user.grants.values_list("org", "role")), [(self.branch_a2.pk, Role.MEMBER)])
        self.assertEqual(updates.count() - before, 2)  # each person record links its login, on the record
        codes = re.findall(r'<dd class="code">([A-Z0-9]{5}-[A-Z0-9]{5})</dd>', slips)
        self.assertEqual(len(codes), 2)
        self.assertNotIn(codes[0].replace("-", ""), str(list(AccountActivation.objects.values_list("code_hash"))))
        self.assertContains(self.client.get(link), "筛选结果中没有尚未开通账号的党员")  # opened once only

        wang.refresh_from_db()
        username = wang.user.username
        usernames = re.findall(r'<dd class="code">([a-z0-9]+)</dd>', slips)
        code = codes[usernames.index(username)]
        self.client.logout()
        url = reverse("accounts:activate")
        form = {
            "username": username,
            "code": "AAAAA-AAAAA",
            "new_password1": "Hongqi-2024-jk",
            "new_password2": "Hongqi-2024-jk",
        }
        self.assertContains(self.client.post(url, form), "用户名或开通码不正确")
        weak = self.client.post(url, dict(form, code=code.lower(), new_password1="123456", new_password2="123456"))
        self.assertContains(weak, "密码")  # refused by the password rules; the code stays valid
        done = self.client.post(url, dict(form, code=code.lower()))
        self.assertRedirects(done, reverse("accounts:login"))
        self.assertFalse(AccountActivation.objects.filter(user=wang.user).exists())
        self.assertContains(self.client.post(url, dict(form, code=code)), "用户名或开通码不正确")  # used once
        signed = self.client.post(reverse("accounts:login"), {"username": username, "password": "Hongqi-2024-jk"})
        self.assertEqual(signed.status_code, 302)

    def test_wrong_codes_void_the_activation_and_secretaries_cannot_open(self):
        make_person("李丁", self.branch_a2)
        self.login("secretary")
        self.assertEqual(self.client.get(reverse("accounts:bulk-open")).status_code, 403)
        self.login("unit_admin")
        self.client.post(f"{reverse('accounts:bulk-open')}?org={self.branch_a2.pk}")
        self.client.logout()
        for _ in range(5):
            self.client.post(reverse("accounts:activate"), {"username": "liding", "code": "BBBBB-BBBBB",
                                                            "new_password1": "x", "new_password2": "x"})  # fmt: skip
        self.assertFalse(AccountActivation.objects.exists())
