"""Real concurrent connections for the "at most one" rules (issue 15): threads, each with its
own database connection, released together by a barrier. PostgreSQL only; SQLite runs one
writer at a time, so such a test skips there (CI runs the suite on PostgreSQL as well).
"""

import threading

import pytest
from django.db import close_old_connections, connection, connections


def require_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite runs one writer at a time")


def race(work, n: int = 12, timeout: float = 60) -> list:
    """Run `work(i)` in `n` threads at once; returns each result, or the exception it raised."""
    require_postgresql()
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i):
        close_old_connections()
        try:
            barrier.wait(timeout)
            results[i] = work(i)
        except BaseException as error:  # reported to the test, which asserts on it
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(t.is_alive() for t in threads), "a racing thread did not finish"
    return results
