"""Callables refuse bodies over 1 MiB with 413 (`invalid-argument`, `payload_too_large`) before the SDK parses them."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from firebrick_testing.callables import CallableError, call
from tests.support.orgs import SeededOrg

LIMIT = 1024 * 1024


@pytest.mark.emulators
def test_a_callable_body_over_one_mib_is_refused(make_org: Callable[..., SeededOrg]) -> None:
    import main

    org = make_org(roles=("admin",))
    token = org["admin"].id_token
    with pytest.raises(CallableError) as refused:
        call(main.projects_create, {"orgId": org.org_id, "name": "P", "description": "x" * LIMIT}, id_token=token)
    assert refused.value.http_status == 413
    assert refused.value.code == "invalid-argument"
    assert refused.value.details["code"] == "payload_too_large"
    created = call(main.projects_create, {"orgId": org.org_id, "name": "Small"}, id_token=token)
    assert created["name"] == "Small"
