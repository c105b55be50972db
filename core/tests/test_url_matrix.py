"""Every URL pattern × every role, generated from the URL resolver: a pattern without an entry here fails.

The world is the test cast plus one record of every kind, in hospital A (under the sector), with a pairing to
the partner's town committee. For each pattern and role the request is made (each in a savepoint rolled back
afterwards, so a change by one role is not seen by the next) and its outcome compared with the rule:
ok (answered), forbidden (403: in scope, role too low), hidden (404: outside scope), login (anonymous).
A server error is never expected.
"""

import tempfile
from dataclasses import dataclass, field

from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from core.access import Role, role_at, user_with_access_facts
from core.testing import CastTestCase, sign_in
from core.tests.url_matrix_world import build_world

ROLES = ["anon", "member", "partner", "secretary", "unit_admin", "outsider", "sector_admin", "root"]
S, U, M, P, A = Role.SECRETARY, Role.UNIT_ADMIN, Role.MEMBER, Role.PARTNER, Role.SECTOR_ADMIN
MEDIA = tempfile.mkdtemp(prefix="gongjian-matrix-")


# --- rules ----------------------------------------------------------------------------------------------

OK, FORBIDDEN, HIDDEN, LOGIN = "ok", "forbidden", "hidden", "login"


@dataclass
class Case:
    """How to request a pattern and what each role should get."""

    args: object = ()  # a callable (cast, world) -> args, or a tuple
    method: str = "get"
    expect: dict = field(default_factory=dict)
    query: str = ""
    data: dict | None = None

    def url(self, name, cast, world) -> str:
        args = self.args(cast, world) if callable(self.args) else self.args
        return reverse(name, args=args) + self.query.format(a1=cast.branch_a1.pk, person=cast.person_a1.pk,
                                                            payment=getattr(world, "payment", None) and world.payment.pk)


class World:
    """Role lookups for the rules, filled once the cast exists."""

    users: dict = {}
    paths: dict = {}

    @classmethod
    def role(cls, who: str, where: str) -> int:
        if who == "anon":
            return 0
        return role_at(cls.users[who], cls.paths[where])

    @classmethod
    def highest(cls, who: str) -> int:
        if who == "anon":
            return 0
        from core.access import highest_role

        return highest_role(cls.users[who])


def scoped(where: str, view: int, act: int | None = None, **special) -> dict:
    """The gate's rule: outside the subtree (or below `view`) 404, in it but below `act` 403, else ok."""
    act = view if act is None else act

    def outcome(who):
        role = World.role(who, where)
        return HIDDEN if role < view else (OK if role >= act else FORBIDDEN)

    return {who: special.get(who) or (LOGIN if who == "anon" else outcome(who)) for who in ROLES}


def by_role(minimum: int, below: str = FORBIDDEN, **special) -> dict:
    """Pages without an object: the highest role the user holds anywhere decides."""
    return {
        who: special.get(who) or (LOGIN if who == "anon" else OK if World.highest(who) >= minimum else below)
        for who in ROLES
    }


def signed_in(**special) -> dict:
    return {who: special.get(who) or (LOGIN if who == "anon" else OK) for who in ROLES}


def public() -> dict:
    return dict.fromkeys(ROLES, OK)


def only(*allowed: str, others: str = HIDDEN) -> dict:
    return {who: OK if who in allowed else LOGIN if who == "anon" else others for who in ROLES}


def superuser_only(below: str = FORBIDDEN) -> dict:
    return {who: OK if who == "root" else LOGIN if who == "anon" else below for who in ROLES}


def api(where: str, view: int = S) -> dict:
    """The API: the same gate; anonymous requests are 401."""
    return {**scoped(where, view), "anon": LOGIN}


ADMINS = ("unit_admin", "sector_admin", "root")


