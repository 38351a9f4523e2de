"""Read models for the pages: SQL reads, each behind the same tenancy decision.

Owns: :mod:`.scope` (which KIMs an actor may see: every module here, and the engagement
summaries, ask it first), :mod:`.dashboard`, :mod:`.queue` (calendar and queue), :mod:`.posts`
(a post's page, the compose form), :mod:`.media` (the media library, opening a stored file),
:mod:`.people` (the users page, the KIM registry), :mod:`.engagement` (the engagement page) and
:mod:`.post_counts` (post counts per kelurahan for ``GET /api/v1/kelurahan``).

May import: the domain, SQLAlchemy Core with ``scheduler.store``'s tables and queries (reading
only), :mod:`scheduler.ports`, :mod:`scheduler.services.people` (actors, authorization),
:mod:`scheduler.services.engagement` (summaries, reports) and
:mod:`scheduler.services.posts.loading` (a post with its tenancy check). Nothing here writes.
"""
