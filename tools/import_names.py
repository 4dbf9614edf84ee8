"""Build ``venv_tui/data/import_names.json``: which modules each well-known distribution provides.

Which modules a distribution installs is a fact written in its wheel (``RECORD``, and the older
``top_level.txt``), so the table is compiled from the wheels themselves rather than typed by
hand: each distribution below is downloaded with
``pip download --no-deps --only-binary=:all:`` and its wheel read. Maintainers run it (PyPI must
be reachable); it is not installed with the package. The table serves scripts without a PEP 723
block: an import that no installed distribution provides is mapped through it to the project
to install (``yaml`` -> ``PyYAML``); an import it does not know stays unknown and is asked of the
user, never sent to pip as a project name.

    python tools/import_names.py [--out venv_tui/data/import_names.json] [--jobs 4]

Order matters: when two listed distributions provide one module, the first listed wins (the
usual choice: ``jwt`` -> PyJWT, ``Crypto`` -> pycryptodome). Namespace folders (no
``__init__``, e.g. ``google``) and generic names (``tests``) identify no single project and are
left out.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor

# Projects whose import name differs from their own, then popular ones whose names agree (an
# import of those is known too). First listed wins a module name.
DISTRIBUTIONS: tuple[str, ...] = (
    # -- import name differs from the project name ---------------------------------------------
    "PyYAML", "Pillow", "scikit-learn", "python-dateutil", "opencv-python", "beautifulsoup4",
    "scikit-image", "pycryptodome", "pycryptodomex", "pyOpenSSL", "PyJWT", "python-dotenv",
    "python-magic", "python-docx", "python-pptx", "pyserial", "pyusb", "GitPython", "PyGithub",
    "python-gitlab", "python-telegram-bot", "discord.py", "slack-sdk", "google-api-python-client",
    "attrs", "psycopg2-binary", "PyMySQL", "pyzmq", "PyMuPDF", "pdfminer.six", "PyOpenGL",
    "python-xlib", "dnspython", "python-nmap", "PySocks", "websocket-client", "python-engineio",
    "python-socketio", "python-multipart", "python-jose", "PyNaCl", "argon2-cffi", "Brotli",
    "python-rapidjson", "setuptools", "cffi", "typing-extensions", "mypy-extensions",
    "python-slugify", "Unidecode", "prompt-toolkit", "Pygments", "ipython", "jupyter-core",
    "charset-normalizer", "grpcio", "kafka-python", "djangorestframework", "django-cors-headers",
    "django-environ", "django-debug-toolbar", "django-crispy-forms", "Flask-SQLAlchemy",
    "Flask-Cors", "Flask-Login", "Flask-WTF", "Flask-Migrate", "email-validator", "fpdf2",
    "python-barcode", "XlsxWriter", "Faker", "factory-boy", "google-auth-oauthlib",
    "requests-oauthlib", "SpeechRecognition", "gTTS", "ffmpeg-python", "python-vlc", "eyeD3",
    "APScheduler", "more-itertools", "dataclasses-json", "async-timeout", "Deprecated",
    "markdown-it-py", "Twisted", "service-identity", "Automat", "pyasn1-modules", "python-gnupg",
    "SecretStorage", "Cython", "imbalanced-learn", "scikit-optimize", "umap-learn",
    "stable-baselines3", "Shapely", "python-decouple", "hydra-core", "pyspellchecker",
    "deep-translator", "newspaper3k", "yt-dlp", "python-can", "paho-mqtt", "speedtest-cli",
    "python-whois", "user-agents", "fake-useragent", "undetected-chromedriver",
    "webdriver-manager", "requests-html", "requests-toolbelt", "requests-cache", "vcrpy",
    "pytest-mock", "pytest-asyncio", "pytest-xdist", "pytest-cov", "sentence-transformers",
    "huggingface-hub", "ConfigArgParse", "PyAutoGUI", "Jinja2", "MarkupSafe", "Flask",
    "Werkzeug", "SQLAlchemy", "Django", "Markdown", "Babel", "WTForms", "Scrapy", "PyPDF2",
    "pypdf", "pywavelets", "pillow-heif", "ruamel.yaml",
    "python-Levenshtein", "Levenshtein",
    "pymongo", "pyyaml-include", "tzdata", "pytz", "pycountry", "phonenumbers", "pyproj",
    "python-json-logger", "google-cloud-storage", "beautifulsoup4", "lxml", "html5lib",
    # -- the name people type is the project's own ---------------------------------------------
    "requests", "urllib3", "httpx", "httpcore", "aiohttp", "aiofiles", "anyio", "sniffio",
    "idna", "certifi", "chardet", "numpy", "pandas", "scipy", "statsmodels", "sympy",
    "networkx", "matplotlib", "seaborn", "plotly", "bokeh", "nltk", "spacy", "transformers",
    "tokenizers", "datasets", "lightgbm", "keras", "h5py", "boto3", "botocore", "s3fs", "fsspec",
    "redis", "elasticsearch", "pika", "celery", "kombu", "fastapi", "starlette", "uvicorn",
    "gunicorn", "alembic", "marshmallow", "pydantic", "jsonschema", "paramiko", "fabric",
    "invoke", "pexpect", "psutil", "docker", "kubernetes", "selenium", "openpyxl", "xlrd",
    "tabulate", "prettytable", "humanize", "arrow", "pendulum", "freezegun", "hypothesis",
    "pytest", "mock", "coverage", "pylint", "flake8", "black", "isort", "tqdm", "click",
    "colorama", "termcolor", "rich", "textual", "typer", "fire", "toml", "tomli", "tomlkit",
    "msgpack", "ujson", "orjson", "simplejson", "six", "packaging", "pyparsing", "platformdirs",
    "filelock", "virtualenv", "tox", "nox", "cryptography", "bcrypt", "rsa", "ecdsa", "pyasn1",
    "keyring", "joblib", "dill", "cloudpickle", "cachetools", "diskcache", "tenacity", "backoff",
    "wrapt", "decorator", "yarl", "multidict", "regex", "emoji", "ftfy", "feedparser", "tweepy",
    "praw", "openai", "anthropic", "tiktoken", "streamlit", "shap", "optuna", "numba", "einops",
    "timm", "gymnasium", "trimesh", "geopandas", "folium", "geopy", "imageio", "moviepy",
    "pydub", "sounddevice", "soundfile", "librosa", "mutagen", "qrcode", "reportlab",
    "watchdog", "schedule", "croniter", "pyperclip", "pynput", "zeroconf", "scapy", "netaddr",
    "tldextract", "validators", "mechanize", "responses", "httplib2", "oauthlib", "gspread",
    "Flask-RESTful", "websockets", "grpcio-tools", "ldap3", "pymodbus", "pysnmp",
)

# Wheels of hundreds of megabytes: not downloaded (their import names are their own).
TOO_LARGE = frozenset({"torch", "tensorflow", "jaxlib", "xgboost", "catboost", "pybullet", "open3d"})

# Folder names some wheels ship at their top by mistake: they name no project.
GENERIC = frozenset(
    {"tests", "test", "testing", "docs", "doc", "examples", "example", "benchmarks", "scripts",
     "bin", "src", "lib", "build", "tools", "data", "share", "include", "licenses", "man"}
)

# Top-level names that several projects share as a namespace, even where a wheel ships an
# ``__init__.py`` for it (pkgutil-style): ``google`` is protobuf's, google-cloud-storage's, ...
SHARED_NAMESPACES = frozenset(
    {"google", "azure", "ruamel", "zope", "jaraco", "backports", "sphinxcontrib", "mpl_toolkits",
     "paste", "repoze", "flufl", "oslo", "opentelemetry", "nvidia"}
)

_MODULE_SUFFIXES = (".py", ".pyc", ".so", ".pyd")


def parse_top_level(text: str) -> set[str]:
    """The top-level modules a ``top_level.txt`` names (one per line; ``a/b`` means ``a``)."""
    names = set()
    for line in text.splitlines():
        first = line.strip().replace("\\", "/").split("/")[0].split(".")[0]
        if first.isidentifier() and first not in GENERIC:
            names.add(first)
    return names


def parse_record(text: str) -> tuple[set[str], set[str]]:
    """(top-level modules, namespace folders) from a wheel's ``RECORD``.

    A ``name.py`` or a compiled ``name.cpython-312-x86_64-linux-gnu.so`` at the top is the
    module ``name``; a folder is a package when it holds an ``__init__`` file, otherwise a
    namespace shared by several projects."""
    import csv

    files: set[str] = set()
    for row in csv.reader(text.splitlines()):
        if row:
            files.add(row[0].replace("\\", "/").lstrip("/"))
    modules: set[str] = set()
    folders: dict[str, bool] = {}
    for path in files:
        parts = path.split("/")
        first = parts[0]
        if not first or first.endswith((".dist-info", ".data")) or first in ("..", "__pycache__"):
            continue
        if len(parts) == 1:
            if first.endswith(_MODULE_SUFFIXES):
                stem = first.split(".")[0]
                if stem.isidentifier():
                    modules.add(stem)
            continue
        if not first.isidentifier() or first in GENERIC:
            continue
        has_init = len(parts) == 2 and parts[1].startswith("__init__.")
        folders[first] = folders.get(first, False) or has_init
    modules |= {name for name, init in folders.items() if init}
    namespaces = {name for name, init in folders.items() if not init} - modules
    return modules, namespaces


def modules_of_wheel(path: str) -> set[str]:
    """The top-level modules a wheel installs: its RECORD, else its top_level.txt."""
    with zipfile.ZipFile(path) as wheel:
        names = wheel.namelist()
        record = next((n for n in names if n.count("/") == 1 and n.endswith(".dist-info/RECORD")), None)
        if record is not None:
            modules, _ = parse_record(wheel.read(record).decode("utf-8", "replace"))
            if modules:
                return modules
        top = next((n for n in names if n.count("/") == 1 and n.endswith(".dist-info/top_level.txt")), None)
        if top is not None:
            return parse_top_level(wheel.read(top).decode("utf-8", "replace"))
    return set()


def wheel_name_and_version(path: str) -> tuple[str, str]:
    """(project name as its METADATA spells it, version) of a wheel."""
    from email.parser import HeaderParser

    with zipfile.ZipFile(path) as wheel:
        meta = next(n for n in wheel.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA"))
        headers = HeaderParser().parsestr(wheel.read(meta).decode("utf-8", "replace"))
    return str(headers["Name"]), str(headers["Version"])


def download(project: str, folder: str) -> str | None:
    """The wheel of ``project`` for this platform, downloaded into ``folder``; None if there is
    no wheel (sdist only) or pip fails."""
    os.makedirs(folder, exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--quiet",
         "--dest", folder, project],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    wheels = [n for n in os.listdir(folder) if n.endswith(".whl")]
    if done.returncode != 0 or len(wheels) != 1:
        return None
    return os.path.join(folder, wheels[0])


def build_table(found: Iterable[tuple[str, str, set[str]]]) -> dict[str, object]:
    """The JSON document from (project, version, modules) in preference order."""
    modules: dict[str, str] = {}
    distributions: dict[str, dict[str, object]] = {}
    for project, version, provided in found:
        distributions[project] = {"version": version, "modules": sorted(provided)}
        for module in sorted(provided):
            if module not in SHARED_NAMESPACES:
                modules.setdefault(module, project)
    return {
        "about": "module -> the project that installs it, read from each project's wheel by "
        "tools/import_names.py; regenerate with that script",
        "modules": dict(sorted(modules.items(), key=lambda item: item[0].lower())),
        "distributions": dict(sorted(distributions.items(), key=lambda item: item[0].lower())),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--out", default=os.path.join(here, "venv_tui", "data", "import_names.json"))
    parser.add_argument("--jobs", type=int, default=4)
    parser.add_argument(
        "--refilter",
        action="store_true",
        help="rebuild the table from the projects already read in --out (after a change to the "
        "exclusions above), downloading nothing",
    )
    args = parser.parse_args(argv)
    if args.refilter:
        return refilter(args.out)
    projects = list(dict.fromkeys(p for p in DISTRIBUTIONS if p.lower() not in TOO_LARGE))
    with tempfile.TemporaryDirectory(prefix="import-names-") as tmp:

        def one(index_project: tuple[int, str]) -> tuple[str, str, set[str]] | None:
            index, project = index_project
            wheel = download(project, os.path.join(tmp, str(index)))
            if wheel is None:
                sys.stderr.write(f"skipped {project}: no wheel could be downloaded\n")
                return None
            name, version = wheel_name_and_version(wheel)
            provided = modules_of_wheel(wheel)
            os.unlink(wheel)
            if not provided:
                sys.stderr.write(f"skipped {project}: its wheel names no module\n")
                return None
            return name, version, provided

        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            results = list(pool.map(one, enumerate(projects)))
    table = build_table(r for r in results if r is not None)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(table, fh, indent=1, sort_keys=False)
        fh.write("\n")
    counts = (len(table["modules"]), len(table["distributions"]))  # type: ignore[arg-type]
    sys.stderr.write(f"{counts[0]} modules from {counts[1]} projects -> {args.out}\n")
    return 0


def refilter(out: str) -> int:
    """The table again from the modules already read per project, in DISTRIBUTIONS order."""
    import re

    def key(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    with open(out, encoding="utf-8") as fh:
        known = json.load(fh)["distributions"]
    order = {key(p): i for i, p in enumerate(DISTRIBUTIONS)}
    ranked = sorted(known.items(), key=lambda item: order.get(key(item[0]), len(order)))
    table = build_table((p, str(i["version"]), set(i["modules"])) for p, i in ranked)
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(table, fh, indent=1)
        fh.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
