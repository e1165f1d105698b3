"""JSON Schemas of what apps exchange outside REST: callables, and the documents they read.

Built from the same pydantic models the backend validates with (`CALLABLES`,
`models.documents.DOCUMENTS`): `/v1/callables.schema.json` serves the first, and
`scripts/gen-clients` turns both into the TypeScript client's types.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_REF = "#/$defs/{model}"


def _schemas(models: list[type[BaseModel]]) -> tuple[dict[type[BaseModel], dict[str, Any]], dict[str, Any]]:
    keyed, top = models_json_schema([(m, "serialization") for m in models], ref_template=_REF)
    defs: dict[str, Any] = top.get("$defs", {})
    return {model: schema for (model, _), schema in keyed.items() if issubclass(model, BaseModel)}, defs


def _payload(ref: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """A callable's payload: the body's fields plus the path ids as fields, closed like both."""
    return {
        "type": "object",
        "properties": {**ref.get("properties", {}), **body.get("properties", {})},
        "required": [*ref.get("required", []), *body.get("required", [])],
        "additionalProperties": False,
    }


def callables_schema() -> dict[str, Any]:
    """`{callables: {name: {request, response}}, $defs}` for every entry of `CALLABLES`."""
    from firebrick.callables import CALLABLES

    models: list[type[BaseModel]] = []
    for spec in CALLABLES.values():
        models += [spec.ref, spec.body, spec.result]
    keyed, defs = _schemas(models)

    def inline(model: type[BaseModel]) -> dict[str, Any]:
        schema = keyed[model]
        found: dict[str, Any] = defs.get(schema.get("$ref", "").rsplit("/", 1)[-1], schema)
        return found

    callables = {
        name: {
            "request": _payload(inline(spec.ref), inline(spec.body)),
            "response": keyed[spec.result],
        }
        for name, spec in sorted(CALLABLES.items())
    }
    return {"$schema": _DIALECT, "title": "Firebrick callables", "callables": callables, "$defs": defs}


def documents_schema() -> dict[str, Any]:
    """`{documents: {name: {path, schema}}, $defs}` for what apps read directly under the rules."""
    from firebrick.models.documents import DOCUMENTS

    keyed, defs = _schemas(list(DOCUMENTS.values()))
    documents = {name: {"path": model.path, "schema": keyed[model]} for name, model in DOCUMENTS.items()}
    return {"$schema": _DIALECT, "title": "Firebrick documents", "documents": documents, "$defs": defs}
