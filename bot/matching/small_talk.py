"""Small talk: greetings, thanks, "are you a bot?" and goodbyes.

Such a message gets a short friendly line, never entries. It is recognised by
meaning: the message's embedding is compared with typical messages of each kind
(`bot/data/small-talk.yaml`, data) and with the knowledge's questions; it is
small talk when it is closer to a kind than to any question by the calibrated
margin.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import numpy as np
import yaml

from bot.matching.semantic import Embedder, VectorCache

KINDS = ("greeting", "thanks", "bot", "bye")


def read_phrases() -> dict[str, list[str]]:
    path = resources.files("bot.data").joinpath("small-talk.yaml")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {kind: [str(p) for p in data.get(kind) or ()] for kind in KINDS}


@dataclass
class SmallTalk:
    vectors: np.ndarray  # (phrases, dim) float32: few, and compared with every message
    kinds: list[str]  # the kind of each row

    @classmethod
    def build(cls, embedder: Embedder, cache: VectorCache | None = None) -> "SmallTalk":
        phrases = read_phrases()
        texts = [p for kind in KINDS for p in phrases[kind]]
        kinds = [kind for kind in KINDS for _ in phrases[kind]]
        vectors = (cache or VectorCache(None)).vectors(texts, embedder)
        return cls(np.asarray(vectors, dtype=np.float32), kinds)

    def closest(self, query: np.ndarray) -> tuple[str, float]:
        """The nearest kind and its cosine."""
        sims = self.vectors @ query.astype(np.float32)
        best = int(np.argmax(sims))
        return self.kinds[best], float(sims[best])
