"""Loading a knowledge folder (docs: knowledge-format.md) into frozen objects.

Parsing keeps the YAML position of every value so that each finding can name
the file, line and column a coordinator has to look at. Structural problems
(YAML syntax, wrong types, missing required keys) are found here; the content
checkers live in `bot.validation`.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, Mapping

import yaml

from bot.findings import Finding, Level

COMMON = "common"
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

Position = tuple[int, int]
KeyPath = tuple[Any, ...]


class KnowledgeError(Exception):
    """The knowledge folder has errors; see `findings`."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        errors = [f for f in findings if f.level is Level.ERROR]
        super().__init__(f"{len(errors)} error(s) in the knowledge folder")


# --------------------------------------------------------------------------- YAML


class _Loader(yaml.SafeLoader):
    """SafeLoader that reads yes/no/on/off and dates as plain strings.

    Coordinators write `Nei` or `no` as text and dates that we check ourselves,
    with a better message than PyYAML's constructor errors.
    """


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The same, on libyaml's parser where PyYAML has it (about 50 times faster)."""


for _cls in (_Loader, _FastLoader):
    _cls.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers
                if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _cls.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )


@dataclass
class Document:
    """One parsed YAML file with the position of every value and key."""

    path: Path
    name: str  # path relative to the knowledge folder, with '/'
    data: Any
    values: dict[KeyPath, Position] = field(default_factory=dict)
    keys: dict[KeyPath, Position] = field(default_factory=dict)

    def where(self, *path: Any) -> Position:
        """Position of the value at `path`, or of its nearest parent."""
        p = tuple(path)
        while p:
            if p in self.values:
                return self.values[p]
            p = p[:-1]
        return self.values.get((), (1, 1))

    def where_key(self, *path: Any) -> Position:
        return self.keys.get(tuple(path)) or self.where(*path)

    def finding(self, level: Level, message: str, *path: Any, key: bool = False) -> Finding:
        line, column = self.where_key(*path) if key else self.where(*path)
        return Finding(self.name, line, column, level, message)


