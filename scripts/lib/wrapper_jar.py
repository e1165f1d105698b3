"""Write a tiny jar whose manifest launches the Cloud SDK's Firestore emulator.

The Debian package's jar has no Main-Class, so `java -jar` (what firebase-tools
runs) cannot start it; this wrapper adds one and points Class-Path at the real jar.
"""

import sys
import zipfile
from pathlib import Path

MAIN_CLASS = "com.google.cloud.datastore.emulator.firestore.CloudFirestore"


def manifest(target: Path) -> str:
    """Build a manifest, folding the long Class-Path line at 72 bytes as the spec requires."""
    header = f"Class-Path: {target.resolve().as_uri()}"
    lines = [header[:70]]
    rest = header[70:]
    while rest:
        lines.append(" " + rest[:69])
        rest = rest[69:]
    return "Manifest-Version: 1.0\r\n" f"Main-Class: {MAIN_CLASS}\r\n" + "\r\n".join(lines) + "\r\n\r\n"


def main() -> None:
    target, out = Path(sys.argv[1]), Path(sys.argv[2])
    text = manifest(target)
    if out.exists():
        with zipfile.ZipFile(out) as existing:
            if existing.read("META-INF/MANIFEST.MF").decode() == text:
                return
    with zipfile.ZipFile(out, "w") as jar:
        jar.writestr("META-INF/MANIFEST.MF", text)


if __name__ == "__main__":
    main()
