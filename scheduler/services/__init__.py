"""The service layer: what Siar does, between the web/CLI/worker edges and storage.

One folder per role (docs/architecture.md):

* :mod:`.publishing` -- the publishing pipeline: dispatch, publish, sweep, reconcile, pacing,
  recurrence, liveness, fingerprints (docs/pipeline.md);
* :mod:`.posts` -- a post's life before publishing: compose, draft check, scheduling, CSV import,
  media, reading posts for the API;
* :mod:`.accounts` -- social accounts: connect and manage, credentials policy and encryption,
  the check against the platform;
* :mod:`.people` -- who acts and what they may do: actors, authorization, users, sign-in sessions,
  login throttling, API tokens;
* :mod:`.audit` -- the audit trail: writing events, reading them;
* :mod:`.registry` -- the city's registers: KIMs per kelurahan, and what posts promote;
* :mod:`.engagement` -- engagement collection, summaries, leaderboard, coverage, reports;
* :mod:`.read` -- the pages' read models (SQL reads behind one tenancy decision);
* :mod:`.operations` -- health of an installation, the Graph API version notice.

At the top only :mod:`.wiring` (builds the :class:`~scheduler.services.wiring.Pipeline`: settings,
clock, engine, connectors, per process). What every folder shares lives outside the layer:
:mod:`scheduler.ports` (what the services need from storage, implemented by the store) and
:mod:`scheduler.domain.input_checks` (small bilingual input checks).
Nothing here imports ``scheduler.web``, ``scheduler.cli`` or ``workers``.
"""
