"""A real package index on 127.0.0.1 for the tests: the standard library's HTTP server in a thread.

It serves the distribution files the tests write into a folder, as a simple repository:

- ``/simple/`` the project list, ``/simple/<name>/`` a project page, ``/files/<filename>`` a file;
- a project page is PEP 691 JSON when the client's ``Accept`` asks for it and ``json`` is on,
  PEP 503 HTML otherwise (``html`` on); with both off the server answers 406, as a server that
  offers neither would;
- ``hashes``: HTML links carry ``#sha256=`` and JSON files a ``hashes`` table; off, neither does;
- ``yanked`` (filename -> reason, "" for no reason), ``requires_python`` (filename -> specifier)
  and ``upload_time`` (filename -> ISO time, JSON only) mark single files;
- ``down``: every request is dropped without an answer (the client sees a reset connection);
  ``garbage``: every page is answered with these bytes, as ``garbage_type``;
- ``delay``: seconds to wait before answering (for time bounds);
- ``requests``: (path, Accept header) of every request, for tests that count them.

Used as a context manager: ``with IndexServer(folder) as index: index.url`` is the index URL.
"""

from __future__ import annotations

import hashlib
import html
import http.server
import json
import os
import threading
import time
import urllib.parse
from typing import Any

from packaging.utils import canonicalize_name, parse_sdist_filename, parse_wheel_filename

JSON_TYPE = "application/vnd.pypi.simple.v1+json"


def project_of(filename: str) -> str | None:
    try:
        if filename.endswith(".whl"):
            return canonicalize_name(parse_wheel_filename(filename)[0])
        if filename.endswith((".tar.gz", ".zip")):
            return canonicalize_name(parse_sdist_filename(filename)[0])
    except ValueError:
        return None
    return None


def sha256(path: str) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


