"""Event handlers: thin adapters from Firebase events (Firestore, Storage, identity) to reducers and state."""
