"""`/v1/docs` loads nothing unpinned: exact versions with Subresource Integrity, a CSP that allows only those.

Before, the page loaded `swagger-ui-dist@5` (any 5.x) from a CDN with no integrity and
allowed any inline script, on the origin where the `__csrf` cookie is readable.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator

import httpx
import pytest

from tests.support.resources import api_in_process

PINNED = re.compile(r"^https://cdn\.jsdelivr\.net/npm/swagger-ui-dist@\d+\.\d+\.\d+/[\w.-]+$")


@pytest.fixture(scope="module")
def docs() -> Iterator[httpx.Response]:
    with api_in_process() as base:
        yield httpx.get(f"{base}/v1/docs", timeout=30)


def directives(csp: str) -> dict[str, list[str]]:
    parsed = [part.split() for part in csp.split(";") if part.strip()]
    return {words[0]: words[1:] for words in parsed}


def test_every_asset_is_pinned_with_integrity(docs: httpx.Response) -> None:
    assert docs.status_code == 200
    html = docs.text
    tags = re.findall(r"<(?:script|link)\b[^>]*>", html)
    external = [tag for tag in tags if "src=" in tag or "href=" in tag]
    assert len(external) == 2, external
    for tag in external:
        url = re.search(r'(?:src|href)="([^"]+)"', tag)
        assert url is not None
        assert PINNED.match(url.group(1)), tag
        assert re.search(r'integrity="sha384-[A-Za-z0-9+/]{64}"', tag), tag
        assert 'crossorigin="anonymous"' in tag, tag


def test_the_csp_allows_exactly_those_files_and_the_one_inline_script(docs: httpx.Response) -> None:
    csp = docs.headers["content-security-policy"]
    assert len(docs.headers.get_list("content-security-policy")) == 1
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    policy = directives(csp)
    assert policy["default-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["connect-src"] == ["'self'"]
    urls = re.findall(r'(?:src|href)="(https://[^"]+)"', docs.text)
    inline = re.findall(r"<script>(.*?)</script>", docs.text, re.S)
    assert len(inline) == 1
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    assert sorted(policy["script-src"]) == sorted([u for u in urls if u.endswith(".js")] + [f"'sha256-{digest}'"])
    assert policy["style-src"] == [u for u in urls if u.endswith(".css")]


def test_api_responses_keep_the_api_csp() -> None:
    with api_in_process() as base:
        health = httpx.get(f"{base}/v1/health", timeout=30)
    assert health.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
