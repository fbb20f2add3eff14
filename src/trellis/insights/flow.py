"""How much of a cluster's demand its seats can actually serve, given days and grades.

A seat can go to a student only if the opportunity's weekdays are a subset of the student's
availability and the student's grade reaches the opportunity's minimum. That is a bipartite
transport problem: demand groups (availability mask, grade) on one side, seat groups
(weekday pattern, minimum grade) on the other, an edge where a group fits a pattern. The
demand served is the maximum flow. Groups that reach exactly the same patterns are merged
first, so the graph stays tiny (at most one node per distinct reach set) however many
students there are. Capacities are integers (weighted demand is counted in exact units),
so the answer is exact. Pure Python, no Django: tested on its own.
"""

from collections import defaultdict, deque


def fits(weekdays: int, min_grade: int, mask: int, grade: int) -> bool:
    """Whether a student (availability mask, grade) can take a seat (weekday pattern, min grade).

    A pattern with no weekdays (a block scheduled by dates) fits every availability.
    """
    return weekdays & ~mask == 0 and grade >= min_grade


def served_units(demand: dict[tuple[int, int], int], supply: dict[tuple[int, int], int]) -> int:
    """Maximum demand (in units) the seats can serve.

    demand: (availability mask, grade) → units wanted; supply: (weekdays, min grade) → units offered.
    """
    patterns = [p for p, units in supply.items() if units > 0]
    merged: dict[frozenset[int], int] = defaultdict(int)
    for (mask, grade), units in demand.items():
        if units <= 0:
            continue
        reach = frozenset(i for i, (w, g) in enumerate(patterns) if fits(w, g, mask, grade))
        if reach:
            merged[reach] += units
    if not merged:
        return 0
    groups = list(merged.items())
    # Nodes: 0 source, 1..G demand groups, G+1..G+P patterns, G+P+1 sink.
    g_count, p_count = len(groups), len(patterns)
    sink = g_count + p_count + 1
    graph = _Graph(sink + 1)
    for gi, (reach, units) in enumerate(groups, start=1):
        graph.add_edge(0, gi, units)
        for pi in reach:
            graph.add_edge(gi, g_count + 1 + pi, units)
    for pi, pattern in enumerate(patterns):
        graph.add_edge(g_count + 1 + pi, sink, supply[pattern])
    return graph.max_flow(0, sink)


class _Graph:
    """Dinic's algorithm on an adjacency list of [to, capacity, reverse index] edges."""

    def __init__(self, n: int):
        self.adj: list[list[list[int]]] = [[] for _ in range(n)]

    def add_edge(self, u: int, v: int, cap: int) -> None:
        self.adj[u].append([v, cap, len(self.adj[v])])
        self.adj[v].append([u, 0, len(self.adj[u]) - 1])

    def _levels(self, s: int, t: int) -> list[int] | None:
        level = [-1] * len(self.adj)
        level[s] = 0
        queue = deque([s])
        while queue:
            u = queue.popleft()
            for v, cap, _ in self.adj[u]:
                if cap > 0 and level[v] < 0:
                    level[v] = level[u] + 1
                    queue.append(v)
        return level if level[t] >= 0 else None

    def _push(self, u: int, t: int, pushed: int, level: list[int], it: list[int]) -> int:
        if u == t:
            return pushed
        while it[u] < len(self.adj[u]):
            edge = self.adj[u][it[u]]
            v, cap, rev = edge
            if cap > 0 and level[v] == level[u] + 1:
                got = self._push(v, t, min(pushed, cap), level, it)
                if got:
                    edge[1] -= got
                    self.adj[v][rev][1] += got
                    return got
            it[u] += 1
        return 0

    def max_flow(self, s: int, t: int) -> int:
        total = 0
        while (level := self._levels(s, t)) is not None:
            it = [0] * len(self.adj)
            while pushed := self._push(s, t, 1 << 62, level, it):
                total += pushed
        return total
