"""Print the import graph of the apps (which app imports which) and its cycles.

    .venv/bin/python scripts/import_graph.py            # edges, then cycles
    .venv/bin/python scripts/import_graph.py --check    # exit 1 if projects shares a
                                                        # cycle with the workflow/history

Every ``from apps.<app>`` / ``import apps.<app>`` in apps/ counts, at module level or
inside a function (a late import is still a dependency). Migrations are left out: they
name models by string.
"""

import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "apps"
WORKFLOW = {"reviews", "history"}


def app_graph(root: Path = ROOT) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for path in root.rglob("*.py"):
        parts = path.relative_to(root).parts
        if "migrations" in parts:
            continue
        app = parts[0]
        graph.setdefault(app, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                bits = name.split(".")
                if bits[0] == "apps" and len(bits) > 1 and bits[1] != app:
                    graph[app].add(bits[1])
    return dict(graph)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one app (Tarjan)."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def main() -> int:
    graph = app_graph()
    for app in sorted(graph):
        print(f"{app:13} → {', '.join(sorted(graph[app])) or '—'}")
    found = cycles(graph)
    print()
    for component in found:
        print("cycle:", " ↔ ".join(component))
    if not found:
        print("no cycles")
    bad = [c for c in found if "projects" in c and WORKFLOW & set(c)]
    if "--check" in sys.argv and bad:
        print("projects shares a cycle with the workflow/history apps:", bad)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
