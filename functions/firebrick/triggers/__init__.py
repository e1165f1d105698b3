"""Handlers behind the Firestore/Storage/identity triggers declared in main.py."""
