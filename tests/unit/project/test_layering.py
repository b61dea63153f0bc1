"""Imports run one way (issue 22, item 3).

- The Rasa server runs without the action server's code: nothing it loads imports ``actions``.
- Every first-party package has a layer (``LAYERS``, lowest first); a module imports only from
  its own package or a lower layer, never a higher one nor a peer in its own layer.
- No import cycle between first-party modules, counting every import statement wherever it
  stands (in a function, under ``TYPE_CHECKING``): an import moved into a function to get past
  a cycle at start-up still ties the two modules together, so it counts.

Read with ``ast``, without importing anything, so a wrong-way import is found even where it
would only run later.
"""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Set, Tuple

import channels

REPO = Path(__file__).resolve().parents[3]
# What the Rasa server loads: its entry point, the stores endpoints.yml names, and every
# channel credentials.yml or app_settings can turn on.
RASA_SERVER_MODULES = [
    "service.servers.rasa_server",
    "service.servers.degraded_actions",
    "service.http.response_headers",
    "service.stores.tracker_store",
    "service.stores.strict_tracker_store",
    "service.stores.lock_store",
    "rasa_ext",
    "rasa_ext.actions",
    "rasa_ext.stores",
    "rasa_ext.connectors",
    "rasa_ext.nlu",
] + sorted(f"channels.{m.name}" for m in pkgutil.iter_modules(channels.__path__))

PROBE = """
import importlib, json, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
print(json.dumps(sorted(m for m in sys.modules if m == "actions" or m.startswith("actions."))))
"""


def test_every_channel_module_is_checked():
    assert {
        "channels.rest",
        "channels.socketio",
        "channels.faq_search",
        "channels.slack_app",
        "channels.messenger_app",
        "channels.telegram_app",
        "channels.twilio_text",
    } <= set(RASA_SERVER_MODULES)


def test_rasa_server_and_channels_import_nothing_from_actions():
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *RASA_SERVER_MODULES],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


# The layers, lowest first (docs/architecture.md, "Layers"). Packages in one layer are peers:
# neither imports the other.
LAYERS: Tuple[Tuple[str, ...], ...] = (
    ("contract",),  # names that cross layers; imports nothing of the project
    ("knowledge_base", "rasa_ext"),  # the content and its helpers; the fence around Rasa
    ("nlu_components",),  # the NLU pipeline (reads the KB's states, rasa_ext's origin name)
    ("channels",),  # the Rasa server's ways in and out, the input guard, the renderer
    ("service",),  # servers' entry points, stores, privacy, HTTP headers (SUBLAYERS)
    ("actions", "insights"),  # the action server's code; the organisation's report
    ("webapp",),  # the site server, the FAQ pages, the insights page
    ("harness",),  # servers and fake apps for end-to-end tests and benchmarks
    ("scripts",),  # set-up, build, benchmarks, reports
    ("tests",),
)
LAYER_OF: Dict[str, int] = {pkg: n for n, layer in enumerate(LAYERS) for pkg in layer}
# A package split into sub-packages by concern keeps the same rule inside: its sub-packages,
# lowest first, import only a lower one (the package's own ``__init__`` imports none).
SUBLAYERS: Dict[str, Tuple[Tuple[str, ...], ...]] = {
    "service": (
        ("http", "privacy"),  # the headers every server sends; redaction and retention
        ("stores",),  # conversations (stored redacted) and locks
        ("servers",),  # the entry points, which install all of the above
    ),
}


@dataclass(frozen=True)
class Import:
    path: str  # relative to the repository
    line: int
    importer: str  # module name
    imported: str  # first-party module (or package) name


def first_party_packages(repo: Path = REPO) -> List[str]:
    return sorted(p.parent.name for p in repo.glob("*/__init__.py"))


