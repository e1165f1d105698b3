"""The benchmark's Firestore op counter tallies what Firestore would bill."""

from __future__ import annotations

import pytest
from google.cloud.firestore_v1.base_query import FieldFilter

from firebrick import opcount
from firebrick.clients import _counting_client_class
from firebrick.config import get_settings
from tests.support.emulators import Emulators


@pytest.fixture
def counting_client(clean: Emulators):  # type: ignore[no-untyped-def]
    from google.auth.credentials import AnonymousCredentials

    return _counting_client_class()(project=get_settings().project_id, credentials=AnonymousCredentials())


def test_counts_reads_writes_and_empty_queries(counting_client) -> None:  # type: ignore[no-untyped-def]
    counter = opcount.OpCounter()
    token = opcount.current_counter.set(counter)
    try:
        batch = counting_client.batch()
        for i in range(3):
            batch.set(counting_client.document(f"things/t{i}"), {"n": i})
        batch.commit()
        assert (counter.reads, counter.writes) == (0, 3)

        counting_client.document("things/t0").get()
        counting_client.document("things/missing").get()
        assert counter.reads == 2

        assert len(list(counting_client.collection("things").stream())) == 3
        assert counter.reads == 5

        assert list(counting_client.collection("things").where(filter=FieldFilter("n", "==", 99)).stream()) == []
        assert counter.reads == 6
    finally:
        opcount.current_counter.reset(token)


def test_nothing_is_counted_outside_a_request(counting_client) -> None:  # type: ignore[no-untyped-def]
    counting_client.document("things/x").set({"n": 1})
    assert opcount.current_counter.get() is None


def test_counts_only_writes_that_happened(counting_client) -> None:  # type: ignore[no-untyped-def]
    from google.api_core.exceptions import Conflict
    from google.cloud.firestore_v1.bulk_batch import BulkWriteBatch

    counting_client.document("things/taken").set({"n": 0})
    counter = opcount.OpCounter()
    token = opcount.current_counter.set(counter)
    try:
        with pytest.raises(Conflict):  # a failed commit writes nothing
            counting_client.document("things/taken").create({"n": 1})
        assert counter.writes == 0

        # BatchWrite (what BulkWriter and recursive_delete send; here in this thread, so the
        # context's counter sees it): each applied write counts, the refused one does not.
        batch = BulkWriteBatch(counting_client)
        for i in range(4):
            batch.set(counting_client.document(f"things/b{i}"), {"n": i})
        batch.create(counting_client.document("things/taken"), {"n": 2})  # refused: exists
        batch.commit()
        assert counter.writes == 4
    finally:
        opcount.current_counter.reset(token)
