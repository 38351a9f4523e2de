"""A post's life before publishing.

Owns: :mod:`.compose` (compose, edit, submit, approve, reject, cancel), :mod:`.draft_check`
(live check of a draft while it is composed, no writes), :mod:`.scheduling` (a schedule intent
into target instants, pacing, recurrence), :mod:`.csv_import` (CSV import, all rows or none),
:mod:`.media` (uploads identified and stored by content hash) and :mod:`.queries` (posts for the
API: filtered, paged lists, a post with its attempts).

May import: the domain, :mod:`scheduler.ports`, :mod:`scheduler.services.people`
(actors, authorization), :mod:`scheduler.services.audit` and
:mod:`scheduler.services.input_checks`. Storage only through the ports (no SQLAlchemy,
no store), and never the clock: every function takes ``now``.
"""
