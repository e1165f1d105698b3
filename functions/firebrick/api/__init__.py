"""The HTTP API: a FastAPI app that runs in the `api` function and under uvicorn."""
