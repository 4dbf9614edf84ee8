"""Requires-Dist lines and their markers read without ``packaging`` (nor ``re``), for the lines
installed metadata holds: ``name``, ``name[extra,...]``, specifiers of plain release numbers
(``pygments<3.0.0,>=2.13.0``, ``flake8 (<5,>=3.7.8)``, ``~=1.2``, ``==2.*``), and markers of
``and``/``or``/parentheses over ``python_version``, ``sys_platform``, ``platform_*``,
``implementation_*``, ``os_name`` and ``extra``.

Importing ``packaging.requirements`` costs a headless ``check`` more than the whole reading of
a floor, and almost every real line is of these shapes. The rule: what this module answers, it
answers exactly as packaging 26 would (a test holds a table of real lines against packaging's
own answers); whatever it does not fully understand -- a URL, a pre-release in a specifier, a
comparison packaging would refuse -- is ``None``, and the caller asks packaging.
"""

from __future__ import annotations

from venv_tui.services.pep440 import is_release, pre_release_of, version_parts

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import TypeVar

    _T = TypeVar("_T")

_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
_WORD_CHARS = _ALNUM | frozenset("_.")
_SPACE = " \t"
_TWO_CHAR = frozenset({"~=", "==", "!=", "<=", ">="})
_NAME_TEXT = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"
# Longest first: "===" before "==", "<=" before "<".
_OPERATORS = ("===", "~=", "==", "!=", "<=", ">=", "<", ">")
# Markers whose values packaging compares as versions when the right side is one.
_VERSION_VARS = frozenset(
    {"python_version", "python_full_version", "implementation_version", "platform_release"}
)
_STRING_VARS = frozenset(
    {
        "os_name",
        "sys_platform",
        "platform_machine",
        "platform_system",
        "platform_version",
        "platform_python_implementation",
        "implementation_name",
    }
)


class Unknown(Exception):
    """A shape this module does not answer for: packaging must read the line."""


def canonical(name: str) -> str:
    """PEP 503 normalisation with string methods alone."""
    low = name.lower().replace("_", "-").replace(".", "-")
    while "--" in low:
        low = low.replace("--", "-")
    return low


def is_name(text: str) -> bool:
    """A valid project (or extra) name: letters and digits at both ends, ``._-`` between."""
    return (
        text.isascii()
        and text[:1].isalnum()
        and text[-1:].isalnum()
        and text.replace("-", "").replace("_", "").replace(".", "").isalnum()
    )


def _numbers(text: str) -> list[int]:
    return [int(p) for p in text.split(".")]


def _padded_pair(version: str, bound: str) -> tuple[list[int], list[int]]:
    have, limit = _numbers(version), _numbers(bound)
    width = max(len(have), len(limit))
    return _padded(have, width), _padded(limit, width)


def _padded(parts: list[int], width: int) -> list[int]:
    return parts + [0] * (width - len(parts)) if len(parts) < width else parts


def release_fits(op: str, bound: str, version: str, post: bool = False) -> bool:
    """PEP 440's comparison of two plain release numbers (``bound`` may end in ``.*`` for
    ``==``/``!=``); the caller has checked both with :func:`is_release`. With ``post``,
    ``version`` is the release of a post-release (``2026.10.19.post1``): it sorts after its
    release and before the next, and ``>V`` leaves out the post-releases of ``V`` (no wildcard
    nor ``~=`` then: the caller leaves those to packaging)."""
    if post:
        a, b = _padded_pair(version, bound)
        if op == ">=" or op == "pre>=" or op == "pre>":
            return a >= b
        if op == ">":
            return a > b
        if op in ("<", "<=", "pre<", "pre<="):
            return a < b
        return op == "!=" or op == "pre!="  # a post-release never equals a release
    have = _numbers(version)
    if bound.endswith(".*"):
        prefix = _numbers(bound[:-2])
        same = _padded(have, len(prefix))[: len(prefix)] == prefix
        return same if op == "==" else not same
    limit = _numbers(bound)
    width = max(len(have), len(limit))
    a, b = _padded(have, width), _padded(limit, width)
    if op == ">=":
        return a >= b
    if op == "<":
        return a < b
    if op == "==":
        return a == b
    if op == "!=":
        return a != b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    if op == "pre>=" or op == "pre>":  # a release is past a pre-release of its own number
        return a >= b
    if op == "pre<" or op == "pre<=":
        return a < b
    if op == "pre==":
        return False  # a release never equals a pre-release
    if op == "pre!=":
        return True
    # "~=": at least the bound, and the same release up to its last part.
    prefix = limit[:-1]
    return a >= b and _padded(have, len(prefix))[: len(prefix)] == prefix


