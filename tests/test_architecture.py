"""The layout holds: no import circles in bot/, telegram only in the adapter, no overlong code.

The imports are read from the source (ast), not executed, so a circle hidden in
a function-level import counts too. Importing `a.b.c` runs the packages `a.b`
and `a` first, so those count as imported as well, except the importer's own
packages (they are already being imported when it runs).
"""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parent.parent / "bot"
ADAPTER = "bot.telegram_app"
MAX_CLASS_LINES = 200
MAX_FUNCTION_LINES = 60
# Code that is longer on purpose says so at its top: in its docstring or its first comment.
LONG_MARKER = "Long because"


def module_name(path: Path) -> str:
    parts = path.relative_to(BOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(BOT.rglob("*.py"))}


def is_package(name: str, known: dict[str, Path]) -> bool:
    return known[name].name == "__init__.py"


def ancestors(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def type_checking_only(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imported_names(tree: ast.AST, importer: str, package: bool) -> list[str]:
    """Every module name an import statement in `tree` names (absolute, dotted)."""
    names: list[str] = []

    def visit(node: ast.AST) -> None:
        if type_checking_only(node):
            return
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                here = importer.split(".") if package else importer.split(".")[:-1]
                here = here[:len(here) - node.level + 1]
                base = ".".join(here + ([base] if base else []))
            names.append(base)
            names.extend(f"{base}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return names


def import_graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(edges between bot's modules, the outside top-level packages each module imports)."""
    known = modules()
    edges: dict[str, set[str]] = {name: set() for name in known}
    outside: dict[str, set[str]] = {name: set() for name in known}
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        own = set(ancestors(name))
        for target in imported_names(tree, name, is_package(name, known)):
            if not target.startswith("bot"):
                outside[name].add(target.split(".")[0])
                continue
            for candidate in [*ancestors(target), target]:
                if candidate in known and candidate != name and candidate not in own:
                    edges[name].add(candidate)
    return edges, outside


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            connect(v)
    return found


def test_the_modules_of_bot_import_each_other_without_circles():
    edges, _ = import_graph()
    assert circles(edges) == []


def test_only_the_adapter_imports_telegram():
    _, outside = import_graph()
    offenders = sorted(name for name, packages in outside.items()
                       if "telegram" in packages and not name.startswith(ADAPTER))
    assert offenders == []


def test_the_circle_finder_finds_a_circle():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def says_why_it_is_long(node: ast.AST, lines: list[str]) -> bool:
    doc = ast.get_docstring(node) or ""
    body_start = node.body[0].lineno - 1
    first_comment = next((line.strip() for line in lines[node.lineno:body_start + 3]
                          if line.strip().startswith("#")), "")
    return LONG_MARKER in doc or LONG_MARKER in first_comment


def overlong() -> list[str]:
    found = []
    for name, path in modules().items():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for node in ast.walk(ast.parse(text, str(path))):
            if isinstance(node, ast.ClassDef):
                limit = MAX_CLASS_LINES
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                limit = MAX_FUNCTION_LINES
            else:
                continue
            length = node.end_lineno - node.lineno + 1
            if length > limit and not says_why_it_is_long(node, lines):
                found.append(f"{name}.{node.name}: {length} lines (at most {limit}, or say "
                             f"'{LONG_MARKER} …' at its top)")
    return found


def test_no_class_or_function_is_overlong_without_a_reason():
    assert overlong() == []


def test_the_readme_map_names_every_folder_of_bot():
    readme = (BOT.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Architecture", 1)[1].split("\n## ", 1)[0]
    folders = sorted(p.parent.relative_to(BOT.parent).as_posix() for p in BOT.glob("*/__init__.py"))
    assert [f for f in folders if f"`{f}/`" not in section] == []