class IndexServer:
    def __init__(self, folder: str, *, json: bool = True, html: bool = True, hashes: bool = True) -> None:
        self.folder = folder
        self.json = json
        self.html = html
        self.hashes = hashes
        self.yanked: dict[str, str] = {}
        self.requires_python: dict[str, str] = {}
        self.upload_time: dict[str, str] = {}
        self.down = False
        self.garbage: bytes | None = None
        self.garbage_type = "text/html"
        self.delay = 0.0
        self.requests: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self) -> None:
                server._answer(self)

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    # -- life -------------------------------------------------------------------------------

    @property
    def root(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def url(self) -> str:
        """The index URL (what ``--index-url`` takes)."""
        return f"{self.root}/simple"

    def file_url(self, filename: str) -> str:
        return f"{self.root}/files/{urllib.parse.quote(filename)}"

    def __enter__(self) -> IndexServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def project_requests(self, name: str) -> int:
        """How many times the page of ``name`` was asked for."""
        path = f"/simple/{canonicalize_name(name)}/"
        with self._lock:
            return sum(1 for p, _ in self.requests if p == path)

    # -- answers ----------------------------------------------------------------------------

    def _files(self) -> dict[str, list[str]]:
        projects: dict[str, list[str]] = {}
        for filename in sorted(os.listdir(self.folder)):
            name = project_of(filename)
            if name:
                projects.setdefault(name, []).append(filename)
        return projects

    def _answer(self, handler: http.server.BaseHTTPRequestHandler) -> None:
        path = urllib.parse.urlsplit(handler.path).path
        accept = handler.headers.get("Accept", "")
        with self._lock:
            self.requests.append((path, accept))
        if self.delay:
            time.sleep(self.delay)
        if self.down:
            handler.close_connection = True
            handler.connection.close()
            return
        if self.garbage is not None:
            self._send(handler, 200, self.garbage_type, self.garbage)
            return
        if path.startswith("/files/"):
            filename = urllib.parse.unquote(path[len("/files/") :])
            target = os.path.join(self.folder, filename)
            if "/" in filename or not os.path.isfile(target):
                self._send(handler, 404, "text/plain", b"not found")
                return
            with open(target, "rb") as fh:
                self._send(handler, 200, "application/octet-stream", fh.read())
            return
        projects = self._files()
        wants_json = JSON_TYPE in accept and self.json
        if not (wants_json or self.html):
            self._send(handler, 406, "text/plain", b"not acceptable")
            return
        if path in ("/simple", "/simple/"):
            self._send_list(handler, sorted(projects), wants_json)
            return
        parts = [p for p in path.split("/") if p]
        if len(parts) != 2 or parts[0] != "simple":
            self._send(handler, 404, "text/plain", b"not found")
            return
        name = parts[1]
        if name != canonicalize_name(name):  # PEP 503: redirect to the normalized name
            handler.send_response(301)
            handler.send_header("Location", f"/simple/{canonicalize_name(name)}/")
            handler.end_headers()
            return
        if name not in projects:
            self._send(handler, 404, "text/plain", b"not found")
            return
        if wants_json:
            self._send_json_page(handler, name, projects[name])
        else:
            self._send_html_page(handler, name, projects[name])

    def _send(
        self, handler: http.server.BaseHTTPRequestHandler, status: int, ctype: str, body: bytes
    ) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", ctype)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def _send_list(
        self, handler: http.server.BaseHTTPRequestHandler, names: list[str], as_json: bool
    ) -> None:
        if as_json:
            data = {"meta": {"api-version": "1.1"}, "projects": [{"name": n} for n in names]}
            self._send(handler, 200, JSON_TYPE, json.dumps(data).encode())
            return
        links = "\n".join(f'<a href="/simple/{n}/">{n}</a><br/>' for n in names)
        self._send(
            handler, 200, "text/html", f"<!DOCTYPE html><html><body>\n{links}\n</body></html>".encode()
        )

    def _send_json_page(
        self, handler: http.server.BaseHTTPRequestHandler, name: str, filenames: list[str]
    ) -> None:
        files = []
        for filename in filenames:
            entry: dict[str, Any] = {
                "filename": filename,
                # Relative, as real indexes often give them: the client must resolve it.
                "url": f"../../files/{urllib.parse.quote(filename)}",
                "hashes": {"sha256": sha256(os.path.join(self.folder, filename))} if self.hashes else {},
                "size": os.path.getsize(os.path.join(self.folder, filename)),
            }
            if filename in self.requires_python:
                entry["requires-python"] = self.requires_python[filename]
            if filename in self.yanked:
                entry["yanked"] = self.yanked[filename] or True
            if filename in self.upload_time:
                entry["upload-time"] = self.upload_time[filename]
            files.append(entry)
        data = {"meta": {"api-version": "1.1"}, "name": name, "files": files, "versions": []}
        self._send(handler, 200, JSON_TYPE, json.dumps(data).encode())

    def _send_html_page(
        self, handler: http.server.BaseHTTPRequestHandler, name: str, filenames: list[str]
    ) -> None:
        lines = ["<!DOCTYPE html>", "<html><head>", '<meta name="pypi:repository-version" content="1.0">']
        lines += [f"<title>Links for {name}</title></head><body>", f"<h1>Links for {name}</h1>"]
        for filename in filenames:
            href = f"/files/{urllib.parse.quote(filename)}"
            if self.hashes:
                href += f"#sha256={sha256(os.path.join(self.folder, filename))}"
            attrs = f'href="{html.escape(href)}"'
            if filename in self.requires_python:
                attrs += f' data-requires-python="{html.escape(self.requires_python[filename])}"'
            if filename in self.yanked:
                reason = self.yanked[filename]
                attrs += f' data-yanked="{html.escape(reason)}"' if reason else " data-yanked"
            lines.append(f"<a {attrs}>{html.escape(filename)}</a><br/>")
        lines.append("</body></html>")
        self._send(handler, 200, "text/html; charset=utf-8", "\n".join(lines).encode())
