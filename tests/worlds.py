"""Test data built once per test module instead of once per test (setUpTestData for pytest).

`module_world(name, build)` turns a builder into a module-scoped fixture. The rows are written inside a
transaction opened before the module's first test that asks for them; every test then runs
in a savepoint within it (pytest-django's own per-test atomic nests there), so whatever a
test writes, deletes or changes is rolled back before the next one, and the module's
transaction is rolled back at its end. Each test receives a deep copy of the built objects
(fresh instances, the same related-object caches), so changing one in memory does not leak.

Two things keep other tests from seeing a world's rows:
- `pytest_collection_modifyitems` below runs a module's tests that use a world after its
  other tests (pytest-django's order, non-transactional then transactional, is kept);
- a transactional test (`transactional_db`, `django_db(transaction=True)`, `live_server`)
  cannot run inside the open transaction: the open world is rolled back before it starts,
  and it builds its own rows (`fresh_personas` in tests/conftest.py).
"""

import copy

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction

# Names of the module-world fixtures, for the ordering hook.
WORLD_FIXTURES: set[str] = set()
_open: list["SharedWorld"] = []


class SharedWorld:
    def __init__(self, name, blocker):
        self.name, self.blocker, self.value, self.atomic = name, blocker, None, None

    def open(self, build):
        for other in list(_open):
            other.close()  # the ordering hook runs all of one world's tests before the next
        with self.blocker.unblock():
            self.atomic = transaction.atomic(using=DEFAULT_DB_ALIAS)
            self.atomic._from_testcase = True  # like TestCase's: durable blocks may nest in it
            self.atomic.__enter__()
            _open.append(self)
            try:
                self.value = build()
            except BaseException:
                self.close()
                raise

    def close(self):
        if self.atomic is None:
            return
        with self.blocker.unblock():
            transaction.set_rollback(True, using=DEFAULT_DB_ALIAS)
            self.atomic.__exit__(None, None, None)
        self.atomic = None
        _open.remove(self)

    def for_test(self, request):
        if is_transactional(request.node):
            pytest.fail(
                f"{request.node.nodeid}: a transactional test cannot share the module's "
                f"{self.name} (it is built inside a transaction); build its own rows instead"
            )
        if self.atomic is None:
            pytest.fail(f"{self.name} was rolled back before {request.node.nodeid} ran")
        assert connections[DEFAULT_DB_ALIAS].in_atomic_block
        return copy.deepcopy(self.value)


def module_world(name, build):
    """A module-scoped fixture called `name` holding a SharedWorld of what `build()` returns."""
    WORLD_FIXTURES.add(name)

    @pytest.fixture(scope="module", name=name)
    def fixture(django_db_setup, django_db_blocker):
        world = SharedWorld(name, django_db_blocker)
        world.open(build)
        yield world
        world.close()

    return fixture


def is_transactional(item) -> bool:
    """pytest-django's rule: the marker's transaction/reset_sequences, or those fixtures."""
    marker = item.get_closest_marker("django_db")
    if marker is not None:
        transaction_ = marker.kwargs.get("transaction", marker.args[0] if marker.args else False)
        if transaction_ or marker.kwargs.get("reset_sequences"):
            return True
    names = getattr(item, "fixturenames", ())
    return "transactional_db" in names or "live_server" in names or "django_db_reset_sequences" in names


def order_items(items):
    """Within each run of one module's tests, those using a world go last, grouped by world."""

    def world_of(item):
        used = sorted(WORLD_FIXTURES.intersection(getattr(item, "fixturenames", ())))
        if len(used) > 1:
            raise pytest.UsageError(f"{item.nodeid} asks for two shared worlds at once: {used}")
        return used[0] if used else ""

    out, run = [], []

    def flush():
        out.extend(sorted(run, key=lambda item: (world_of(item) != "", world_of(item))))
        run.clear()

    for item in items:
        module = getattr(item, "module", None)
        if run and (module is not getattr(run[-1], "module", None) or is_transactional(item) != is_transactional(run[-1])):
            flush()
        run.append(item)
    flush()
    items[:] = out


def close_before_transactional(item):
    if _open and is_transactional(item):
        for world in list(_open):
            world.close()
