"""The publishing pipeline (docs/pipeline.md, decisions 0001 and 0002).

Owns: :mod:`.dispatch` (claim due targets, hand them to the publish queue), :mod:`.pacing`
(which due targets may go now), :mod:`.publish` (start, create call, record), :mod:`.sweep`
(expired leases, ended pauses), :mod:`.reconcile` (``unknown`` targets against the platform),
:mod:`.recurrence` (keep recurring posts ahead), :mod:`.liveness` (heartbeats of workers and beat)
and :mod:`.fingerprints` (is this remote post the one we sent?).

May import: the domain, ``connectors.base``, ``scheduler.store.publishing`` (the state machine's
conditional updates), ``scheduler.store.accounts`` and ``scheduler.store.audit`` (the pipeline's
account and audit writes), :mod:`scheduler.services.wiring` (its ``Pipeline``),
:mod:`scheduler.services.accounts` (the account as a connector sees it) and
:mod:`scheduler.services.posts.scheduling` (recurrence). Not the web, CLI or workers.
"""
