"""Server-side state that is neither source nor derived data: idempotency ledger, rate limits, caches."""
