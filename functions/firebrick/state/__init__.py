"""Server-side state that is neither source nor derived data: idempotency ledger, event ledger, counters, rate limits."""
