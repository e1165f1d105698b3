"""Firebrick: a multi-tenant backend on Firebase.

Nothing is imported here on purpose: `main.py` imports this package on every
cold start, and each module loads its heavy dependencies only when first used.
"""
