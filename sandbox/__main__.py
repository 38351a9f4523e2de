"""``python -m sandbox serve ...``: the same as ``siar sandbox serve``."""

from sandbox.cli import sandbox

sandbox(prog_name="python -m sandbox")
