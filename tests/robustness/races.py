"""Run a few callables at the same moment, each in its own thread with its own database
connection (released afterwards), and collect what each returned or raised."""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.db import connections


def together(*calls: Callable[[], object]) -> list[object]:
    """Start every call behind one barrier; a call's exception is returned, not raised."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], object]) -> object:
        try:
            barrier.wait(timeout=60)
            return call()
        except Exception as error:  # the test inspects what each got
            return error
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))
