"""The city's registers, kept by staff and KIM admins.

Owns: :mod:`.kims` (one KIM per kelurahan at most) and :mod:`.subjects` (what posts promote:
UMKM with their products, tourist destinations).

May import: the domain, :mod:`scheduler.ports`, :mod:`scheduler.services.people` and
:mod:`scheduler.services.audit`. Storage only through the ports.
"""
