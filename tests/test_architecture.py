"""docs/architecture.md's layer table holds for the code: no import cycle in `sim/`, no import
that points up the layers, every module in exactly one layer, no private name imported from
another module. The table is read from the doc, so the doc and the code cannot drift apart.

Imports inside functions count (they run when the function does); those under
``if TYPE_CHECKING:`` do not (they never run).
"""

from __future__ import annotations

import ast
import re
from fnmatch import fnmatchcase
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SIM = ROOT / "sim"
DOC = ROOT / "docs" / "architecture.md"


# ------------------------------------------------------------------ reading the code
def module_name(path: Path) -> str:
    """``sim/cli/run.py`` -> ``sim.cli.run``; ``sim/cli/__init__.py`` -> ``sim.cli``."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runs(tree: ast.Module) -> list[ast.stmt | ast.expr]:
    """Every node of the module except the bodies of ``if TYPE_CHECKING:``."""
    out, stack = [], [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        out.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return out


def _absolute(node: ast.ImportFrom, name: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = name.split(".") if is_package else name.split(".")[:-1]
    base = base[: len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(source: str, name: str, modules: set[str], is_package: bool = False
               ) -> tuple[set[str], list[str]]:
    """(modules of ``sim`` that ``source`` imports, private names it imports from others).

    ``from sim.x import y`` is an import of ``sim.x.y`` when that is a module, else of ``sim.x``.
    """
    found, private = set(), []
    for node in _runs(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "sim"}
        elif isinstance(node, ast.ImportFrom):
            target = _absolute(node, name, is_package)
            if target.split(".")[0] != "sim":
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in modules else target)
                if sub not in modules and alias.name.startswith("_") and target != name:
                    private.append(f"{name} imports {target}.{alias.name}")
    return found - {name}, private


def code_graph() -> tuple[dict[str, set[str]], list[str]]:
    """Every module of ``sim`` -> the modules of ``sim`` it imports; and the private imports."""
    paths = {module_name(p): p for p in SIM.rglob("*.py")}
    graph, private = {}, []
    for name, path in paths.items():
        graph[name], names = imports_of(path.read_text(), name, set(paths),
                                        path.name == "__init__.py")
        private += names
    return graph, private


# ------------------------------------------------------------------ reading the doc
def layer_table(text: str) -> list[list[str]]:
    """The patterns of each layer, lowest first, from the doc's table (``| 1 base | `a`, ...``)."""
    rows = re.findall(r"^\| *(\d+) [^|]*\|([^|]*)\|", text, re.MULTILINE)
    assert rows, "docs/architecture.md has no layer table"
    assert [int(n) for n, _ in rows] == list(range(1, len(rows) + 1)), "layers out of order"
    return [["sim" if p == "sim" else f"sim.{p}" for p in re.findall(r"`([^`]+)`", cell)]
            for _, cell in rows]


def layer_of(module: str, layers: list[list[str]]) -> list[int]:
    """Every layer whose patterns match ``module`` (exactly one, when the table is right)."""
    return [i for i, patterns in enumerate(layers)
            if any(fnmatchcase(module, p) for p in patterns)]


# ------------------------------------------------------------------ the checks
def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module, and self-imports (Tarjan)."""
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while not comp or comp[-1] != v:
                comp.append(stack.pop())
                on.discard(comp[-1])
            if len(comp) > 1 or v in graph.get(v, ()):
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def upward(graph: dict[str, set[str]], layers: list[list[str]]) -> list[str]:
    """Imports from a module into a layer below it: 'a (layer i) imports b (layer j > i)'."""
    out = []
    for a, targets in sorted(graph.items()):
        for b in sorted(targets):
            la, lb = layer_of(a, layers), layer_of(b, layers)
            if la and lb and lb[0] > la[0]:
                out.append(f"{a} (layer {la[0] + 1}) imports {b} (layer {lb[0] + 1})")
    return out


def unplaced(graph: dict[str, set[str]], layers: list[list[str]]) -> list[str]:
    """Modules that no layer, or more than one, names."""
    return [f"{m}: layers {[i + 1 for i in layer_of(m, layers)]}" for m in sorted(graph)
            if len(layer_of(m, layers)) != 1]


@pytest.fixture(scope="module")
def code():
    return code_graph()


@pytest.fixture(scope="module")
def layers():
    return layer_table(DOC.read_text())


def test_no_import_cycle_in_sim(code):
    assert cycles(code[0]) == []


def test_every_module_is_in_exactly_one_layer_of_the_doc(code, layers):
    assert unplaced(code[0], layers) == []


def test_no_import_points_up_the_layers(code, layers):
    assert upward(code[0], layers) == []


def test_no_private_name_is_imported_from_another_module(code):
    assert code[1] == []


def test_yaml_reading_and_located_problems_import_nothing_else_from_sim(code):
    assert code[0]["sim.yamlio"] == set()
    assert code[0]["sim.atomic"] == set()


# ------------------------------------------------------------------ the checks can fail
MODULES = {"sim.a", "sim.b", "sim.c", "sim.low"}
TABLE = "| layer | modules |\n|---|---|\n| 1 base | `low` |\n| 2 top | `a`, `b`, `c` |\n"


def make_graph(sources: dict[str, str]) -> tuple[dict[str, set[str]], list[str]]:
    graph, private = {}, []
    for name, text in sources.items():
        graph[name], names = imports_of(text, name, MODULES)
        private += names
    return graph, private


def test_a_cycle_through_a_function_level_import_is_found():
    graph, _ = make_graph({"sim.a": "from sim.b import f\n",
                           "sim.b": "def g():\n    from sim.c import h\n",
                           "sim.c": "import sim.a\n", "sim.low": ""})
    assert cycles(graph) == [["sim.a", "sim.b", "sim.c"]]


def test_an_import_under_type_checking_is_not_a_cycle():
    graph, _ = make_graph({"sim.a": "from sim.b import f\n",
                           "sim.b": "if TYPE_CHECKING:\n    from sim.a import A\n",
                           "sim.c": "", "sim.low": ""})
    assert cycles(graph) == []


def test_an_upward_import_is_found_and_a_downward_one_is_not():
    graph, _ = make_graph({"sim.a": "from sim.low import x\n", "sim.b": "", "sim.c": "",
                           "sim.low": "def f():\n    from sim.a import y\n"})
    assert upward(graph, layer_table(TABLE)) == ["sim.low (layer 1) imports sim.a (layer 2)"]


def test_a_module_missing_from_the_table_is_found():
    graph, _ = make_graph({"sim.a": "", "sim.low": "", "sim.new": ""})
    assert unplaced(graph, layer_table(TABLE)) == ["sim.new: layers []"]


def test_a_private_name_from_another_module_is_found():
    _, private = make_graph({"sim.a": "from sim.low import _helper, public\n", "sim.low": ""})
    assert private == ["sim.a imports sim.low._helper"]


def test_relative_imports_are_resolved():
    found, _ = imports_of("from .common import fail\nfrom . import run\n", "sim.cli.app",
                          {"sim.cli.common", "sim.cli.run", "sim.cli.app"})
    assert found == {"sim.cli.common", "sim.cli.run"}
