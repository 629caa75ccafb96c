"""Safety of the crawl's own code: no path built from fetched data escapes the data folder, nothing
fetched is ever evaluated or unpickled, XML from the network cannot pull in local files, and tokens
come only from the environment and are never logged.

No pickle is written to disk: the HTTP cache's store is the web archive (WARC records and JSON
index lines, scraper/store/archive/), and JOBDIR holds no pickle either: the request queue stays in memory
(scraper.fetch.scheduler.MemoryQueueScheduler) and the pickled spider.state is switched off
(settings.EXTENSIONS); resume reads only the JSON journal.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper import settings as crawl_settings
from scraper.fetch.body_checks import body_problem
from scraper.parse.arxiv_atom import parse_atom
from scraper.schema.registry import TABLES
from scraper.store.partitions import partition_dir, remove_partition, write_partition
from tests.tools.replay import ROOT

CODE_DIRS = ("scraper", "pipelines")


def code_files() -> list[Path]:
    files = [p for folder in CODE_DIRS for p in sorted((ROOT / folder).rglob("*.py"))]
    assert len(files) > 20
    return files


def parsed_code() -> list[tuple[Path, ast.AST]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"), str(path))) for path in code_files()]


# -- partition paths -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "table",
    [
        "../papers",
        "papers/../../etc",
        "/etc/passwd",
        "",
        ".",
        "..",
        "papers\x00",
        "PAPERS",
        "papers ",
        "_runs",
        "arxiv",
        None,
        1,
    ],
)
def test_a_crafted_table_name_is_refused(tmp_path: Path, table) -> None:
    with pytest.raises(ValueError, match="unknown table"):
        partition_dir(tmp_path, table, date(2025, 1, 1))
    with pytest.raises(ValueError):
        write_partition(tmp_path, table, date(2025, 1, 1), pa.table({"a": [1]}))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "day",
    [
        "2025-01-01",
        "../../etc",
        "2025-01-01/../../x",
        b"2025-01-01",
        20250101,
        None,
        datetime(2025, 1, 1, 12, 0),
    ],
)
def test_a_crafted_day_is_refused(tmp_path: Path, day) -> None:
    with pytest.raises(TypeError, match="must be a date"):
        partition_dir(tmp_path, "papers", day)
    with pytest.raises(TypeError):
        remove_partition(tmp_path, "papers", day)
    assert list(tmp_path.iterdir()) == []


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(table=st.sampled_from(sorted(TABLES)), day=st.dates())
def test_every_partition_stays_inside_the_data_folder(table: str, day: date) -> None:
    root = Path("/srv/hfpapers/data")
    folder = partition_dir(root, table, day)
    assert folder.parent == root / table
    assert re.fullmatch(r"date=\d{4}-\d{2}-\d{2}", folder.name)
    assert folder.resolve().is_relative_to(root)


# -- nothing fetched is evaluated or unpickled ------------------------------------------------------

# ruff's flake8-bandit rules (pyproject.toml, run over the tree by tests/test_lint.py) flag eval/exec,
# unpickling, marshal and unsafe yaml.load; this proves they are on for the crawl code.
UNSAFE_PROBE = """\
import marshal
import pickle

import yaml


def handle(body):
    eval(body)
    exec(body)
    pickle.loads(body)
    marshal.loads(body)
    yaml.load(body)
