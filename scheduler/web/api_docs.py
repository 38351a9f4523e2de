"""Interactive API docs at ``/api/docs``, with every asset served by Siar.

FastAPI's default docs page loads Swagger UI from a CDN; Siar may run on a
government intranet with no internet, so the Swagger UI files come from the
``swagger-ui-bundle`` package (maintained by the connexion project) and are
served under ``/api/docs/assets``. FastAPI's page also starts Swagger UI
with an inline script, which the Content-Security-Policy refuses, so the
page is Siar's own (``templates/api_docs.html``) and Swagger UI starts from
``static/api-docs.js``.
"""
from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

ASSETS = "/api/docs/assets"


def install(app: FastAPI) -> None:
    from scheduler.web.pages.rendering import environment

    app.mount(ASSETS, StaticFiles(directory=str(swagger_ui_path)), name="api-docs-assets")

    @app.get("/api/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        html = environment().get_template("api_docs.html").render(
            title="Siar API", assets=ASSETS, openapi_url=app.openapi_url or "/api/openapi.json")
        return HTMLResponse(html)
