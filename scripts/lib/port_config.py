"""Write a copy of firebase.json with every emulator port shifted by an offset.

Used when FIREBRICK_PORT_OFFSET is set so two checkouts can run suites at once.
"""

import json
import sys
from pathlib import Path


def main() -> None:
    source, offset, out = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    config = json.loads(source.read_text())
    for entry in config["emulators"].values():
        if isinstance(entry, dict) and "port" in entry:
            entry["port"] += offset
    config["emulators"]["firestore"]["websocketPort"] = 9150 + offset
    config["emulators"].setdefault("eventarc", {})["port"] = 9290 + offset
    # Bases 9290/9490 (not 9299/9499): offsets are multiples of 100, so bases 200 apart
    # made one checkout's tasks port another's eventarc port.
    config["emulators"].setdefault("tasks", {})["port"] = 9490 + offset
    out.write_text(json.dumps(config, indent=2))


if __name__ == "__main__":
    main()
