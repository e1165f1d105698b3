"""Pydantic request/response models, shared by the REST routes and the callables."""
