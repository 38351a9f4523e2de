"""Settings: the only code that reads the environment (``SIAR_*``, ``.env``).

Owns: :mod:`.settings`. May import: the standard library, pydantic, and ``connectors`` for the
tables it validates against (Graph API versions); nothing of ``scheduler``.
"""
