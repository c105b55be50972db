from django.test import Client
from django.urls import reverse

from core.testing import CastTestCase, sign_in
from people.models import Person


class ForgedRequestTest(CastTestCase):
    def test_a_post_without_csrf_token_is_refused_in_chinese_and_writes_nothing(self):
        client = Client(enforce_csrf_checks=True)
        sign_in(client, self.users["unit_admin"])
        response = client.post(reverse("people:deactivate", args=[self.person_a1.pk]))
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "CSRF 校验失败", status_code=403)
        self.assertTrue(Person.objects.get(pk=self.person_a1.pk).is_active)

    def test_not_found_and_forbidden_pages_are_in_chinese(self):
        self.login("outsider")
        self.assertContains(
            self.client.get(reverse("people:detail", args=[self.person_a1.pk])), "不在您的管理范围内", status_code=404
        )
        self.login("secretary")
        self.assertContains(
            self.client.post(reverse("people:reveal", args=[self.person_a1.pk])), "无权", status_code=403
        )
