"""Known vulnerabilities of the article's floors, from an OSV-compatible service and from a
PyPI-JSON one, both real HTTP servers on 127.0.0.1 (tests/osvserver.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from packaging.version import Version

from tests.conftest import isolated_environ
from tests.osvserver import VulnService, closed_port_url, running
from venv_tui.cli import main
from venv_tui.model import Vulnerability
from venv_tui.services import Services
from venv_tui.services.index.audit import in_range, merge_same, osv_affects
from venv_tui.services.story import House

pytestmark = pytest.mark.services


def osv_record(
    ident: str, name: str, events: list[dict[str, str]], versions: list[str], **extra: Any
) -> dict:
    record = {
        "id": ident,
        "summary": f"{name} lets a robot open the wrong door",
        "modified": "2024-01-01T00:00:00Z",
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": name},
                "ranges": [{"type": "ECOSYSTEM", "events": events}],
                "versions": versions,
            }
        ],
    }
    record.update(extra)
    return record


def story_service() -> VulnService:
    """A known vulnerability in A before 1.5.7 (published twice, as GHSA and PYSEC, aliasing
    each other), one in B 2.x fixed in 3.0, and a withdrawn one about A 2.1.0."""
    service = VulnService()
    a_events = [{"introduced": "0"}, {"fixed": "1.5.7"}]
    service.add(
        osv_record("GHSA-aaaa-0001", "A", a_events, ["1.0.0"], aliases=["CVE-2024-0001", "PYSEC-2024-1"])
    )
    service.add(
        osv_record(
            "PYSEC-2024-1", "a", a_events, ["1.0.0"], aliases=["CVE-2024-0001", "GHSA-aaaa-0001"], summary=""
        )
    )
    service.add(
        osv_record(
            "GHSA-bbbb-0002",
            "B",
            [{"introduced": "2.0"}, {"fixed": "3.0"}],
            ["2.1.3"],
            aliases=["CVE-2024-0002"],
        )
    )
    service.add(
        osv_record(
            "GHSA-cccc-0003", "A", [{"introduced": "2.0"}], ["2.1.0"], withdrawn="2024-02-01T00:00:00Z"
        )
    )
    service.pypi = {
        ("A", "1.0.0"): [
            {
                "id": "GHSA-aaaa-0001",
                "summary": "A lets a robot open the wrong door",
                "details": "long text",
                "aliases": ["CVE-2024-0001"],
                "fixed_in": ["1.5.7"],
                "link": "https://osv.dev/vulnerability/GHSA-aaaa-0001",
                "source": "osv",
                "withdrawn": None,
            }
        ],
        ("A", "1.5.7"): [],
        ("A", "2.1.0"): [
            {
                "id": "GHSA-cccc-0003",
                "summary": "gone",
                "aliases": [],
                "fixed_in": [],
                "withdrawn": "2024-02-01",
            }
        ],
        ("B", "2.1.3"): [
            {
                "id": "GHSA-bbbb-0002",
                "summary": None,
                "details": "B 2.x keeps the door open.",
                "aliases": [],
                "fixed_in": ["3.0", "1.0"],
            }
        ],
        ("B", "4.1.0"): [],
    }
    return service


@pytest.fixture
def osv() -> Iterator[VulnService]:
    with running(story_service()) as service:
        yield service


def floors(house: House) -> list[str]:
    return [house.floors[n] for n in (1, 2, 3)]


# -- the decisions ----------------------------------------------------------------------------


def test_osv_ranges() -> None:
    events = [{"introduced": "1.0"}, {"fixed": "1.2"}, {"introduced": "2.0"}, {"last_affected": "2.3"}]
    assert [
        in_range(events, Version(v)) for v in ("0.9", "1.0", "1.1.9", "1.2", "1.9", "2.0", "2.3", "2.3.1")
    ] == [
        False,
        True,
        True,
        False,
        False,
        True,
        True,
        False,
    ]
    assert in_range([{"introduced": "0"}], Version("0.0.1")) is True
    assert in_range([{"introduced": "not a version"}], Version("1.0")) is None
    record = osv_record("X-1", "Some_Name", [{"introduced": "0"}, {"fixed": "1.0"}], [])
    assert osv_affects(record, "some-name", Version("0.5")) is True
    assert osv_affects(record, "some-name", Version("1.0")) is False
    assert osv_affects(record, "other", Version("0.5")) is None  # the record says nothing about it


def test_same_vulnerability_under_two_ids_is_one() -> None:
    merged = merge_same(
        [
            Vulnerability("PYSEC-1", "", ("2.0",), ("CVE-1", "GHSA-1")),
            Vulnerability("GHSA-1", "the door", ("1.9",), ("CVE-1",)),
            Vulnerability("GHSA-2", "another", (), ()),
        ]
    )
    assert [v.id for v in merged] == ["GHSA-1", "GHSA-2"]
    assert merged[0].fixed_in == ("1.9", "2.0")
    assert merged[0].aliases == ("CVE-1", "PYSEC-1")
    assert merged[0].summary == "the door"


# -- OSV ----------------------------------------------------------------------------------------


def test_osv_audit_across_floors(house: House, osv: VulnService) -> None:
    report = Services().audit(floors(house), service_url=osv.url)
    assert report.problem is None and report.service == "osv"
    by_floor = {f.environment: f for f in report.floors}
    one = by_floor[house.floors[1]]
    assert [(p.name, p.version) for p in one.packages] == [("A", "1.0.0"), ("B", "2.1.3")]
    a_vulns = one.packages[0].vulnerabilities
    assert [v.id for v in a_vulns] == ["GHSA-aaaa-0001"]  # the PYSEC twin merged into it
    assert a_vulns[0].fixed_in == ("1.5.7",)
    assert set(a_vulns[0].aliases) == {"CVE-2024-0001", "PYSEC-2024-1"}
    assert a_vulns[0].summary == "A lets a robot open the wrong door"
    assert one.packages[1].vulnerabilities[0].fixed_in == ("3.0",)
    assert by_floor[house.floors[2]].packages == ()
    assert by_floor[house.floors[3]].packages == ()  # only a withdrawn record names A 2.1.0
    # One query for the five distinct (name, version) pairs, one look-up per id named.
    assert osv.requests.count("POST /v1/querybatch") == 1
    gets = [r for r in osv.requests if r.startswith("GET")]
    assert sorted(gets) == sorted(set(gets))
    assert len(gets) == 4


def test_osv_record_decides_when_the_service_is_loose(house: House, osv: VulnService) -> None:
    osv.loose = True  # names every record of A and B whatever the version asked about
    report = Services().audit(floors(house), service_url=osv.url)
    by_floor = {f.environment: f for f in report.floors}
    assert [p.name for p in by_floor[house.floors[1]].packages] == ["A", "B"]
    assert by_floor[house.floors[2]].packages == ()  # A 1.5.7 is where the fix is
    assert by_floor[house.floors[3]].packages == ()


def test_cli_audit_json_and_exit_status(
    capsys: pytest.CaptureFixture[str], house: House, osv: VulnService
) -> None:
    code = main(["audit", house.floors[1], "--service-url", osv.url, "--json"])
    out, err = capsys.readouterr()
    assert code == 1, err
    data = json.loads(out)
    assert data["environment"] == house.floors[1] and data["service"] == "osv"
    assert [(p["name"], p["version"]) for p in data["packages"]] == [("A", "1.0.0"), ("B", "2.1.3")]
    vuln = data["packages"][0]["vulnerabilities"][0]
    assert set(vuln) >= {"id", "summary", "fixed_in", "aliases"}
    assert vuln["id"] == "GHSA-aaaa-0001" and vuln["fixed_in"] == ["1.5.7"]

    code = main(["audit", house.floors[2], "--service-url", osv.url, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert json.loads(out)["packages"] == []

    code = main(["audit", house.floors[1], "--service-url", osv.url])
    out, _ = capsys.readouterr()
    assert code == 1
    assert "GHSA-aaaa-0001 (CVE-2024-0001, PYSEC-2024-1)" in out and "fixed in 1.5.7" in out


def test_cli_audit_all(tmp_path: os.PathLike[str], house: House, osv: VulnService) -> None:
    """Every floor found under --root, as a user runs it (a process with its own HOME)."""
    env = isolated_environ(tmp_path)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "venv_tui",
            "audit",
            "--all",
            "--root",
            house.root,
            "--service-url",
            osv.url,
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=os.fspath(tmp_path),
    )
    assert done.returncode == 1, done.stderr
    data = json.loads(done.stdout)
    found = {e["environment"]: [p["name"] for p in e["packages"]] for e in data["environments"]}
    # The machine's own interpreters are floors too; none of them holds the story's packages.
    mine = {path: names for path, names in found.items() if path.startswith(house.root)}
    assert mine == {house.floors[1]: ["A", "B"], house.floors[2]: [], house.floors[3]: []}
    assert not any(names for path, names in found.items() if path not in mine)
    assert all(e["service_url"] == osv.url for e in data["environments"])
    assert data["problem"] is None


# -- PyPI JSON ----------------------------------------------------------------------------------


def test_pypi_audit(house: House, osv: VulnService) -> None:
    report = Services().audit(floors(house), service="pypi", service_url=osv.url)
    assert report.problem is None and report.service == "pypi"
    by_floor = {f.environment: f for f in report.floors}
    one = by_floor[house.floors[1]]
    assert [(p.name, [v.id for v in p.vulnerabilities]) for p in one.packages] == [
        ("A", ["GHSA-aaaa-0001"]),
        ("B", ["GHSA-bbbb-0002"]),
    ]
    b = one.packages[1].vulnerabilities[0]
    assert b.summary == "B 2.x keeps the door open."  # no summary: the details say it
    assert b.fixed_in == ("3.0",)  # 1.0 is older than what is installed
    assert by_floor[house.floors[3]].packages == ()  # withdrawn
    assert sorted(r for r in osv.requests) == sorted(set(osv.requests))  # each release asked once


def test_pypi_release_not_on_the_index_is_unchecked(house: House, osv: VulnService) -> None:
    del osv.pypi[("B", "2.1.3")]
    report = Services().audit([house.floors[1]], service="pypi", service_url=osv.url)
    assert report.floors[0].unchecked == ("B",)
    assert [p.name for p in report.floors[0].packages] == ["A"]


# -- broken services ----------------------------------------------------------------------------


@pytest.mark.parametrize("service", ["osv", "pypi"])
def test_service_down(capsys: pytest.CaptureFixture[str], house: House, service: str) -> None:
    started = time.monotonic()
    url = closed_port_url()
    code = main(["audit", house.floors[1], "--service", service, "--service-url", url, "--json"])
    out, err = capsys.readouterr()
    assert time.monotonic() - started < 10
    assert code == 1
    assert "cannot be reached" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    # The sentence names the service asked, and that nothing was checked.
    name = {"osv": "OSV", "pypi": "PyPI"}[service]
    assert f"nothing was checked against {name} ({url}): 127.0.0.1 cannot be reached" in err
    data = json.loads(out)
    assert data["packages"] == [] and "cannot be reached" in data["problem"]
    assert sorted(data["unchecked"]) == ["A", "B"] and data["checked"] == 0
    code = main(["audit", house.floors[1], "--service", service, "--service-url", url])
    out, err = capsys.readouterr()
    assert code == 1 and "not checked: A, B" in out
    assert "no known vulnerabilities" not in out and len(err.strip().splitlines()) == 1


def test_a_service_that_knows_no_release_checked_nothing(
    capsys: pytest.CaptureFixture[str], house: House, osv: VulnService
) -> None:
    """PyPI (or a mirror) answering "not found" for every release: not a clean bill."""
    osv.pypi = {}
    code = main(["audit", house.floors[1], "--service", "pypi", "--service-url", osv.url, "--json"])
    out, err = capsys.readouterr()
    assert code == 1
    sentence = f"nothing was checked against PyPI ({osv.url}): it has no record of these releases"
    assert err.strip() == f"venv-tui: {sentence}"
    data = json.loads(out)
    assert data["problem"] == sentence and data["checked"] == 0 and data["packages"] == []


def test_some_releases_unknown_to_pypi_is_a_partial_answer(
    capsys: pytest.CaptureFixture[str], house: House, osv: VulnService
) -> None:
    """A release PyPI does not have (a private package): the rest is checked and the exit
    status is the rest's."""
    del osv.pypi[("B", "4.1.0")]
    code = main(["audit", house.floors[3], "--service", "pypi", "--service-url", osv.url])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "not checked: B" in out and "no known vulnerabilities" not in out
    assert err.strip() == f"venv-tui: 1 of 2 not checked against PyPI ({osv.url}): it has no record of these releases"


