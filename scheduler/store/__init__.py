"""Storage: the schema, its migrations, and the SQL behind the services (docs/design.md#the-store-contract).

Owns: the table definitions (``tables``, ``engagement_tables``, ``web_tables``, collected in
``schema``), column types (``types``), the imperative mapping of the domain entities (``orm``),
engines (``db``), migrations (``migrate``, ``migrations/``), the unit of work and repositories
that implement :mod:`scheduler.ports` (``unit_of_work``, ``repositories``), the publishing
pipeline's conditional updates (``claims``), read queries (``queries``, ``summary_queries``) and
the seed loader (``seed``).

May import: the domain, :mod:`scheduler.ports`, SQLAlchemy and Alembic, ``config.settings``.
Never the services, the web, the CLI or the workers.
"""