def spec_clause(text: str) -> tuple[str, str] | None:
    """(operator, version) of one specifier clause this module can compare; None otherwise.
    A pre-release bound (``<2.0a0``, ``>=1.0.0rc9``) is compared with plain releases only: the
    operator comes back prefixed with "pre" and the version is the bound's release part."""
    text = text.strip(_SPACE)
    two = text[:2]
    if two in _TWO_CHAR:
        if text[:3] == "===":
            return None
        op = two
    elif two[:1] in ("<", ">"):
        op = two[:1]
    else:
        return None
    version = text[len(op) :].strip(_SPACE)
    if version.endswith(".*"):
        if op not in ("==", "!=") or not is_release(version[:-2]):
            return None
    elif not is_release(version):
        release = pre_release_of(version)
        if release is None or op == "~=":
            return None
        return "pre" + op, release
    elif op == "~=" and "." not in version:
        return None  # ~= needs two parts: packaging refuses the specifier
    return op, version


def specifier_fits(specifier: str, version: str) -> bool | None:
    """Whether ``version`` is inside ``specifier`` (clauses joined by commas), or None when
    this module does not compare them: a version other than plain release numbers or a
    post-release of them, a specifier other than release numbers or pre-releases of them."""
    post = False
    if not is_release(version):
        parts = version_parts(version)
        if parts is None or parts[1] or parts[2] or not parts[3] or parts[4]:
            return None
        version, post = parts[0], True
    try:
        clauses = _SPECIFIERS[specifier]
    except KeyError:
        clauses = _remember(_SPECIFIERS, specifier, _clauses(specifier))
    if clauses is None:
        return None
    if post and any(op == "~=" or bound.endswith(".*") for op, bound in clauses):
        return None
    return all(release_fits(op, bound, version, post) for op, bound in clauses)


def _clauses(specifier: str) -> list[tuple[str, str]] | None:
    clauses = []
    for part in specifier.split(","):
        clause = spec_clause(part)
        if clause is None:
            return None
        clauses.append(clause)
    return clauses


# Specifiers and markers recur across a floor (">=1.0", 'extra == "test"',
# 'python_version < "3.11"'): each text is read once per process.
_SPECIFIERS: dict[str, list[tuple[str, str]] | None] = {}
_SPECIFIER_TEXTS: dict[str, str | None] = {}
_MARKERS: dict[str, tuple[object, ...] | None] = {}
_CACHE_SIZE = 8192


def _remember(cache: dict[str, _T], key: str, value: _T) -> _T:
    if len(cache) >= _CACHE_SIZE:
        cache.clear()
    cache[key] = value
    return value


def split_requirement(raw: str) -> tuple[str, tuple[str, ...], str, str | None] | None:
    """(name, extras, specifier, marker) of a Requires-Dist line, the specifier's clauses joined
    by commas without blanks (``""``: any version), the marker as written (None: none); None for
    anything else (a URL, a version that is not plain numbers, a syntax packaging must judge)."""
    head, sep, marker_text = raw.partition(";")
    if "@" in head:
        return None
    head = head.lstrip(_SPACE)
    rest = head.lstrip(_NAME_TEXT)  # the name is the longest run of name characters
    name = head[: len(head) - len(rest)]
    if not (name[:1].isalnum() and name[-1:].isalnum() and name.isascii()):
        return None
    rest = rest.lstrip(_SPACE)
    extras: tuple[str, ...] = ()
    if rest[:1] == "[":
        close = rest.find("]")
        if close < 0:
            return None
        inner = rest[1:close]
        if inner.strip(_SPACE):
            extras = tuple(e.strip(_SPACE) for e in inner.split(","))
            if not all(is_name(e) for e in extras):
                return None
        rest = rest[close + 1 :]
    rest = rest.strip(_SPACE)
    if rest.startswith("("):
        if not rest.endswith(")"):
            return None
        rest = rest[1:-1].strip(_SPACE)
        if not rest:
            return None
    specifier = ""
    if rest:
        try:
            found = _SPECIFIER_TEXTS[rest]
        except KeyError:
            found = _remember(_SPECIFIER_TEXTS, rest, _specifier_text(rest))
        if found is None:
            return None
        specifier = found
    if sep:
        marker_text = marker_text.strip(_SPACE)
        if not marker_text:
            return None
        return name, extras, specifier, marker_text
    return name, extras, specifier, None


def _specifier_text(text: str) -> str | None:
    """">=1.0,<2" from ">= 1.0 , <2": the clauses without blanks; None for what is not read."""
    if _clauses(text) is None:
        return None
    return ",".join(part.strip(_SPACE).replace(" ", "").replace("\t", "") for part in text.split(","))


# -- markers ----------------------------------------------------------------------------------


