"""Text from disk on its way to a terminal or to pip.

A ``pyvenv.cfg`` prompt or a METADATA ``Name`` can hold escape sequences (a window title, a
screen clear) or a whole requirement (``evil @ file:///...``). Clients show such text only
through :func:`printable`, and a name read from disk becomes a requirement only when
:func:`is_project_name` holds.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import re

# C0 controls but tab, DEL, C1 controls, the bidi marks and overrides that reorder what is
# shown, the line and paragraph separators, and lone surrogates: a file name that is not UTF-8
# arrives as U+DC80-U+DCFF and would leave as its raw byte (0x9b is a CSI in 8-bit terminals).
# Every one of them is a character ``str.isprintable`` refuses (a test holds this), so text it
# accepts is shown as it is, and ``re`` is imported only for text that holds something else.
_CONTROL_CLASS = (
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
# PEP 508 / core metadata: a project name, nothing else (no spaces, markers, URLs, extras):
# these characters only, a letter or digit at each end.
_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by surrogateescape
        code -= 0xDC00
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``), safe to print."""
    if text.isprintable():
        return text
    import re  # only for text that needs it; re.compile keeps the compiled pattern

    return re.compile(_CONTROL_CLASS).sub(_escape, text)


def is_project_name(name: str) -> bool:
    """True for a valid distribution name (``PyYAML``, ``zope.interface``), False for anything
    that pip would read as more than a name."""
    return (
        0 < len(name) <= 200
        and _NAME_CHARS.issuperset(name)  # ASCII only: the ends' isalnum is ASCII's
        and name[0].isalnum()
        and name[-1].isalnum()
    )
