"""No import cycle between files of the trellis package (issue 11).

grimp (which import-linter runs on) reads every import statement, including the lazy ones
inside functions, so "import it inside the function" does not hide a cycle. The layers
contract in pyproject.toml orders the apps; this test also covers files within one app.
"""

import textwrap
from collections import deque

import grimp


def import_cycles(graph) -> list[tuple[list[str], list[str]]]:
    """Each group of files that import each other, with its shortest cycle as [a, b, ..., a]."""
    return [(group, _shortest_cycle(graph, group)) for group in _strongly_connected(graph)]


def describe(cycles) -> str:
    return "\n".join(
        f"{len(group)} files: {', '.join(group)}\n  for example {' -> '.join(cycle)}"
        for group, cycle in cycles
    )


def _strongly_connected(graph) -> list[list[str]]:
    """Groups of two or more modules that all reach each other (Tarjan's algorithm)."""
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    index, low, on_stack, stack, groups = {}, {}, set(), [], []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in edges[module]:
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while not group or group[-1] != module:
                group.append(stack.pop())
                on_stack.discard(group[-1])
            if len(group) > 1:
                groups.append(sorted(group))

    for module in sorted(edges):
        if module not in index:
            visit(module)
    return sorted(groups)


def _shortest_cycle(graph, group: list[str]) -> list[str]:
    start, members = group[0], set(group)
    came_from, queue = {}, deque([start])
    while queue:
        module = queue.popleft()
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported == start:
                path = [module]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return [start, *reversed(path[:-1]), start]
            if imported in members and imported not in came_from:
                came_from[imported] = module
                queue.append(imported)
    raise AssertionError(f"{group} is not a cycle")


def test_no_file_of_trellis_imports_a_file_that_imports_it_back():
    cycles = import_cycles(grimp.build_graph("trellis", cache_dir=None))
    assert cycles == [], "Import cycles:\n" + describe(cycles)


def test_a_cycle_through_an_import_inside_a_function_is_found(tmp_path, monkeypatch):
    package = tmp_path / "loop"
    package.mkdir()
    files = {
        "__init__.py": "",
        "labour.py": "from loop import schedule\n",
        "schedule.py": "from loop import calendar\n",
        "calendar.py": "def days():\n    from loop.labour import rules  # lazy, still a cycle\n",
        "report.py": "import loop.labour\n",  # imports into the cycle, is not part of it
        "pair_a.py": "import loop.pair_b\n",
        "pair_b.py": "def f():\n    import loop.pair_a\n",
    }
    for name, text in files.items():
        (package / name).write_text(textwrap.dedent(text))
    monkeypatch.syspath_prepend(str(tmp_path))

    cycles = import_cycles(grimp.build_graph("loop", cache_dir=None))

    assert cycles == [
        (
            ["loop.calendar", "loop.labour", "loop.schedule"],
            ["loop.calendar", "loop.labour", "loop.schedule", "loop.calendar"],
        ),
        (["loop.pair_a", "loop.pair_b"], ["loop.pair_a", "loop.pair_b", "loop.pair_a"]),
    ]
