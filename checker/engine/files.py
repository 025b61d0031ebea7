"""Reading what students hand in without trusting it: no links followed, no FIFO or device
opened, every read bounded.

    entry_kind(path)      'folder', 'file', 'symlink', 'fifo', 'device', 'socket', 'missing', 'other'
    read_regular(path)    the bytes of a regular file, or NotReadable saying why
"""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from .. import messages
from ..verdict import Text

MAX_NOTEBOOK_BYTES = 16 * 2 ** 20


class NotReadable(Exception):
    """The path is not a regular file this grader may read; .text says why (a catalogue Text)."""

    def __init__(self, key: str, **fields):
        self.text = Text(f"file.{key}", fields)
        super().__init__(messages.say(self.text))


def entry_kind(path: Path) -> str:
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return "missing"
    except OSError:
        return "other"
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "other"


def kind_text(kind: str) -> Text:
    """What an entry of that kind is, in words ('a symbolic link', …)."""
    return Text(f"file.kind.{kind if kind in KINDS else 'other'}")


KINDS = ("symlink", "fifo", "device", "socket", "folder", "other", "missing")


def read_regular(path: Path, max_bytes: int = MAX_NOTEBOOK_BYTES) -> bytes:
    """The file's bytes. Opened with O_NOFOLLOW | O_NONBLOCK, so neither a link swapped in nor
    a FIFO can redirect or block the read; refuses anything but a regular file of at most
    max_bytes."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise NotReadable("symlink", name=path.name) from None
        raise NotReadable("cannot_open", name=path.name, error=exc.strerror) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotReadable("special", name=path.name, kind=kind_text(entry_kind(path)))
        if info.st_size > max_bytes:
            raise NotReadable("too_big", name=path.name, mib=info.st_size / 2 ** 20, limit=max_bytes / 2 ** 20)
        chunks, size = [], 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > max_bytes:
            raise NotReadable("grew", name=path.name, limit=max_bytes / 2 ** 20)
        return b"".join(chunks)
    finally:
        os.close(fd)
