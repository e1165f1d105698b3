#!/usr/bin/env python3
"""Rotate the service-token signing key: print the next SERVICE_TOKEN_KEYS secret value.

    scripts/rotate_signing_key.py --current current.json [--overlap-days 30] > next.json
    firebase functions:secrets:set SERVICE_TOKEN_KEYS --data-file next.json && firebase deploy --only functions

A new P-256 key becomes active (signs new tokens). The previous active key keeps
verifying (and stays in the JWKS) for --overlap-days, then is dropped; tokens it
signed that live longer must be re-issued before then (use --overlap-days 0 when
the old key is compromised: every token it signed stops working on deploy).
Keys already past their `notAfter` are removed. Without --current, starts a new set.
Private keys are printed to stdout only: redirect to a file with tight permissions.
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any


def new_key() -> dict[str, Any]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    kid = f"{datetime.now(UTC):%Y%m%d}-{secrets.token_hex(4)}"
    return {"kid": kid, "pem": pem, "notAfter": None}


def rotate(current: dict[str, Any] | None, overlap_days: int, at: datetime) -> dict[str, Any]:
    """The next key set: a fresh active key, the old active retiring after the overlap."""
    fresh = new_key()
    keys: list[dict[str, Any]] = [fresh]
    for key in (current or {}).get("keys", []):
        not_after = key.get("notAfter")
        if key["kid"] == (current or {}).get("active"):
            not_after = (at + timedelta(days=overlap_days)).isoformat().replace("+00:00", "Z")
        if not_after and datetime.fromisoformat(str(not_after).replace("Z", "+00:00")) <= at:
            continue  # retired
        keys.append({**key, "notAfter": not_after})
    return {"active": fresh["kid"], "keys": keys}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--current", type=Path, help="file holding the current SERVICE_TOKEN_KEYS JSON")
    parser.add_argument("--overlap-days", type=int, default=30, help="days the previous key keeps verifying")
    args = parser.parse_args(argv)
    if args.overlap_days < 0:
        parser.error("--overlap-days must be >= 0")
    current = json.loads(args.current.read_text()) if args.current else None
    json.dump(rotate(current, args.overlap_days, datetime.now(UTC)), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