def cases() -> dict[str, Case]:
    a1 = lambda c, w: [c.branch_a1.pk]  # noqa: E731
    org_a = lambda c, w: [c.org_a.pk]  # noqa: E731
    person = lambda c, w: [c.person_a1.pk]  # noqa: E731
    act = lambda c, w: [w.activity.pk]  # noqa: E731
    pair = lambda c, w: [w.pairing.pk]  # noqa: E731
    art = lambda c, w: [w.article.pk]  # noqa: E731
    ally = lambda c, w: [w.alliance.pk]  # noqa: E731
    year = timezone.localdate().year
    pairing_view = scoped("a", S, U, partner=OK)
    pairing_admin = scoped("a", S, U, partner=FORBIDDEN)
    attendee_forbidden = scoped("a1", S, member=FORBIDDEN)
    return {
        # core
        "core:home": Case(expect=signed_in()),
        "core:healthz": Case(expect=public()),
        "core:healthz-deep": Case(expect={**superuser_only(), "anon": FORBIDDEN}),
        "core:history": Case(args=lambda c, w: ["orgs.partyorg", c.branch_a1.pk], expect=scoped("a1", S)),
        "core:exports": Case(expect=signed_in()),
        "core:guide": Case(expect=signed_in()),
        # the message centre: only one's own messages
        "workbench:notices": Case(expect=signed_in()),
        "workbench:notice-open": Case(args=lambda c, w: [w.notice.pk], expect=only("unit_admin")),
        "workbench:notices-read-all": Case(method="post", data={}, expect=signed_in()),
        "workbench:notice-settings": Case(expect=signed_in()),
        "core:export": Case(args=lambda c, w: [w.export_job.pk], expect=only("unit_admin")),
        "core:export-download": Case(args=lambda c, w: [w.export_job.pk], expect=only()),  # not built yet: 404
        # accounts
        "accounts:login": Case(expect=public()),
        "accounts:logout": Case(method="post", expect=dict.fromkeys(ROLES, LOGIN)),  # back to the sign-in page
        "accounts:token": Case(expect=signed_in()),
        "accounts:token-reset": Case(method="post", expect=signed_in()),
        "accounts:grants": Case(expect=by_role(U)),
        "accounts:grant-create": Case(expect=by_role(U)),
        "accounts:grant-revoke": Case(
            method="post",
            args=lambda c, w: [c.users["secretary"].grants.get().pk],
            expect=scoped("a1", U, secretary=FORBIDDEN, member=FORBIDDEN, partner=FORBIDDEN),
        ),  # fmt: skip
        "accounts:unlock": Case(
            method="post", args=lambda c, w: [c.users["secretary"].pk], expect=by_role(U, outsider=HIDDEN)
        ),  # fmt: skip
        "accounts:reset-otp": Case(
            method="post", args=lambda c, w: [c.users["secretary"].pk], expect=by_role(U, outsider=HIDDEN)
        ),  # fmt: skip
        "accounts:otp": Case(expect=signed_in()),
        "accounts:password": Case(expect=signed_in()),
        "accounts:bulk-open": Case(expect=by_role(U)),
        "accounts:activate": Case(expect=public()),
        # orgs
        "orgs:tree": Case(expect=signed_in()),
        "orgs:tree-children": Case(args=org_a, expect=scoped("a", S)),
        "orgs:list": Case(expect=signed_in()),
        "orgs:lookup": Case(query="?q=博爱", expect=signed_in()),
        "people:lookup": Case(query="?q=雷", expect=by_role(S)),
        "orgs:institution-lookup": Case(query="?q=博爱", expect=signed_in()),
        "orgs:create": Case(expect=by_role(U)),
        "orgs:detail": Case(args=a1, expect=scoped("a1", S)),
        "orgs:edit": Case(args=a1, expect=scoped("a1", S, U)),
        "orgs:deactivate": Case(args=a1, expect=scoped("a1", S, U)),
        "orgs:warnings": Case(query="", expect=signed_in()),
        "orgs:institutions": Case(expect=signed_in()),
        "orgs:institution-create": Case(expect=by_role(U)),
        "orgs:institution": Case(args=lambda c, w: [c.hospital_a.pk], expect=scoped("a", S)),
        "orgs:institution-edit": Case(args=lambda c, w: [c.hospital_a.pk], expect=scoped("a", S, U)),
        "orgs:institution-deactivate": Case(
            method="post", args=lambda c, w: [c.hospital_a.pk], expect=scoped("a", S, U)
        ),  # fmt: skip
        "orgs:rule-settings": Case(expect=superuser_only()),
        # people
        "people:list": Case(expect=signed_in()),
        "people:create": Case(expect=by_role(S)),
        "people:detail": Case(args=person, expect=scoped("a1", S)),
        "people:edit": Case(args=person, expect=scoped("a1", S)),
        "people:deactivate": Case(method="post", args=person, expect=scoped("a1", S)),
        "people:reveal": Case(method="post", args=person, expect=scoped("a1", S, U)),
        "people:end-membership": Case(args=person, expect=scoped("a1", S)),
        # 发展党员
        "development:list": Case(expect=by_role(S)),
        "development:create": Case(expect=by_role(S)),
        "development:plan": Case(expect=by_role(S)),
        "development:detail": Case(args=lambda c, w: [w.applicant.pk], expect=scoped("a1", S)),
        "development:step": Case(method="post", args=lambda c, w: [w.applicant.pk, "talk"], expect=scoped("a1", S)),
        "development:document-upload": Case(method="post", args=lambda c, w: [w.applicant.pk], expect=scoped("a1", S)),
        "development:document": Case(args=lambda c, w: [w.applicant.pk, w.document.pk], expect=scoped("a1", S)),
        "development:record": Case(args=lambda c, w: [w.applicant.pk], expect=scoped("a1", S)),
        # 党费
        "dues:index": Case(expect=by_role(S)),
        "dues:arrears": Case(expect=by_role(S)),
        "dues:rates": Case(expect=by_role(S)),
        "dues:receipts": Case(query="?ids={payment}", expect=scoped("a1", S)),
        "dues:rate-create": Case(expect=by_role(A)),
        "dues:month": Case(args=lambda c, w: [c.branch_a1.pk, year, 1], expect=scoped("a1", S)),
        "dues:bases": Case(args=lambda c, w: [c.branch_a1.pk, year], expect=scoped("a1", S)),
        "dues:register": Case(args=lambda c, w: [c.branch_a1.pk, year], expect=scoped("a1", S)),
        "dues:handover": Case(method="post", args=a1, expect=scoped("a1", S),
                              data={"month": f"{year}-01", "amount": "10", "handed_on": f"{year}-01-31"}),
        "dues:pay": Case(args=lambda c, w: [c.member_person.pk], expect=scoped("a1", S, member=FORBIDDEN)),  # own record
        "dues:undo": Case(method="post", args=lambda c, w: [w.payment.pk], expect=scoped("a1", S)),
        # 组织关系转接: both sides see a transfer; the receiving side (outsider, hospital B) answers it
        "transfers:list": Case(expect=by_role(S)),
        "transfers:create": Case(query="?person={person}", expect=scoped("a1", S)),
        "transfers:incoming": Case(expect=by_role(S)),
        "transfers:org-lookup": Case(query="?q=医院", expect=by_role(S)),
        "transfers:detail": Case(args=lambda c, w: [w.transfer.pk], expect=scoped("a1", S, outsider=OK)),
        "transfers:accept": Case(method="post", args=lambda c, w: [w.transfer.pk], expect=scoped("a1", S, outsider=OK),
                                 data={"moved_on": timezone.localdate().isoformat()}),
        "transfers:return": Case(method="post", args=lambda c, w: [w.transfer.pk], expect=scoped("a1", S, outsider=OK),
                                 data={"answer": "材料不全"}),
        "transfers:cancel": Case(method="post", args=lambda c, w: [w.transfer.pk], expect=scoped("a1", S, outsider=OK),
                                 data={"answer": "填错了"}),
        "transfers:receipt": Case(method="post", args=lambda c, w: [w.letter.pk], expect=scoped("a1", S),
                                  data={"receipt_on": timezone.localdate().isoformat()}),
        "transfers:letter": Case(args=lambda c, w: [w.letter.pk], expect=scoped("a1", S)),
        "people:position-create": Case(args=person, expect=scoped("a1", S)),
        "people:position-edit": Case(args=lambda c, w: [c.person_a1.pk, w.position.pk], expect=scoped("a1", S)),
        # imports
        "imports:start": Case(expect=by_role(S)),
        "imports:job": Case(args=lambda c, w: [w.import_job.pk], expect=only("unit_admin")),
        "imports:confirm": Case(method="post", args=lambda c, w: [w.import_job.pk], expect=only("unit_admin")),
        "imports:discard": Case(method="post", args=lambda c, w: [w.import_job.pk], expect=only("unit_admin")),
        "imports:template": Case(args=["people"], expect=by_role(S)),
        # activities
        "activities:list": Case(expect=signed_in()),
        "activities:create": Case(expect=by_role(S)),
        "activities:mine": Case(expect=signed_in()),
        "activities:todo": Case(expect=signed_in()),
        "activities:checkin": Case(expect=signed_in()),
        "activities:compliance": Case(expect=signed_in()),
        "activities:compliance-list": Case(query="?org={a1}", expect=scoped("a1", S)),
        # the member is on the meeting's roll: they see it, its photos, sign-in sheet and record; they change nothing
        "activities:detail": Case(args=act, expect=scoped("a1", S, member=OK)),
        "activities:edit": Case(args=act, expect=attendee_forbidden),
        "activities:cancel": Case(method="post", args=act, expect=attendee_forbidden),
        "activities:attendance": Case(args=act, expect=attendee_forbidden),
        "activities:signin-sheet": Case(args=act, expect=scoped("a1", S, member=OK)),  # on the roll: may read it
        "activities:qr": Case(args=act, expect=attendee_forbidden),
        "activities:record": Case(args=act, expect=scoped("a1", S, member=OK)),
        "activities:photo-upload": Case(method="post", args=act, expect=attendee_forbidden),
        "activities:photo": Case(
            args=lambda c, w: [w.activity.pk, w.activity_photo.pk], expect=scoped("a1", S, member=OK)
        ),  # fmt: skip
        "activities:photo-delete": Case(
            method="post", args=lambda c, w: [w.activity.pk, w.activity_photo.pk], expect=attendee_forbidden
        ),  # fmt: skip
        "activities:person": Case(args=person, expect=scoped("a1", S)),
        "activities:calendar": Case(args=a1, expect=scoped("a1", S)),
        "activities:ledger": Case(args=lambda c, w: [c.branch_a1.pk, year], expect=scoped("a1", S)),
        "activities:appraisal": Case(args=lambda c, w: [c.branch_a1.pk, year], expect=scoped("a1", S)),
        # pairings: the partner's town committee is a side of the pairing
        "pairings:list": Case(expect=signed_in()),
        "pairings:create": Case(expect=by_role(U)),
        "pairings:partner-lookup": Case(query="?q=镇", expect=by_role(U)),
        "pairings:lookup": Case(query="?q=矩阵", expect=signed_in()),
        "pairings:network": Case(expect=by_role(S)),
        "pairings:network-data": Case(expect=by_role(S)),
        "pairings:detail": Case(args=pair, expect=pairing_view),
        "pairings:edit": Case(args=pair, expect=scoped("a", S, U, partner=FORBIDDEN)),
        "pairings:agreement": Case(args=pair, expect=pairing_view),
        "pairings:member-add": Case(args=pair, expect=scoped("a", S, U, partner=FORBIDDEN)),
        # an admin of the invited side (hospital B) accepts, or one above it; not the side that proposed
        "pairings:member-accept": Case(
            method="post",
            args=lambda c, w: [w.pending_member.pairing_id, w.pending_member.pk],
            expect=scoped("a", S, U, unit_admin=FORBIDDEN, outsider=OK),
        ),  # fmt: skip
        "pairings:member-leave": Case(
            method="post",
            args=lambda c, w: [w.pairing.pk, w.partner_member.pk],
            expect=scoped("a", S, U, partner=FORBIDDEN),
        ),  # fmt: skip
        "pairings:commitment-create": Case(args=pair, expect=scoped("a", S, U, partner=FORBIDDEN)),
        "pairings:commitment-plan": Case(args=pair, expect=scoped("a", S, U, partner=FORBIDDEN)),
        "pairings:commitment-edit": Case(
            args=lambda c, w: [w.pairing.pk, w.commitment.pk], expect=scoped("a", S, U, partner=FORBIDDEN)
        ),  # fmt: skip
        # needs and resources: an admin of a side (the partner contact only reads them)
        "pairings:need-create": Case(args=pair, expect=pairing_admin),
        "pairings:need-edit": Case(args=lambda c, w: [w.pairing.pk, w.need.pk], expect=pairing_admin),
        "pairings:resource-create": Case(args=pair, expect=pairing_admin),
        "pairings:resource-edit": Case(args=lambda c, w: [w.pairing.pk, w.resource.pk], expect=pairing_admin),
        "pairings:project-create": Case(args=pair, expect=scoped("a", S, U, partner=FORBIDDEN)),
        "pairings:project-edit": Case(
            args=lambda c, w: [w.pairing.pk, w.project.pk], expect=scoped("a", S, U, partner=FORBIDDEN)
        ),  # fmt: skip
        # alliances: hospital A leads, hospital B is entrusted
        "alliances:list": Case(expect=signed_in()),
        "alliances:create": Case(expect=by_role(U)),
        "alliances:institution-lookup": Case(query="?q=医院", expect=by_role(S)),
        "alliances:detail": Case(args=ally, expect=scoped("a", S, outsider=OK)),
        "alliances:edit": Case(args=ally, expect=scoped("a", S, U, outsider=FORBIDDEN)),
        "alliances:member-add": Case(args=ally, expect=scoped("a", S, U, outsider=FORBIDDEN)),
        "alliances:member-leave": Case(
            method="post",
            args=lambda c, w: [w.alliance.pk, w.alliance_member.pk],
            expect=scoped("a", S, U, outsider=FORBIDDEN),
        ),  # fmt: skip
        "alliances:referrals": Case(expect=signed_in()),
        "alliances:referral-create": Case(expect=by_role(S)),
        "alliances:referral": Case(args=lambda c, w: [w.referral.pk], expect=scoped("a", S, outsider=OK)),
        "alliances:referral-move": Case(
            method="post", args=lambda c, w: [w.referral.pk], expect=scoped("a", S, outsider=OK)
        ),  # fmt: skip
        "alliances:referral-reveal": Case(
            method="post", args=lambda c, w: [w.referral.pk], expect=scoped("a", S, U, outsider=OK)
        ),  # fmt: skip
        # news
        "news:list": Case(expect=signed_in()),
        "news:create": Case(expect=by_role(S)),
        "news:detail": Case(args=art, expect=scoped("a1", S)),
        "news:edit": Case(args=art, expect=scoped("a1", S)),
        "news:step": Case(method="post", args=art, expect=scoped("a1", S)),
        "news:photo-add": Case(method="post", args=art, expect=scoped("a1", S)),
        "news:editor-image": Case(method="post", args=art, expect=scoped("a1", S)),
        "news:from-activity": Case(
            method="post", args=lambda c, w: [w.activity.pk], expect=scoped("a1", S, member=FORBIDDEN)
        ),
        "news:columns": Case(expect=by_role(U)),  # managing the site's columns
        "news:column-create": Case(expect=by_role(U)),
        "news:column-edit": Case(args=lambda c, w: [w.column.pk], expect=scoped("a", M, U)),
        "news:search": Case(query="?q=矩阵", expect=by_role(S)),
        "news:import": Case(expect=by_role(U)),
        "news:import-batch": Case(args=["matrixbatch"], expect=scoped("a", U)),
        "news:import-review": Case(args=lambda c, w: [w.page_import.pk], expect=scoped("a", U)),
        "news:import-reject": Case(method="post", args=lambda c, w: [w.page_import.pk], expect=scoped("a", U)),
        "news:import-confirm-all": Case(method="post", args=["matrixbatch"], expect=scoped("a", U)),
        "news:site-home": Case(args=org_a, expect=public()),
        "news:site-column": Case(args=lambda c, w: [c.org_a.pk, w.column.pk], expect=public()),
        "news:site-article": Case(args=lambda c, w: [c.org_a.pk, w.article.pk], expect=dict.fromkeys(ROLES, HIDDEN)),
        "news:site-feed": Case(args=org_a, expect=public()),
        "news:site-banner": Case(args=org_a, expect=public()),
        "news:site-settings": Case(args=org_a, expect=scoped("a", S, U)),
        "news:site-column-feed": Case(args=lambda c, w: [c.org_a.pk, w.column.pk], expect=public()),
        "news:site-search": Case(args=org_a, query="?q=矩阵", expect=public()),
        "news:site-hit": Case(method="post", args=art, expect=dict.fromkeys(ROLES, HIDDEN)),  # a draft counts no views
        "news:photo": Case(args=lambda c, w: [w.article_photo.pk], expect=scoped("a1", S, anon=HIDDEN)),
        # honours
        "honours:list": Case(expect=signed_in()),
        "honours:create": Case(expect=by_role(U)),
        "honours:golden": Case(expect=by_role(S)),
        "honours:lookup": Case(query="?q=博爱", expect=signed_in()),
        "honours:batches": Case(expect=signed_in()),
        "honours:batch-create": Case(expect=by_role(U)),
        # a batch issued by the sector is addressed to every organisation under it
        "honours:batch": Case(
            args=lambda c, w: [w.batch.pk], expect=scoped("sector", S, secretary=OK, unit_admin=OK, outsider=OK)
        ),  # fmt: skip
        "honours:nomination": Case(args=lambda c, w: [w.nomination.pk], expect=scoped("a1", S)),
        "honours:nomination-step": Case(
            method="post", args=lambda c, w: [w.nomination.pk], data={"step": "pass"}, expect=scoped("a1", S, U)
        ),  # fmt: skip
        "honours:schemes": Case(expect=signed_in()),
        "honours:scheme-create": Case(expect=by_role(U)),
        "honours:scheme-indicators": Case(args=lambda c, w: [w.draft_scheme.pk], expect=scoped("a", S, U)),
        # a scheme and its results are the issuing committee's; a branch works on its own assessment
        "honours:scheme": Case(args=lambda c, w: [w.scheme.pk], expect=scoped("a", U)),
        "honours:results": Case(args=lambda c, w: [w.scheme.pk], expect=scoped("a", U)),
        "honours:assessment": Case(args=lambda c, w: [w.assessment.pk], expect=scoped("a1", S)),
        # coverage
        "coverage:list": Case(expect=by_role(U)),
        "coverage:create": Case(expect=by_role(A)),
        # a round is addressed to the unit admins under the sector: they see their own units' rows
        "coverage:detail": Case(
            args=lambda c, w: [w.survey.pk], expect=scoped("sector", U, unit_admin=OK, outsider=OK)
        ),
        "coverage:compare": Case(
            args=lambda c, w: [w.survey.pk], expect=scoped("sector", U, unit_admin=OK, outsider=OK)
        ),
        "coverage:import": Case(
            args=lambda c, w: [w.survey.pk], expect=scoped("sector", U, A, unit_admin=FORBIDDEN, outsider=FORBIDDEN)
        ),  # fmt: skip
        "coverage:row": Case(args=lambda c, w: [w.survey_row.pk], expect=scoped("a", U)),
        # dashboards
        "dashboards:dashboard": Case(expect=by_role(S)),
        "dashboards:refresh": Case(method="post", data={}, expect=by_role(U)),
        # the API (token auth, same gate)
        "institution-list": Case(expect=signed_in()),
        "institution-detail": Case(args=lambda c, w: [c.hospital_a.pk], expect=api("a")),
        "partyorg-list": Case(expect=signed_in()),
        "partyorg-detail": Case(args=a1, expect=api("a1")),
        "person-list": Case(expect=signed_in()),
        "person-detail": Case(args=person, expect=api("a1")),
        "membership-list": Case(expect=signed_in()),
        "membership-detail": Case(args=lambda c, w: [c.person_a1.memberships.get().pk], expect=api("a1")),
        "position-list": Case(expect=signed_in()),
        "position-detail": Case(args=lambda c, w: [w.position.pk], expect=api("a1")),
        "activity-list": Case(expect=signed_in()),
        "activity-detail": Case(args=act, expect={**api("a1"), "member": OK}),  # on the roll
        "attendance-list": Case(expect=signed_in()),
        "attendance-detail": Case(args=lambda c, w: [w.activity.attendance.first().pk], expect=api("a1")),
        "transfer-list": Case(expect=signed_in()),
        "transfer-detail": Case(args=lambda c, w: [w.transfer.pk], expect={**api("a1"), "outsider": OK}),
        "applicant-list": Case(expect=signed_in()),
        "applicant-detail": Case(args=lambda c, w: [w.applicant.pk], expect=api("a1")),
        "duesbase-list": Case(expect=signed_in()),
        "duesbase-detail": Case(args=lambda c, w: [w.payment.person.dues_bases.get().pk], expect=api("a1")),
        "payment-list": Case(expect=signed_in()),
        "payment-detail": Case(args=lambda c, w: [w.payment.pk], expect=api("a1")),
        "api-schema": Case(expect={**signed_in(), "anon": LOGIN}),
    }


