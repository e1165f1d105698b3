"""firebrick-testing: test Firebase security rules and Python Cloud Functions triggers on the emulators.

Rules: `RulesTestEnv` loads rules and acts as any caller over the emulators' REST
APIs; `assert_allowed` / `assert_denied` tell a rules decision from other failures;
`RulesTestEnv.coverage()` reports which allow conditions tests saw allowed and denied.
Triggers: `firestore_event` / `storage_event` build events as production sends them;
`invoke` runs a decorated function on one through the SDK, `deliver_twice` and
`deliver_out_of_order` replay them. Callables: `call` / `callable_request`.
"""

from firebrick_testing.assertions import assert_allowed, assert_denied, outcome
from firebrick_testing.callables import CallableError, call, callable_request
from firebrick_testing.context import Caller, RulesContext, StorageContext, document_data, documents
from firebrick_testing.coverage import ConditionCoverage, RulesCoverage
from firebrick_testing.emulators import (
    EmulatorHosts,
    EmulatorUnavailable,
    background_triggers_enabled,
    set_background_triggers,
    triggers_disabled,
)
from firebrick_testing.events import (
    CloudEventRequest,
    Deliveries,
    DocumentState,
    EventMismatch,
    FirestoreEvent,
    StorageEvent,
    deliver,
    deliver_out_of_order,
    deliver_twice,
    delivery_request,
    document_params,
    firestore_event,
    invoke,
    storage_event,
)
from firebrick_testing.rules import RulesError, RulesTestEnv
from firebrick_testing.tokens import unsigned_id_token
from firebrick_testing.values import GeoPoint, Reference, decode_fields, decode_value, encode_fields, encode_value

__all__ = [
    "CallableError",
    "Caller",
    "CloudEventRequest",
    "ConditionCoverage",
    "Deliveries",
    "DocumentState",
    "EmulatorHosts",
    "EmulatorUnavailable",
    "EventMismatch",
    "FirestoreEvent",
    "GeoPoint",
    "Reference",
    "RulesContext",
    "RulesCoverage",
    "RulesError",
    "RulesTestEnv",
    "StorageContext",
    "StorageEvent",
    "assert_allowed",
    "assert_denied",
    "background_triggers_enabled",
    "call",
    "callable_request",
    "decode_fields",
    "decode_value",
    "deliver",
    "deliver_out_of_order",
    "deliver_twice",
    "delivery_request",
    "document_data",
    "document_params",
    "documents",
    "encode_fields",
    "encode_value",
    "firestore_event",
    "invoke",
    "outcome",
    "set_background_triggers",
    "storage_event",
    "triggers_disabled",
    "unsigned_id_token",
]
