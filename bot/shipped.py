"""Where the shipped knowledge and catalogs are, in a checkout and in an installed wheel.

A wheel carries them inside the package (`bot/data/shipped/knowledge` and `…/locales`,
copied there by setup.py at build time); a checkout or an editable install reads the
top-level `knowledge/` and `locales/` that coordinators and translators edit.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent  # bot/
INSTALLED = PACKAGE / "data" / "shipped"  # filled only in a built wheel (setup.py)
CHECKOUT = PACKAGE.parent  # the repository root, in a checkout


def shipped(name: str) -> Path:
    """The shipped `knowledge` or `locales` folder: the wheel's copy, else the checkout's."""
    inside = INSTALLED / name
    return inside if inside.is_dir() else CHECKOUT / name


def knowledge_in_cwd() -> Path | None:
    """./knowledge, if it holds a region (as `vertskap init` makes it)."""
    here = Path.cwd() / "knowledge"
    return here if (here / "region.yaml").is_file() else None


def default_knowledge() -> Path:
    """$VERTSKAP_KNOWLEDGE, else ./knowledge with a region.yaml, else the shipped example region."""
    chosen = os.environ.get("VERTSKAP_KNOWLEDGE")
    if chosen:
        return Path(chosen)
    return knowledge_in_cwd() or shipped("knowledge")
