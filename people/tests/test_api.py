from rest_framework.authtoken.models import Token

from core.testing import CastTestCase, make_person


class ApiTest(CastTestCase):
    def get(self, url, username="unit_admin", **params):
        token, _ = Token.objects.get_or_create(user=self.users[username])
        return self.client.get(url, params, HTTP_AUTHORIZATION=f"Token {token.key}")

    def test_it_needs_a_token(self):
        self.assertEqual(self.client.get("/api/v1/people/").status_code, 401)
        response = self.client.get("/api/v1/people/", HTTP_AUTHORIZATION="Token forged")
        self.assertEqual(response.status_code, 401)

    def test_a_token_of_an_inactive_account_or_with_a_revoked_grant_opens_nothing(self):
        self.assertEqual(len(self.get("/api/v1/people/", username="secretary").json()["results"]), 2)
        self.users["secretary"].grants.update(is_active=False)
        self.assertEqual(self.get("/api/v1/people/", username="secretary").json()["results"], [])
        self.users["secretary"].is_active = False
        self.users["secretary"].save()
        self.assertEqual(self.get("/api/v1/people/", username="secretary").status_code, 401)

    def test_a_member_reads_their_own_record_through_the_token(self):
        data = self.get("/api/v1/people/", username="member").json()
        self.assertEqual([p["name"] for p in data["results"]], [self.member_person.name])

    def test_a_list_page_is_two_queries_then_one(self):
        token, _ = Token.objects.get_or_create(user=self.users["unit_admin"])
        with self.assertNumQueries(2):  # the token with its user, grants and person; then the page
            self.client.get("/api/v1/people/", HTTP_AUTHORIZATION=f"Token {token.key}")
        with self.assertNumQueries(1):  # the token's access facts are cached until one of them changes
            self.client.get("/api/v1/people/", HTTP_AUTHORIZATION=f"Token {token.key}")

    def test_people_are_scoped_and_masked(self):
        data = self.get("/api/v1/people/").json()
        names = {p["name"] for p in data["results"]}
        self.assertEqual(names, {"雷继敏", "李永川"})
        person = next(p for p in data["results"] if p["name"] == "雷继敏")
        self.assertEqual(person["id_number"], "4420**********0017")
        self.assertEqual(person["phone"], "138****8000")
        self.assertEqual(person["party_age"], self.person_a1.party_age())
        self.assertEqual(self.get(f"/api/v1/people/{self.person_b.pk}/").status_code, 404)

    def test_search_by_initials(self):
        data = self.get("/api/v1/people/", q="ljm").json()
        self.assertEqual([p["name"] for p in data["results"]], ["雷继敏"])

    def test_cursor_pagination_walks_every_row_once(self):
        for i in range(7):
            make_person(f"分页{i}", self.branch_a2)
        seen, url = [], "/api/v1/people/"
        params = {"page_size": 3}
        while url:
            data = self.get(url, **params).json()
            seen += [p["id"] for p in data["results"]]
            url, params = data["next"], {}
            if url:
                url = url.replace("http://testserver", "")
        self.assertEqual(len(seen), 9)
        self.assertEqual(len(set(seen)), 9)

    def test_orgs_institutions_memberships_positions(self):
        for path in ("orgs", "institutions", "memberships", "positions"):
            with self.subTest(path=path):
                self.assertEqual(self.get(f"/api/v1/{path}/").status_code, 200)
                self.assertEqual(self.get(f"/api/v1/{path}/", username="partner").json()["results"], [])

    def test_the_schema_is_served(self):
        self.login("unit_admin")
        response = self.client.get("/api/schema/")
        self.assertEqual(response.status_code, 200)
        self.assertIn(b"/api/v1/people/", response.content)

    def test_list_rows_equal_the_serializer_detail(self):
        listed = {p["id"]: p for p in self.get("/api/v1/people/").json()["results"]}
        for pk, row in listed.items():
            self.assertEqual(row, self.get(f"/api/v1/people/{pk}/").json())
        org = self.get("/api/v1/orgs/", username="sector_admin").json()["results"][0]
        self.assertEqual(org, self.get(f"/api/v1/orgs/{org['id']}/", username="sector_admin").json())
        for path in ("institutions", "memberships", "positions"):
            row = self.get(f"/api/v1/{path}/").json()["results"][0]
            self.assertEqual(row, self.get(f"/api/v1/{path}/{row['id']}/").json())

    def test_a_malformed_page_size_or_cursor_is_a_400_not_page_one(self):
        for params in ({"page_size": "abc"}, {"page_size": "0"}, {"page_size": "5000"}, {"cursor": "garbage!!"},
                       {"cursor": "WzFd"}):  # fmt: skip
            with self.subTest(params=params):
                response = self.get("/api/v1/people/", **params)
                self.assertEqual(response.status_code, 400)
        first = self.get("/api/v1/people/", page_size="1").json()
        self.assertEqual(self.get(first["next"]).status_code, 200)
