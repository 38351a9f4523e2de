"""The methods a path answers, for the ``Allow`` header of a 405 and the answer to ``OPTIONS``.

Starlette's router answers a known path with an undeclared method by the
first matching route's 405, whose ``Allow`` names that one route's methods
only (``GET`` where ``GET, POST`` are declared on two routes), and no route
declares ``OPTIONS``. Here the app's routes are asked, method by method,
whether they would take the request, so both answers list exactly the
methods the OpenAPI document declares for the path.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import Match, Mount

METHODS = ("DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")


def allowed_methods(request: Request) -> list[str]:
    """Every method some route takes at this request's path, plus OPTIONS (empty: no route).

    Mounted apps (static files) are left out: they decide their methods themselves.
    """
    routes = [route for route in request.app.router.routes if not isinstance(route, Mount)]
    allowed = {
        method for method in METHODS if any(route.matches(_probe(request, method))[0] == Match.FULL for route in routes)
    }
    return sorted(allowed | {"OPTIONS"}) if allowed else []


def _probe(request: Request, method: str) -> dict[str, object]:
    """A fresh scope for ``method`` at the request's path (routing leaves its marks on the real one)."""
    scope = request.scope
    return {
        "type": "http",
        "method": method,
        "path": scope["path"],
        "root_path": scope.get("root_path", ""),
        "headers": [],
        "query_string": b"",
    }