def _mark(node: yaml.Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1


def parse_yaml(path: Path, name: str, findings: list[Finding]) -> Document | None:
    """Parse one file; on a syntax error, add a finding and return None."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        findings.append(Finding(name, 1, 1, Level.ERROR,
                                f"the file is not UTF-8 text (byte {exc.start}); save it as UTF-8"))
        return None
    except OSError as exc:
        findings.append(Finding(name, 1, 1, Level.ERROR, f"cannot read the file: {exc.strerror}"))
        return None
    # libyaml parses fast; its error messages differ, so a broken file is read
    # again by PyYAML's own parser, whose messages the findings quote.
    if _FastLoader is not _Loader:
        fast = _FastLoader(text)
        try:
            node = fast.get_single_node()
            doc = Document(path=path, name=name, data=None)
            found: list[Finding] = []
            if node is not None:
                doc.data = _to_python(node, (), doc, fast, found)
            findings.extend(found)
            return doc
        except (yaml.YAMLError, RecursionError, ValueError):
            pass
        finally:
            fast.dispose()
    loader = None
    try:
        loader = _Loader(text)  # the reader rejects control characters here already
        node = loader.get_single_node()
        doc = Document(path=path, name=name, data=None)
        if node is not None:
            doc.data = _to_python(node, (), doc, loader, findings)
        return doc
    except RecursionError:
        findings.append(Finding(name, 1, 1, Level.ERROR,
                                "the file nests too deeply, or an alias (*name) refers to itself; "
                                "write the values out plainly"))
        return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or "invalid YAML"
        hint = ""
        if "\t" in text and ("tab" in problem or "'\\t'" in problem):  # PyYAML shows a tab as '\t'
            hint = "; indent with spaces, not tabs"
        elif "mapping values are not allowed" in problem:
            hint = "; a text with ': ' in it needs quotes around it"
        elif "expected ',' or ']'" in problem or "expected ',' or '}'" in problem:
            hint = ("; inside [ … ] or { … } a text with '?', ',' or ':' needs quotes around it, "
                    "or write the list with one '- ' line per text")
        findings.append(Finding(name, line, column, Level.ERROR, f"YAML syntax error: {problem}{hint}"))
        return None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - text.rfind("\n", 0, exc.position)
        findings.append(Finding(name, line, column, Level.ERROR,
                                f"the file contains the control character #x{exc.character:04x}, "
                                "which YAML does not allow; delete it"))
        return None
    except yaml.YAMLError as exc:
        findings.append(Finding(name, 1, 1, Level.ERROR, f"YAML error: {exc}"))
        return None
    finally:
        if loader is not None:
            loader.dispose()


def _to_python(node: yaml.Node, path: KeyPath, doc: Document, loader: _Loader,
               findings: list[Finding]) -> Any:
    doc.values[path] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                line, col = _mark(key_node)
                findings.append(Finding(doc.name, line, col, Level.ERROR,
                                        "a key must be a plain word, not a list or mapping"))
                continue
            key = str(key_node.value)
            if key in result:
                line, col = _mark(key_node)
                findings.append(Finding(doc.name, line, col, Level.ERROR,
                                        f"key '{key}' appears twice here; keep one of them"))
                continue
            doc.keys[path + (key,)] = _mark(key_node)
            result[key] = _to_python(value_node, path + (key,), doc, loader, findings)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, path + (i,), doc, loader, findings)
                for i, item in enumerate(node.value)]
    try:
        return loader.construct_object(node, deep=True)
    except Exception:  # e.g. `!!int abc` raises ValueError; keep what the person wrote
        return str(node.value)


# --------------------------------------------------------------------------- model


Text = Mapping[str, str]


@dataclass(frozen=True)
class Municipality:
    id: str
    name: Text
    aliases: tuple[str, ...] = ()
    website: str | None = None

    def all_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys([*self.name.values(), *self.aliases]))


@dataclass(frozen=True)
class Region:
    id: str
    name: Text
    languages: tuple[str, ...]
    topics: Mapping[str, Text]
    municipalities: tuple[Municipality, ...]

    @property
    def fallback_language(self) -> str:
        return self.languages[0]

    def municipality(self, municipality_id: str) -> Municipality | None:
        return next((m for m in self.municipalities if m.id == municipality_id), None)


@dataclass(frozen=True)
class Entry:
    id: str
    scope: str  # 'common' or a municipality id
    topic: str
    questions: Mapping[str, tuple[str, ...]]
    answer: Text
    links: tuple[str, ...] = ()
    reviewed: dt.date | None = None
    source: str = ""
    line: int = 0
    web: bool = True  # False: the assistant answers with it, the website leaves it out

    @property
    def key(self) -> str:
        return f"{self.scope}/{self.id}"


@dataclass(frozen=True)
class Knowledge:
    root: Path
    region: Region
    entries: tuple[Entry, ...]
    checklists: Mapping[str, tuple] = field(default_factory=lambda: MappingProxyType({}))  # scope -> steps

    def visible_entries(self, municipality: str | None) -> tuple[Entry, ...]:
        """Entries that answer in `municipality`: common ones, local overrides winning."""
        local = [e for e in self.entries if municipality is not None and e.scope == municipality]
        local_ids = {e.id for e in local}
        common = [e for e in self.entries if e.scope == COMMON and e.id not in local_ids]
        return tuple(common + local)

    def entry(self, entry_id: str, municipality: str | None = None) -> Entry | None:
        """The entry with this id as seen from `municipality` (override first)."""
        for e in self.visible_entries(municipality):
            if e.id == entry_id:
                return e
        return None

    def entry_by_key(self, key: str) -> Entry | None:
        return next((e for e in self.entries if e.key == key), None)


def translated(value: Any) -> dict[str, str] | None:
    """A translated text: a {lang: text} mapping, or a plain string for every language."""
    if isinstance(value, dict):
        return {str(k): str(v).strip() for k, v in value.items()
                if isinstance(v, (str, int, float)) and not isinstance(v, bool)}
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return {"*": str(value).strip()}
    return None


def text_in(text: Text, language: str, fallback: str) -> str:
    """The text in `language`, else the fallback language, else any."""
    for lang in (language, fallback, "*"):
        if text.get(lang):
            return text[lang]
    return next((v for v in text.values() if v), "")


def freeze_text(value: dict[str, str], languages: Iterable[str]) -> Text:
    if set(value) == {"*"}:
        return MappingProxyType({lang: value["*"] for lang in languages})
    return MappingProxyType(dict(value))


def read_folder(root: Path) -> tuple[Document | None, list[Document], list[Finding]]:
    """Parse region.yaml and every faq/<scope>/*.yaml file under `root`."""
    findings: list[Finding] = []
    root = Path(root)
    if not root.is_dir():
        findings.append(Finding(str(root), 1, 1, Level.ERROR,
                                "the knowledge folder does not exist; give its path with --knowledge"))
        return None, [], findings
    region_path = root / "region.yaml"
    region_doc = None
    if region_path.is_file():
        region_doc = parse_yaml(region_path, "region.yaml", findings)
    else:
        findings.append(Finding("region.yaml", 1, 1, Level.ERROR,
                                "region.yaml is missing; every knowledge folder needs one"))
    faq_docs = []
    faq = root / "faq"
    if not faq.is_dir():
        findings.append(Finding("faq", 1, 1, Level.ERROR,
                                "the folder faq/ is missing; put the entries in faq/<scope>/*.yaml"))
    else:
        for path in sorted(faq.rglob("*")):
            name = path.relative_to(root).as_posix()
            if path.is_dir() or path.name.startswith("."):
                continue
            if path.suffix.lower() not in (".yaml", ".yml"):
                findings.append(Finding(name, 1, 1, Level.WARNING,
                                        "this file is not read: only .yaml files count in faq/"))
                continue
            if len(path.relative_to(faq).parts) != 2:
                findings.append(Finding(name, 1, 1, Level.ERROR,
                                        "this file is not read: put it directly in faq/common/ or "
                                        "faq/<municipality id>/"))
                continue
            doc = parse_yaml(path, name, findings)
            if doc is not None:
                faq_docs.append(doc)
    return region_doc, faq_docs, findings


def build_region(doc: Document, findings: list[Finding]) -> Region | None:
    data = doc.data
    if not isinstance(data, dict):
        findings.append(doc.finding(Level.ERROR, "region.yaml must be a mapping with id, name, "
                                    "languages, topics and municipalities"))
        return None
    languages = data.get("languages")
    if not isinstance(languages, list) or not languages or not all(
            isinstance(x, str) and x for x in languages):
        findings.append(doc.finding(Level.ERROR, "languages must be a list of language codes, "
                                    "the fallback first, e.g. [nb, en, de]", "languages"))
        return None
    langs = tuple(languages)
    name = translated(data.get("name")) or {"*": str(data.get("id", ""))}
    topics = {}
    raw_topics = data.get("topics")
    if isinstance(raw_topics, dict):
        for tid, tname in raw_topics.items():
            topics[tid] = freeze_text(translated(tname) or {"*": tid}, langs)
    else:
        findings.append(doc.finding(Level.ERROR, "topics must be a mapping of topic id to its "
                                    "name, e.g. tax: {nb: Skatt, en: Tax, de: Steuern}", "topics"))
    municipalities = []
    raw_munis = data.get("municipalities")
    if isinstance(raw_munis, list):
        for i, m in enumerate(raw_munis):
            if not isinstance(m, dict) or not isinstance(m.get("id"), str):
                findings.append(doc.finding(Level.ERROR, "each municipality needs an id, e.g. "
                                            "- id: bardu", "municipalities", i))
                continue
            aliases = m.get("aliases") or []
            if not isinstance(aliases, list):
                findings.append(doc.finding(Level.ERROR, "aliases must be a list of names",
                                            "municipalities", i, "aliases"))
                aliases = []
            municipalities.append(Municipality(
                id=m["id"],
                name=freeze_text(translated(m.get("name")) or {"*": m["id"]}, langs),
                aliases=tuple(str(a) for a in aliases if isinstance(a, (str, int))),
                website=m.get("website") if isinstance(m.get("website"), str) else None,
            ))
    else:
        findings.append(doc.finding(Level.ERROR, "municipalities must be a list", "municipalities"))
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


def build_entries(doc: Document, region: Region, findings: list[Finding]) -> list[Entry]:
    """Entries of one faq file; entries too broken to use are skipped with a finding."""
    scope = doc.path.parent.name
    data = doc.data
    if data is None:
        findings.append(doc.finding(Level.WARNING, "the file is empty"))
        return []
    if not isinstance(data, dict):
        findings.append(doc.finding(Level.ERROR, "the file must be a mapping with 'topic' and "
                                    "'entries'"))
        return []
    raw_entries = data.get("entries")
    if raw_entries is None:
        findings.append(doc.finding(Level.ERROR, "the file has no 'entries:' list"))
        return []
    if not isinstance(raw_entries, list):
        findings.append(doc.finding(Level.ERROR, "'entries' must be a list; start each entry "
                                    "with '- id: …'", "entries"))
        return []
    file_topic = data.get("topic") if isinstance(data.get("topic"), str) else None
    entries = []
    for i, raw in enumerate(raw_entries):
        at = ("entries", i)
        if not isinstance(raw, dict):
            findings.append(doc.finding(Level.ERROR, "an entry must be a mapping starting with "
                                        "'- id: …'", *at))
            continue
        entry_id = raw.get("id")
        if not isinstance(entry_id, str) or not entry_id.strip():
            findings.append(doc.finding(Level.ERROR, f"entry number {i + 1} has no id; add "
                                        "'id: some-name' (lowercase, digits, '-')", *at))
            continue
        topic = raw.get("topic") if isinstance(raw.get("topic"), str) else file_topic
        questions: dict[str, tuple[str, ...]] = {}
        raw_q = raw.get("questions")
        if isinstance(raw_q, dict):
            for lang, variants in raw_q.items():
                if isinstance(variants, str):
                    variants = [variants]
                if isinstance(variants, list):
                    qs = tuple(str(v).strip() for v in variants
                               if isinstance(v, (str, int, float)) and str(v).strip())
                    if qs:
                        questions[lang] = qs
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


def load_knowledge(root: Path | str) -> Knowledge:
    """Load and validate a folder; raise KnowledgeError when it has errors."""
    from bot.validation import SERVING_CHECKERS, validate_parsed  # they need the documents

    from bot.checklist import read_checklists

    parsed = parse_folder(Path(root))
    findings = validate_parsed(parsed, checkers=SERVING_CHECKERS)
    if parsed.knowledge is None or any(f.level is Level.ERROR for f in findings):
        raise KnowledgeError(findings)
    checklists, _ = read_checklists(parsed.root, parsed.knowledge)  # checked above
    return replace(parsed.knowledge, checklists=MappingProxyType(checklists))
