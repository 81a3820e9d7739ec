"""Rows and columns to a CSV file: the export any list can use. No Textual here.

Cells are what the cloud said, and the cloud's text is untrusted: a cell a spreadsheet would
run as a formula (``=``, ``+``, ``-``, ``@``, tab or carriage return first) gets a leading
``'``. The file is made with mode 0600 (it names projects, addresses, devices); an existing
file is replaced only when asked, atomically, by a new file of the same mode.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FILE_MODE = 0o600
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportError(Exception):
    """Why the file could not be written, naming the path."""


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    get: Callable[[Any], object]


def cell(value: object) -> str:
    """A value as a CSV cell a spreadsheet shows as text."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def csv_text(rows: Iterable[Any], columns: Sequence[Column]) -> str:
    """The CSV of `rows`: a header of the columns' titles, then one line per row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.title for c in columns])
    for row in rows:
        writer.writerow([cell(c.get(row)) for c in columns])
    return out.getvalue()


def path_problem(path: str | Path, *, overwrite: bool = False) -> str | None:
    """Why a file cannot be written at `path` (said before writing), or None."""
    target = Path(path).expanduser()
    if target.is_dir():
        return f"{target} is a directory: give a file name"
    if not target.parent.is_dir():
        return f"no such directory: {target.parent}"
    if not os.access(target.parent, os.W_OK | os.X_OK):
        return f"cannot write in {target.parent}"
    if (target.exists() or target.is_symlink()) and not overwrite:
        return f"{target} exists: tick overwrite to replace it"
    return None


def write_csv(
    path: str | Path,
    rows: Iterable[Any],
    columns: Sequence[Column],
    *,
    overwrite: bool = False,
) -> Path:
    """Write the CSV of `rows` to `path` (mode 0600); the path written. Raises ExportError."""
    target = Path(path).expanduser()
    if problem := path_problem(target, overwrite=overwrite):
        raise ExportError(problem)
    data = csv_text(rows, columns).encode("utf-8")
    if overwrite:
        _replace(target, data)
    else:
        _create(target, data)
    return target


def _create(target: Path, data: bytes) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(target, flags, FILE_MODE)
    except FileExistsError:
        raise ExportError(f"{target} exists: tick overwrite to replace it") from None
    except OSError as exc:
        raise ExportError(f"cannot create {target}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), FILE_MODE)
            handle.write(data)
    except OSError as exc:
        with contextlib.suppress(OSError):
            target.unlink()
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from None


def _replace(target: Path, data: bytes) -> None:
    """A new file beside the old one, renamed over it: never half a file, never its mode."""
    try:
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise ExportError(f"cannot write in {target.parent}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), FILE_MODE)
            handle.write(data)
        os.replace(temp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from None


def file_slug(text: str) -> str:
    """A name made safe for a file name: letters, digits, ``.``, ``_`` and ``-`` only."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._")
    return slug or "export"
