"""Imports go one way: no module imports one that (through others) imports it back, and
`common` imports no area. A cycle shows only in some import orders, so it is found here
by reading the imports, not by starting the app once."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "blueprints"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        imported = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module)
                # `from package import module` imports the module too.
                imported |= {f"{node.module}.{alias.name}" for alias in node.names}
        # Importing a module runs its packages' __init__ first.
        with_parents = set()
        for target in imported & modules.keys():
            parts = target.split(".")
            with_parents |= {".".join(parts[:i]) for i in range(2, len(parts) + 1)}
        graph[name] = (with_parents & modules.keys()) - {name} - {
            ".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}
    return graph


def test_no_module_imports_itself_back():
    """Is the import graph of blueprints/ free of cycles (imports inside functions too)?"""
    graph = _graph()
    done, path = set(), []

    def visit(name):
        if name in path:
            raise AssertionError("import cycle: " + " -> ".join([*path[path.index(name):], name]))
        if name in done:
            return
        path.append(name)
        for target in sorted(graph[name]):
            visit(target)
        path.pop()
        done.add(name)

    for name in sorted(graph):
        visit(name)


def test_common_imports_no_area():
    graph = _graph()
    leaks = {name: sorted(t for t in targets if not t.startswith("blueprints.common"))
             for name, targets in graph.items() if name.startswith("blueprints.common")}
    assert {name: t for name, t in leaks.items() if t} == {}
