"""Write a copy of firebase.json with every emulator port shifted by an offset,
and the Emulator UI switched on when `--ui` is given.

Used when FIREBRICK_PORT_OFFSET is set so two checkouts can run suites at once,
and by scripts/dev where the UI bundle could be installed (it needs internet once).
"""

import json
import sys
from pathlib import Path


def main() -> None:
    source, offset, out = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    config = json.loads(source.read_text())
    config["emulators"]["ui"]["enabled"] = "--ui" in sys.argv[4:]
    for entry in config["emulators"].values():
        if isinstance(entry, dict) and "port" in entry:
            entry["port"] += offset
    config["emulators"]["firestore"]["websocketPort"] = 9150 + offset
    config["emulators"].setdefault("eventarc", {})["port"] = 9299 + offset
    config["emulators"].setdefault("tasks", {})["port"] = 9499 + offset
    out.write_text(json.dumps(config, indent=2))


if __name__ == "__main__":
    main()
