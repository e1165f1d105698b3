"""The toolkit's own tests: against the real emulators, in a project of their own.

`rules_env` overrides the plugin's fixture (as a user's conftest would) to use a
separate project, so these tests load their own rules and write their own data
without touching the rules, documents or rule coverage of the project under test
(GCLOUD_PROJECT) on the same emulators. The plugin's other fixtures (`firestore_as`,
`clean_emulators`, `rule_coverage`) follow the override.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from toolkit_helpers import DATA, PROJECT

from firebrick_testing import RulesTestEnv


@pytest.fixture(scope="session")
def rules_env() -> Iterator[RulesTestEnv]:
    with RulesTestEnv(PROJECT) as env:
        env.load_rules(DATA / "notes.rules")
        yield env


@pytest.fixture
def env(clean_emulators: RulesTestEnv) -> RulesTestEnv:
    """The toolkit's env, wiped, with its own rules loaded."""
    return clean_emulators
