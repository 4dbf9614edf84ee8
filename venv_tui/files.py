"""The one way venv-tui reads a file from disk: regular files only, never more than a cap.

A named pipe, a device (``/dev/zero``), a folder or a socket in place of a file must never hang a
command or be read without end; a permission problem must say "permission denied"; a path with a
NUL byte or longer than the system allows must be named as such. Every reader of METADATA,
``pyvenv.cfg``, requirement files, TOML and the rest goes through :func:`read_bytes` (or its text
and head variants), so the rule is kept in one place.

The file is opened with ``O_NONBLOCK`` (opening a FIFO for reading then returns at once instead of
waiting for a writer) and checked with ``fstat`` on the open descriptor, so a file swapped for a
pipe between a check and the open is still caught.
"""

from __future__ import annotations

import errno
import os
import stat

from venv_tui.errors import BadInput

KIB = 1024
MIB = 1024 * KIB

# Caps per kind of file. Generous for real files, small enough that a hostile one costs little.
LIMIT_SMALL = 64 * KIB  # INSTALLER, REQUESTED, .egg-link, .python-version, direct_url.json, pyvenv.cfg
LIMIT_METADATA = 32 * MIB  # METADATA / PKG-INFO (long descriptions can be large)
LIMIT_RECORD = 64 * MIB  # RECORD, top_level.txt, requires.txt, entry_points.txt
LIMIT_SOURCE = 256 * MIB  # requirement files, scripts, pyproject.toml, pylock.toml
LIMIT_CONFIG = 4 * MIB  # the user's config.toml, the app's state file, cache files

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
_MAX_SHOWN = 160  # characters of a path shown in a message


class Unreadable(BadInput):
    """A file that cannot be read as a file: missing, not regular, too large, not permitted.

    ``reason`` is the short cause ("permission denied", "not a regular file (a named pipe)", ...)
    so callers can build their own sentence; ``str()`` is "PATH: reason"."""

    def __init__(self, path: str, reason: str) -> None:
        self.reason = reason
        super().__init__(reason, path=shown(path))


def shown(path: str) -> str:
    """A path as it goes into a message: whole when reasonable, else its start and end."""
    if len(path) <= _MAX_SHOWN:
        return path
    return f"{path[:60]}…{path[-90:]} ({len(path)} characters)"


