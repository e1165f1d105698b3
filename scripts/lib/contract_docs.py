"""Write the client contract's JSON documents (OpenAPI, callables, documents) into a folder, for the generators."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "functions"))

from firebrick.api.app import create_app
from firebrick.config import Settings
from firebrick.contract import callables_schema, documents_schema


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    documents = {
        "openapi.json": create_app(Settings(project_id="demo-firebrick")).openapi(),
        "callables.schema.json": callables_schema(),
        "documents.schema.json": documents_schema(),
    }
    for name, document in documents.items():
        (out / name).write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
