"""PEP 440 versions read without ``packaging`` (nor ``re``): whether a text is a version at all,
and the parts :mod:`venv_tui.services.reqline` compares. Read as packaging 26's own pattern reads
them -- each part taken greedily and never given back -- so the answers are packaging's (a test
draws thousands of version-like texts and asks both)."""

from __future__ import annotations


def is_release(text: str) -> bool:
    """``1``, ``2.13.0``: only release numbers (no pre, post, dev, local, epoch)."""
    return (
        text.isascii()
        and text.replace(".", "").isdigit()
        and text[0] != "."
        and text[-1] != "."
        and ".." not in text
    )


_PRE_LETTERS = frozenset({"a", "alpha", "b", "beta", "c", "rc", "pre", "preview"})


def pre_release_of(version: str) -> str | None:
    """The release part of a plain pre-release (``2.0a0``, ``1.0.0rc9``, ``2.0a.0``), None for
    any other version (post, dev, local, epoch, or not a version)."""
    cut = len(version.rstrip("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_."))
    if cut:
        return None  # a character no version has
    i = 0
    while i < len(version) and (version[i].isdigit() or version[i] == "."):
        i += 1
    release, rest = version[:i], version[i:].lower()
    if release.endswith("."):
        release, rest = release[:-1], "." + rest
    if not release.isascii() or not is_release(release):
        return None
    if rest[:1] in ("-", "_", "."):
        rest = rest[1:]
    letters = rest.rstrip("0123456789-_.")
    if letters not in _PRE_LETTERS:
        return None
    tail = rest[len(letters) :]
    if tail[:1] in ("-", "_", "."):
        tail = tail[1:]
        if not tail:
            return None  # a separator with no number after it: left to packaging
    if tail and not (tail.isdigit() and tail.isascii()):
        return None
    return release


def _digits_end(text: str, i: int) -> int:
    n = len(text)
    while i < n and "0" <= text[i] <= "9":
        i += 1
    return i


def _word_at(text: str, i: int, words: tuple[str, ...]) -> int:
    """Past the first of ``words`` at ``i`` (after one optional separator), or -1."""
    if i < len(text) and text[i] in "._-":
        i += 1
    for word in words:
        if text.startswith(word, i):
            return i + len(word)
    return -1


def _number_after(text: str, i: int) -> int:
    """Past an optional separator and an optional number (a PEP 440 pre/post/dev number)."""
    if i < len(text) and text[i] in "._-":
        i += 1
    return _digits_end(text, i)


def version_parts(version: str) -> tuple[str, bool, bool, bool, bool] | None:
    """(release, has an epoch, a pre-release, a post-release, a dev-release or a local part) of a
    PEP 440 version, None when it is not one. Read as packaging 26's pattern reads it (each part
    taken greedily, never given back)."""
    v = version.strip()
    if not v.isascii():
        return None
    v = v.lower()
    n = len(v)
    i = 1 if v[:1] == "v" else 0
    epoch = False
    end = _digits_end(v, i)
    if i < end < n and v[end] == "!":
        i, epoch = end + 1, True
    start = i
    end = _digits_end(v, i)
    if end == i:
        return None
    while end + 1 < n and v[end] == "." and "0" <= v[end + 1] <= "9":
        end = _digits_end(v, end + 1)
    release, i = v[start:end], end
    pre = post = other = False
    past = _word_at(v, i, ("alpha", "a", "beta", "b", "preview", "pre", "c", "rc"))
    if past >= 0:
        i, pre = _number_after(v, past), True
    if i + 1 < n and v[i] == "-" and "0" <= v[i + 1] <= "9":
        i, post = _digits_end(v, i + 1), True
    else:
        past = _word_at(v, i, ("post", "rev", "r"))
        if past >= 0:
            i, post = _number_after(v, past), True
    past = _word_at(v, i, ("dev",))
    if past >= 0:
        i, other = _number_after(v, past), True
    if i < n and v[i] == "+":
        segments = v[i + 1 :].replace("_", ".").replace("-", ".").split(".")
        if not all(seg.isalnum() for seg in segments):
            return None
        i, other = n, True
    if i != n:
        return None
    return release, epoch, pre, post, other
