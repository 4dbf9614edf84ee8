"""A vulnerability service on 127.0.0.1 for the tests: OSV's ``/v1/querybatch`` and
``/v1/vulns/{id}``, and PyPI's ``/pypi/{name}/{version}/json``.

Its records are plain OSV dicts. Like the real OSV it matches a query by the record's
enumerated ``versions`` list (the tests write those out), independently of the client's own
range reading; ``loose`` makes it name every record of a project whatever the version, as a
sloppy mirror would, so the client's own decision shows. ``mode`` turns it into a broken
server: ``"garbage"`` answers 200 with HTML, ``"hang"`` never answers; ``failing`` ids are
answered 500 when their record is asked for (a server that fails half way).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


class VulnService:
    def __init__(self) -> None:
        self.records: dict[str, dict[str, Any]] = {}
        self.pypi: dict[tuple[str, str], list[dict[str, Any]]] = {}  # (name, version) -> vulns
        self.loose = False
        self.mode = "ok"
        self.failing: set[str] = set()
        self.requests: list[str] = []
        self.url = ""

    def add(self, record: dict[str, Any]) -> None:
        self.records[record["id"]] = record

    def ids_for(self, name: str, version: str) -> list[str]:
        found = []
        for ident, record in sorted(self.records.items()):
            for entry in record.get("affected", []):
                package = entry.get("package", {})
                if package.get("ecosystem") != "PyPI" or _canonical(package.get("name", "")) != _canonical(
                    name
                ):
                    continue
                if self.loose or version in entry.get("versions", []):
                    found.append(ident)
                    break
        return found


class _Handler(BaseHTTPRequestHandler):
    service: VulnService

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, body: bytes, kind: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _broken(self) -> bool:
        if self.service.mode == "hang":
            time.sleep(30)
            return True
        if self.service.mode == "garbage":
            self._send(200, b"<html><body>Service Unavailable</body></html>", "text/html")
            return True
        return False

    def do_POST(self) -> None:
        self.service.requests.append(f"POST {self.path}")
        length = int(self.headers.get("Content-Length") or 0)
        payload = self.rfile.read(length)
        if self._broken():
            return
        if self.path != "/v1/querybatch":
            self._send(404, b'{"code": 5, "message": "Not Found"}')
            return
        queries = json.loads(payload)["queries"]
        results = []
        for query in queries:
            ids = self.service.ids_for(query["package"]["name"], query["version"])
            results.append(
                {"vulns": [{"id": i, "modified": "2024-01-01T00:00:00Z"} for i in ids]} if ids else {}
            )
        self._send(200, json.dumps({"results": results}).encode())

    def do_GET(self) -> None:
        self.service.requests.append(f"GET {self.path}")
        if self._broken():
            return
        match = re.fullmatch(r"/v1/vulns/([^/]+)", self.path)
        if match:
            record = self.service.records.get(match.group(1))
            if match.group(1) in self.service.failing:
                self._send(500, b'{"code": 13, "message": "Internal"}')
            elif record is None:
                self._send(404, b'{"code": 5, "message": "Bug not found."}')
            else:
                self._send(200, json.dumps(record).encode())
            return
        match = re.fullmatch(r"/pypi/([^/]+)/([^/]+)/json", self.path)
        if match:
            key = (_canonical(match.group(1)), match.group(2))
            known = {(_canonical(n), v): vulns for (n, v), vulns in self.service.pypi.items()}
            if key not in known:
                self._send(404, b'{"message": "Not Found"}')
                return
            document = {
                "info": {"name": match.group(1), "version": match.group(2)},
                "urls": [],
                "vulnerabilities": known[key],
            }
            self._send(200, json.dumps(document).encode())
            return
        self._send(404, b'{"message": "Not Found"}')


@contextmanager
def running(service: VulnService | None = None) -> Iterator[VulnService]:
    """The service on a free port of 127.0.0.1 for the ``with`` block."""
    service = service or VulnService()
    handler = type("Handler", (_Handler,), {"service": service})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    service.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield service
    finally:
        server.shutdown()
        server.server_close()


def closed_port_url() -> str:
    """An address on 127.0.0.1 where nothing listens: a server that is down."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
