"""The knowledge: the model, reading and loading a folder, its checkers and the checklists.

Layers, lowest first: `findings`, `documents` (YAML with positions), `model`,
`reading` (folder → model), `checklist` and `validation` (both read the model),
`loading` (all of them, for serving). Nothing here matches, prints or imports telegram.
"""

from bot.knowledge.documents import Document, KeyPath, Position, parse_yaml
from bot.knowledge.findings import Finding, KnowledgeError, Level, has_errors
from bot.knowledge.loading import load_knowledge
from bot.knowledge.model import (COMMON, ID_PATTERN, Entry, Knowledge, Municipality, Region, Text,
                                 freeze_text, text_in, translated)
from bot.knowledge.reading import (Parsed, build_entries, build_region, bulk_load, parse_date,
                                   parse_folder, read_folder)

__all__ = [
    "COMMON", "Document", "Entry", "Finding", "ID_PATTERN", "KeyPath", "Knowledge",
    "KnowledgeError", "Level", "Municipality", "Parsed", "Position", "Region", "Text",
    "build_entries", "build_region", "bulk_load", "freeze_text", "has_errors", "load_knowledge",
    "parse_date", "parse_folder", "parse_yaml", "read_folder", "text_in", "translated",
]
