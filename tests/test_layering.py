"""The ground floor (models, errors, settings, text helpers, store adapters, parsers) imports without the roof
(service, CLI, UI, sync, evaluation), and no module imports a module that imports it back."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
GROUND = ("assistant.models", "assistant.errors", "assistant.settings", "assistant.access", "assistant.store",
          "assistant.lexical", "assistant.text_analysis", "assistant.embeddings", "assistant.query",
          "assistant.safe_output", "ingest.parsers", "ingest.headings", "ingest.markers", "ingest.sectioning",
          "ingest.chunking", "ingest.oparl.mapping")
ROOF = ("assistant.service", "assistant.cli", "assistant.chat_cli", "ingest.indexer", "ingest.oparl.sync", "ui", "eval",
        "streamlit")


@pytest.mark.parametrize("module", GROUND)
def test_ground_floor_imports_without_the_roof(module: str) -> None:
    probe = (f"import sys, {module}; roof = {ROOF!r}; "
             "print([m for m in sys.modules if any(m == r or m.startswith(r + '.') for r in roof)])")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]", f"{module} pulls in {out.stdout.strip()}"


def _module_imports() -> dict[str, set[str]]:
    modules = {}
    for package in ("assistant", "ingest", "ui", "eval"):
        for path in (REPO / package).rglob("*.py"):
            name = ".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")
            modules[name] = path
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.parse(path.read_text(encoding="utf-8")).body:  # module level: what runs at import
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            graph[name] |= {t for t in targets if t in modules and t != name}
    return graph


def test_no_module_imports_a_module_that_imports_it_back() -> None:
    graph = _module_imports()
    cycles = []

    def reach(start: str) -> set[str]:
        seen, todo = set(), list(graph[start])
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(graph[node])
        return seen

    for module in graph:
        if module in reach(module):
            cycles.append(module)
    assert not cycles, f"import cycles through: {sorted(cycles)}"
