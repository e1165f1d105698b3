"""Server-side state machinery: idempotency ledger, counters, derived-field refreshers."""
