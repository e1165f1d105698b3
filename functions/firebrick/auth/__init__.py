"""Identity: who is calling (ID tokens, session cookies, service tokens, step-up)."""
