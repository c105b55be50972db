import re

from core.testing import CastTestCase

MENU_LINK = re.compile(r'<nav class="main-nav".*?</nav>', re.S)


class NavigationTest(CastTestCase):
    def menu_links(self) -> list[str]:
        nav = MENU_LINK.search(self.client.get("/").content.decode()).group(0)
        return re.findall(r'href="([^"]+)"', nav)

    def test_every_link_shown_to_a_role_opens(self):
        for username in ("member", "partner", "secretary", "unit_admin", "sector_admin", "outsider"):
            self.login(username)
            links = self.menu_links()
            self.assertTrue(links, username)
            for href in links:
                with self.subTest(username=username, href=href):
                    self.assertEqual(self.client.get(href).status_code, 200)

    def test_each_role_sees_its_own_work(self):
        self.login("member")
        member = self.menu_links()
        self.assertIn("/activities/mine/", member)
        self.assertNotIn("/people/", member)
        self.assertNotIn("/accounts/grants/", member)
        self.login("partner")
        self.assertIn("/pairings/", self.menu_links())
        self.assertNotIn("/activities/", self.menu_links())
        self.login("unit_admin")
        admin = self.client.get("/").content.decode()
        for group in ("组织", "党员", "组织生活", "共建", "宣传", "考核", "系统"):
            self.assertIn(f"<summary>{group}</summary>", admin)
        self.assertIn('<a class="nav-single" href="/dashboards/">数据看板</a>', admin)  # a group of one is a link
        self.assertIn("/accounts/grants/", self.menu_links())
