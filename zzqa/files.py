"""Reading a file safely: only regular files, inside the folder they belong to, within a
size limit, without ever blocking.

A period folder comes from whoever submits it.  A symlink in it could point at a file of
the machine that runs zzqa (its numbers would appear in the report), at a device that
never ends (the zero or random device) or at a FIFO that blocks forever.  Every file zzqa
reads goes through `read`: the path is resolved and must stay inside its folder, it must
be a regular file, it is opened without blocking, and no more than its limit is read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .model import InputError

MB = 2**20
# per file, by what it is: a table of a hundred thousand units is about 10 MB
LIMITS = {"table": 256 * MB, "prose": 6 * MB, "yaml": 32 * MB,  # a bulletin is ~10 KB
          "document": 64 * MB}  # a workbook or a Word draft (zipped XML)


def read(path: Path, what: str, inside: Path | None = None) -> bytes:
    """The bytes of `path`, a `what` (a key of LIMITS); an InputError saying why not."""
    limit = LIMITS[what]
    path = Path(path)
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError) as exc:  # missing, a symlink loop
        raise InputError(path, f"cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    if inside is not None and not real.is_relative_to(Path(inside).resolve()):
        raise InputError(path, f"is a link to {real}, outside {inside}: zzqa reads only files "
                         "inside the folder it checks")
    try:  # the resolved path, not followed again: a link swapped in meanwhile is refused
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
                     | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    opened = Path(f"/proc/self/fd/{fd}")
    if inside is not None and opened.exists():  # what was opened, whatever happened before
        try:
            now = opened.resolve()
        except OSError:
            now = real
        if not now.is_relative_to(Path(inside).resolve()):
            os.close(fd)
            raise InputError(path, f"changed into a link to {now} while being read")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = ("a folder" if stat.S_ISDIR(info.st_mode) else
                    "a FIFO" if stat.S_ISFIFO(info.st_mode) else
                    "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
                    else "not a regular file")
            raise InputError(path, f"cannot read: is {kind}, not a regular file")
        if info.st_size > limit:
            raise InputError(path, f"is {info.st_size / MB:.0f} MB, over the limit of "
                             f"{limit // MB} MB for a {what} file")
        chunks, size = [], 0
        while chunk := os.read(fd, min(MB, limit + 1 - size) or 1):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise InputError(path, f"is over the limit of {limit // MB} MB for a {what} "
                                 "file")
        return b"".join(chunks)
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def write_all(folder: Path, texts: dict[str, str]) -> list[Path]:
    """Write files (a path relative to `folder` -> its text, UTF-8) into the folder: every
    one written aside first, in a temporary folder inside it, then moved into place, so
    that a failure while writing leaves none of them half-written.  The paths written."""
    import shutil
    import tempfile
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".zzqa-") as tmp:
        for name, text in texts.items():
            aside = Path(tmp) / name
            aside.parent.mkdir(parents=True, exist_ok=True)
            aside.write_text(text, encoding="utf-8", newline="")
        for name in texts:
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(Path(tmp) / name), str(folder / name))
    return [folder / name for name in texts]
