"""The `vertskap` command and the terminal chat."""

from bot.cli.commands import main

__all__ = ["main"]
