"""Structured JSON logs that Cloud Logging understands, with the request ID attached.

Cloud Functions (gen2) parse one JSON object per stdout line: `severity` and
`message` are recognised, other keys become `jsonPayload`. The request ID lives
in a context variable so every log line of a request carries it.
"""

from __future__ import annotations

import contextvars
import json
import logging
import sys
from typing import Any

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)

_configured = False


class CloudLoggingFormatter(logging.Formatter):
    """One JSON object per record: severity, message, logger, request id, extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "severity": record.levelname,
            "message": record.getMessage(),
            "logger": record.name,
        }
        request_id = request_id_var.get()
        if request_id:
            entry["requestId"] = request_id
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_info:
            # Stack traces go to the log, never to the client.
            entry["stack_trace"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(level: str = "INFO") -> None:
    """Route the `firebrick` loggers to stdout as JSON; idempotent."""
    global _configured
    if _configured:
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(CloudLoggingFormatter())
    root = logging.getLogger("firebrick")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False
    _configured = True


def get_logger(name: str) -> logging.Logger:
    """A logger under the `firebrick` namespace."""
    return logging.getLogger(name if name.startswith("firebrick") else f"firebrick.{name}")


def log_event(logger: logging.Logger, level: int, message: str, **fields: Any) -> None:
    """Log `message` with structured `fields` (they become jsonPayload keys)."""
    logger.log(level, message, extra={"fields": fields})