def test_a_service_failing_half_way_lists_what_was_checked(
    capsys: pytest.CaptureFixture[str], house: House, osv: VulnService
) -> None:
    osv.failing = {"GHSA-bbbb-0002"}  # B 2.1.3's record cannot be fetched
    code = main(["audit", house.floors[1], "--service-url", osv.url, "--json"])
    out, err = capsys.readouterr()
    assert code == 1
    data = json.loads(out)
    assert [p["name"] for p in data["packages"]] == ["A"] and data["unchecked"] == ["B"]
    assert data["checked"] == 1
    assert err.startswith(f"venv-tui: 1 of 2 not checked against OSV ({osv.url}): ")
    assert "HTTP 500" in err and len(err.strip().splitlines()) == 1
    osv.failing = {"GHSA-cccc-0003"}  # floor 3: A 2.1.0 unanswered, B 4.1.0 clean
    code = main(["audit", house.floors[3], "--service-url", osv.url])
    out, err = capsys.readouterr()
    assert code == 1  # the service failed: not "nothing to report"
    assert "not checked: A" in out and "no known vulnerabilities" not in out
    assert "1 of 2 not checked against OSV" in err


@pytest.mark.parametrize("service", ["osv", "pypi"])
def test_service_answers_garbage(
    capsys: pytest.CaptureFixture[str], house: House, osv: VulnService, service: str
) -> None:
    osv.mode = "garbage"
    code = main(["audit", house.floors[1], "--service", service, "--service-url", osv.url])
    _, err = capsys.readouterr()
    assert code == 1
    assert "not JSON" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("service", ["osv", "pypi"])
