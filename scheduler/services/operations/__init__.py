"""Is this installation healthy? (``siar status``, ``/api/v1/health``).

Owns: :mod:`.health` (database, broker, workers, beat, Graph API version; never raises) and
:mod:`.graph_version` (does the configured Facebook Graph API version still work, and how long).

May import: the domain, ``connectors.graph_versions``, SQLAlchemy and kombu (to reach the
database and the broker) and :mod:`scheduler.services.publishing.liveness`.
"""
