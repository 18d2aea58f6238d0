"""Reading a knowledge folder (docs: knowledge-format.md) into the model.

Structural problems (YAML syntax, wrong types, missing required keys) are found
here, each with its YAML position; the content checkers live in
`bot.knowledge.validation`, which reads the same documents.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from bot.knowledge.documents import Document, parse_yaml
from bot.i18n import N_
from bot.knowledge.findings import Finding, Level, say
from bot.knowledge.model import (Entry, Knowledge, Municipality, Region,
                                 freeze_text, translated)


def read_folder(root: Path) -> tuple[Document | None, list[Document], list[Finding]]:
    """Parse region.yaml and every faq/<scope>/*.yaml file under `root`."""
    findings: list[Finding] = []
    root = Path(root)
    if not root.is_dir():
        findings.append(Finding(str(root), 1, 1, Level.ERROR, say(N_(
            "the knowledge folder does not exist; give its path with --knowledge"))))
        return None, [], findings
    region_path = root / "region.yaml"
    region_doc = None
    if region_path.is_file():
        region_doc = parse_yaml(region_path, "region.yaml", findings)
    else:
        findings.append(Finding("region.yaml", 1, 1, Level.ERROR, say(N_(
            "region.yaml is missing; every knowledge folder needs one"))))
    faq_docs = []
    faq = root / "faq"
    if not faq.is_dir():
        findings.append(Finding("faq", 1, 1, Level.ERROR, say(N_(
            "the folder faq/ is missing; put the entries in faq/<scope>/*.yaml"))))
    else:
        for path in sorted(faq.rglob("*")):
            name = path.relative_to(root).as_posix()
            if path.is_dir() or path.name.startswith("."):
                continue
            if path.suffix.lower() not in (".yaml", ".yml"):
                findings.append(Finding(name, 1, 1, Level.WARNING, say(N_(
                    "this file is not read: only .yaml files count in faq/"))))
                continue
            if len(path.relative_to(faq).parts) != 2:
                findings.append(Finding(name, 1, 1, Level.ERROR, say(N_(
                    "this file is not read: put it directly in faq/common/ or "
                    "faq/<municipality id>/"))))
                continue
            doc = parse_yaml(path, name, findings)
            if doc is not None:
                faq_docs.append(doc)
    return region_doc, faq_docs, findings


def build_region(doc: Document, findings: list[Finding]) -> Region | None:
    data = doc.data
    if not isinstance(data, dict):
        findings.append(doc.finding(Level.ERROR, say(N_(
            "region.yaml must be a mapping with id, name, languages, topics and municipalities"))))
        return None
    languages = data.get("languages")
    if not isinstance(languages, list) or not languages or not all(
            isinstance(x, str) and x for x in languages):
        findings.append(doc.finding(Level.ERROR, say(N_(
            "languages must be a list of language codes, the fallback first, e.g. [nb, en, de]")),
            "languages"))
        return None
    langs = tuple(languages)
    name = translated(data.get("name")) or {"*": str(data.get("id", ""))}
    topics = {}
    raw_topics = data.get("topics")
    if isinstance(raw_topics, dict):
        for tid, tname in raw_topics.items():
            topics[tid] = freeze_text(translated(tname) or {"*": tid}, langs)
    else:
        findings.append(doc.finding(Level.ERROR, say(N_(
            "topics must be a mapping of topic id to its name, e.g. tax: {{nb: Skatt, en: Tax, "
            "de: Steuern}}")), "topics"))
    municipalities = []
    raw_munis = data.get("municipalities")
    if isinstance(raw_munis, list):
        for i, m in enumerate(raw_munis):
            if not isinstance(m, dict) or not isinstance(m.get("id"), str):
                findings.append(doc.finding(Level.ERROR, say(N_("each municipality needs an id, e.g. "
                                                            "- id: bardu")), "municipalities", i))
                continue
            aliases = m.get("aliases") or []
            if not isinstance(aliases, list):
                findings.append(doc.finding(Level.ERROR, say(N_("aliases must be a list of names")),
                                            "municipalities", i, "aliases"))
                aliases = []
            municipalities.append(Municipality(
                id=m["id"],
                name=freeze_text(translated(m.get("name")) or {"*": m["id"]}, langs),
                aliases=tuple(str(a) for a in aliases if isinstance(a, (str, int))),
                website=m.get("website") if isinstance(m.get("website"), str) else None,
            ))
    else:
        findings.append(doc.finding(Level.ERROR, say(N_("municipalities must be a list")),
                                    "municipalities"))
    return Region(
        id=str(data.get("id", "")),
        name=freeze_text(name, langs),
        languages=langs,
        topics=MappingProxyType(topics),
        municipalities=tuple(municipalities),
    )


def parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _questions(raw_q: Any) -> dict[str, tuple[str, ...]]:
    """An entry's questions per language; what is not text is left out (the checkers report it)."""
    questions: dict[str, tuple[str, ...]] = {}
    if isinstance(raw_q, dict):
        for lang, variants in raw_q.items():
            if isinstance(variants, str):
                variants = [variants]
            if isinstance(variants, list):
                qs = tuple(str(v).strip() for v in variants
                           if isinstance(v, (str, int, float)) and str(v).strip())
                if qs:
                    questions[lang] = qs
    return questions


def build_entries(doc: Document, region: Region, findings: list[Finding]) -> list[Entry]:
    """Entries of one faq file; entries too broken to use are skipped with a finding."""
    scope = doc.path.parent.name
    data = doc.data
    if data is None:
        findings.append(doc.finding(Level.WARNING, say(N_("the file is empty"))))
        return []
    if not isinstance(data, dict):
        findings.append(doc.finding(Level.ERROR, say(N_("the file must be a mapping with 'topic' "
                                                    "and 'entries'"))))
        return []
    raw_entries = data.get("entries")
    if raw_entries is None:
        findings.append(doc.finding(Level.ERROR, say(N_("the file has no 'entries:' list"))))
        return []
    if not isinstance(raw_entries, list):
        findings.append(doc.finding(Level.ERROR, say(N_("'entries' must be a list; start each entry "
                                                    "with '- id: …'")), "entries"))
        return []
    file_topic = data.get("topic") if isinstance(data.get("topic"), str) else None
    entries = []
    for i, raw in enumerate(raw_entries):
        at = ("entries", i)
        if not isinstance(raw, dict):
            findings.append(doc.finding(Level.ERROR, say(N_("an entry must be a mapping starting with "
                                                        "'- id: …'")), *at))
            continue
        entry_id = raw.get("id")
        if not isinstance(entry_id, str) or not entry_id.strip():
            findings.append(doc.finding(Level.ERROR, say(N_(
                "entry number {number} has no id; add 'id: some-name' (lowercase, digits, '-')"),
                number=i + 1), *at))
            continue
        topic = raw.get("topic") if isinstance(raw.get("topic"), str) else file_topic
        questions = _questions(raw.get("questions"))
        answer = translated(raw.get("answer")) or {}
        if "*" in answer:
            answer = {lang: answer["*"] for lang in region.languages}
        answer = {k: v for k, v in answer.items() if v}
        if not questions or not answer:
            continue  # reported by the checkers; such an entry can never answer
        links = raw.get("links") or []
        entries.append(Entry(
            id=entry_id.strip(),
            scope=scope,
            topic=topic or "",
            questions=MappingProxyType(questions),
            answer=MappingProxyType(answer),
            links=tuple(str(x) for x in links if isinstance(x, str)) if isinstance(links, list) else (),
            reviewed=parse_date(raw.get("reviewed")),
            web=raw.get("web") is not False,
            source=doc.name,
            line=doc.where(*at)[0],
        ))
    return entries


@dataclass(frozen=True)
class Parsed:
    """Everything read from a folder: documents, the model, and structural findings."""

    root: Path
    region_doc: Document | None
    faq_docs: tuple[Document, ...]
    knowledge: Knowledge | None
    findings: tuple[Finding, ...]


@contextmanager
def bulk_load():
    """Pause the cyclic garbage collector while building many long-lived objects.

    Loading a large region makes millions of small objects that all stay alive;
    the collector would walk them again and again for nothing (2x slower).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse_folder(root: Path) -> Parsed:
    with bulk_load():
        return _parse_folder(Path(root))


def _parse_folder(root: Path) -> Parsed:
    region_doc, faq_docs, findings = read_folder(root)
    region = build_region(region_doc, findings) if region_doc is not None else None
    knowledge = None
    if region is not None:
        entries: list[Entry] = []
        for doc in faq_docs:
            entries.extend(build_entries(doc, region, findings))
        knowledge = Knowledge(root=root, region=region, entries=tuple(entries))
    return Parsed(root, region_doc, tuple(faq_docs), knowledge, tuple(findings))
