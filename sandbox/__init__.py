"""Siar sandbox: a local emulator of the X, Facebook Pages and Instagram APIs (see docs/sandbox.md).

May import: the standard library, aiohttp, and of ``connectors`` only the tables it shares with
Siar (:mod:`connectors.graph_versions`, :mod:`connectors.x_prices`); never ``scheduler`` or
``workers``: it stands alone, as a platform does.
"""
