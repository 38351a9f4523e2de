"""Web sign-in: who is signed in on this browser, and who must wait before trying again.

Owns: :mod:`.sessions` (server-side web sessions, stored as hashes; sign-in and sign-out) and
:mod:`.login_throttle` (too many wrong passwords -> wait).

May import: the domain, :mod:`scheduler.ports`, :mod:`scheduler.services.people` (users and actors)
and, with Core SQL, their own two tables (``scheduler.store.web_tables``), which no domain entity
maps (docs/decisions/0008-core-sql-in-the-pipeline-and-read-models.md). Never the web layer: the
cookies themselves are set by ``scheduler/web/auth.py``.
"""
