"""Generate the strict-membership variant of the security rules.

`firestore.rules` and `storage.rules` each define, on one line marked
`firebrick:strict-switch`, `function strictMembership() { return false; }`.
The strict variant is the same file with that function returning true, so the
two can never drift apart.
"""

from __future__ import annotations

import re

_SWITCH = re.compile(r"function strictMembership\(\) \{ return false; \}(?= // firebrick:strict-switch)")


def strict_rules(source: str) -> str:
    """`source` with strict membership checks switched on; fails loudly if the switch is missing."""
    strict, count = _SWITCH.subn("function strictMembership() { return true; }", source)
    if count != 1:
        raise ValueError("expected exactly one `firebrick:strict-switch` line in the rules")
    return strict
