"""Interactive API docs at ``/api/docs``, with every asset served by Siar.

FastAPI's default docs page loads Swagger UI from a CDN; Siar may run on a
government intranet with no internet, so the Swagger UI files come from the
``fastapi-offline`` package, which ships a current Swagger UI 5 build
(``swagger-ui-bundle.js`` and ``swagger-ui.css`` in its ``static`` folder),
and are served under ``/api/docs/assets``. Swagger UI 5 is needed because
FastAPI writes an OpenAPI 3.1 document, which Swagger UI 4 refuses ("Unable
to render this definition"). Only the files are used: fastapi-offline's own
``FastAPIOffline`` page, like FastAPI's, starts Swagger UI with an inline
script, which the Content-Security-Policy refuses, so the page is Siar's own
(``templates/api_docs.html``) and Swagger UI starts from ``static/api-docs.js``.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/api/docs/assets"
SWAGGER_UI_FILES = ("swagger-ui-bundle.js", "swagger-ui.css")


def swagger_ui_directory() -> Path:
    """fastapi-offline's folder of Swagger UI files (checked, so a changed layout fails at start-up)."""
    directory = Path(str(files("fastapi_offline") / "static"))
    missing = [name for name in SWAGGER_UI_FILES if not (directory / name).is_file()]
    if missing:
        raise RuntimeError(
            f"fastapi-offline has no {', '.join(missing)} in {directory}: the /api/docs page cannot be served"
        )
    return directory


def install(app: FastAPI) -> None:
    from scheduler.web.pages.rendering import environment

    app.mount(ASSETS, StaticFiles(directory=swagger_ui_directory()), name="api-docs-assets")

    @app.get("/api/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        html = (
            environment()
            .get_template("api_docs.html")
            .render(title="Siar API", assets=ASSETS, openapi_url=app.openapi_url or "/api/openapi.json")
        )
        return HTMLResponse(html)
