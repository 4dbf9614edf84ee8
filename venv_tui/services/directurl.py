"""Where an installed distribution came from when it was not an index: PEP 610's
``direct_url.json``, read with ``packaging.direct_url`` and compared with a requirement's URL.

Export writes these sources out (``name @ url``, a lock's ``directory``/``vcs``/``archive``);
the checker asks whether a URL requirement was installed from that very place.
"""

from __future__ import annotations

import json
import os
import urllib.parse

from packaging.direct_url import DirectUrl, DirectUrlValidationError

from venv_tui import files
from venv_tui.errors import BadInput
from venv_tui.model import Distribution


def read_direct_url(dist: Distribution) -> DirectUrl | None:
    """The distribution's ``direct_url.json``; None when it has none or it cannot be read (pip
    then treats the install as one from an index as well)."""
    if dist.kind != "dist-info":
        return None
    return direct_url_at(dist.metadata_path)


def direct_url_at(info: str) -> DirectUrl | None:
    """``direct_url.json`` of the dist-info folder ``info``, read by ``packaging.direct_url``;
    None when there is none, or it cannot be read or does not validate (pip then treats the
    install as one from an index as well)."""
    try:
        data = files.read_bytes(os.path.join(info, "direct_url.json"), files.LIMIT_SMALL)
        return DirectUrl.from_dict(json.loads(data))
    except (BadInput, ValueError, TypeError, AttributeError, DirectUrlValidationError):
        return None


def local_path(url: str) -> str | None:
    """The folder or file of a ``file:`` URL; None for any other URL."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "file":
        return None
    path = urllib.parse.unquote(parts.path)
    if os.name == "nt":
        if parts.netloc and parts.netloc != "localhost":
            return f"\\\\{parts.netloc}{path.replace('/', os.sep)}"
        if len(path) >= 3 and path[0] == "/" and path[2] == ":":
            path = path[1:]
        return path.replace("/", os.sep)
    return path


def requirement_url(direct: DirectUrl) -> str:
    """The PEP 508 URL that installs the same thing again, as ``pip freeze`` writes it: VCS
    with its commit (``git+https://...@<commit>``), an archive with its hash, a subdirectory as
    a fragment."""
    url = direct.url
    fragments: list[str] = []
    if direct.vcs_info is not None:
        if url.startswith("file:///"):
            # pip before 24.1 refuses "git+file:///..." in a requirement; git and every pip
            # read the same place as "file://localhost/...".
            url = "file://localhost/" + url[len("file:///") :]
        url = f"{direct.vcs_info.vcs}+{url}@{direct.vcs_info.commit_id}"
    elif direct.archive_info is not None and direct.archive_info.hashes:
        name = "sha256" if "sha256" in direct.archive_info.hashes else sorted(direct.archive_info.hashes)[0]
        fragments.append(f"{name}={direct.archive_info.hashes[name]}")
    if direct.subdirectory:
        fragments.append(f"subdirectory={direct.subdirectory}")
    return url + ("#" + "&".join(fragments) if fragments else "")


def same_place(wanted: str, direct: DirectUrl) -> bool:
    """Whether a requirement's URL (``git+https://host/repo@rev``, ``file:///folder``, an
    archive URL) names the source ``direct`` records. A VCS requirement matches on repository
    and, when it names a revision, on the commit or the revision asked for."""
    wanted_base, _, fragment = wanted.partition("#")
    subdirectory = urllib.parse.parse_qs(fragment).get("subdirectory", [None])[0]
    if (subdirectory or None) != (direct.subdirectory or None):
        return False
    if direct.vcs_info is not None:
        vcs, plus, rest = wanted_base.partition("+")
        if not plus or vcs != direct.vcs_info.vcs:
            return False
        parts = urllib.parse.urlsplit(rest)
        repo, at, revision = parts.path.rpartition("@")
        if not at:
            repo, revision = parts.path, ""
        if _norm(urllib.parse.urlunsplit(parts._replace(path=repo))) != _norm(direct.url):
            return False
        return not revision or revision in (direct.vcs_info.commit_id, direct.vcs_info.requested_revision)
    wanted_path, have_path = local_path(wanted_base), local_path(direct.url)
    if wanted_path is not None and have_path is not None:
        return os.path.normpath(wanted_path) == os.path.normpath(have_path)
    return _norm(wanted_base) == _norm(direct.url)


def _norm(url: str) -> str:
    if url.startswith("file://localhost/"):
        url = "file:///" + url[len("file://localhost/") :]
    return url.rstrip("/")


def installed_from(dist: Distribution, url: str) -> bool | None:
    """Whether ``dist`` was installed from ``url`` (a requirement's URL); None when the disk
    cannot tell (an old egg-info install records nothing)."""
    direct = read_direct_url(dist)
    if direct is not None:
        return same_place(url, direct)
    if dist.editable and dist.editable_location:  # a legacy `setup.py develop` link
        wanted = local_path(url.partition("#")[0])
        return wanted is not None and os.path.normpath(wanted) == os.path.normpath(dist.editable_location)
    if dist.kind == "dist-info" and os.path.isdir(dist.metadata_path):
        return False  # pip records every URL install (PEP 610): this one came from an index
    return None
