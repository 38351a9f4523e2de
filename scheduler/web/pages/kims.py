"""The KIM registry page (staff): every KIM, and the kelurahan that have none yet."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from scheduler.services.read import people as views_people
from scheduler.web.pages.rendering import PageDep, PageRoute, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/kims")
def kims_page(page: PageDep) -> Response:
    """The KIM registry (staff): every KIM, and a form to register one for a kelurahan."""
    rows = views_people.kim_registry(page.engine, page.actor)
    free = views_people.kelurahan_without_kim(page.engine)
    return render(page, "kims.html", rows=rows, free=free)
