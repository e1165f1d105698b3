"""Where a request came from (client IP, user agent), for rate limits and the audit trail.

Behind Google's front end the client address is the entry that the trusted
proxies appended to X-Forwarded-For (`trusted_proxy_hops` from the right);
entries further left are client-supplied and ignored. With no trusted hops the
socket peer is used.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Request

from firebrick.audit import RequestMeta
from firebrick.auth.settings import get_auth_settings

#: The `X-Step-Up-Token` header, declared so OpenAPI documents it on sensitive routes.
StepUpHeader = Annotated[
    str | None,
    Header(alias="X-Step-Up-Token", description="Step-up token from POST /v1/auth/mfa/step-up (once MFA is on)"),
]


def client_ip(request: Request) -> str | None:
    hops = get_auth_settings().trusted_proxy_hops
    forwarded = request.headers.get("x-forwarded-for")
    if hops and forwarded:
        entries = [e.strip() for e in forwarded.split(",") if e.strip()]
        if len(entries) >= hops:
            return entries[-hops][:64]
    return request.client.host if request.client else None


def request_meta(request: Request) -> RequestMeta:
    return RequestMeta(ip=client_ip(request), user_agent=request.headers.get("user-agent"))
