"""visible_under: the rows a user may see within one organisation's subtree, the same rows as visible_to plus the
subtree's range, written as the subtree's range alone when one grant covers all of it."""

from core.testing import CastTestCase
from orgs.models import OrgWarning
from people.models import Person


class VisibleUnderTest(CastTestCase):
    def same_rows(self, user, org, model=Person):
        expected = set(model.objects.visible_to(user).filter(org_path__startswith=org.path).values_list("pk", flat=True))
        found = set(model.objects.visible_under(user, org.path).values_list("pk", flat=True))
        self.assertEqual(found, expected, f"{user} under {org}")
        return found

    def test_a_grant_above_the_subtree_gives_every_row_of_it_in_one_range(self):
        user = self.users["unit_admin"]  # granted at org_a
        found = self.same_rows(user, self.branch_a1)
        self.assertEqual(found, {self.person_a1.pk, self.member_person.pk})
        sql = str(Person.objects.visible_under(user, self.branch_a1.path).query)
        self.assertNotIn(self.org_a.path + "~", sql)  # the grant's own range is not repeated beside the subtree's

    def test_a_grant_inside_the_subtree_still_limits_the_rows(self):
        secretary = self.users["secretary"]  # granted at branch_a1 only
        found = self.same_rows(secretary, self.org_a)
        self.assertEqual(found, {self.person_a1.pk, self.member_person.pk})
        self.assertNotIn(self.person_b.pk, self.same_rows(secretary, self.sector))

    def test_outside_every_grant_nothing_is_visible_but_what_is_visible_anyway(self):
        self.assertEqual(self.same_rows(self.users["outsider"], self.org_a), set())  # granted at org_b
        member = self.users["member"]  # sees their own record only
        self.assertEqual(self.same_rows(member, self.branch_a1), {self.member_person.pk})

    def test_every_user_and_subtree_agree_with_visible_to(self):
        OrgWarning.objects.create(org=self.branch_a1, org_path=self.branch_a1.path, code="no_secretary", message="甲")
        OrgWarning.objects.create(org=self.org_b, org_path=self.org_b.path, code="no_secretary", message="乙")
        orgs = (self.sector, self.org_a, self.branch_a1, self.group_a11, self.org_b, self.partner_org)
        for user in [*self.users.values(), self.superuser]:
            for org in orgs:
                for model in (Person, OrgWarning):
                    self.same_rows(user, org, model)
