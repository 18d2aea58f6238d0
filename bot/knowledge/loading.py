"""Loading a knowledge folder for serving: read, check, add the checklists.

This module sits above the model, the validation checkers and the checklist
reader, so none of them needs to import back from here.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

from bot.knowledge.checklist import read_checklists
from bot.knowledge.findings import KnowledgeError, Level
from bot.knowledge.model import Knowledge
from bot.knowledge.reading import parse_folder
from bot.knowledge.validation import SERVING_CHECKERS, validate_parsed


def load_knowledge(root: Path | str) -> Knowledge:
    """Load and validate a folder; raise KnowledgeError when it has errors."""
    parsed = parse_folder(Path(root))
    findings = validate_parsed(parsed, checkers=SERVING_CHECKERS)
    if parsed.knowledge is None or any(f.level is Level.ERROR for f in findings):
        raise KnowledgeError(findings)
    checklists, _ = read_checklists(parsed.root, parsed.knowledge)  # checked above
    return replace(parsed.knowledge, checklists=MappingProxyType(checklists))
