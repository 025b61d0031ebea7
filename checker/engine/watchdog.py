"""Whole-sandbox usage, read from /proc: every process descending from the sandbox's first
process, plus every process of the sandbox's own uid (a fork that escaped the tree).

rlimits bound one process each; summing here bounds the sandbox: N forks of a busy or
memory-hungry child count N times. Without /proc (macOS), usage() reports nothing and only the
per-process limits hold.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

PROC = "/proc"
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass
class Usage:
    processes: int = 0
    cpu_seconds: float = 0.0     # user + system, children that were waited for included
    memory_bytes: int = 0        # resident set, summed over processes
    busy: int = 0                # processes running or ready to run right now


def available() -> bool:
    return os.path.isfile(f"{PROC}/self/stat")


def _stat(pid: str):
    """(ppid, cpu ticks, rss pages, uid, running) of one process, or None if it is gone."""
    try:
        with open(f"{PROC}/{pid}/stat", "rb") as f:
            raw = f.read(4096)
        uid = os.stat(f"{PROC}/{pid}").st_uid
    except OSError:
        return None
    fields = raw[raw.rfind(b")") + 2:].split()   # the command name may hold spaces and ')'
    # after the name: state ppid ... utime(12) stime(13) cutime(14) cstime(15) ... rss(22)
    return int(fields[1]), sum(int(x) for x in fields[11:15]), int(fields[21]), uid, fields[0] == b"R"


def members(root_pid: int, uid: int | None = None) -> dict:
    """pid -> (cpu ticks, rss pages, uid, running) for the tree under root_pid and every process of uid."""
    table = {}
    for entry in os.listdir(PROC):
        if entry.isdigit():
            row = _stat(entry)
            if row is not None:
                table[int(entry)] = row
    children = {}
    for pid, (ppid, *_rest) in table.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = set(), [root_pid]
    while todo:
        pid = todo.pop()
        if pid in table and pid not in found:
            found.add(pid)
            todo.extend(children.get(pid, []))
    if uid is not None and uid != 0:
        found |= {pid for pid, row in table.items() if row[3] == uid}
    return {pid: table[pid][1:] for pid in found}


def usage(root_pid: int, uid: int | None = None) -> tuple[Usage, list[int]]:
    """The sandbox's usage now, and its pids."""
    if not available():
        return Usage(), []
    found = members(root_pid, uid)
    return Usage(len(found), sum(row[0] for row in found.values()) / TICKS,
                 sum(row[1] for row in found.values()) * PAGE,
                 sum(1 for row in found.values() if row[3])), list(found)
