"""``python -m thematic``."""

from thematic.cli.main import cli

# guarded: a process the audit starts (multiprocessing's spawn) imports this module again
if __name__ == "__main__":
    cli(prog_name="thematic")
