"""Engagement use cases: collect metrics, summarise them, rank KIMs, export reports.

* :mod:`.collection` -- ``refresh_round``: one round on the ``engagement`` queue;
* :mod:`.recording` -- snapshots, latest values on the target, daily rollups;
* :mod:`.budgets` -- per-account call budgets kept in the database;
* :mod:`.summaries` -- totals, engagement rate, top posts, growth, best hours;
* :mod:`.leaderboard` -- the award score with its formula explained;
* :mod:`.coverage` -- which of the 57 kelurahan have a KIM, since when, how active;
* :mod:`.reports` -- CSV / XLSX / terminal tables of the summaries.

The maths lives in :mod:`scheduler.domain.engagement`; docs/engagement.md
explains every definition.
"""
