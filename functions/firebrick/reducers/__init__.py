"""Reducers: pure functions from source document states to derived effects.

No I/O here. The triggers and the reconcile job feed them document data they
read inside a transaction, and write what they return; tests call them directly.
"""
