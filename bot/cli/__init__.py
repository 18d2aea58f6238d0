"""The `vertskap` command (one module per command group) and the terminal chat."""

from bot.cli.group import KNOWLEDGE_HELP, main
from bot.cli.calibrate import calibrate
from bot.cli.content import check, coverage, validate
from bot.cli.poster import poster
from bot.cli.records import gaps, report
from bot.cli.serve import run
from bot.cli.site import site
from bot.cli.talk import ask, chat, explain_match
from bot.cli.operate import backup, init, restore

for _command in (init, backup, restore):  # the operators' commands
    main.add_command(_command)

__all__ = ["KNOWLEDGE_HELP", "ask", "backup", "calibrate", "chat", "check", "coverage",
           "explain_match", "gaps", "init", "main", "poster", "report", "restore", "run", "site",
           "validate"]
