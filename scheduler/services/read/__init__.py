"""Read models for the pages: SQL reads, each behind the same tenancy decision.

Owns: :mod:`.scope` (which KIMs a page may show: every module here asks it first),
:mod:`.dashboard`, :mod:`.queue` (calendar and queue), :mod:`.posts` (a post's page, the compose
form), :mod:`.media` (the media library, opening a stored file), :mod:`.people` (the users page,
the KIM registry), :mod:`.engagement` (the engagement page) and :mod:`.post_counts` (post counts
per kelurahan for ``GET /api/v1/kelurahan``).

May import: the domain, ``scheduler.store`` tables and queries (reading only),
:mod:`scheduler.services.people` (actors, authorization), :mod:`scheduler.ports`,
:mod:`scheduler.services.engagement` (summaries) and :mod:`scheduler.services.posts.compose`
(loading a post). Nothing here writes.
"""
