"""Server-side state, neither source nor derived data: idempotency keys, the event ledger, counters, limits."""
