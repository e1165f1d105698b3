"""Event handlers: Firestore, Storage and identity (blocking) triggers."""
