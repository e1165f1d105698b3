"""No secret in the repository: a private key or a secret-looking value in a tracked file fails the suite.

Log lines get the same detector in tests/test_logs.py. The self-tests plant what
the detector must find, in text and in a git repository of their own.
"""

from __future__ import annotations

import secrets
import subprocess
from pathlib import Path

from tests.support.secrets import find_secrets, git, scan_repository

ROOT = Path(__file__).resolve().parents[1]

#: Tracked files allowed to hold secret-looking strings: path -> why it is not a secret. Keep it small;
#: an entry needs a reason a reviewer can check (a public test fixture, a documented placeholder).
ALLOWED: dict[str, str] = {}


def pem_private_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return pem.decode()


def google_api_key() -> str:
    return "AIza" + secrets.token_urlsafe(27)[:35]


def test_no_tracked_file_holds_a_secret() -> None:
    assert scan_repository(ROOT, ALLOWED) == []


def test_the_detector_finds_planted_secrets_and_passes_placeholders() -> None:
    token = secrets.token_urlsafe(32)
    planted = {
        "PEM private key": pem_private_key(),
        "Google API key": f'const config = {{apiKey: "{google_api_key()}"}};',
        "high-entropy value of 'SERVICE_TOKEN'": f"SERVICE_TOKEN={token}",
        "high-entropy value of 'clientSecret'": f'{{"clientSecret": "{token}"}}',
        "PEM private key in JSON": '{"pem": "' + pem_private_key().replace("\n", "\\n") + '"}',
    }
    for what, text in planted.items():
        assert find_secrets(text), what
    placeholders = [
        "FIREBRICK_AUTH_SECRET=",
        "WEB_API_KEY=your-web-api-key-goes-here",
        'secret = "${FIREBRICK_AUTH_SECRET}"',
        "token_key = firebrick.auth.service_tokens.verify_token",
        '"pem": "-----BEGIN PRIVATE KEY-----..."',
        "api_key: AIzaNotARealKey",
        "idempotency_key = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'",
    ]
    assert [p for p in placeholders if find_secrets(p)] == []


def test_a_key_committed_to_a_repository_is_found(tmp_path: Path) -> None:
    def run(*args: str) -> None:
        subprocess.run([git(), *args], cwd=tmp_path, check=True, capture_output=True, timeout=60)

    run("init", "-q")
    (tmp_path / "README.md").write_text("nothing to see\n")
    (tmp_path / "deploy.json").write_text('{"private_key": "' + pem_private_key().replace("\n", "\\n") + '"}\n')
    (tmp_path / "untracked.env").write_text(f"API_KEY={google_api_key()}\n")  # not tracked: not published
    run("add", "README.md", "deploy.json")
    found = scan_repository(tmp_path, {})
    assert [(f.kind, f.where, f.line) for f in found] == [("PEM private key", "deploy.json", 1)]
    assert scan_repository(tmp_path, {"deploy.json": "a public test fixture"}) == []
