"""Engagement use cases: collect metrics, summarise them, rank KIMs, export reports.

Owns:

* :mod:`.collection` -- ``refresh_round``: one round on the ``engagement`` queue;
* :mod:`.recording` -- snapshots, latest values on the target, daily rollups;
* :mod:`.budgets` -- per-account call budgets kept in the database;
* :mod:`.summaries` -- totals, engagement rate, top posts, growth, best hours;
* :mod:`.leaderboard` -- the award score with its formula explained;
* :mod:`.coverage` -- which of the 57 kelurahan have a KIM, since when, how active;
* :mod:`.reports` -- CSV / XLSX / terminal tables of the summaries.

The maths lives in :mod:`scheduler.domain.engagement`; docs/engagement.md
explains every definition.

May import: the domain, ``connectors.base``, SQLAlchemy Core with ``scheduler.store``'s tables,
``summary_queries`` and ``claims`` (collection and summaries read and write with SQL, like the
pipeline), :mod:`scheduler.services.wiring` (the ``Pipeline`` a round runs on),
:mod:`scheduler.services.people` (actors, authorization), :mod:`scheduler.services.read.scope`
(which KIMs an actor may see) and :mod:`scheduler.services.accounts` (the account as a connector
sees it). Not the web, CLI or workers.
"""
