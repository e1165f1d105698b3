"""Services: what each command does, in plain Python that knows no HTTP.

Every service takes its collaborators (Firestore client, principal) as
arguments, so tests call them directly against the emulators.
"""
