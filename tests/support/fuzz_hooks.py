"""Schemathesis hooks for tests/api/test_contract_fuzz.py (loaded by schemathesis, not by pytest).

A client picks a new `Idempotency-Key` for each distinct request; the fuzzer draws
keys from a few fixed values, so two different bodies would share a key and get
the 422 `idempotency_key_reused` the IETF draft prescribes. Each valid key is
therefore made specific to the request's method, path and body: the same request
still replays, a different one never collides.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import schemathesis

_KEY = re.compile(r"^[\x21-\x7e]{8,255}$")


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    key = (case.headers or {}).get("Idempotency-Key")
    if isinstance(key, str) and _KEY.match(key):
        request = f"{case.method} {case.formatted_path} {case.body!r}"
        case.headers["Idempotency-Key"] = f"{key[:200]}-{hashlib.sha256(request.encode()).hexdigest()[:32]}"
