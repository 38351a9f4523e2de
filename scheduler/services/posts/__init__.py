"""A post's life before publishing.

Owns: :mod:`.compose` (compose, edit, read back), :mod:`.content` (the content checks compose and
edit share: targets, accounts, media, subject, tags, text against every platform), :mod:`.review`
(submit, approve, reject, reschedule, cancel, retry), :mod:`.loading` (a post with its tenancy
check, for the use cases and the read models), :mod:`.draft_check` (live check of a draft while it
is composed, no writes), :mod:`.scheduling` (a schedule intent into target instants, pacing,
recurrence), :mod:`.csv_import` (CSV import, all rows or none), :mod:`.media` (uploads identified
and stored by content hash) and :mod:`.queries` (posts for the API: filtered, paged lists, a post
with its attempts).

May import: the domain, :mod:`scheduler.ports`, :mod:`scheduler.services.people` (actors,
authorization) and :mod:`scheduler.services.audit`; ``config.settings`` only for a default (the
media folder). Storage only through the ports (no SQLAlchemy, no store), and never the clock:
every function takes ``now``.
"""
