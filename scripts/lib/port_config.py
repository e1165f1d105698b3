"""Write a copy of firebase.json for running beside other checkouts, and with the
Emulator UI switched on when `--ui` is given.

With an offset (FIREBRICK_PORT_OFFSET, below 1000), auth, firestore, functions and
the hub move by the offset (their base ports never differ by a multiple of 100,
so checkouts at offsets 100, 200, ... cannot collide); every other port goes to a
band of its own (20000 + offset, 21000 + offset, ...), since their default ports
sit exactly 100 or 200 apart and would collide with a neighbour's.
"""

import json
import sys
from pathlib import Path

SHIFTED = ("auth", "firestore", "functions", "hub")
BANDS = {"eventarc": 20000, "tasks": 21000, "logging": 23000, "storage": 24000, "ui": 25000}
WEBSOCKET_BAND = 22000


def main() -> None:
    source, offset, out = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    config = json.loads(source.read_text())
    emulators = config["emulators"]
    emulators["ui"]["enabled"] = "--ui" in sys.argv[4:]
    if offset:
        for name in SHIFTED:
            emulators[name]["port"] += offset
        for name, band in BANDS.items():
            emulators.setdefault(name, {"host": "127.0.0.1"})["port"] = band + offset
        emulators["firestore"]["websocketPort"] = WEBSOCKET_BAND + offset
    out.write_text(json.dumps(config, indent=2))


if __name__ == "__main__":
    main()
