"""Reading YAML with the position of every value, so that a finding can name file, line and column."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.i18n import N_
from bot.knowledge.findings import Finding, Level, Message, say

Position = tuple[int, int]
KeyPath = tuple[Any, ...]


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

    def finding(self, level: Level, message: str | Message, *path: Any, key: bool = False) -> Finding:
        line, column = self.where_key(*path) if key else self.where(*path)
        return Finding(self.name, line, column, level, message)


def _mark(node: yaml.Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1


def parse_yaml(path: Path, name: str, findings: list[Finding]) -> Document | None:
    """Parse one file; on a syntax error, add a finding and return None."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        findings.append(Finding(name, 1, 1, Level.ERROR, say(N_(
            "the file is not UTF-8 text (byte {byte}); save it as UTF-8"), byte=exc.start)))
        return None
    except OSError as exc:
        findings.append(Finding(name, 1, 1, Level.ERROR, say(N_("cannot read the file: {problem}"),
                                                    problem=exc.strerror)))
        return None
    # libyaml parses fast; its error messages differ, so a broken file is read
    # again by PyYAML's own parser, whose messages the findings quote.
    if _FastLoader is not _Loader:
        doc = _parse_fast(path, name, text, findings)
        if doc is not None:
            return doc
    loader = None
    try:
        loader = _Loader(text)  # the reader rejects control characters here already
        node = loader.get_single_node()
        doc = Document(path=path, name=name, data=None)
        if node is not None:
            doc.data = _to_python(node, (), doc, loader, findings)
        return doc
    except RecursionError:
        findings.append(Finding(name, 1, 1, Level.ERROR, say(N_(
            "the file nests too deeply, or an alias (*name) refers to itself; write the values "
            "out plainly"))))
        return None
    except yaml.MarkedYAMLError as exc:
        findings.append(_syntax_error(name, text, exc))
        return None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - text.rfind("\n", 0, exc.position)
        findings.append(Finding(name, line, column, Level.ERROR, say(N_(
            "the file contains the control character #x{code}, which YAML does not allow; delete it"),
            code=f"{exc.character:04x}")))
        return None
    except yaml.YAMLError as exc:
        findings.append(Finding(name, 1, 1, Level.ERROR, say(N_("YAML error: {problem}"),
                                                            problem=str(exc))))
        return None
    finally:
        if loader is not None:
            loader.dispose()


def _parse_fast(path: Path, name: str, text: str, findings: list[Finding]) -> Document | None:
    """The document by libyaml's parser; None when it fails (PyYAML then says why)."""
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
        return None
    finally:
        fast.dispose()


def _syntax_error(name: str, text: str, exc: yaml.MarkedYAMLError) -> Finding:
    """PyYAML's syntax error where it happened, with a hint for the usual mistakes."""
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or "invalid YAML"
    hint: str | Message = ""
    if "\t" in text and ("tab" in problem or "'\\t'" in problem):  # PyYAML shows a tab as '\t'
        hint = say(N_("; indent with spaces, not tabs"))
    elif "mapping values are not allowed" in problem:
        hint = say(N_("; a text with ': ' in it needs quotes around it"))
    elif "expected ',' or ']'" in problem or "expected ',' or '}'" in problem:
        hint = say(N_("; inside [ … ] or {{ … }} a text with '?', ',' or ':' needs quotes around "
                      "it, or write the list with one '- ' line per text"))
    return Finding(name, line, column, Level.ERROR, say(N_("YAML syntax error: {problem}{hint}"),
                                                        problem=problem, hint=hint))


def _to_python(node: yaml.Node, path: KeyPath, doc: Document, loader: _Loader,
               findings: list[Finding]) -> Any:
    doc.values[path] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                line, col = _mark(key_node)
                findings.append(Finding(doc.name, line, col, Level.ERROR, say(N_(
                    "a key must be a plain word, not a list or mapping"))))
                continue
            key = str(key_node.value)
            if key in result:
                line, col = _mark(key_node)
                findings.append(Finding(doc.name, line, col, Level.ERROR, say(N_(
                    "key '{key}' appears twice here; keep one of them"), key=key)))
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
