"""The core stays free of Telegram."""

import subprocess
import sys

CORE = ["bot.knowledge", "bot.knowledge.validation", "bot.matching", "bot.conversation", "bot.i18n",
        "bot.cli.console", "bot.coordination.cases", "bot.services", "bot.cli"]


def test_importing_the_core_does_not_import_telegram():
    code = ("import sys\n" + "".join(f"import {m}\n" for m in CORE)
            + "assert 'telegram' not in sys.modules, 'telegram was imported'\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_python_dash_m_bot_runs_the_cli():
    result = subprocess.run([sys.executable, "-m", "bot", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "validate" in result.stdout
