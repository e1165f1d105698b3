"""Wait until the emulators are up and the `api` function answers, then print
shell assignments (API_BASE_URL, emulator host variables, EMULATOR_LINES)."""

import json
import os
import shlex
import sys
import time
import urllib.error
import urllib.request

DEADLINE_SECONDS = 180


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback only
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""
    except (urllib.error.URLError, OSError):
        return 0, b""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def main() -> None:
    hub, project, pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
    deadline = time.monotonic() + DEADLINE_SECONDS
    listing: dict[str, dict[str, object]] = {}
    while time.monotonic() < deadline:
        if not alive(pid):
            sys.exit("emulators exited during start-up; see the emulator log")
        status, body = get(f"http://{hub}/emulators")
        if status == 200:
            listing = json.loads(body)
            if {"auth", "firestore", "functions"} <= listing.keys():
                break
        time.sleep(0.5)
    else:
        sys.exit("emulators did not start in time")

    def addr(name: str) -> str:
        info = listing[name]
        return f"{info['host']}:{info['port']}"

    api = f"http://{addr('functions')}/{project}/us-central1/api"
    while time.monotonic() < deadline:
        if get(f"{api}/v1/health")[0] == 200:
            break
        time.sleep(0.5)
    else:
        sys.exit("the api function did not answer /v1/health in time")

    lines = [f"  {name:<12}  http://{addr(name)}" for name in sorted(listing)]
    exports = {
        "API_BASE_URL": api,
        "GCLOUD_PROJECT": project,
        "FIRESTORE_EMULATOR_HOST": addr("firestore"),
        "FIREBASE_AUTH_EMULATOR_HOST": addr("auth"),
        "EMULATOR_LINES": "  Emulators:\n" + "\n".join(lines),
    }
    for key, value in exports.items():
        print(f"export {key}={shlex.quote(value)}")


if __name__ == "__main__":
    main()
