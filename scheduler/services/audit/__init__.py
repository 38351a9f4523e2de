"""The audit trail: one event for every change a service makes.

Owns: :mod:`.trail` (writing an event in the same unit of work as the change, with ids, states
and field names only) and :mod:`.queries` (reading the trail: KIM admins their own KIM, staff all).

May import: the domain, :mod:`scheduler.ports` and :mod:`scheduler.services.people`
(actors, authorization). Storage only through the ports.
"""
