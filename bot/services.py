"""Building the services the engine needs from folders on disk."""

from __future__ import annotations

import gc
import os
from pathlib import Path

from bot.dialogue import Services
from bot.emergency import EmergencyDetector
from bot.i18n import I18n
from bot.knowledge import load_knowledge
from bot.matching import Matcher

DEFAULT_KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"


def default_knowledge() -> Path:
    """$VERTSKAP_KNOWLEDGE, else the knowledge/ folder shipped with the project."""
    return Path(os.environ.get("VERTSKAP_KNOWLEDGE") or DEFAULT_KNOWLEDGE)


def load_services(knowledge_dir: Path | str, locales: Path | None = None) -> Services:
    """Knowledge, matcher and catalogs; raises KnowledgeError or CatalogMissing."""
    knowledge = load_knowledge(Path(knowledge_dir))
    i18n = I18n(knowledge.region.languages, locales)
    services = Services(knowledge=knowledge, matcher=Matcher(knowledge), i18n=i18n,
                        emergency=EmergencyDetector(knowledge.region.languages))
    gc.collect()
    gc.freeze()  # what was loaded lives on: later collections need not walk it
    return services
