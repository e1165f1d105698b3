"""Who runs a command and where the request came from: one context for REST and callables alike.

Every service takes a `Caller` first: the database, the verified principal and
the request context. Every audit entry and every rate-limit key uses that
context, so the same client is recorded the same way whichever door it came through. Behind Google's front
end the client address is the entry the trusted proxies appended to
`X-Forwarded-For` (`trusted_proxy_hops` from the right); entries further left
are client-supplied and ignored. With no trusted hops the socket peer is used.
"""

from __future__ import annotations

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


def client_ip(forwarded_for: str | None, peer: str | None, trusted_hops: int) -> str | None:
    """The client address: `trusted_hops` entries from the right of X-Forwarded-For, else the peer."""
    if trusted_hops and forwarded_for:
        entries = [entry.strip() for entry in forwarded_for.split(",") if entry.strip()]
        if len(entries) >= trusted_hops:
            return entries[-trusted_hops][:_MAX_IP_CHARS]
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
