"""A prepared copy of a loaded knowledge folder and its index, to start fast.

Loading a large region (hundreds of municipalities) means parsing tens of MB of
YAML and building the index: tens of seconds; embedding the questions of even
the shipped knowledge takes as long. Once a folder has loaded without
errors, the result is pickled to the user's cache, under a fingerprint of every
file (path, size, modification time) and of the program's own data. The next
start with the same files reads that instead; any change makes a new one.
The question embeddings are also kept by text (`vector_cache`), always, so that
a changed folder embeds only its new questions.
"""

from __future__ import annotations

import copyreg
import hashlib
import logging
import os
import pickle
import tempfile
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType

from bot.knowledge import Knowledge, bulk_load, load_knowledge
from bot.matching.lexical import Matcher
from bot.matching.semantic import VectorCache, seed_path

log = logging.getLogger(__name__)
FORMAT = "vertskap-prepared-2"

def _proxy(values: dict) -> MappingProxyType:
    return MappingProxyType(values)


copyreg.pickle(MappingProxyType, lambda m: (_proxy, (dict(m),)))


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "vertskap"


def vector_cache(root: Path) -> VectorCache:
    """The embeddings of a folder's questions and answers, kept in memory and on disk
    between starts, so that a changed file (a live reload) embeds only its new texts.
    The shipped knowledge's vectors come with the program (`seed_path`): a fresh install,
    or a region begun from them with `vertskap init`, embeds only what it changed."""
    return _vector_cache(str(Path(root).resolve()), cache_dir())


@lru_cache(maxsize=8)
def _vector_cache(root: str, cache: Path) -> VectorCache:
    name = hashlib.sha256(root.encode()).hexdigest()[:16]
    return VectorCache(cache / f"vectors-{name}.npz", seed=seed_path())


def fingerprint(root: Path) -> str:
    """Changes when any knowledge file, or the program's code or data, changes."""
    digest = hashlib.sha256(FORMAT.encode())
    digest.update(str(root.resolve()).encode())
    files = sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith("."))
    package = Path(__file__).resolve().parent.parent  # all of bot/, not only matching/
    files += sorted(package.rglob("*.py")) + sorted(Path(str(resources.files("bot.data"))).glob("*"))
    for path in files:
        stat = path.stat()
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:32]


def load_prepared(root: Path | str, use_cache: bool = True) -> tuple[Knowledge, Matcher]:
    """The knowledge and its matcher: from the cache when the files are unchanged."""
    root = Path(root)
    path = cache_dir() / f"{fingerprint(root)}.pickle" if use_cache else None
    if path is not None and path.exists():
        try:
            with bulk_load(), open(path, "rb") as f:
                knowledge, matcher = pickle.load(f)
            return knowledge, matcher
        except Exception:  # a damaged or foreign cache file: build again
            log.warning("ignoring the prepared cache %s", path, exc_info=True)
    knowledge = load_knowledge(root)
    matcher = Matcher(knowledge, vector_cache=vector_cache(root))
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            for old in path.parent.glob("*.pickle"):  # one prepared copy per folder is enough
                if old != path and old.stat().st_size and _same_root(old, root):
                    old.unlink(missing_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as f:
                pickle.dump((knowledge, matcher), f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(f.name, path)
            (path.with_suffix(".root")).write_text(str(root.resolve()), encoding="utf-8")
        except Exception:  # no cache is slower, never wrong
            log.warning("could not write the prepared cache %s", path, exc_info=True)
    return knowledge, matcher


def _same_root(pickle_path: Path, root: Path) -> bool:
    marker = pickle_path.with_suffix(".root")
    try:
        return marker.read_text(encoding="utf-8") == str(root.resolve())
    except OSError:
        return False
