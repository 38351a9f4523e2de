"""Who acts, and what they may do.

Owns: :mod:`.actors` (the service layer's view of a signed-in user), :mod:`.authz` (the one place
where roles and tenancy are decided), :mod:`.users` (adding users, checking their passwords) and
:mod:`.tokens` (API tokens, shown once, stored hashed). Web sign-in (sessions, the login throttle)
is :mod:`scheduler.services.signin`.

May import: the domain, :mod:`scheduler.ports` and :mod:`scheduler.services.audit`; never
SQLAlchemy or the store (a use-case folder: docs/decisions/0008-core-sql-in-the-pipeline-and-read-models.md).
"""
