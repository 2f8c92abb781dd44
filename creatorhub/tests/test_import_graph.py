"""No two modules of ours import each other, directly or round a loop, counting the imports written
inside functions: a loop held together by a late import is still a loop."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

PACKAGES = ("creatorhub", "consent", "remixer", "moderation")


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph(root: Path, packages: tuple[str, ...]) -> dict[str, set[str]]:
    """Module → the modules of ours it imports anywhere in it (tests and migrations left out)."""
    files = {
        module_name(root, path): path
        for package in packages
        for path in (root / package).rglob("*.py")
        if not {"tests", "migrations"} & set(path.relative_to(root).parts)
    }
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(filter(None, [*anchor, base]))
                # `from package import module` names a module; `from module import name` does not.
                targets.update(f"{base}.{alias.name}" for alias in node.names)
                targets.add(base)
        graph[module] = {target for target in targets if target in files and target != module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
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

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_no_module_of_ours_imports_itself_round_a_loop():
    graph = import_graph(Path(settings.BASE_DIR), PACKAGES)
    assert len(graph) > 50, "the walk found too few modules to mean anything"
    assert cycles(graph) == []


def test_the_walk_finds_a_loop_made_of_late_and_relative_imports(tmp_path):
    package = tmp_path / "shop"
    (package / "tests").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "orders.py").write_text("from shop import billing\n")
    (package / "billing.py").write_text(
        "def charge():\n    from .mail import send\n    return send\n"
    )
    (package / "mail.py").write_text("from shop.orders import Order  # noqa\n")
    (package / "catalog.py").write_text("import shop.orders\n")
    (package / "tests" / "test_orders.py").write_text("from shop import orders, catalog\n")
    graph = import_graph(tmp_path, ("shop",))
    assert graph["shop.billing"] == {"shop.mail"}
    assert cycles(graph) == [["shop.billing", "shop.mail", "shop.orders"]]
