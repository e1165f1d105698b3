"""ASGI entry point for running the API outside Cloud Functions: `uvicorn firebrick.asgi:app`."""

from firebrick.api.app import create_app

app = create_app()
