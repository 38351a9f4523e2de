"""The publishing pipeline's queries: claims, leases, outcomes, sweeps, heartbeats (decision 0002).

Owns: :mod:`.dispatch` (due candidates, the dispatch lock, claim, release, recent activity for
pacing), :mod:`.lifecycle` (start, the publish input, record an outcome, account pause and
flag), :mod:`.sweep` (expired leases, ended pauses, the ``unknown`` targets to reconcile),
:mod:`.liveness` (heartbeats, overdue targets, counts), :mod:`.recurrence` (recurring posts to
extend) and :mod:`.conditions` (the allowed source states of each conditional UPDATE, generated
from the domain's transition table).

Every state change here is a *conditional* ``UPDATE`` (``WHERE state = ... AND lease_token =
...``) whose row count says whether this caller won: two workers, a stale broker message or a
sweeper racing a slow worker can never both move the same target. Functions take an open
``sa.Connection`` inside a transaction the caller owns (``with engine.begin() as conn``; on
SQLite that is ``BEGIN IMMEDIATE``, see :func:`scheduler.store.db.make_engine`), and ``now``
as an argument.

May import: the domain, :mod:`scheduler.store.tables`, :mod:`scheduler.store.types` and
:mod:`scheduler.store.queries` (the partial-index predicates). Not the services.
"""
