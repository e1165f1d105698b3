"""`/v1/docs`: Swagger UI from exact, integrity-pinned files, under a CSP that allows only those.

The page lives on the API's origin, where the `__csrf` cookie is readable by script,
so it loads nothing unpinned: one version of `swagger-ui-dist` from jsDelivr, each
file with its Subresource Integrity hash (a changed file is refused by the browser),
and the one inline script allowed by its own hash. No Python package ships a current
Swagger UI we would rather trust (`swagger-ui-bundle` on PyPI carries 4.15.5, 2022),
and vendoring 1.7 MB of minified script into every deploy buys nothing SRI does not.
To move to another version: `npm pack swagger-ui-dist@X`, then for each file
`openssl dgst -sha384 -binary FILE | openssl base64 -A`.
"""

from __future__ import annotations

import base64
import hashlib

from fastapi.responses import HTMLResponse

SWAGGER_UI_VERSION = "5.35.0"
_BASE = f"https://cdn.jsdelivr.net/npm/swagger-ui-dist@{SWAGGER_UI_VERSION}"
SCRIPT_URL = f"{_BASE}/swagger-ui-bundle.js"
SCRIPT_SRI = "sha384-gjRm0bEPMeTmMh5jT2cHccIwCUZSTd8YC+j0d0sXw0MdGEfScduGpSyF3ZSSLkX9"
STYLE_URL = f"{_BASE}/swagger-ui.css"
STYLE_SRI = "sha384-WlYgdmXYOOBWL5apwjDEZwN+U3HmXSSu5R6V5aGxEcf7z+KuRNwBhoxKVN1i3D5I"

# A relative OpenAPI URL works both at /v1/docs and behind the Functions emulator's prefix.
_INIT = (
    'window.ui = SwaggerUIBundle({url: "openapi.json", dom_id: "#swagger-ui", layout: "BaseLayout", '
    "deepLinking: true, validatorUrl: null, presets: [SwaggerUIBundle.presets.apis]});"
)
_INIT_HASH = "sha256-" + base64.b64encode(hashlib.sha256(_INIT.encode()).digest()).decode()

CSP = (
    f"default-src 'none'; script-src {SCRIPT_URL} '{_INIT_HASH}'; style-src {STYLE_URL}; img-src data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

_HTML = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Firebrick API docs</title>
<link rel="stylesheet" href="{STYLE_URL}" integrity="{STYLE_SRI}" crossorigin="anonymous">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{SCRIPT_URL}" integrity="{SCRIPT_SRI}" crossorigin="anonymous"></script>
<script>{_INIT}</script>
</body>
</html>
"""


def docs_page() -> HTMLResponse:
    """The Swagger UI page with its own CSP (the security middleware keeps a CSP a response sets)."""
    return HTMLResponse(_HTML, headers={"Content-Security-Policy": CSP})
