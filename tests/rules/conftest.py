"""The rules tests' world: an org seeded with a document in every collection, and every kind of caller."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from firebrick_testing import RulesTestEnv
from tests.rules.support import RulesWorld, seed_rules_world
from tests.support.emulators import Emulators

if TYPE_CHECKING:
    from google.cloud.firestore import Client


@pytest.fixture
def world(admin_db: Client, clean: Emulators, rules_env: RulesTestEnv) -> RulesWorld:
    seed_rules_world(admin_db)
    return RulesWorld(rules_env)
