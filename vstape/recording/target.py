"""Before a recorder listens: can it write where it was told to? Every answer names the fix.

Checked at start-up, so nothing is refused later that could have been refused then: a
cassette path whose parent is a regular file, a folder given where a file goes (or a
file where a folder goes), a folder that cannot be written (read-only filesystem,
permissions: probed by creating and removing a temporary file in it; a full disk), an
existing file that is not a loadable cassette (the recorder would append to it and leave
a file nobody can replay), an existing cassette that cannot be written.

Each problem is one line ``NAME 'value': what is wrong; how to fix it``, where NAME is
what the user typed (``--cassette`` for ``vstape record``, ``vstape_cassette`` for a
mitmproxy ``--set``).
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from vstape.api.routes import ROUTES
from vstape.cassettes.model import CassetteError
from vstape.cassettes.stream import iter_interactions

SUFFIXES = (".yaml", ".yml", ".json")
SPLITS = ("route", "family", "none")


def cassette_names(split: str) -> list[str]:
    """Every file name (without suffix) ``--cassette-dir`` can write under this split rule."""
    if split == "none":
        return ["cassette"]
    if split == "family":
        return sorted({route.family for route in ROUTES})
    return [route.name for route in ROUTES] + ["unknown_route"]


def cassette_name(split: str, route: str | None, family: str) -> str:
    """The file name (without suffix) one interaction goes to under this split rule."""
    if split == "none":
        return "cassette"
    if split == "family":
        return family
    return route or "unknown_route"


def _why(err: OSError) -> str:
    hints = {
        errno.EROFS: "it is on a read-only filesystem: remount it read-write",
        errno.EACCES: "this user may not write there: fix its permissions",
        errno.EPERM: "this user may not write there: fix its permissions",
        errno.ENOSPC: "the disk is full: free some space",
        errno.EDQUOT: "the disk quota is exhausted: raise it",
    }
    return f"{err.strerror or err} ({hints.get(err.errno or 0, 'fix the cause')})"


def _nearest_existing(folder: Path) -> Path:
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def _probe_folder(name: str, value: str, folder: Path, elsewhere: str) -> list[str]:
    """Problems creating files in ``folder`` (or, while it does not exist, where it would go)."""
    existing = _nearest_existing(folder)
    if not existing.is_dir():
        return [
            f"{name} {value!r}: {existing} is a regular file, not a folder, so nothing can "
            f"be written under it; move {existing} away or {elsewhere}"
        ]
    try:
        fd, probe = tempfile.mkstemp(prefix=".vstape-probe-", dir=existing)
    except OSError as err:
        return [f"{name} {value!r}: cannot create files in {existing}: {_why(err)}, or {elsewhere}"]
    os.close(fd)
    os.unlink(probe)
    disk = os.statvfs(existing)
    if disk.f_bfree == 0 or (disk.f_bavail == 0 and os.geteuid() != 0):
        return [
            f"{name} {value!r}: the disk holding {existing} is full: free some space, or "
            f"{elsewhere}"
        ]
    return []


def _probe_existing(name: str, value: str, path: Path, elsewhere: str, cassette: bool) -> list[str]:
    """Problems with a file that is already there and would be appended to (or replaced)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return []
    except OSError as err:
        return [f"{name} {value!r}: cannot look at {path}: {_why(err)}"]
    if stat.S_ISDIR(info.st_mode):
        return [
            f"{name} {value!r}: {path} is a folder where a file goes; move it away or {elsewhere}"
        ]
    if not stat.S_ISREG(info.st_mode):
        return [f"{name} {value!r}: {path} is not a regular file; {elsewhere}"]
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_APPEND))  # opened, nothing written
    except OSError as err:
        return [f"{name} {value!r}: cannot write {path}: {_why(err)}, or {elsewhere}"]
    if cassette:
        try:
            for _ in iter_interactions(path):
                pass
        except CassetteError as err:
            return [
                f"{name} {value!r}: {path} exists and is not a loadable cassette, so what is "
                f"recorded into it could never be replayed ({err}); move it away, or {elsewhere}"
            ]
    return []


def probe_file(
    name: str, value: str, *, cassette: bool = True, example: str = "run.yaml"
) -> list[str]:
    """Problems writing the one file ``value``: a cassette, or a report when not ``cassette``.

    ``example``: a file name to suggest when ``value`` is a folder.
    """
    path = Path(value)
    elsewhere = f"pick another {name}"
    if path.is_dir():
        other = " (or vstape_cassette_dir for one cassette per route)" if cassette else ""
        return [
            f"{name} {value!r}: is a folder, and {name} takes a file; give a file such as "
            f"{path / example}{other}"
        ]
    if cassette and path.suffix not in SUFFIXES:
        return [
            f"{name} {value!r}: a cassette file ends in .yaml, .yml or .json; "
            f"{elsewhere}, such as {path.with_suffix('.yaml')}"
        ]
    problems = _probe_folder(name, value, path.parent, elsewhere)
    return problems or _probe_existing(name, value, path, elsewhere, cassette)


def probe_folder(name: str, value: str, names: Iterable[str], suffix: str) -> list[str]:
    """Problems recording ``NAME.suffix`` files into the folder ``value``."""
    folder = Path(value)
    elsewhere = f"pick another {name}"
    if folder.exists() and not folder.is_dir():
        hint = " (vstape_cassette takes one file)"
        return [
            f"{name} {value!r}: is a file, and {name} takes a folder{hint}; "
            f"move it away or {elsewhere}"
        ]
    problems = _probe_folder(name, value, folder, elsewhere)
    if problems or not folder.is_dir():
        return problems
    for stem in names:
        problems += _probe_existing(name, value, folder / f"{stem}{suffix}", elsewhere, True)
    return problems
