"""``POST /api/v1/import/posts``: CSV import, ``?dry_run=true`` to only list problems."""

from __future__ import annotations

from fastapi import APIRouter, File, Form, Query, UploadFile

from scheduler.services.people.authz import Cap
from scheduler.services.posts import csv_import as imports
from scheduler.web.api.kims import resolve_kim_id
from scheduler.web.deps import ActorDep, LanguageDep, NowDep, UowDep, only
from scheduler.web.schemas import OutputModel, QueryFlag

router = APIRouter(prefix="/import", tags=["import"])


class RowProblemOut(OutputModel):
    line: int
    field: str | None
    code: str
    message: str


class ImportOut(OutputModel):
    dry_run: bool
    rows: int
    created: int
    duplicates: int
    problems: list[RowProblemOut]
    post_ids: list[int]


@router.post("/posts", response_model=ImportOut, **only(Cap.WRITE_POST))
def import_posts(
    actor: ActorDep,
    uow: UowDep,
    now: NowDep,
    lang: LanguageDep,
    file: UploadFile = File(description="CSV (UTF-8, UTF-8 with BOM or Windows-1252; , ; or tab)"),
    kim: str | None = Form(default=None, max_length=100, description="Default KIM for rows without a kim column"),
    dry_run: QueryFlag = Query(default=False, description="true: only list the problems, write nothing"),
) -> ImportOut:
    """Import posts as drafts: every row or none; rows already imported are skipped."""
    default_kim = resolve_kim_id(uow, actor, kim) if kim else actor.kim_id
    result = imports.import_posts(uow, actor, file.file.read(), now=now, dry_run=dry_run, default_kim_id=default_kim)
    return ImportOut(
        dry_run=result.dry_run,
        rows=result.rows,
        created=result.created,
        duplicates=result.duplicates,
        post_ids=result.post_ids,
        problems=[
            RowProblemOut(line=p.line, field=p.field, code=p.code, message=p.message(lang)) for p in result.problems
        ],
    )