def test_service_that_never_answers_is_given_up_in_bounded_time(
    house: House, osv: VulnService, service: str
) -> None:
    osv.mode = "hang"
    started = time.monotonic()
    report = Services().audit(floors(house), service=service, service_url=osv.url, timeout=1.0)
    elapsed = time.monotonic() - started
    assert elapsed < 5, elapsed  # one timeout, not one per release
    assert report.problem is not None and "did not answer" in report.problem
    assert all(f.packages == () for f in report.floors)


def test_cancel_returns_at_once(house: House, osv: VulnService) -> None:
    osv.mode = "hang"
    cancel = threading.Event()
    seen: list[tuple[int, int]] = []
    timer = threading.Timer(0.3, cancel.set)
    timer.start()
    started = time.monotonic()
    report = Services().audit(
        floors(house),
        service="pypi",
        service_url=osv.url,
        timeout=20,
        cancel=cancel,
        progress=lambda d, t: seen.append((d, t)),
    )
    assert time.monotonic() - started < 3
    assert report.cancelled
    assert seen == []  # nothing answered before the cancel


def test_progress_counts_every_answer(house: House, osv: VulnService) -> None:
    seen: list[tuple[int, int]] = []
    Services().audit(
        floors(house), service="pypi", service_url=osv.url, progress=lambda d, t: seen.append((d, t))
    )
    assert seen == [(n, 5) for n in range(1, 6)]  # five distinct releases on the three floors


def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str], house: House) -> None:
    assert main(["audit", house.floors[1], "--all"]) == 2
    assert main(["audit", "", "--service-url", closed_port_url()]) == 2
    assert main(["audit", house.wheels]) == 2  # a folder that is no floor
    assert main(["audit", house.floors[1], "--service-url", "ftp://mirror.example"]) == 2
    assert main(["audit", house.floors[1], "--service", "nvd"]) == 2
    _, err = capsys.readouterr()
    assert "Traceback" not in err


def test_config_audit_service_url(capsys: pytest.CaptureFixture[str], house: House, osv: VulnService) -> None:
    from venv_tui.config import config_path

    os.makedirs(os.path.dirname(config_path()), exist_ok=True)
    with open(config_path(), "w", encoding="utf-8") as fh:
        fh.write(f'audit_service_url = "{osv.url}"\n')
    code = main(["audit", house.floors[1], "--json"])
    out, err = capsys.readouterr()
    assert code == 1, err
    assert json.loads(out)["service_url"] == osv.url
    assert osv.requests.count("POST /v1/querybatch") == 1
