"""What a read costs: a member whose org is in their claims costs no membership read.

The Firestore emulator's rule-coverage report counts how often each expression
of the rules was evaluated; the membership lookup (`exists(path) ? ...` in
`roleFromDoc`) is the only `get`/`exists` in the org rules, so its count is the
number of billed document reads the rules made on their own account.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from tests.rules.support import ORG, RulesWorld, strict_mode
from tests.support.emulators import Emulators

if TYPE_CHECKING:
    pass

PROJECT = f"orgs/{ORG}/projects/p1"
LOOKUP = "exists(path) ?"


def membership_lookups(emulators: Emulators) -> int:
    """How many times the rules have evaluated the membership-document lookup so far."""
    url = f"http://{emulators.firestore}/emulator/v1/projects/{emulators.project_id}:ruleCoverage"
    coverage = httpx.get(url, timeout=30).json()
    source = coverage["rules"]["files"][0]["content"].encode()
    total = 0

    def walk(nodes: list[dict[str, Any]]) -> None:
        nonlocal total
        for node in nodes:
            position = node["sourcePosition"]
            text = source[position["currentOffset"] : position["endOffset"]].decode(errors="replace")
            if text.startswith(LOOKUP):
                total += sum(int(value.get("count", 0)) for value in node.get("values", []))
                continue
            walk(node.get("children", []))

    walk(coverage["report"])
    return total


def test_member_with_role_in_claims_costs_no_membership_read(world: RulesWorld, clean: Emulators) -> None:
    before = membership_lookups(clean)
    assert world.client("member").get(PROJECT).status_code == 200
    assert world.client("viewer").list(f"{PROJECT}/tasks").status_code == 200
    assert world.client("admin").get(f"orgs/{ORG}/audit/a1").status_code == 200
    assert membership_lookups(clean) == before


def test_org_missing_from_claims_costs_one_membership_lookup(world: RulesWorld, clean: Emulators) -> None:
    before = membership_lookups(clean)
    assert world.client("overflow_member").get(PROJECT).status_code == 200
    assert membership_lookups(clean) > before


def test_strict_mode_looks_up_the_membership_for_every_member(world: RulesWorld, clean: Emulators) -> None:
    with strict_mode(world.env):
        before = membership_lookups(clean)
        assert world.client("member").get(PROJECT).status_code == 200
        assert membership_lookups(clean) > before
