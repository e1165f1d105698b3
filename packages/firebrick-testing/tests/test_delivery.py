"""Duplicate and out-of-order delivery through `invoke`, with handlers that keep state in the emulator.

Eventarc delivers at least once and in no particular order. `count_cards` keeps a
board's card count right anyway: per card it records the time of the last event it
applied and whether the card then existed, and ignores an event that is not newer.
`count_cards_naively` adds one per create, which a duplicate delivery breaks: the
same helpers show the difference, so they can catch a handler that is not idempotent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from firebase_functions import firestore_fn
from firebase_functions.core import Change
from google.cloud.firestore_v1 import DocumentSnapshot
from toolkit_helpers import PROJECT

from firebrick_testing import Deliveries, RulesTestEnv, deliver, deliver_out_of_order, deliver_twice, firestore_event

if TYPE_CHECKING:
    from google.cloud.firestore import Client

Written = firestore_fn.Event[Change[DocumentSnapshot[Any] | None]]
_db: list[Client] = []


def db() -> Client:
    """A Firestore client on the tests' project (the emulator accepts anonymous credentials)."""
    if not _db:
        from google.auth.credentials import AnonymousCredentials
        from google.cloud import firestore

        _db.append(firestore.Client(project=PROJECT, credentials=AnonymousCredentials()))  # type: ignore[no-untyped-call]
    return _db[0]


@firestore_fn.on_document_written(document="boards/{boardId}/cards/{cardId}")
def count_cards(event: Written) -> None:
    from google.cloud import firestore

    board = db().document(f"boards/{event.params['boardId']}")
    card = event.params["cardId"]
    exists = event.data.after is not None

    @firestore.transactional
    def apply(transaction: Any) -> None:
        state = board.get(transaction=transaction).to_dict() or {}
        applied = state.get("applied", {}).get(card)
        if applied is not None and applied["at"] >= event.time:
            return  # a duplicate, or older than what is already counted
        was = applied["exists"] if applied is not None else False
        transaction.set(
            board,
            {
                "cards": state.get("cards", 0) + int(exists) - int(was),
                "applied": {card: {"at": event.time, "exists": exists}},
            },
            merge=True,
        )

    apply(db().transaction())


@firestore_fn.on_document_written(document="naive/{boardId}/cards/{cardId}")
def count_cards_naively(event: Written) -> None:
    from google.cloud import firestore

    created = event.data.before is None and event.data.after is not None
    deleted = event.data.before is not None and event.data.after is None
    change = 1 if created else -1 if deleted else 0
    db().document(f"naive/{event.params['boardId']}").set({"cards": firestore.Increment(change)}, merge=True)


def cards(path: str) -> int | None:
    value = (db().document(path).get().to_dict() or {}).get("cards")
    return None if value is None else int(value)


@pytest.fixture(autouse=True)
def _clean(env: RulesTestEnv, firebase_app: object) -> None:
    """Wiped emulators, and a default app for the SDK's snapshots."""


def test_a_duplicate_delivery_counts_once() -> None:
    created = firestore_event("boards/b1/cards/c1", after={"title": "one"}, project=PROJECT)
    result: Deliveries[int | None] = deliver_twice(count_cards, created, observe=lambda: cards("boards/b1"))
    assert result.observed == (1, 1)
    assert result.events == (created, created)
    assert result.results == (None, None)


def test_the_helper_catches_a_handler_that_is_not_idempotent() -> None:
    created = firestore_event("naive/b1/cards/c1", after={"title": "one"}, project=PROJECT)
    assert deliver_twice(count_cards_naively, created, observe=lambda: cards("naive/b1")).observed == (1, 2)


def test_a_stale_event_arriving_last_changes_nothing() -> None:
    created = firestore_event("boards/b1/cards/c1", after={"title": "one"}, project=PROJECT)
    deleted = created.then(None)
    result = deliver_out_of_order(count_cards, created, deleted, observe=lambda: cards("boards/b1"))
    assert result.events == (deleted, created)
    assert result.observed == (0, 0)  # the create, older than the delete, is ignored

    in_order = deliver(count_cards, created, deleted, observe=lambda: cards("boards/b1"))
    assert in_order.final == 0  # and delivering them again, in order, agrees


def test_interleaved_cards_end_as_in_order() -> None:
    a1 = firestore_event("boards/b2/cards/a", after={"v": 1}, project=PROJECT)
    b1 = firestore_event("boards/b2/cards/b", after={"v": 1}, project=PROJECT)
    a2 = a1.then({"v": 2})
    b2 = b1.then(None)
    result = deliver(count_cards, b2, a2, a1, b1, observe=lambda: cards("boards/b2"))
    assert result.final == 1  # card a exists, card b was deleted
    assert cards("boards/b2") == 1


def test_out_of_order_needs_the_earlier_event_first() -> None:
    created = firestore_event("boards/b1/cards/c1", after={}, project=PROJECT)
    with pytest.raises(ValueError, match="is not before"):
        deliver_out_of_order(count_cards, created.then({"v": 2}), created)
    with pytest.raises(ValueError, match="nothing was observed"):
        _ = deliver(count_cards, created).final
