"""Write a copy of firebase.json for running beside other checkouts, and with the
Emulator UI switched on when `--ui` is given.

Every emulator port (and Firestore's websocket port) moves by the offset
(FIREBRICK_PORT_OFFSET, a multiple of 100 below 1000). firebase.json puts the
ports whose defaults sit 100 or 200 apart from another's (logging, Eventarc,
Cloud Tasks, Storage, the UI, the websocket) in bands of their own (20000 and up),
so checkouts at offsets 0, 100, 200, ... can never collide.
"""

import json
import sys
from pathlib import Path


def main() -> None:
    source, offset, out = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    config = json.loads(source.read_text())
    emulators = config["emulators"]
    emulators["ui"]["enabled"] = "--ui" in sys.argv[4:]
    for emulator in emulators.values():
        if isinstance(emulator, dict):
            for key in ("port", "websocketPort"):
                if key in emulator:
                    emulator[key] += offset
    out.write_text(json.dumps(config, indent=2))


if __name__ == "__main__":
    main()
