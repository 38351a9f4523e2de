"""Siar sandbox: a local emulator of the X, Facebook Pages and Instagram APIs (see docs/sandbox.md)."""