"""


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is installed by the dev extra")
@pytest.mark.parametrize("folder", CODE_DIRS)
def test_ruff_flags_evaluating_or_unpickling_in_the_crawl_code(folder: str) -> None:
    # Linted as if it were a file of `folder`, so its per-file-ignores apply too.
    command = ["ruff", "check", "--no-cache", "--output-format", "concise", "--stdin-filename"]
    proc = subprocess.run(
        [*command, f"{folder}/_probe.py", "-"],
        input=UNSAFE_PROBE,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    found = set(re.findall(r" (S\d{3}) ", proc.stdout))
    assert found == {"S102", "S301", "S302", "S307", "S506"}, proc.stdout + proc.stderr


# What no stable ruff rule covers: compile() and __import__(), and importing a pickle-like module at
# all (ruff's S403 is preview-only).
UNSAFE_BUILTINS = {"compile", "__import__"}
UNSAFE_MODULES = {"pickle", "cPickle", "_pickle", "marshal", "shelve", "dill", "jsonpickle", "cloudpickle"}


def test_no_compile_or_pickle_module_in_the_crawl_code() -> None:
    problems = []
    for path, tree in parsed_code():
        where = path.relative_to(ROOT)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in UNSAFE_BUILTINS
            ):
                problems.append(f"{where}:{node.lineno}: {node.func.id}()")
            if isinstance(node, ast.Import):
                names = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                names = {(node.module or "").split(".")[0]}
            else:
                continue
            problems += [f"{where}:{node.lineno}: imports {name}" for name in names & UNSAFE_MODULES]
    assert problems == []


def test_jobdir_and_scheduler_settings_keep_pickles_out_of_the_job_directory() -> None:
    assert crawl_settings.SCHEDULER == "scraper.fetch.scheduler.MemoryQueueScheduler"
    assert crawl_settings.EXTENSIONS["scrapy.extensions.spiderstate.SpiderState"] is None


# -- XML from the network cannot read local files ------------------------------------------------


def test_xml_parsers_never_resolve_entities() -> None:
    calls = []
    for path, tree in parsed_code():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "XMLParser":
                options = {k.arg: getattr(k.value, "value", None) for k in node.keywords}
                calls.append(path.name)
                assert options.get("resolve_entities") is False, f"{path}:{node.lineno}"
                assert options.get("no_network") is True, f"{path}:{node.lineno}"
    assert {"arxiv_atom.py", "body_checks.py"} <= set(calls)


def test_an_external_entity_in_a_feed_is_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    feed = (
        f'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2501.11120v1'
        "</id><title>&x;</title></entry></feed>"
    ).encode()
    parsed = parse_atom(feed, "https://export.arxiv.org/api/query")
    assert "TOP-SECRET" not in repr(parsed.entries)
    assert body_problem("atom", feed) is None or "TOP-SECRET" not in str(body_problem("atom", feed))


# -- tokens: from the environment only, never logged ---------------------------------------------

LOG_METHODS = {"debug", "info", "warning", "warn", "error", "exception", "critical", "log"}
SECRET_LITERAL = re.compile(r"\b(?:hf_[A-Za-z0-9]{30,}|gh[pousr]_[A-Za-z0-9]{30,})\b")


def _mentions_a_token(node: ast.AST) -> bool:
    for inner in ast.walk(node):
        name = getattr(inner, "id", None) or getattr(inner, "attr", None)
        if isinstance(name, str) and re.search(r"token|secret|password", name, re.I):
            return True
    return False


def test_no_token_in_the_code_or_the_settings_and_none_logged() -> None:
    problems = []
    for path, tree in parsed_code():
        where = path.relative_to(ROOT)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and (SECRET_LITERAL.search(node.value))
            ):
                problems.append(f"{where}:{node.lineno}: a token written in the code")
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            logged = (
                isinstance(func, ast.Name)
                and func.id == "print"
                or (
                    isinstance(func, ast.Attribute)
                    and func.attr in LOG_METHODS
                    and isinstance(func.value, ast.Name)
                    and "log" in func.value.id.lower()
                )
            )
            arguments = [*node.args, *(k.value for k in node.keywords)]
            if logged and any(_mentions_a_token(a) for a in arguments):
                problems.append(f"{where}:{node.lineno}: a token may be logged")
            reads_setting = (
                isinstance(func, ast.Attribute)
                and func.attr.startswith("get")
                and ("settings" in ast.unparse(func.value).lower())
            )
            if (
                reads_setting
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and re.search(r"TOKEN|SECRET|PASSWORD", str(node.args[0].value))
            ):
                problems.append(
                    f"{where}:{node.lineno}: a token read from the settings (they are "
                    f"logged at start-up); read it from the environment"
                )
    # Settings are printed in the crawl log ("Overridden settings"): none may hold a secret.
    names = [n for n in dir(crawl_settings) if n.isupper()]
    problems += [f"scraper/settings.py: {n}" for n in names if re.search(r"TOKEN|SECRET|PASSW", n)]
    assert problems == []


# -- the replay server serves only its own recordings (item 11) ----------------------------------


def _get(url: str) -> tuple[int, bytes]:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.mark.parametrize(
    "date_value",
    ["../../secret", "../../../secret", "%2e%2e/%2e%2e/secret", "/tmp/secret", "..%2F..%2Fsecret"],
)
def test_replay_serves_nothing_outside_its_fixture_folders(tmp_path: Path, date_value: str) -> None:
    from scraper.use.demo.replay import serve

    fixtures = tmp_path / "deep" / "fixtures"
    (fixtures / "hf_daily_api").mkdir(parents=True)
    (fixtures / "hf_daily_api" / "2025-09-30.json").write_text("[]")
    secret = b'{"private": "not a fixture"}'
    for folder in (tmp_path, tmp_path / "deep"):
        (folder / "secret.json").write_bytes(secret)
        (folder / "secret.html").write_bytes(b"<html>" + secret + b"</html>")
    server = serve([fixtures], 0)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        answers = [
            _get(f"{base}/hf/api/daily_papers?date={date_value}"),
            _get(f"{base}/hf/papers?date={date_value}"),
            _get(f"{base}/arxiv/html/..%2F..%2F..%2Fsecret"),
        ]
    finally:
        server.shutdown()
    for _status, body in answers:
        assert b"not a fixture" not in body


def _replay_main(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scraper.use.demo.replay", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_replay_refuses_a_missing_or_empty_fixtures_folder(tmp_path: Path) -> None:
    for folder in (tmp_path / "missing", tmp_path):
        proc = _replay_main("--fixtures", str(folder), "--port", "0", cwd=tmp_path)
        lines = proc.stderr.strip().splitlines()
        assert proc.returncode == 2 and len(lines) == 1, proc.stderr
        assert lines[0].startswith("replay: error: ") and str(folder) in lines[0]


def test_replay_says_in_one_line_that_the_port_is_in_use(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        # Started outside the repository: the default fixtures are still the repository's own.
        proc = _replay_main("--port", str(port), cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().splitlines() == [
        f"replay: error: cannot listen on 127.0.0.1:{port}: Address already in use (try another --port)"
    ]


@pytest.mark.crawl
def test_no_way_into_a_running_crawl_and_the_contact_setting_reaches_the_user_agent(tmp_path: Path) -> None:
    """Scrapy 2.19's RemoteControl (a localhost server that runs Python for a token holder) and the
    telnet console stay off; nothing is left in the home folder; `-s HFPAPERS_CONTACT=…` (the cron
    line of docs/crawling.md) runs and names the contact in the User-Agent."""
    from tests.tools.crawl import run_crawl
    from tests.tools.replay import start_replay

    home = tmp_path / "home"
    home.mkdir()
    server, replay = start_replay(tmp_path)
    try:
        env = {"HOME": str(home)}
        result = run_crawl(
            replay,
            tmp_path / "data",
            "date=2025-07-07",
            settings={"HFPAPERS_ARXIV": "false", "HFPAPERS_CONTACT": "you@example.org"},
            env=env,
        )
        agents = {r["ua"] for r in replay.requests()}
    finally:
        server.shutdown()
    assert result.returncode == 0, result.log[-3000:]
    assert "remote control" not in result.log.lower() and "remotecontrol" not in result.log.lower()
    assert "console listening" not in result.log.lower()  # Scrapy's telnet console line
    assert agents and all(a.endswith("; contact: you@example.org)") for a in agents), agents
    assert not any(home.rglob("*")), sorted(home.rglob("*"))
    assert crawl_settings.REMOTE_CONTROL_ENABLED is False and crawl_settings.TELNETCONSOLE_ENABLED is False
