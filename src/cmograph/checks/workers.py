"""A pool of forked worker processes that do one piece of work per item, in order, and die with their parent.

Ctrl-C is the parent's to handle (it stops the pool), not each worker's to print; and a worker ends as soon as its
parent does, however the parent ended (a SIGKILL gives the pool no chance to stop it), so that no orphan goes on
working for nobody.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

AHEAD = 16  # items a worker may have done before the caller takes them (bounds memory)
ORPHAN_POLL = 0.2  # seconds between a worker's checks that its parent is alive


def usable_cores() -> int:
    """The cores this process may run on (all of the machine's where the system cannot say, as on macOS)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether this system starts processes by forking (not Windows)."""
    return "fork" in multiprocessing.get_all_start_methods()


def in_workers(work: Callable[[T], R], items: Sequence[T], workers: int) -> Iterator[R]:
    """``work`` done on each of ``items`` by ``workers`` forked processes, the results in the order of ``items``.

    The workers are forked here, when this function is called, not later (call it before opening anything that runs
    threads; what this process holds now, they inherit); an error raised by ``work`` is raised as it would be here.
    ``work`` and each item go to a worker by pickle: ``work`` is a module's function (or a partial of one).
    """
    # the workers are forked by the first submits: with Ctrl-C held back meanwhile, none is born able to take it
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_start_worker, initargs=(os.getpid(),))
        queue = iter(items)
        pending = deque(pool.submit(work, item) for item in itertools.islice(queue, AHEAD))
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)  # a Ctrl-C pressed meanwhile reaches this process now
    return _results(pool, pending, queue, work)


def _start_worker(parent: int) -> None:
    """In a worker (born with Ctrl-C held back): ignore Ctrl-C, and watch the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    threading.Thread(target=_exit_with, args=(parent,), name="cmograph-orphan-watch", daemon=True).start()


def _exit_with(parent: int) -> None:
    """Exit this process once ``parent`` is no longer its parent (it died, and the process was adopted)."""
    while os.getppid() == parent:
        time.sleep(ORPHAN_POLL)
    os._exit(1)


def _results(pool: ProcessPoolExecutor, pending: deque[Future[R]], queue: Iterator[T],
             work: Callable[[T], R]) -> Iterator[R]:
    try:
        while pending:
            done = pending.popleft().result()
            pending.extend(pool.submit(work, following) for following in itertools.islice(queue, 1))
            yield done
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
