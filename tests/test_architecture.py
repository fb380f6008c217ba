"""The house rules of #30, checked on the source: imports run one way (no circle between modules
or between the package's rooms), no family imports the zoo, no module is over 700 lines."""

import ast
import collections
import os

import kerasgen

ROOT = os.path.dirname(os.path.abspath(kerasgen.__file__))
ZOO_ROOMS = ("recipes", "convert")


def _modules():
    found = {}
    for directory, _, files in os.walk(ROOT):
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(directory, name)
                module = "kerasgen." + os.path.relpath(path, ROOT)[:-3].replace(os.sep, ".")
                found[module.removesuffix(".__init__")] = path
    return found


def _imports(modules):
    """Module -> the kerasgen modules it imports (at the top or inside functions)."""
    graph = collections.defaultdict(set)
    for module, path in modules.items():
        for node in ast.walk(ast.parse(open(path).read())):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                subs = [f"{node.module}.{alias.name}" for alias in node.names]
                targets = [t for t in subs if t in modules] or [node.module]
            else:
                continue
            for target in targets:
                while target not in modules and "." in target:
                    target = target.rsplit(".", 1)[0]
                if target in modules and target != module and target != "kerasgen":
                    graph[module].add(target)
    return graph


def _cycles(graph, nodes):
    """Strongly connected components with more than one node (Tarjan)."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
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

    for v in nodes:
        if v not in index:
            visit(v)
    return out


def _room(module):
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_no_circle_of_imports_between_modules_or_rooms():
    modules = _modules()
    graph = _imports(modules)
    assert _cycles(graph, sorted(modules)) == []
    rooms = collections.defaultdict(set)
    for module, targets in graph.items():
        rooms[_room(module)] |= {_room(t) for t in targets} - {_room(module)}
    assert _cycles(rooms, sorted({_room(m) for m in modules})) == []


def test_no_family_imports_the_zoo():
    graph = _imports(_modules())
    offenders = {module: sorted(t for t in targets if _room(t) in ZOO_ROOMS)
                 for module, targets in graph.items() if module.startswith("kerasgen.models")}
    assert {m: t for m, t in offenders.items() if t} == {}


def test_no_module_over_700_lines():
    long = {module: sum(1 for _ in open(path)) for module, path in _modules().items()}
    assert {m: n for m, n in long.items() if n > 700} == {}
