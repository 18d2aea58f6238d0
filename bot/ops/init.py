"""`vertskap init DIR`: a folder for a region to start its own knowledge from the shipped one."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.shipped import shipped

SETTINGS_TEMPLATE = Path(__file__).resolve().parent / "vertskap.example.toml"


class FolderNotEmpty(Exception):
    """The target folder already holds a knowledge folder or a settings file."""


def init_region(target: Path) -> tuple[Path, Path]:
    """Copies the shipped knowledge and a commented settings file into `target`."""
    knowledge, settings = target / "knowledge", target / "vertskap.toml"
    clashes = [p for p in (knowledge, settings) if p.exists()]
    if clashes:
        raise FolderNotEmpty(", ".join(str(p) for p in clashes))
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(shipped("knowledge"), knowledge,
                    ignore=shutil.ignore_patterns("__pycache__", ".*"))
    shutil.copyfile(SETTINGS_TEMPLATE, settings)
    return knowledge, settings
