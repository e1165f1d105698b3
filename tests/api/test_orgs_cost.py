"""Billed Firestore operations per org request, when the op counter is on.

Runs meaningfully only with FIREBRICK_COUNT_FIRESTORE_OPS=1 (the API then echoes
`X-Firestore-Reads/Writes`); otherwise it skips. One membership read per
org-scoped request is the price of refusing removed members at once.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.support.orgs import SeededOrg


def ops(response: httpx.Response) -> tuple[int, int]:
    if "x-firestore-reads" not in response.headers:
        pytest.skip("op counter off: run with FIREBRICK_COUNT_FIRESTORE_OPS=1")
    return int(response.headers["x-firestore-reads"]), int(response.headers["x-firestore-writes"])


def test_org_requests_cost_what_the_docs_say(api: httpx.Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org()
    owner = org["owner"].headers
    base = f"/v1/orgs/{org.org_id}"
    measured = {
        "GET org": ops(api.get(base, headers=owner)),
        "GET members (4)": ops(api.get(f"{base}/members", headers=owner)),
        "PATCH member role": ops(
            api.patch(f"{base}/members/{org['viewer'].uid}", json={"role": "member"}, headers=owner)
        ),
        "POST invite": ops(
            api.post(f"{base}/invites", json={"email": "a@example.com", "role": "viewer"}, headers=owner)
        ),
    }
    print(measured)  # shown with -s: the figures quoted in docs/rbac.md
    assert measured["GET org"] == (2, 0)  # membership + org
    assert measured["GET members (4)"] == (6, 0)  # membership + org + 4 members
