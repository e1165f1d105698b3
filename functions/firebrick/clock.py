"""The one clock of the backend, so tests and code agree on what "now" is."""

from datetime import UTC, datetime


def now() -> datetime:
    """Current time, timezone-aware UTC (Firestore stores UTC timestamps)."""
    return datetime.now(UTC)