def kind_of(mode: int) -> str:
    """'a folder', 'a named pipe', ... for a st_mode that is not a regular file."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def os_reason(err: OSError) -> str:
    """The short, true cause of an OSError, in the words a user expects."""
    if isinstance(err, PermissionError):
        return "permission denied"
    if isinstance(err, FileNotFoundError):
        return "does not exist"
    if err.errno == errno.ENAMETOOLONG:
        return "the path is longer than the system allows"
    if err.errno == errno.ENOTDIR:
        return "does not exist (a part of the path is not a folder)"
    if err.errno == errno.ELOOP:
        return "too many levels of symbolic links"
    return (err.strerror or type(err).__name__).lower()


def why_missing(path: str) -> str:
    """How to end "PATH ..." for a path where nothing can be found: "does not exist", or the
    true reason when it may well exist ("cannot be reached (permission denied)")."""
    try:
        os.lstat(path)
    except FileNotFoundError:
        return "does not exist"
    except ValueError:
        return "cannot be used (the path contains a NUL byte)"
    except OSError as err:
        reason = os_reason(err)
        return reason if reason.startswith("does not exist") else f"cannot be reached ({reason})"
    return "exists"


def working_folder() -> str:
    """The working folder; when it was deleted under us (``os.getcwd()`` fails), the path the
    shell still knows it by, else ``/``: nothing is found there, and absolute paths still work."""
    try:
        return os.getcwd()
    except OSError:
        pwd = os.environ.get("PWD", "")
        return pwd if os.path.isabs(pwd) else os.sep


def check_path(path: str) -> None:
    """BadInput for a path that no system call can take (empty, NUL byte)."""
    if not path:
        raise BadInput("an empty path was given")
    if "\0" in path:
        raise BadInput("the path contains a NUL byte", path=shown(path.replace("\0", "\\0")))


def read_bytes(path: str, limit: int) -> bytes:
    """The whole content of the regular file at ``path``; Unreadable when it is anything else or
    larger than ``limit`` bytes."""
    return _read(path, limit, whole=True)[0]


def read_head(path: str, limit: int) -> tuple[bytes, bool]:
    """At most ``limit`` bytes from the start of a regular file, and whether that is all of it.
    For readers that only need a header (METADATA, patchlevel.h)."""
    return _read(path, limit, whole=False)


def read_text(path: str, limit: int, *, errors: str = "strict") -> str:
    """:func:`read_bytes` decoded as UTF-8 (a byte-order mark is dropped). With the default
    ``errors`` a file that is not UTF-8 is BadInput naming the file."""
    data = read_bytes(path, limit)
    try:
        return data.decode("utf-8-sig", errors)
    except UnicodeDecodeError as err:
        raise Unreadable(path, f"not UTF-8 text (byte {err.start})") from None


def digest(data: bytes) -> str:
    """A short name for ``data``, the same in every process, made without importing a hash
    module (loading one costs a short command more than its use): the bytes read as two
    integers, whose hashes Python defines alike everywhere (numbers, unlike strings, are hashed
    without a random seed). For cache keys and file names, not for security."""
    mask = (1 << 64) - 1
    big = hash(int.from_bytes(data, "big")) & mask
    little = hash(int.from_bytes(data, "little")) & mask
    return f"{len(data):x}-{big:x}-{little:x}"


def write_quietly(path: str, data: bytes) -> None:
    """Write a cache file atomically (a temporary file of this process and thread beside it,
    then a rename), making its folder if need be; a cache that cannot be written is no error.
    Without ``tempfile``: its import and random names cost a short command more than the write."""
    from _thread import get_ident

    folder = os.path.dirname(path)
    tmp = os.path.join(folder, f".{os.path.basename(path)}.{os.getpid()}.{get_ident()}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        try:
            fd = os.open(tmp, flags, 0o600)
        except FileNotFoundError:  # the cache folder is not made yet
            os.makedirs(folder, exist_ok=True)
            fd = os.open(tmp, flags, 0o600)
    except (OSError, ValueError):
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def is_regular_file(path: str) -> bool:
    """True when ``path`` is (or links to) a regular file; never raises."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _read(path: str, limit: int, *, whole: bool) -> tuple[bytes, bool]:
    check_path(path)
    try:
        fd = os.open(path, _FLAGS)
    except OSError as err:
        # A socket cannot be opened at all (ENXIO): say what it is rather than the errno.
        try:
            mode = os.stat(path).st_mode
        except (OSError, ValueError):
            mode = stat.S_IFREG
        if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
            raise Unreadable(path, f"not a regular file ({kind_of(mode)})") from None
        raise Unreadable(path, os_reason(err)) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Unreadable(path, f"not a regular file ({kind_of(st.st_mode)})")
        if whole and st.st_size > limit:
            raise Unreadable(path, f"larger than {_size(limit)}; not read")
        # The usual case in one read: a small file, read to one byte past what fstat saw (a
        # short answer is all of it; a full one means it grew, and the loop below goes on).
        size = st.st_size
        want = (size if size < limit else limit) + 1
        first = os.read(fd, want)
        if len(first) < want:
            return first, True
        chunks: list[bytes] = [first]
        got = len(first)
        # A regular file never blocks; reading to limit + 1 catches one that grows while read.
        while got <= limit:
            chunk = os.read(fd, min(limit + 1 - got, 1 * MIB))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    except OSError as err:
        raise Unreadable(path, os_reason(err)) from None
    finally:
        os.close(fd)
    if len(data) > limit:
        if whole:
            raise Unreadable(path, f"larger than {_size(limit)}; not read")
        return data[:limit], False
    return data, True


def _size(n: int) -> str:
    if n >= MIB:
        return f"{n // MIB} MiB"
    return f"{n // KIB} KiB"
