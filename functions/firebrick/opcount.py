"""Count billed Firestore reads and writes per request (benchmarks only).

Enabled with FIREBRICK_COUNT_FIRESTORE_OPS=1 against the emulator: a gRPC
interceptor on the client's channel adds up what Firestore would bill (a document
returned is a read, a query returning nothing still costs one, each write of a
commit that succeeded is a write, each write a BatchWrite applied is a write)
into the counter of the current request, and the API echoes it in
`X-Firestore-Reads`/`X-Firestore-Writes`. A commit that failed (contention, a
precondition) wrote nothing. Off in production: zero cost.
"""

from __future__ import annotations

import contextvars
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import grpc

ENV_FLAG = "FIREBRICK_COUNT_FIRESTORE_OPS"


@dataclass
class OpCounter:
    reads: int = 0
    writes: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, reads: int = 0, writes: int = 0) -> None:
        with self._lock:
            self.reads += reads
            self.writes += writes


current_counter: contextvars.ContextVar[OpCounter | None] = contextvars.ContextVar("firestore_ops", default=None)


def enabled() -> bool:
    return os.environ.get(ENV_FLAG) == "1"


def _count(reads: int = 0, writes: int = 0) -> None:
    counter = current_counter.get()
    if counter is not None:
        counter.add(reads, writes)


def _documents_in(method: str, response: Any) -> int:
    """Billed documents in one streamed response."""
    if method.endswith("/BatchGetDocuments"):
        # A lookup is billed whether the document exists or not.
        return 1 if (response.found.name or response.missing) else 0
    if method.endswith("/RunQuery"):
        return 1 if response.document.name else 0
    if method.endswith("/RunAggregationQuery"):
        return 1 if response.result else 0
    return 0


def _count_stream(method: str, responses: Iterator[Any]) -> Iterator[Any]:
    # Count as responses arrive: a single-document get stops reading after one.
    documents = 0
    try:
        for response in responses:
            found = _documents_in(method, response)
            documents += found
            _count(reads=found)
            yield response
    finally:
        if documents == 0 and not method.endswith("/BatchGetDocuments"):
            _count(reads=1)  # a query that matches nothing is still billed one read


def instrument(channel: grpc.Channel) -> grpc.Channel:
    """Wrap a channel with an interceptor that tallies every Firestore RPC's billed ops."""
    import grpc

    class CountingInterceptor(grpc.UnaryUnaryClientInterceptor, grpc.UnaryStreamClientInterceptor):  # type: ignore[misc]
        def intercept_unary_unary(self, continuation: Callable[..., Any], details: Any, request: Any) -> Any:
            method = details.method
            outcome = continuation(details, request)
            failed = outcome.exception() is not None
            if method.endswith("/Commit") and not failed:
                _count(writes=len(request.writes))
            elif method.endswith("/BatchWrite") and not failed:
                _count(writes=sum(1 for status in outcome.result().status if status.code == 0))
            elif method.endswith("/GetDocument"):
                _count(reads=1)
            elif method.endswith("/ListDocuments") and outcome.exception() is None:
                _count(reads=max(len(outcome.result().documents), 1))
            return outcome

        def intercept_unary_stream(self, continuation: Callable[..., Any], details: Any, request: Any) -> Any:
            return _count_stream(details.method, continuation(details, request))

    return grpc.intercept_channel(channel, CountingInterceptor())
