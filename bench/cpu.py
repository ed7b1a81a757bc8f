"""Where the machine's CPU goes under a load: the user and system time of each server's processes read from /proc
before and after it (a server's process and all its descendants: gunicorn's workers, Varnish's child; PostgreSQL's
processes by name), Redis's from its INFO, and the load client's own (wrk, a child of this process, reaped in
between). Read in clock ticks (10 ms): a mean over many requests, not a single one's."""

import os
import resource
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _read_stat(stat: Path) -> tuple[int, int, str, float]:
    """A process's pid, its parent's, its name and the CPU seconds it has used, from its /proc/<pid>/stat."""
    head, tail = stat.read_text().rsplit(")", 1)
    pid, name = head.split(" (", 1)
    fields = tail.split()  # from the state on: the parent is the 2nd, user and system time the 12th and 13th
    return int(pid), int(fields[1]), name, (int(fields[11]) + int(fields[12])) / TICKS


def _processes() -> dict[int, tuple[int, str, float]]:
    """Every process now: its parent's pid, its name and the CPU seconds it has used, by pid."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            pid, *read = _read_stat(stat)
        except OSError:  # it ended while the others were read
            continue
        found[pid] = tuple(read)
    return found


def tree_seconds(processes: dict[int, tuple[int, str, float]], root: int) -> float:
    """The CPU seconds ``root`` and every process it started (and they started) have used."""
    children: dict[int, list[int]] = {}
    for pid, (parent, _name, _seconds) in processes.items():
        children.setdefault(parent, []).append(pid)
    total, waiting = 0.0, [root]
    while waiting:
        pid = waiting.pop()
        total += processes[pid][2] if pid in processes else 0.0
        waiting += children.get(pid, [])
    return total


def named_seconds(processes: dict[int, tuple[int, str, float]], name: str) -> float:
    return sum(seconds for _parent, found, seconds in processes.values() if found == name)


def redis_seconds(client) -> float:
    info = client.info("cpu")
    return info["used_cpu_user"] + info["used_cpu_sys"]


def children_seconds() -> float:
    """The CPU seconds of this process's children that ended and were waited for (the load client's, after it)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class Shares:
    """The CPU seconds each part of the machine used between start() and stop(): the process trees of ``trees``
    (name: root pid), the processes called by each of ``named``'s values, Redis (``redis_url``) and the load client."""

    def __init__(self, *, trees: dict[str, int], named: dict[str, str], redis_url: str = ""):
        self.trees, self.named = trees, named
        self.redis = None
        if redis_url:
            import redis

            self.redis = redis.Redis.from_url(redis_url)
        self.marks: dict[str, float] = {}

    def read(self) -> dict[str, float]:
        processes = _processes() if self.trees or self.named else {}
        read = {name: tree_seconds(processes, pid) for name, pid in self.trees.items()}
        read |= {name: named_seconds(processes, process) for name, process in self.named.items()}
        if self.redis:
            read["Redis"] = redis_seconds(self.redis)
        return read | {"load client": children_seconds()}

    def start(self) -> None:
        self.marks = self.read()

    def stop(self) -> dict[str, float]:
        return {name: round(value - self.marks[name], 6) for name, value in self.read().items()}
