"""The one way to run a Firestore transaction.

`body(transaction)` must be re-runnable: Firestore retries it on contention,
re-reading everything, so a decision and the writes it allows always see the
same data.

Two kinds of retry. The client library retries a refused *commit* at once, under
the same transaction id, which keeps the transaction's place in line. It does not
retry a *read* that timed out waiting for a lock, and it never backs off, so
writers that keep colliding (sibling trigger deliveries, a reconcile pass reading a
whole counter) can use up every attempt in a few milliseconds. Rounds cover both:
after an aborted read or a round of refused commits, wait a random, growing delay
and start a fresh transaction. Services run one round (a request should answer
soon); trigger reducers, which contend with their siblings by design, run more.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from google.cloud.firestore import Client, Transaction

T = TypeVar("T")

#: Firestore's own default number of commit attempts per round.
DEFAULT_ATTEMPTS = 5
#: First backoff between rounds; it doubles each round, with full jitter.
BACKOFF_BASE_S = 0.05
BACKOFF_CAP_S = 2.0


def run_in_transaction(
    db: Client, body: Callable[[Transaction], T], *, attempts: int = DEFAULT_ATTEMPTS, rounds: int = 1
) -> T:
    """Run `body` in a transaction: `attempts` commits per round, `rounds` rounds with backoff between."""
    from google.api_core.exceptions import Aborted
    from google.cloud import firestore

    for round_ in range(1, rounds + 1):
        try:
            return firestore.transactional(body)(db.transaction(max_attempts=attempts))  # type: ignore[no-any-return]
        except Aborted:  # a read timed out waiting for a lock
            if round_ == rounds:
                raise
        except ValueError as exc:  # the library's "failed to commit in N attempts"
            if round_ == rounds or not isinstance(exc.__cause__, Aborted):
                raise
        time.sleep(random.uniform(0, min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2**round_)))  # noqa: S311 - jitter
    raise AssertionError("unreachable: the last round returns or raises")
