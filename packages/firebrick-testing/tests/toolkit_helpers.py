"""Constants shared by the toolkit's tests."""

from pathlib import Path

DATA = Path(__file__).parent / "data"
#: The toolkit tests' own project: a `demo-` id, which the emulators never connect to production.
PROJECT = "demo-firebrick-testing"
