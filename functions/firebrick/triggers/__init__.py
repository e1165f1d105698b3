"""Trigger handlers: thin adapters from Firebase events to reducers and state updates."""
