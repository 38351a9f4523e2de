"""Who acts, and what they may do.

Owns: :mod:`.actors` (the service layer's view of a signed-in user), :mod:`.authz` (the one place
where roles and tenancy are decided), :mod:`.users` (adding users, signing them in),
:mod:`.sessions` (server-side web sessions, stored as hashes), :mod:`.login_throttle` (too many
wrong passwords -> wait) and :mod:`.tokens` (API tokens, shown once, stored hashed).

May import: the domain, :mod:`scheduler.ports` and :mod:`scheduler.services.audit`;
:mod:`.sessions` and :mod:`.login_throttle` also read and
write their own web tables (``scheduler.store.web_tables``) directly.
"""
