"""The form and catalog of a checks/ folder, compiled once and cached.

Reading checks/ means parsing a dozen YAML files, validating them with JSON Schema and
checking every rule against the form: about as long as checking the real period itself.
The result is the same until a file of checks/ or zzqa's own code changes, so it is kept
as a pickle keyed on both: the SHA-256 of every file under checks/ (path and contents),
and the name, size and modification time of every file of the zzqa package, and zzqa's
and Python's versions.  Any change gives a new key; a cache that cannot be read or
written is ignored (the folder is read as usual).

The cache lives in $ZZQA_CACHE_DIR, else $XDG_CACHE_HOME/zzqa, else ~/.cache/zzqa;
ZZQA_CACHE_DIR set to an empty string turns it off.  It keeps the 200 most recently used
entries, at most 256 MB together.  It is a pickle: whoever can write
that folder can run code as you, exactly as whoever can write your shell's start-up files.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import os
import pickle
import re
import sys
import tempfile
import time
from pathlib import Path

from . import __version__

PACKAGE = Path(__file__).resolve().parent


def folder() -> Path | None:
    if "ZZQA_CACHE_DIR" in os.environ:
        where = os.environ["ZZQA_CACHE_DIR"]
        return Path(where).expanduser().absolute() if where else None
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "zzqa"


@functools.cache
def code() -> bytes:
    """What identifies this zzqa: its version, Python's, and each of its files' name, size
    and modification time."""
    parts = [f"{__version__} {sys.version}"]
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in (".py", ".json") and path.is_file():
            st = path.stat()
            parts.append(f"{path.relative_to(PACKAGE)} {st.st_size} {st.st_mtime_ns}")
    return "\0".join(parts).encode()


def key(checks_dir: Path) -> str:
    """The folder's files, symlinked folders followed (each real folder once), by their
    path under checks/ and their contents; and zzqa's code."""
    h = hashlib.sha256(code())
    for path in _files(Path(checks_dir)):
        h.update(str(path.relative_to(checks_dir)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:32]


MAX_ENTRIES = 200  # cached catalogs and YAML files kept (the most recently used)
MAX_BYTES = 256 * 2**20  # and their size together
MAX_FILES = 10_000  # a checks/ folder holds a few dozen; more is no catalog to cache


def _files(root: Path) -> list[Path]:
    seen, out = set(), []
    for folder, dirs, names in os.walk(root, followlinks=True):
        if len(out) > MAX_FILES:
            raise OSError(f"more than {MAX_FILES} files under {root}")
        real = os.path.realpath(folder)
        if real in seen:  # a link back up the tree
            dirs[:] = []
            continue
        seen.add(real)
        dirs.sort()
        out += [Path(folder) / n for n in sorted(names) if (Path(folder) / n).is_file()]
    return out


def cached(name: str, digest: str, build):
    """`build()`, or what it gave before for the same `digest` (of its input and zzqa)."""
    where = folder()
    if where is None:
        return build()
    path = where / f"{name}-{digest}.pickle"
    try:
        with open(path, "rb") as f:
            value = pickle.load(f)
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: pruned last
        return value
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError,
            ValueError, IndexError):
        pass  # not cached yet, unreadable, or from another zzqa: build it
    value = build()
    _write(path, value)
    return value


def digest(content: bytes) -> str:
    return hashlib.sha256(code() + content).hexdigest()[:32]


def load(checks_dir: Path):
    """(form, catalog) of a checks/ folder: from the cache, else read (and cached)."""
    if folder() is None:
        return read(checks_dir)
    try:
        digest_ = key(checks_dir)
    except OSError:  # an unreadable or huge folder: read it as it is, without the cache
        return read(checks_dir)
    form, catalog = cached("checks", digest_, lambda: read(checks_dir))
    return dataclasses.replace(form, source=Path(checks_dir)), catalog


def read(checks_dir: Path):
    """The form and catalog of the folder, read and validated (no cache)."""
    from . import catalog as catalog_mod
    from . import form as form_mod
    from . import prose
    form = form_mod.load(checks_dir)
    recognisers = checks_dir / "prose.yaml"
    if recognisers.exists():
        form = dataclasses.replace(form, recognisers=tuple(prose.recognisers(recognisers)))
    return form, catalog_mod.load(checks_dir, form)


def _write(path: Path, value) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, prefix="zzqa-",
                                         suffix=".tmp") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(f.name, path)
    except (OSError, pickle.PickleError, TypeError, AttributeError):
        with contextlib.suppress(OSError, NameError):
            os.unlink(f.name)
        return  # a cache that cannot be written is no cache
    prune(path.parent)


OURS = re.compile(r"(checks|yaml)-[0-9a-f]{32}\.pickle|zzqa-[A-Za-z0-9_]+\.tmp")
STALE = 3600  # seconds: a temporary file older than this is a crashed write's, not a live one


def prune(where: Path, entries: int | None = None, size: int | None = None) -> None:
    """Keep the cache small: zzqa's own entries (never another file in the folder), the
    most recently used first, at most `entries` of them and `size` bytes together (every
    edit of checks/ and every new zzqa makes new ones); temporary files of crashed writes
    go too, those of writes in progress stay."""
    entries = MAX_ENTRIES if entries is None else entries
    size = MAX_BYTES if size is None else size
    found, now = [], time.time()
    try:
        listing = list(os.scandir(where))
    except OSError:
        return
    for entry in listing:
        if not OURS.fullmatch(entry.name):
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            st = entry.stat(follow_symlinks=False)
        except OSError:  # gone meanwhile: another zzqa pruned it
            continue
        if entry.name.endswith(".tmp"):
            if now - st.st_mtime > STALE:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
            continue
        found.append((st.st_mtime, st.st_size, entry.path))
    found.sort(reverse=True)  # newest first
    kept = total = 0
    for _, bytes_, path in found:
        if kept < entries and total + bytes_ <= size:
            kept, total = kept + 1, total + bytes_
            continue
        with contextlib.suppress(OSError):
            os.unlink(path)
