"""Rate limits against the Firestore emulator: spent before the attempt, so racing callers cannot overshoot."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import pytest

from firebrick.errors import RateLimited, Unauthenticated
from firebrick.state import rate_limit
from firebrick.state.rate_limit import Limit
from tests.support.auth import AuthUser
from tests.support.orgs import CTX

if TYPE_CHECKING:
    from google.cloud.firestore import Client

pytestmark = pytest.mark.emulators


def race(times: int, attempt: Callable[[], object]) -> Counter[str]:
    """Run `attempt` from `times` threads released together; count the outcomes by exception name."""
    barrier = threading.Barrier(times)

    def one() -> str:
        barrier.wait()
        try:
            attempt()
        except Exception as exc:  # the outcome is what we count
            return type(exc).__name__
        return "ok"

    with ThreadPoolExecutor(times) as pool:
        return Counter(pool.map(lambda _: one(), range(times)))


def test_racing_spends_pass_at_most_the_limit(admin_db: Client) -> None:
    limit = Limit("test-race", 5, 600)
    outcomes = race(16, lambda: rate_limit.spend(admin_db, [(limit, "k")]))
    assert outcomes == {"ok": 5, "RateLimited": 11}


def test_refund_gives_an_event_back_in_the_same_window(admin_db: Client) -> None:
    limit = Limit("test-refund", 1, 600)
    receipt = rate_limit.spend(admin_db, [(limit, "k")])
    with pytest.raises(RateLimited) as refused:
        rate_limit.spend(admin_db, [(limit, "k")])
    assert 1 <= refused.value.retry_after <= 600
    rate_limit.refund(admin_db, receipt)
    rate_limit.refund(admin_db, receipt)  # the refused one stays counted: still full
    rate_limit.spend(admin_db, [(limit, "k")])


def test_a_full_key_refuses_even_when_another_key_has_room(admin_db: Client) -> None:
    tight, loose = Limit("test-tight", 1, 600), Limit("test-loose", 100, 600)
    rate_limit.spend(admin_db, [(tight, "k"), (loose, "k")])
    with pytest.raises(RateLimited):
        rate_limit.spend(admin_db, [(tight, "k"), (loose, "k")])
    rate_limit.spend(admin_db, [(tight, "other"), (loose, "k")])


def test_large_limits_spread_over_shards_and_keys_stay_hashed(admin_db: Client) -> None:
    limit = Limit("test-shards", 1200, 60)
    assert (limit.shards, limit.per_shard) == (10, 120)
    for _ in range(30):
        rate_limit.spend(admin_db, [(limit, "someone@example.com")])
    ids = [doc.id for doc in admin_db.collection("rateLimits").stream()]
    assert 1 < len(ids) <= 10
    assert all("someone" not in doc_id for doc_id in ids)


def test_parallel_wrong_passwords_get_at_most_the_limit_of_guesses(
    make_user: Callable[..., AuthUser], admin_db: Client
) -> None:
    """Checked first and counted after, all parallel guesses used to pass; now at most the limit do."""
    from firebrick.config import get_settings
    from firebrick.services import identity

    user = make_user()
    limit = get_settings().login_failures_per_email
    outcomes = race(limit + 7, lambda: identity.login(admin_db, user.email, "not-the-password-1", ctx=CTX))
    assert outcomes[Unauthenticated.__name__] <= limit
    assert outcomes[RateLimited.__name__] >= 7
    assert sum(outcomes.values()) == limit + 7


def test_a_successful_login_gives_its_attempt_back(make_user: Callable[..., AuthUser], admin_db: Client) -> None:
    from firebrick.config import get_settings
    from firebrick.services import identity

    user = make_user()
    for _ in range(get_settings().login_failures_per_email + 2):
        identity.login(admin_db, user.email, user.password, ctx=CTX)
