"""Who runs a command and where the request came from: one context for REST and callables alike.

Every service takes a `Caller` first: the database, the verified principal and
the request context. Every audit entry and every rate-limit key uses that
context, so the same client is recorded the same way whichever door it came through.

The client address is the `X-Forwarded-For` entry the trusted proxies appended:
`trusted_proxy_hops` from the right. Entries further left are whatever the client
sent and are ignored. Calling the function's own URL, Google's front end appends
the client: 1 hop (the default). Behind Firebase Hosting, Hosting's CDN appends the
client and Google's front end then appends the CDN's address: 2 hops
(`TRUSTED_PROXY_HOPS=2`; with 1 every user would share the CDN edge's address).
An entry that is not an IP address (a port is dropped) is no address; with no
trusted hops, or too few entries, the socket peer is used.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from firebrick.auth.principal import Principal
from firebrick.config import get_settings

if TYPE_CHECKING:
    from google.cloud.firestore import Client

_MAX_IP_CHARS = 64


class Headers(Protocol):
    """Case-insensitive header lookup (Starlette's and Werkzeug's headers both fit)."""

    def get(self, key: str, /) -> str | None: ...


@dataclass(frozen=True, slots=True)
class RequestContext:
    """The request's id, client address and user agent (any may be unknown)."""

    request_id: str | None = None
    client_ip: str | None = None
    user_agent: str | None = None


@dataclass(frozen=True, slots=True)
class Caller:
    """Who runs a command (a verified principal), from where, against which database."""

    db: Client
    principal: Principal
    ctx: RequestContext = field(default_factory=RequestContext)

    @property
    def uid(self) -> str:
        return self.principal.uid


def _address(entry: str) -> str | None:
    """`entry` as a normalised IP address (`1.2.3.4:80` and `[2001:db8::1]:443` lose their port), else None."""
    text = entry.strip()[:_MAX_IP_CHARS]
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":")[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def client_ip(forwarded_for: str | None, peer: str | None, trusted_hops: int) -> str | None:
    """The client address: `trusted_hops` entries from the right of X-Forwarded-For, else the peer."""
    if trusted_hops and forwarded_for:
        entries = [entry for entry in forwarded_for.split(",") if entry.strip()]
        if len(entries) >= trusted_hops:
            return _address(entries[-trusted_hops])
    return peer


def request_context(headers: Headers, peer: str | None, request_id: str | None = None) -> RequestContext:
    """The context of a request with these headers from this socket peer."""
    forwarded = headers.get("x-forwarded-for")
    agent = headers.get("user-agent")
    return RequestContext(
        request_id=request_id,
        client_ip=client_ip(forwarded, peer, get_settings().trusted_proxy_hops),
        user_agent=agent or None,
    )
