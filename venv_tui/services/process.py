"""Running a real tool (venv, pip, a test's own command) with its output streamed line by line.

One function, :func:`run_streaming`: an argument list (never a shell), stdout and stderr merged,
each line handed to ``on_line`` as it arrives, cancellable from another thread. The child runs in
its own process group so that cancelling also stops what it started (pip's build backends).
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence

from venv_tui.errors import BadInput, ToolFailed
from venv_tui.model import PipResult

LineCallback = Callable[[str], None]

ERROR_LINES = 5  # how many error-looking lines a result keeps
TAIL_LINES = 20  # how many last lines of output a result keeps
GRACE_SECONDS = 3.0  # between "please stop" (SIGTERM) and "stop now" (SIGKILL)
_POLL_SECONDS = 0.05  # how often a waiting run looks at the cancel flag

# pip ("ERROR: ..."), venv ("Error: Command ... returned non-zero"), build tools ("error: ..."),
# and the last line of a Python traceback ("ModuleNotFoundError: No module named venv").
_ERROR = re.compile(
    r"^\s*(?:ERROR|Error|error|FATAL|Fatal|fatal)\b\s*:"
    r"|^\s*Traceback \(most recent call last\)"
    r"|^[A-Za-z_][\w.]*(?:Error|Exception)\b(?::|$)"
    r"|: No module named "
)


def child_environment(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment a tool runs with: the caller's (or ours), never asking for input, its
    output unbuffered so lines arrive while it works, and text in UTF-8 so we can decode it."""
    out = dict(os.environ if env is None else env)
    out["PYTHONUNBUFFERED"] = "1"
    out["PIP_NO_INPUT"] = "1"
    out["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    out.setdefault("PYTHONIOENCODING", "utf-8")
    return out


def looks_like_error(line: str) -> bool:
    return bool(_ERROR.search(line))


def error_lines(
    lines: Iterable[str], *, failed: bool = True, limit: int = ERROR_LINES
) -> tuple[str, ...]:
    """The last ``limit`` lines that look like errors; for a failed run with none, its last
    non-blank line (the best explanation there is). Pure, so it is tested with real tools' text."""
    found: deque[str] = deque(maxlen=limit)
    last = ""
    for line in lines:
        text = line.rstrip()
        if text.strip():
            last = text
        if looks_like_error(text):
            found.append(text.strip())
    if not found and failed and last:
        found.append(last.strip())
    return tuple(found)


def _signal_group(proc: subprocess.Popen[str], sig: int) -> None:
    try:
        if os.name == "posix":
            os.killpg(proc.pid, sig)
        elif sig == getattr(signal, "SIGKILL", None):
            proc.kill()
        else:
            proc.terminate()
    except (ProcessLookupError, PermissionError):
        pass  # it ended on its own in the meantime


def _stop(proc: subprocess.Popen[str]) -> None:
    """Ask politely, then insist: pip cleans up its temporary files on SIGTERM."""
    if proc.poll() is not None:
        return
    _signal_group(proc, signal.SIGTERM)
    try:
        proc.wait(timeout=GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        _signal_group(proc, getattr(signal, "SIGKILL", signal.SIGTERM))
        proc.wait()


def _pump(stream: Iterable[str], lines: queue.Queue[str | None]) -> None:
    try:
        for line in stream:
            lines.put(line.rstrip("\r\n"))
    except (OSError, ValueError):
        pass  # the pipe closed under us: the process was stopped
    finally:
        lines.put(None)


def run_streaming(
    argv: Sequence[str],
    *,
    on_line: LineCallback | None = None,
    cancel: threading.Event | None = None,
    env: Mapping[str, str] | None = None,
    cwd: str | None = None,
) -> PipResult:
    """Run ``argv`` and wait for it, delivering each output line to ``on_line`` (in the calling
    thread). When ``cancel`` is set the process (and its children) is stopped and the result has
    ``cancelled=True`` and ``returncode=None``. A missing executable raises ToolFailed."""
    args = tuple(str(a) for a in argv)
    if not args:
        raise BadInput("there is no command to run")
    if cwd is not None and not os.path.isdir(cwd):
        raise BadInput("the folder to run in does not exist", path=cwd)
    if cancel is not None and cancel.is_set():
        return PipResult(args=args, returncode=None, cancelled=True)
    try:
        proc = subprocess.Popen(
            list(args),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
            bufsize=1,
            env=child_environment(env),
            cwd=cwd,
            # Its own process group: cancelling reaches pip's children too, and a Ctrl-C meant
            # for the app is not delivered to the tool behind its back.
            start_new_session=os.name == "posix",
        )
    except FileNotFoundError:
        raise ToolFailed(f"{args[0]} was not found") from None
    except PermissionError:
        raise ToolFailed(f"{args[0]} cannot be run (permission denied)") from None
    except OSError as err:
        raise ToolFailed(f"{args[0]} cannot be run ({err.strerror or err})") from None

    lines: queue.Queue[str | None] = queue.Queue()
    assert proc.stdout is not None
    reader = threading.Thread(target=_pump, args=(proc.stdout, lines), daemon=True)
    reader.start()
    seen: deque[str] = deque(maxlen=400)  # enough to find the errors above a long tail
    cancelled = False
    finished = False
    try:
        while True:
            if cancel is not None and cancel.is_set():
                cancelled = True
                _stop(proc)
                break
            try:
                line = lines.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                continue
            if line is None:
                finished = True
                break
            seen.append(line)
            if on_line is not None:
                on_line(line)
    finally:
        # Whatever ends the wait (done, cancelled, a failing callback, Ctrl-C), no tool is left
        # running behind the caller's back. At the end of its output it is left to exit alone.
        if not finished:
            _stop(proc)
        reader.join(timeout=GRACE_SECONDS)
        proc.stdout.close()
    if cancelled:
        # Lines that were already read still belong to the record of what happened.
        while True:
            try:
                line = lines.get_nowait()
            except queue.Empty:
                break
            if line is not None:
                seen.append(line)
        return PipResult(
            args=args,
            returncode=None,
            cancelled=True,
            error_lines=error_lines(seen, failed=False),
            output_tail=tuple(seen)[-TAIL_LINES:],
        )
    returncode = proc.wait()
    return PipResult(
        args=args,
        returncode=returncode,
        error_lines=error_lines(seen, failed=returncode != 0),
        output_tail=tuple(seen)[-TAIL_LINES:],
    )
