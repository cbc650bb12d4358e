"""The house rules of the source tree, checked over the AST of every module.

Imports point only downwards through the layers below, and no module reaches itself again through
its imports. Every import counts: at the top, inside a function, under `if TYPE_CHECKING:`. A lazy
import kept for a real cost still points downwards, so it passes; one that runs upwards or closes
a circle fails, wherever it sits. docs/architecture.md names every module, so a newcomer finds each
one there.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# From the ground floor up. A module may import its own package and any package on a lower line.
LAYERS = (
    ("core.model",),
    ("core.git",),
    ("core.ledger",),
    ("core.books",),
    ("core.erp",),
    ("core.reports",),
    ("core.close",),
    ("core.crm",),
    ("core.interop",),
    ("cli",),
)
UNLAYERED = ("core",)   # the namespace package's own docstring


def _modules() -> dict[str, Path]:
    found = {}
    for top in ("core", "cli"):
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _resolve(module: str, path: Path, node: ast.ImportFrom | ast.Import) -> set[str]:
    """The kebir modules one import statement reaches (a package counts as its __init__)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        if node.level:
            package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
            base = package[: len(package) - (node.level - 1)]
            source = ".".join(base + ([node.module] if node.module else []))
        else:
            source = node.module or ""
        names = [source] + [f"{source}.{alias.name}" for alias in node.names]
    reached = set()
    for name in names:
        # `import core.erp.stock` reaches core.erp.stock; `from core.erp import stock` reaches it too
        while name and name not in MODULES:
            name = name.rpartition(".")[0]
        if name and (name.startswith("core") or name.startswith("cli")):
            reached.add(name)
    return reached


def import_graph() -> dict[str, set[str]]:
    graph = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        edges: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                edges |= _resolve(module, path, node)
        edges.discard(module)
        # `from core.erp import stock` names the package too: an edge to its __init__, which imports
        # nothing of kebir today; were it to import a module that imports it back, that is a circle
        graph[module] = edges
    return graph


def layer_of(module: str) -> int | None:
    best, level = -1, None
    for index, packages in enumerate(LAYERS):
        for package in packages:
            if (module == package or module.startswith(package + ".")) and len(package) > best:
                best, level = len(package), index
    return level


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_every_module_has_a_layer():
    assert [m for m in MODULES if m not in UNLAYERED and layer_of(m) is None] == []


def test_imports_point_only_downwards():
    graph = import_graph()
    upward = sorted(
        f"{module} (layer {layer_of(module)}) imports {target} (layer {layer_of(target)})"
        for module, targets in graph.items() if module not in UNLAYERED
        for target in targets
        if target not in UNLAYERED and layer_of(target) > layer_of(module)
    )
    assert upward == []


def test_no_module_reaches_itself_through_its_imports():
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_an_upward_import_inside_a_function_counts(tmp_path):
    source = "def f():\n    from cli.main import app\n"
    node = next(n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.ImportFrom))
    assert _resolve("core.model.money", ROOT / "core/model/money.py", node) == {"cli.main"}


def test_docs_architecture_names_every_module():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:core|cli)(?:/[\w]+)*(?:/|\.py))`", text))
    missing = []
    for module, path in MODULES.items():
        rel = path.relative_to(ROOT).as_posix()
        if path.name == "__init__.py":
            rel = rel[: -len("__init__.py")]
            if module in ("core", "cli"):
                continue
        if rel not in named:
            missing.append(rel)
    assert missing == []


def test_no_module_over_700_lines():
    long = {m: n for m, p in MODULES.items() if (n := len(p.read_text(encoding="utf-8").splitlines())) > 700}
    assert long == {}


def inner_imports(source: str, module: str, path: Path) -> list[tuple[int, str]]:
    """(line, text) of each kebir import written inside a function without a `# lazy: <why>` comment
    (on its line or the line above).

    An import inside a function hides an edge from a reader of the module's head; it is kept only to
    put off a real cost (a heavy library a command path does not need), and then says so on its line.
    """
    lines = source.splitlines()
    found = []
    for func in ast.walk(ast.parse(source)):
        if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(func):
            if isinstance(node, (ast.Import, ast.ImportFrom)) and _resolve(module, path, node):
                text = " ".join(lines[node.lineno - 2:node.end_lineno])   # its lines and the one above
                if not re.search(r"#\s*lazy:\s*\S", text):
                    found.append((node.lineno, lines[node.lineno - 1].strip()))
    return sorted(set(found))


def test_imports_inside_functions__only_lazy_ones_that_say_why():
    found = [f"{path.relative_to(ROOT)}:{line}: {text}" for module, path in MODULES.items()
             for line, text in inner_imports(path.read_text(encoding="utf-8"), module, path)]
    assert found == []


def test_an_import_inside_a_function__counts_unless_it_says_why_it_is_lazy():
    path = ROOT / "cli/dedup.py"
    plain = "def scan():\n    from core.crm.dedup.scan import scan_books\n"
    said = "def scan():\n    from core.crm.dedup.scan import scan_books  # lazy: rapidfuzz and numpy, 0.1 s\n"
    bare = "def scan():\n    from core.crm.dedup.scan import scan_books  # lazy:\n"
    other = "def scan():\n    import json\n"
    assert inner_imports(plain, "cli.dedup", path) == [(2, "from core.crm.dedup.scan import scan_books")]
    assert inner_imports(said, "cli.dedup", path) == []
    assert inner_imports(bare, "cli.dedup", path) == [(2, "from core.crm.dedup.scan import scan_books  # lazy:")]
    assert inner_imports(other, "cli.dedup", path) == []


def test_a_lazy_import__puts_off_a_module_kebir_would_not_load_anyway():
    """A `# lazy:` import in a module every kebir start loads names a module that start does not
    load: when the start loads it anyway, the import costs nothing and belongs at the top."""
    started = subprocess.run([sys.executable, "-c", "import sys, cli.main; print(' '.join(sys.modules))"],
                             cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    pointless = []
    for module, path in MODULES.items():
        if module not in started:
            continue
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for func in ast.walk(ast.parse(source)):
            if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for node in ast.walk(func):
                    if isinstance(node, (ast.Import, ast.ImportFrom)) and "lazy:" in " ".join(
                            lines[node.lineno - 2:node.end_lineno]):
                        reached = _resolve(module, path, node)
                        # `from core.crm import apply` reaches the package too, which every start loads
                        deepest = {t for t in reached if not any(o.startswith(t + ".") for o in reached)}
                        pointless += [f"{path.relative_to(ROOT)}:{node.lineno}: {target}"
                                      for target in deepest if target in started]
    assert sorted(set(pointless)) == []
def _imported_names(path: Path) -> set[str]:
    """Every module name an import statement in `path` names, wherever it sits (top, function, TYPE_CHECKING)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module)
    return names


def test_the_core_package_itself__imports_nothing_of_kebir():
    """core/__init__.py runs before every core module: an import there is exempt from the floors but
    would reach from every floor at once (`import cli._options` would load typer into a notebook)."""
    assert {n for n in _imported_names(MODULES["core"]) if n.split(".")[0] in ("core", "cli")} == set()


def test_core__imports_neither_typer_nor_rich():
    """core is a library for notebooks and batch scripts as well (core/__init__.py): the command line's
    toolkit stays in cli/."""
    wrong = sorted(f"{module}: {name}" for module, path in MODULES.items() if module.split(".")[0] == "core"
                   for name in _imported_names(path) if name.split(".")[0] in ("typer", "rich", "click"))
    assert wrong == []
