"""Building the services the engine needs from folders on disk."""

from __future__ import annotations

import gc
import os
from pathlib import Path

from bot.config import DEFAULT_KNOWLEDGE, default_knowledge
from bot.conversation import Services
from bot.conversation.emergency import EmergencyDetector
from bot.i18n import I18n

__all__ = ["DEFAULT_KNOWLEDGE", "default_knowledge", "load_services"]


def load_services(knowledge_dir: Path | str, locales: Path | None = None) -> Services:
    """Knowledge, matcher and catalogs; raises KnowledgeError or CatalogMissing.

    Unchanged folders start from the prepared cache (bot.matching.prepared) unless
    VERTSKAP_NO_CACHE is set.
    """
    from bot.matching.prepared import load_prepared

    knowledge, matcher = load_prepared(Path(knowledge_dir),
                                       use_cache=not os.environ.get("VERTSKAP_NO_CACHE"))
    i18n = I18n(knowledge.region.languages, locales)
    services = Services(knowledge=knowledge, matcher=matcher, i18n=i18n,
                        emergency=EmergencyDetector(knowledge.region.languages))
    gc.collect()
    gc.freeze()  # what was loaded lives on: later collections need not walk it
    return services
