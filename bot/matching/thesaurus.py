"""Groups of words that mean the same in a newcomer's question, across languages.

"Kita", "barnehage" and "kindergarten"; "flat", "leilighet" and "Wohnung". The
matcher lets a word of a message stand for the other words of its group, so
that a newcomer's word finds the knowledge's word. The groups are data
(`bot/data/thesaurus.yaml`); a language without words there just gets none.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml


@lru_cache(maxsize=1)
def groups() -> tuple[tuple[str, ...], ...]:
    """The packaged groups, as written (not folded)."""
    raw = resources.files("bot.data").joinpath("thesaurus.yaml").read_text("utf-8")
    data = yaml.safe_load(raw) or {}
    return tuple(tuple(str(w) for w in g) for g in data.get("groups", []) if isinstance(g, list))