def named_patterns() -> list[str]:
    """Every named URL pattern except the admin site (its own permission system) and DRF's format suffixes."""
    names = []

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern).startswith("admin/"):
                    continue
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name and "format" not in str(pattern.pattern):
                names.append(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns)
    return sorted(set(names))


def outcome(response) -> str:
    status = response.status_code
    if status in (401,) or (status == 302 and "/accounts/login/" in response.get("Location", "")):
        return LOGIN
    if status == 403:
        return FORBIDDEN
    if status == 404:
        return HIDDEN
    if status >= 500:
        return f"error {status}"
    if status == 405:
        return "wrong method"
    return OK


@override_settings(MEDIA_ROOT=MEDIA)
class UrlMatrixTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.world = build_world(cls.cast)

    def setUp(self):
        World.users = {name: user_with_access_facts("u.id = %s", user.pk) for name, user in self.users.items()}
        World.users["root"] = user_with_access_facts("u.id = %s", self.superuser.pk)
        World.paths = {"a1": self.branch_a1.path, "a": self.org_a.path, "sector": self.sector.path,
                       "b": self.org_b.path, "partner": self.partner_org.path}  # fmt: skip

    def test_every_url_pattern_has_an_entry(self):
        missing = sorted(set(named_patterns()) - set(cases()))
        self.assertEqual(missing, [], "URL patterns without an entry in the matrix")
        self.assertEqual(sorted(set(cases()) - set(named_patterns())), [], "entries for patterns that are gone")

    def test_every_url_answers_every_role_as_its_rule_says(self):
        table = cases()
        problems = []
        for name in named_patterns():
            case = table[name]
            url = case.url(name, self.cast, self.world)
            for who in ROLES:
                got = self.request(case, url, who)
                want = case.expect[who]
                if got != want:
                    problems.append(f"{name} {url} as {who}: {got}, expected {want}")
        self.assertEqual(problems, [], "\n" + "\n".join(problems))

    def request(self, case: Case, url: str, who: str) -> str:
        client = Client()
        headers = {}
        if who != "anon":
            user = self.superuser if who == "root" else self.users[who]
            if url.startswith("/api/"):
                headers["HTTP_AUTHORIZATION"] = f"Token {Token.objects.get_or_create(user=user)[0].key}"
            else:
                sign_in(client, user)
        with transaction.atomic():  # whatever the request changes is undone before the next one
            response = getattr(client, case.method)(url, case.data or {}, **headers)
            transaction.set_rollback(True)
        return outcome(response)