def module_files(repo: Path = REPO) -> Dict[str, Path]:
    """Every first-party module by name (``actions.handoff``; a package by its own name)."""
    found: Dict[str, Path] = {}
    for package in first_party_packages(repo):
        for path in sorted((repo / package).rglob("*.py")):
            parts = list(path.relative_to(repo).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _resolve(name: str, modules: Iterable[str]) -> Optional[str]:
    """The first-party module an imported name loads: itself, or its nearest parent."""
    known = set(modules)
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def imports(repo: Path = REPO) -> Iterator[Import]:
    """Every import of a first-party module by a first-party module, wherever it stands."""
    modules = module_files(repo)
    for importer, path in modules.items():
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            names: List[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = importer.split(".")[: None if is_package else -1]
                    parts = parts[: len(parts) - (node.level - 1)]
                    base = ".".join([*parts, *([node.module] if node.module else [])])
                # ``from pkg import sub`` loads the submodule ``pkg.sub`` when there is one.
                names = [f"{base}.{alias.name}" for alias in node.names]
            for name in names:
                target = _resolve(name, modules)
                if target and target != importer:
                    line = node.lineno
                    yield Import(str(path.relative_to(repo)), line, importer, target)


def layer_violations(found: Iterable[Import]) -> List[str]:
    """Each import into a higher layer or a peer package, as 'file:line: a (layer n) imports
    b (layer m)'; a package missing from ``LAYERS`` is a violation too."""
    wrong: List[str] = []
    for imp in found:
        here, there = imp.importer.split(".")[0], imp.imported.split(".")[0]
        if here == there:
            continue
        if here not in LAYER_OF or there not in LAYER_OF:
            wrong.append(f"{imp.path}:{imp.line}: {here} or {there} has no layer in LAYERS")
        elif LAYER_OF[there] >= LAYER_OF[here]:
            wrong.append(
                f"{imp.path}:{imp.line}: {imp.importer} (layer {LAYER_OF[here]}, {here}) imports"
                f" {imp.imported} (layer {LAYER_OF[there]}, {there})"
            )
    return wrong


def sublayer_violations(found: Iterable[Import]) -> List[str]:
    """Like ``layer_violations``, between the sub-packages of a package in ``SUBLAYERS``; a
    sub-package missing from its table is a violation too."""
    wrong: List[str] = []
    for imp in found:
        here, there = imp.importer.split("."), imp.imported.split(".")
        if here[0] != there[0] or here[0] not in SUBLAYERS or len(here) < 2 or len(there) < 2:
            continue
        order = {sub: n for n, layer in enumerate(SUBLAYERS[here[0]]) for sub in layer}
        if here[1] == there[1]:
            continue
        if here[1] not in order or there[1] not in order:
            wrong.append(
                f"{imp.path}:{imp.line}: {here[0]}.{here[1]} or {here[0]}.{there[1]}"
                " has no row in SUBLAYERS"
            )
        elif order[there[1]] >= order[here[1]]:
            wrong.append(
                f"{imp.path}:{imp.line}: {imp.importer} (sub-layer {order[here[1]]}) imports"
                f" {imp.imported} (sub-layer {order[there[1]]})"
            )
    return wrong


def cycles(graph: Dict[str, Set[str]]) -> List[List[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    on_stack: Set[str] = set()
    found: List[List[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def import_graph(found: Iterable[Import]) -> Dict[str, Set[str]]:
    graph: Dict[str, Set[str]] = {}
    for imp in found:
        graph.setdefault(imp.importer, set()).add(imp.imported)
    return graph


def test_every_package_has_one_layer():
    listed = [pkg for layer in LAYERS for pkg in layer]
    assert len(listed) == len(set(listed))
    assert sorted(listed) == first_party_packages()


def test_imports_run_from_higher_layers_to_lower_ones_only():
    wrong = layer_violations(imports())
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def test_every_sub_package_of_a_split_package_has_one_sub_layer():
    for package, layers in SUBLAYERS.items():
        listed = [sub for layer in layers for sub in layer]
        found = sorted(p.parent.name for p in (REPO / package).glob("*/__init__.py"))
        assert sorted(listed) == found, package
        modules = [p.stem for p in (REPO / package).glob("*.py") if p.stem != "__init__"]
        assert modules == [], f"{package}/ holds sub-packages only: {modules}"


def test_sub_packages_import_from_lower_ones_only():
    wrong = sublayer_violations(imports())
    assert not wrong, "imports against the sub-layers:\n" + "\n".join(wrong)


def test_no_import_cycle_between_first_party_modules():
    found = cycles(import_graph(imports()))
    assert not found, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in found)


def test_the_checks_name_a_wrong_way_import_and_a_cycle():
    """The two checks above fail on what they must (each was also tried once on the real
    code: an ``import webapp`` in knowledge_base/loader.py, and the old
    actions.actions <-> actions.handoff imports)."""
    up = Import("knowledge_base/loader.py", 7, "knowledge_base.loader", "actions.rendering")
    peer = Import("actions/a.py", 3, "actions.a", "insights.report")
    down = Import("actions/a.py", 4, "actions.a", "knowledge_base.citations")
    assert layer_violations([up, peer, down]) == [
        "knowledge_base/loader.py:7: knowledge_base.loader (layer 1, knowledge_base) imports"
        " actions.rendering (layer 5, actions)",
        "actions/a.py:3: actions.a (layer 5, actions) imports insights.report (layer 5, insights)",
    ]
    stores = Import("service/stores/s.py", 5, "service.stores.s", "service.privacy.redaction")
    back = Import("service/stores/s.py", 6, "service.stores.s", "service.servers.rasa_server")
    side = Import("service/http/h.py", 2, "service.http.h", "service.privacy.retention")
    assert sublayer_violations([stores, back, side]) == [
        "service/stores/s.py:6: service.stores.s (sub-layer 1) imports"
        " service.servers.rasa_server (sub-layer 2)",
        "service/http/h.py:2: service.http.h (sub-layer 0) imports"
        " service.privacy.retention (sub-layer 0)",
    ]
    graph = {"a.x": {"a.y"}, "a.y": {"a.z"}, "a.z": {"a.x"}, "b": {"a.x"}}
    assert cycles(graph) == [["a.x", "a.y", "a.z"]]
    assert cycles({"a.x": {"a.y"}, "a.y": set()}) == []


def test_the_scan_sees_function_level_and_relative_imports(tmp_path):
    (tmp_path / "low").mkdir()
    (tmp_path / "low" / "__init__.py").write_text("")
    (tmp_path / "low" / "mod.py").write_text(
        "def later():\n    from high import thing\n\nfrom . import other\n"
    )
    (tmp_path / "low" / "other.py").write_text("")
    (tmp_path / "high").mkdir()
    (tmp_path / "high" / "__init__.py").write_text("")
    (tmp_path / "high" / "thing.py").write_text("import low.mod\n")
    found = {(i.importer, i.imported, i.line) for i in imports(tmp_path)}
    assert found == {
        ("low.mod", "high.thing", 2),
        ("low.mod", "low.other", 4),
        ("high.thing", "low.mod", 1),
    }
