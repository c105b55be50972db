"""Every object URL for every role: anonymous -> login, outside scope -> 404, role too low -> 403, else 200."""

from django.urls import reverse

from core.access import Role
from core.testing import CastTestCase
from people.models import Position

# The role each user holds and the path prefix it covers is set up in CastTestCase.
ROLE_OF = {
    "sector_admin": Role.SECTOR_ADMIN,
    "unit_admin": Role.UNIT_ADMIN,
    "secretary": Role.SECRETARY,
    "member": Role.MEMBER,
    "partner": Role.PARTNER,
    "outsider": Role.UNIT_ADMIN,
}


class AccessMatrixTest(CastTestCase):
    def grant_path(self, username):
        return self.users[username].grants.get().org_path

    def expected(self, username, path, view_role, action_role, own=False):
        in_scope = path.startswith(self.grant_path(username))
        role = ROLE_OF[username] if in_scope else 0
        if own:
            return 200
        if role < view_role:
            return 404
        return 200 if role >= action_role else 403

    def cases(self):
        a1, org_a, person = self.branch_a1, self.org_a, self.person_a1
        position = Position.objects.get(person=person)
        S, U = Role.SECRETARY, Role.UNIT_ADMIN
        return [
            ("get", reverse("orgs:detail", args=[org_a.pk]), org_a.path, S, S),
            ("get", reverse("orgs:detail", args=[a1.pk]), a1.path, S, S),
            ("get", reverse("orgs:tree-children", args=[org_a.pk]), org_a.path, S, S),
            ("get", reverse("orgs:edit", args=[org_a.pk]), org_a.path, S, U),
            ("get", reverse("orgs:edit", args=[a1.pk]), a1.path, S, U),
            ("get", reverse("orgs:deactivate", args=[a1.pk]), a1.path, S, U),
            ("get", reverse("orgs:institution", args=[self.hospital_a.pk]), org_a.path, S, S),
            ("get", reverse("orgs:institution-edit", args=[self.hospital_a.pk]), org_a.path, S, U),
            ("get", reverse("people:detail", args=[person.pk]), a1.path, S, S),
            ("get", reverse("people:edit", args=[person.pk]), a1.path, S, S),
            ("get", reverse("transfers:create") + f"?person={person.pk}", a1.path, S, S),
            ("get", reverse("people:end-membership", args=[person.pk]), a1.path, S, S),
            ("get", reverse("people:position-create", args=[person.pk]), a1.path, S, S),
            ("get", reverse("people:position-edit", args=[person.pk, position.pk]), a1.path, S, S),
            ("post", reverse("people:reveal", args=[person.pk]), a1.path, S, U),
            ("get", reverse("orgs:warnings") + f"?org={a1.pk}", a1.path, S, S),
            ("get", reverse("people:list") + f"?org={org_a.pk}", org_a.path, S, S),
            ("get", f"/api/v1/people/{person.pk}/", a1.path, S, S),
            ("get", reverse("activities:calendar", args=[a1.pk]), a1.path, S, S),
            ("get", reverse("activities:ledger", args=[a1.pk, 2024]), a1.path, S, S),
            ("get", reverse("activities:appraisal", args=[a1.pk, 2024]), a1.path, S, S),
            ("get", reverse("activities:compliance") + f"?org={a1.pk}", a1.path, S, S),
            ("get", reverse("activities:person", args=[person.pk]), a1.path, S, S),
            ("get", f"/api/v1/orgs/{org_a.pk}/", org_a.path, S, S),
            ("get", reverse("core:history", args=["orgs.partyorg", a1.pk]), a1.path, S, S),
            ("get", reverse("core:history", args=["orgs.institution", self.hospital_a.pk]), org_a.path, S, S),
            ("get", reverse("core:history", args=["people.person", person.pk]), a1.path, S, S),
            ("get", f"/api/v1/institutions/{self.hospital_a.pk}/", org_a.path, S, S),
        ]

    def test_it_answers_every_url_for_every_role(self):
        for method, url, path, view_role, action_role in self.cases():
            for username in ROLE_OF:
                self.login(username)
                response = getattr(self.client, method)(url)
                with self.subTest(url=url, user=username):
                    self.assertEqual(response.status_code, self.expected(username, path, view_role, action_role))

    def test_it_sends_anonymous_users_to_login(self):
        for method, url, *_ in self.cases():
            response = getattr(self.client, method)(url)
            with self.subTest(url=url):
                if url.startswith("/api/"):
                    self.assertIn(response.status_code, (401, 403))
                else:
                    self.assertEqual(response.status_code, 302)
                    self.assertIn("/accounts/login/", response["Location"])

    def test_a_member_sees_their_own_record_only(self):
        self.login("member")
        self.assertEqual(self.client.get(reverse("people:detail", args=[self.member_person.pk])).status_code, 200)
        self.assertEqual(self.client.get(reverse("people:edit", args=[self.member_person.pk])).status_code, 403)
        self.assertEqual(self.client.get(reverse("people:detail", args=[self.person_a1.pk])).status_code, 404)

    def test_create_pages_need_a_high_enough_role(self):
        for url, minimum in (
            (reverse("orgs:create"), Role.UNIT_ADMIN),
            (reverse("orgs:institution-create"), Role.UNIT_ADMIN),
            (reverse("people:create"), Role.SECRETARY),
            (reverse("activities:create"), Role.SECRETARY),
            (reverse("imports:start"), Role.SECRETARY),
            (reverse("accounts:grants"), Role.UNIT_ADMIN),
            (reverse("accounts:grant-create"), Role.UNIT_ADMIN),
        ):
            for username, role in ROLE_OF.items():
                self.login(username)
                with self.subTest(url=url, user=username):
                    self.assertEqual(self.client.get(url).status_code, 200 if role >= minimum else 403)

    def test_rule_settings_are_for_superusers(self):
        self.login("sector_admin")
        self.assertEqual(self.client.get(reverse("orgs:rule-settings")).status_code, 403)
        self.login("root")
        self.assertEqual(self.client.get(reverse("orgs:rule-settings")).status_code, 200)

    def test_admin_is_for_superusers_only(self):
        user = self.users["sector_admin"]
        user.is_staff = True
        user.save()
        self.login("sector_admin")
        self.assertEqual(self.client.get("/admin/").status_code, 302)
        self.login("root")
        self.assertEqual(self.client.get("/admin/").status_code, 200)
