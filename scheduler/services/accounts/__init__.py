"""Social accounts of a KIM and their credentials.

Owns: :mod:`.manage` (connect, posting slots, pacing, reconnect; the account as a connector
sees it), :mod:`.credentials` (what credentials may hold: one check per platform on every write
path), :mod:`.secrets` (credentials encrypted at rest with MultiFernet, key rotation) and
:mod:`.platform_check` (ask the platform whether the stored credentials still work; sandbox
accounts) and :mod:`.renewal` (credentials a connector renewed: encrypted and saved).

May import: the domain, ``connectors.base``, :mod:`scheduler.ports`,
:mod:`scheduler.services.people`, :mod:`scheduler.services.audit` and
:mod:`scheduler.services.posts.scheduling` (rescheduling after a pacing change);
``config.settings`` only for a default (the encryption keys). Storage only through the ports.
"""
