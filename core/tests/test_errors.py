import re

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

    def test_the_token_a_page_shows_is_accepted_once_masked_per_page(self):
        client = Client(enforce_csrf_checks=True)
        sign_in(client, self.users["unit_admin"])
        pages = [client.get(reverse("workbench:notices")).content.decode() for _ in range(2)]
        header = [re.search(r'"X-CSRFToken": "(\w+)"', page).group(1) for page in pages]
        field = [re.search(r'name="csrfmiddlewaretoken" value="(\w+)"', page).group(1) for page in pages]
        self.assertEqual(header, field)  # the page's form and its HTMX header carry the same masked token
        self.assertNotEqual(header[0], header[1])  # masked anew for each page (BREACH)
        read_all = reverse("workbench:notices-read-all")
        self.assertEqual(client.post(read_all, {"csrfmiddlewaretoken": field[0]}).status_code, 302)
        self.assertEqual(client.post(read_all, HTTP_X_CSRFTOKEN=header[1]).status_code, 302)
        self.assertEqual(client.post(read_all, {"csrfmiddlewaretoken": "x" * 64}).status_code, 403)

    def test_not_found_and_forbidden_pages_are_in_chinese(self):
        self.login("outsider")
        self.assertContains(
            self.client.get(reverse("people:detail", args=[self.person_a1.pk])), "不在您的管理范围内", status_code=404
        )
        self.login("secretary")
        self.assertContains(
            self.client.post(reverse("people:reveal", args=[self.person_a1.pk])), "无权", status_code=403
        )
