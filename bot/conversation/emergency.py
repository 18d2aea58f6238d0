"""Spotting a message about an emergency, so that the numbers come first.

The phrases are data (`bot/data/emergency-<lang>.txt`), for every language of
the region that has a list; a message in any language is checked against all.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import Sequence

from bot.text import normalize


def phrases(language: str) -> list[str]:
    try:
        raw = resources.files("bot.data").joinpath(f"emergency-{language}.txt").read_text("utf-8")
    except FileNotFoundError:
        return []
    return [normalize(line) for line in raw.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


class EmergencyDetector:
    def __init__(self, languages: Sequence[str]):
        found = sorted({p for lang in languages for p in phrases(lang) if p}, key=len, reverse=True)
        self._pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, found)) + r")\b") if found else None

    def __call__(self, text: str) -> bool:
        return bool(self._pattern and self._pattern.search(normalize(text)))
