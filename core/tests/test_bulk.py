"""Bulk writes: rows land as the ORM would read them, and a failed batch leaves nothing behind."""

import datetime
import gc

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core.bulk import (
    BackgroundWriter,
    existing_objects_frozen,
    foreign_keys_checked_at_end,
    insert_rows,
    reserve_ids,
    reused_plans,
)
from imports.people_import import _membership
from orgs.models import OrgKind, PartyOrg
from people.models import Membership, PartyStatus, Person


def make_org(name: str) -> PartyOrg:
    return PartyOrg.objects.create(name=name, kind=OrgKind.BRANCH)


def person_row(pk: int, org, name: str) -> dict:
    now = timezone.now()
    return {
        "id": pk,
        "name": name,
        "name_norm": name,
        "name_pinyin": "",
        "name_initials": "",
        "gender": "",
        "birth_date": None,
        "ethnicity": "",
        "education": "",
        "party_status": PartyStatus.FORMAL,
        "applied_on": None,
        "joined_on": datetime.date(2001, 7, 1),
        "confirmed_on": datetime.date(2002, 7, 1),
        "probation_extended": False,
        "institution_id": None,
        "department": "",
        "job_title": "",
        "is_retired": False,
        "is_dual_leader": False,
        "home_org_id": org.id,
        "org_path": org.path,
        "user_id": None,
        "is_active": True,
        "died_on": None,
        "note": "",
        "created_at": now,
        "updated_at": now,
        "id_number_enc": "",
        "id_number_hash": None,
        "id_number_mask": "",
        "phone_enc": "",
        "phone_mask": "",
    }


@pytest.mark.django_db(transaction=True)
def test_background_writer_writes_every_batch_in_order():
    org = make_org("测试党支部")
    with transaction.atomic():
        ids = reserve_ids(Person, 30)
        with BackgroundWriter() as writer:
            for start in range(0, 30, 10):
                people = [person_row(pk, org, f"成员{pk}") for pk in ids[start : start + 10]]
                writer.insert(Person, people)
                writer.insert(
                    Membership, [_membership(p, p["created_at"]) for p in people]
                )  # needs its people written first
    assert Person.objects.filter(home_org=org).count() == 30
    assert Membership.objects.filter(org=org, end_on__isnull=True).count() == 30
    person = Person.objects.get(pk=ids[0])
    assert person.confirmed_on == datetime.date(2002, 7, 1) and person.party_age() is not None


@pytest.mark.django_db(transaction=True)
def test_a_failing_batch_rolls_the_whole_write_back():
    org = make_org("测试党支部")
    ids = reserve_ids(Person, 20)
    with pytest.raises(IntegrityError), transaction.atomic(), BackgroundWriter() as writer:
        writer.insert(Person, [person_row(pk, org, "甲") for pk in ids[:10]])
        writer.insert(Person, [person_row(pk, org, "乙") for pk in ids[9:]])  # ids[9] again: duplicate key
        writer.insert(Person, [person_row(ids[-1] + 1, org, "丙")])  # never written: an earlier batch failed
    assert not Person.objects.filter(home_org=org).exists()


@pytest.mark.django_db(transaction=True)
def test_an_error_in_the_caller_stops_the_writer_and_rolls_back():
    org = make_org("测试党支部")
    ids = reserve_ids(Person, 10)
    with pytest.raises(ValueError), transaction.atomic(), BackgroundWriter() as writer:
        writer.insert(Person, [person_row(pk, org, "甲") for pk in ids])
        raise ValueError("the caller failed while building the next batch")
    assert not Person.objects.filter(home_org=org).exists()
    insert_rows(Person, [person_row(ids[0], org, "甲")])  # the connection is still usable afterwards
    assert Person.objects.filter(home_org=org).count() == 1


def plan_cache_mode() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)  # foreign keys are checked at COMMIT
def test_a_bulk_write_reuses_plans_and_then_restores_the_configured_mode():
    if connection.vendor != "postgresql":
        pytest.skip("plan_cache_mode is a PostgreSQL setting")
    configured = plan_cache_mode()
    assert configured == "force_custom_plan"  # settings.py: list pages plan each query with its values
    org = make_org("测试党支部")
    with transaction.atomic():
        with reused_plans():
            assert plan_cache_mode() == "auto"  # what the per-row foreign-key checks need
            insert_rows(Person, [person_row(pk, org, "甲") for pk in reserve_ids(Person, 3)])
        assert plan_cache_mode() == configured
    with pytest.raises(IntegrityError), transaction.atomic(), reused_plans():
        insert_rows(Membership, [_membership(person_row(0, org, "乙"), timezone.now())])  # no person 0
    assert plan_cache_mode() == configured  # rolled back with the failed transaction
    assert Person.objects.filter(home_org=org).count() == 3


def foreign_keys_of(model) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f' "
            "AND conrelid = %s::regclass ORDER BY 1",
            [model._meta.db_table],
        )
        return cursor.fetchall()


@pytest.mark.django_db(transaction=True)
def test_a_load_with_its_foreign_keys_checked_at_the_end_keeps_its_rows_and_gets_the_same_keys_back():
    org = make_org("测试党支部")
    before = foreign_keys_of(Membership) if connection.vendor == "postgresql" else None
    with transaction.atomic(), foreign_keys_checked_at_end([Person, Membership]):
        if connection.vendor == "postgresql":
            assert foreign_keys_of(Membership) == []  # no per-row check queued while loading
        people = [person_row(pk, org, "甲") for pk in reserve_ids(Person, 3)]
        insert_rows(Person, people)
        insert_rows(Membership, [_membership(row, timezone.now()) for row in people])
    assert Membership.objects.filter(person__home_org=org).count() == 3
    if before is not None:
        assert foreign_keys_of(Membership) == before
        assert all("DEFERRABLE INITIALLY DEFERRED" in definition for _, definition in before)


@pytest.mark.django_db(transaction=True)
def test_a_row_pointing_nowhere_fails_the_load_when_its_keys_come_back_and_nothing_is_left():
    if connection.vendor != "postgresql":
        pytest.skip("the keys are dropped and added back on PostgreSQL only")
    org = make_org("测试党支部")
    before = foreign_keys_of(Membership)
    with pytest.raises(IntegrityError), transaction.atomic(), foreign_keys_checked_at_end([Membership]):
        insert_rows(Person, [person_row(pk, org, "甲") for pk in reserve_ids(Person, 2)])
        insert_rows(Membership, [_membership(person_row(0, org, "乙"), timezone.now())])  # no person 0
    assert foreign_keys_of(Membership) == before
    assert not Person.objects.filter(home_org=org).exists()
    assert not Membership.objects.filter(person_id=0).exists()


def test_dropping_foreign_keys_outside_a_transaction_is_refused():
    if connection.vendor != "postgresql":
        pytest.skip("the keys are dropped and added back on PostgreSQL only")
    with pytest.raises(RuntimeError), foreign_keys_checked_at_end([Membership]):
        pass


def test_objects_frozen_for_a_bulk_job_are_handed_back_to_the_collector_even_after_an_error():
    cells = [[str(i)] for i in range(1000)]  # what a read sheet holds, in miniature
    with pytest.raises(ValueError), existing_objects_frozen():
        assert gc.get_freeze_count() >= len(cells)
        raise ValueError("a failed import")
    assert gc.get_freeze_count() == 0
