"""Server-side state helpers: rate limits, ledgers, caches."""
