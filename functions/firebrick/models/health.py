"""Liveness answer."""

from typing import Literal

from firebrick.models.common import ResponseModel


class Health(ResponseModel):
    status: Literal["ok"] = "ok"
