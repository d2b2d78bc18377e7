"""``python -m thematic``."""

from thematic.cli.main import cli

cli(prog_name="thematic")
