"""The CSRF rule for cookie sessions, in-process (the HTTP exchange is in tests/api/test_auth_session.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from firebrick.auth.sessions import check_csrf, csrf_token_for
from firebrick.config import get_settings
from firebrick.errors import PermissionDenied


@pytest.fixture
def allowed_origin(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("SESSION_ALLOWED_ORIGINS", "https://app.example.com, https://admin.example.com/")
    get_settings.cache_clear()
    yield "https://app.example.com"
    get_settings.cache_clear()


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", "get"])
def test_safe_methods_need_no_token(method: str) -> None:
    check_csrf("cookie-a", method, None, "https://evil.example")


@pytest.mark.parametrize("method", ["POST", "PATCH", "PUT", "DELETE"])
def test_state_changing_methods_need_the_sessions_token(method: str) -> None:
    check_csrf("cookie-a", method, csrf_token_for("cookie-a"), None)
    for bad in (None, "", csrf_token_for("cookie-b"), csrf_token_for("cookie-a")[:-1]):
        with pytest.raises(PermissionDenied):
            check_csrf("cookie-a", method, bad, None)


def test_foreign_origin_is_refused_when_origins_are_configured(allowed_origin: str) -> None:
    token = csrf_token_for("cookie-a")
    check_csrf("cookie-a", "POST", token, allowed_origin)
    check_csrf("cookie-a", "POST", token, "https://admin.example.com")
    with pytest.raises(PermissionDenied):
        check_csrf("cookie-a", "POST", token, "https://evil.example")
