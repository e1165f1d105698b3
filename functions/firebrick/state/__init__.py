"""Server-side state, neither source nor derived data: idempotency and event ledgers, counters, limits."""
