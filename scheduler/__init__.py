"""Siar: the domain, storage, services, web, CLI and demo (docs/architecture.md draws the tree)."""
