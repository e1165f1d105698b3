"""Server-side state that is neither source data nor derived data: idempotency ledger, limits, caches."""