def _tokens(marker: str) -> list[tuple[str, str]]:
    """("(", ""), (")", ""), ("and"|"or", ""), ("op", "=="), ("var", name), ("str", value)."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(marker)
    while i < n:
        c = marker[i]
        if c in _SPACE:
            i += 1
        elif c == "(" or c == ")":
            out.append((c, ""))
            i += 1
        elif c == "'" or c == '"':
            end = marker.find(c, i + 1)
            if end < 0:
                raise Unknown
            out.append(("str", marker[i + 1 : end]))
            i = end + 1
        elif c in "=!<>~":
            for op in _OPERATORS:
                if marker.startswith(op, i):
                    out.append(("op", op))
                    i += len(op)
                    break
            else:
                raise Unknown
        elif c in _WORD_CHARS:
            start = i
            while i < n and marker[i] in _WORD_CHARS:
                i += 1
            word = marker[start:i]
            if word in ("and", "or"):
                out.append((word, ""))
            elif word == "in":
                out.append(("op", "in"))
            elif word == "not":
                while i < n and marker[i] in _SPACE:
                    i += 1
                if not marker.startswith("in", i) or (i + 2 < n and marker[i + 2] in _WORD_CHARS):
                    raise Unknown
                i += 2
                out.append(("op", "not in"))
            else:
                out.append(("var", word))
        else:
            raise Unknown
    return out


def parse_marker(marker: str) -> tuple[object, ...]:
    """The marker as a tree: ("or", [and-groups]) where each group is a list of clauses
    (var, op, value) or nested trees. Raises Unknown for any other shape."""
    tokens = _tokens(marker)
    tree, end = _or(tokens, 0)
    if end != len(tokens):
        raise Unknown
    return tree


def _or(tokens: list[tuple[str, str]], i: int) -> tuple[tuple[object, ...], int]:
    groups: list[list[object]] = []
    while True:
        group, i = _and(tokens, i)
        groups.append(group)
        if i < len(tokens) and tokens[i][0] == "or":
            i += 1
            continue
        return ("or", groups), i


def _and(tokens: list[tuple[str, str]], i: int) -> tuple[list[object], int]:
    items: list[object] = []
    while True:
        item, i = _atom(tokens, i)
        items.append(item)
        if i < len(tokens) and tokens[i][0] == "and":
            i += 1
            continue
        return items, i


def _atom(tokens: list[tuple[str, str]], i: int) -> tuple[object, int]:
    if i < len(tokens) and tokens[i][0] == "(":
        inner, i = _or(tokens, i + 1)
        if i >= len(tokens) or tokens[i][0] != ")":
            raise Unknown
        return inner, i + 1
    if i + 3 > len(tokens):
        raise Unknown
    (k1, var), (k2, op), (k3, value) = tokens[i : i + 3]
    # Only `variable op "literal"`: the mirrored form is rare and left to packaging.
    if k1 != "var" or k2 != "op" or k3 != "str":
        raise Unknown
    if var == "extra":
        if op not in ("==", "!="):
            raise Unknown
        return ("extra", op, canonical(value)), i + 3
    if var not in _VERSION_VARS and var not in _STRING_VARS:
        raise Unknown  # legacy spellings (os.name), set-valued and unknown names
    return (var, op, value), i + 3


def evaluate(tree: tuple[object, ...], markers: Mapping[str, str], extra: str) -> bool:
    """The marker's truth on a floor with ``markers`` for ``extra`` (canonical, "" for none).
    Every clause is evaluated, as packaging does, so a clause it would refuse is met here too
    and raises Unknown."""
    _, groups = tree
    results = []
    for group in groups:  # type: ignore[attr-defined]
        values = [
            evaluate(item, markers, extra) if item[0] == "or" else _clause(item, markers, extra)
            for item in group
        ]
        results.append(all(values))
    return any(results)


def _clause(item: tuple[str, str, str], markers: Mapping[str, str], extra: str) -> bool:
    var, op, value = item
    if var == "extra":
        return (extra == value) if op == "==" else (extra != value)
    have = markers.get(var)
    if have is None:
        raise Unknown
    if var in _VERSION_VARS:
        # packaging compares as versions when `op value` is a valid specifier; a plain release
        # on both sides is answered here, anything else (a non-version value) by packaging.
        if op in ("in", "not in", "==="):
            raise Unknown
        clause = spec_clause(op + value)
        if clause is None or not is_release(have):
            raise Unknown
        return release_fits(clause[0], clause[1], have)
    # packaging 26's string comparisons: < and > never hold, <= and >= mean equal.
    if op == "==" or op == "<=" or op == ">=":
        return have == value
    if op == "!=":
        return have != value
    if op == "in":
        return have in value
    if op == "not in":
        return have not in value
    if op == "<" or op == ">":
        return False
    raise Unknown  # ~= and === on strings: packaging refuses them


def marker_holds(
    marker: str, markers: Mapping[str, str], extras: tuple[str, ...] = ()
) -> bool | None:
    """Whether ``marker`` holds on the floor for no extra or one of ``extras`` (canonical);
    None when packaging must judge it."""
    try:
        tree = _MARKERS[marker]
    except KeyError:
        try:
            tree = parse_marker(marker)
        except Unknown:
            tree = None
        _remember(_MARKERS, marker, tree)
    if tree is None:
        return None
    try:
        return any(evaluate(tree, markers, extra) for extra in ("", *extras))
    except Unknown:
        return None
