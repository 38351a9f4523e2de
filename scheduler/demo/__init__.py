"""``siar demo``: a whole Siar site on one machine, seeded with Kota Malang (issue 9).

* ``catalog``: the KIMs, UMKM, destinations, sample texts and people of the demo.
* ``seeding``: KIMs, users, API token, subjects and sandbox accounts, through the services.
* ``samples``: sample posts for the next minutes (composed, submitted, approved).
* ``history``: published posts of the past weeks with engagement snapshots.
* ``images``: sample photos drawn with Pillow.
* ``datadir``: the demo's data directory and what it remembers between runs.
* ``sandbox_admin``: the sandbox admin API calls the demo needs.
* ``processes``: the child processes (sandbox, web, worker, beat) and their logs.
* ``watch``: what the demo prints while it runs.

The command itself is ``scheduler/cli/demo.py``.
"""
