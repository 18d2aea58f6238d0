"""Places in a message: a municipality or a town named in it decides whose answer is given."""

from __future__ import annotations

from typing import Sequence

from rapidfuzz import fuzz, process

from bot.knowledge import Knowledge
from bot.text import words


class _PlaceFinder:
    """Finds a municipality or town named in a message: 'i Bardu', 'in Finnsnes'."""

    def __init__(self, knowledge: Knowledge):
        self.names: dict[str, str] = {}  # folded name -> municipality id
        self.multi: list[tuple[tuple[str, ...], str]] = []
        for m in knowledge.region.municipalities:
            for name in (*m.name.values(), *m.aliases, m.id):
                parts = tuple(words(name))
                if len(parts) == 1:
                    self.names.setdefault(parts[0], m.id)
                elif parts:
                    self.multi.append((parts, m.id))
        self._choices = list(self.names)

    def _lookup(self, word: str) -> str | None:
        if word in self.names:
            return self.names[word]
        if len(word) < 5:
            return None
        for cut in (1, 2):  # genitive and inflection: Bardus, Finnsnesa
            if word[:-cut] in self.names and len(word[:-cut]) >= 5:
                return self.names[word[:-cut]]
        hit = process.extractOne(word, self._choices, scorer=fuzz.ratio, score_cutoff=86)
        return self.names[hit[0]] if hit else None

    def find(self, raw: Sequence[str]) -> tuple[str | None, dict[int, str]]:
        """The municipality named (the first one), and its words' positions -> municipality."""
        found: str | None = None
        positions: dict[int, str] = {}
        for parts, mid in self.multi:
            n = len(parts)
            for i in range(len(raw) - n + 1):
                if tuple(raw[i:i + n]) == parts:
                    found = found or mid
                    positions.update((j, mid) for j in range(i, i + n))
        for i, w in enumerate(raw):
            if i in positions:
                continue
            mid = self._lookup(w)
            if mid is not None:
                found = found or mid
                positions[i] = mid
        return found, positions


def place_term(municipality: str) -> str:
    """The one word that stands for every name of a municipality and its towns."""
    return f"{PLACE}{municipality}"


PLACE = "@"
