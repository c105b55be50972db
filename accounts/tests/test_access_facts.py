"""The user and access facts of a signed-in request are cached (core.access.cached_user) until any of them
changes: every way of changing them must take effect on the very next request."""

from django.urls import reverse
from rest_framework.authtoken.models import Token

from core.testing import CastTestCase


class CachedAccessFactsTest(CastTestCase):
    def people_seen_by(self, username):
        self.login(username)
        return {p["name"] for p in self.client.get(reverse("people:list")).context["page"].rows}

    def test_a_page_after_the_first_reads_no_user_or_grants(self):
        self.login("unit_admin")
        self.client.get("/healthz")  # the session's user is loaded (and cached) by the audit middleware
        with self.assertNumQueries(0):
            self.client.get("/healthz")

    def test_a_revoked_grant_closes_the_next_page(self):
        self.assertIn("雷继敏", self.people_seen_by("secretary"))
        grant = self.users["secretary"].grants.get()
        self.login("unit_admin")
        self.client.post(reverse("accounts:grant-revoke", args=[grant.pk]))
        self.login("secretary")
        self.assertEqual(self.client.get(reverse("people:detail", args=[self.person_a1.pk])).status_code, 404)

    def test_grants_follow_their_organisation_when_it_moves(self):
        self.assertIn("雷继敏", self.people_seen_by("secretary"))  # facts cached with the old path
        self.login("sector_admin")
        data = {"name": self.branch_a1.name, "kind": "branch", "parent": self.org_b.pk}
        self.client.post(reverse("orgs:edit", args=[self.branch_a1.pk]), data)
        self.assertIn("雷继敏", self.people_seen_by("secretary"))  # the grant's path moved with the branch
        self.assertNotIn("雷继敏", self.people_seen_by("unit_admin"))  # hospital A's admin no longer covers it

    def test_a_deactivated_account_is_signed_out_on_its_next_request(self):
        self.login("secretary")
        self.assertEqual(self.client.get(reverse("people:list")).status_code, 200)
        user = self.users["secretary"]
        user.is_active = False
        user.save()
        self.assertEqual(self.client.get(reverse("people:list")).status_code, 302)

    def test_a_reset_token_stops_the_old_one_at_once(self):
        old = Token.objects.create(user=self.users["unit_admin"]).key
        self.assertEqual(self.client.get("/api/v1/people/", HTTP_AUTHORIZATION=f"Token {old}").status_code, 200)
        self.login("unit_admin")
        self.client.post(reverse("accounts:token-reset"))
        self.client.logout()
        self.assertEqual(self.client.get("/api/v1/people/", HTTP_AUTHORIZATION=f"Token {old}").status_code, 401)
        new = Token.objects.get(user=self.users["unit_admin"]).key
        self.assertEqual(self.client.get("/api/v1/people/", HTTP_AUTHORIZATION=f"Token {new}").status_code, 200)

    def test_the_cache_holds_no_token_in_clear(self):
        from django.core.cache import cache

        key = Token.objects.create(user=self.users["unit_admin"]).key
        self.client.get("/api/v1/people/", HTTP_AUTHORIZATION=f"Token {key}")
        self.assertFalse([k for k in cache._cache if key in k])
