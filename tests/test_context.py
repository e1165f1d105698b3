"""The client address from X-Forwarded-For: the entry the trusted proxies appended, never one the client wrote.

The two topologies (docs/identity.md, "Client IP"): calling the function's URL, Google's
front end appends the client (1 hop); behind Firebase Hosting, Hosting's CDN appends the
client and Google's front end the CDN's edge (2 hops).
"""

from __future__ import annotations

import pytest

from firebrick.context import client_ip

CLIENT, EDGE, PEER = "203.0.113.7", "151.101.1.195", "169.254.1.1"


@pytest.mark.parametrize(
    ("forwarded", "hops", "expected"),
    [
        # Direct to the function: "<client>"; a client's own header stays on the left.
        (CLIENT, 1, CLIENT),
        (f"6.6.6.6, {CLIENT}", 1, CLIENT),
        # Behind Hosting: "<client>, <edge>"; 1 hop would put every user on the edge's address.
        (f"{CLIENT}, {EDGE}", 2, CLIENT),
        (f"{CLIENT}, {EDGE}", 1, EDGE),
        (f"6.6.6.6, 7.7.7.7, {CLIENT}, {EDGE}", 2, CLIENT),
        # Spacing, ports and IPv6 are normalised.
        (f"  {CLIENT}  ,{EDGE}", 2, CLIENT),
        (f"{CLIENT}:54321, {EDGE}", 2, CLIENT),
        ("2001:db8::7", 1, "2001:db8::7"),
        ("[2001:DB8::7]:443", 1, "2001:db8::7"),
        # Not an address where the trusted proxy's entry should be: no address at all.
        ("unknown", 1, None),
        (f"{CLIENT}, <script>", 1, None),
        (f"{CLIENT}, {'9' * 500}", 1, None),
        # Too few entries (the proxy chain is not what was configured), or no trust: the socket peer.
        (CLIENT, 2, PEER),
        ("", 1, PEER),
        (f"6.6.6.6, {CLIENT}", 0, PEER),
    ],
)
def test_the_client_is_the_entry_the_trusted_proxies_appended(forwarded: str, hops: int, expected: str | None) -> None:
    assert client_ip(forwarded, PEER, hops) == expected


def test_a_forged_header_cannot_pick_the_rate_limit_key() -> None:
    keys = {client_ip(f"{forged}, {CLIENT}", PEER, 1) for forged in ("1.1.1.1", "2.2.2.2", "10.0.0.1")}
    assert keys == {CLIENT}
