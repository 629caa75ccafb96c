"""A replay server: recorded real responses served over HTTP on loopback, so the real spider can run
through Scrapy's real downloader with no network (tests, demos, debugging a parser on old data).

    python -m scraper.use.demo.replay --fixtures tests/fixtures --port 8765

Routes (one server, one prefix per site; point the HFPAPERS_* base-URL settings at them):

    /hf/api/daily_papers?date=D   hf_daily_api/D.json, or `[]` (HF's answer for a day with no list),
                                  paged as HF pages it: `limit` default 50, at most 100 (else 400),
                                  `p` 0-based
    /hf/api/daily_papers          the newest hf_daily_api/default-endpoint_*_raw.json (undated call)
    /hf/papers?date=D             hf_daily_html/D.html, else a redirect to /hf/papers (no list)
    /hf/papers/date/D             the same
    /hf/papers                    the newest hf_daily_html/*.html
    /arxiv/html/<id>v<N>          arxiv_html/<id>v<N>.html, else 404
    /arxiv/html/<id>              the highest version recorded (arXiv serves the latest), else 404
    /arxiv/abs/<id>[v<N>]         the newest arxiv_abs/<id>_captured-*.html, else 404
    /export/api/query?id_list=…   a recorded feed when one was captured for exactly that query;
                                  otherwise a feed assembled from the recorded <entry> elements of
                                  those ids (head copied from a recorded feed; ids not held are
                                  absent, as arXiv omits unknown ids); a malformed id gets the
                                  recorded HTTP 400 error feed
    /robots.txt                   404 (everything allowed) unless --robots FILE is given

`--overlay DIR` (same layout) takes precedence over `--fixtures`: tests put variants they derive
from real captures there. Every request is appended to `--log FILE` as a JSON line.

Faults. Scripted faults (`--faults FILE`: request path -> replies to give first, in order) are
served before the recorded answer. On top of them the server injects random faults, deterministic
by seed, at the rates given per kind:

    python -m scraper.use.demo.replay --seed 7 --fault-rate 429=0.1,5xx=0.05,reset=0.02,truncate=0.02

    429       HTTP 429 with `Retry-After: N`, N drawn from --retry-after (default 0-1 seconds)
    5xx       HTTP 500, 502 or 503, without Retry-After (the client backs off on its own)
    reset     the connection is reset (TCP RST) before any byte of the answer
    slow      the answer is sent after --slow-seconds (default 3): longer than the client's timeout
    truncate  a 200 body cut short, with a Content-Length that matches the cut (only a check of the
              body itself can tell)
    dataloss  a 200 body cut short under the full Content-Length (the connection closes early)
    badjson   a 200 JSON body with bytes spliced into its middle (invalid JSON, end intact)
    badxml    the same for Atom/XML bodies
    nohtml    arXiv's "No HTML is available for this paper" 200 stub instead of an /arxiv/html/
              page (derived from a real page, see `FixtureStore.no_html_stub`)

Every request path (query included) has an attempt counter. Attempt k of a path is faulty with the
given probabilities, decided by a hash of (seed, path, k), so a run gets the same faults whatever
the timing of its requests; and no path gets more than --max-consecutive-faults (default 2) faults
in a row, so a client that retries more often than that always gets the recorded answer in the end.
A kind that does not fit an answer (truncate on a 404, badjson on HTML) is never drawn for it.
/robots.txt is never faulted. `GET /_faults` returns the faults injected so far, by kind, as JSON
(not logged, not faulted). `--delay SECONDS` slows every answer down (to interrupt a crawl midway).
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import re
import socket
import struct
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import NoReturn
from urllib.parse import parse_qs, urlsplit

from lxml import etree

from scraper.parse.arxiv_id import VERSIONED_ARXIV_ID

ATOM = "http://www.w3.org/2005/Atom"
VERSION_NAME = re.compile(r"v(\d+)\.html$")  # an HTML recording's name: `<id>v<N>.html`
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"


@dataclass
class Reply:
    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    fault: str | None = None  # the injected fault this reply carries, if any
    wait: float = 0.0  # seconds to wait before answering
    reset: bool = False  # reset the connection instead of answering
    declared_length: int | None = None  # a Content-Length larger than the body (data loss)
    unframed: bool = False  # no Content-Length: the body ends when the connection closes


# -- fault injection -------------------------------------------------------------------------------

FAULT_KINDS = ("429", "5xx", "reset", "slow", "truncate", "dataloss", "badjson", "badxml", "nohtml")
NEVER_FAULTED = ("/robots.txt", "/_faults")
# Spliced into a body for badjson/badxml: a NUL byte is invalid in JSON (inside a string or out)
# and in XML, so the result is malformed wherever it lands.
_JSON_JUNK = b"\x00}{"
_XML_JUNK = b"<\x00"


def parse_fault_rates(text: str) -> dict[str, float]:
    """`429=0.1,5xx=0.05,reset=0.02` -> {"429": 0.1, "5xx": 0.05, "reset": 0.02}."""
    rates: dict[str, float] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        kind, sep, value = part.partition("=")
        kind = kind.strip().lower()
        if not sep or kind not in FAULT_KINDS:
            raise ValueError(f"{part!r}: expected KIND=RATE with KIND one of {', '.join(FAULT_KINDS)}")
        rate = float(value)
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"{part!r}: a rate is a probability between 0 and 1")
        rates[kind] = rate
    # badjson, badxml and nohtml each fit one kind of body only: at most one of them can be drawn.
    exclusive = ("badjson", "badxml", "nohtml")
    worst = sum(r for k, r in rates.items() if k not in exclusive) + max(
        [rates.get(k, 0.0) for k in exclusive]
    )
    if worst > 1.0:
        raise ValueError(f"the fault rates add up to {worst:.3f} for one answer, more than 1")
    return rates


@dataclass(frozen=True)
class FaultPlan:
    """Which faults to inject, how often, and how they look."""

    rates: dict[str, float] = field(default_factory=dict)  # kind -> probability per attempt
    seed: int = 0
    max_consecutive: int = 2  # faults in a row for one path, at most (keep it below RETRY_TIMES)
    retry_after: tuple[int, int] = (0, 1)  # Retry-After seconds of a 429, drawn in this range
    slow_seconds: float = 3.0  # how late a `slow` answer comes
    delay: float = 0.0  # seconds added to every answer


def _draw(seed: int, path: str, attempt: int, salt: str) -> int:
    """A 64-bit number that depends only on its arguments (not on timing or thread order)."""
    key = f"{seed}\x1f{path}\x1f{attempt}\x1f{salt}".encode()
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big")


def _cut(length: int, variant: int) -> int:
    """Where to cut or splice a body: somewhere in its middle half."""
    return length // 4 + variant % max(1, length // 2)


def _fits(kind: str, path: str, reply: Reply) -> bool:
    if kind in ("429", "5xx", "reset", "slow"):
        return True
    if reply.status != 200 or len(reply.body) < 2:
        return False
    if kind in ("truncate", "dataloss"):
        return True
    if kind == "badjson":
        return "json" in reply.content_type
    if kind == "badxml":
        return "xml" in reply.content_type
    return kind == "nohtml" and path.startswith("/arxiv/html/")


class FaultInjector:
    """Decides, per request, whether and how the recorded answer is spoiled (see module doc)."""

    def __init__(self, plan: FaultPlan) -> None:
        self.plan = plan
        self._lock = threading.Lock()
        self.attempts: Counter[str] = Counter()  # path -> requests seen
        self._in_a_row: Counter[str] = Counter()  # path -> faults given in a row
        self.injected: Counter[str] = Counter()  # kind -> faults given

    def choose(self, path: str, reply: Reply) -> tuple[str | None, int]:
        """The fault for this attempt of `path` (None: the recorded answer) and a variant number."""
        fitting = [k for k in FAULT_KINDS if self.plan.rates.get(k) and _fits(k, path, reply)]
        with self._lock:
            self.attempts[path] += 1
            attempt = self.attempts[path]
            kind = None
            if fitting and self._in_a_row[path] < self.plan.max_consecutive:
                roll = _draw(self.plan.seed, path, attempt, "kind") / 2**64
                edge = 0.0
                for candidate in fitting:
                    edge += self.plan.rates[candidate]
                    if roll < edge:
                        kind = candidate
                        break
            self._in_a_row[path] = self._in_a_row[path] + 1 if kind else 0
            if kind:
                self.injected[kind] += 1
        return kind, _draw(self.plan.seed, path, attempt, "variant")

    def spoil(self, path: str, reply: Reply, store: FixtureStore) -> Reply:
        kind, variant = self.choose(path, reply)
        if self.plan.delay:
            reply = replace(reply, wait=reply.wait + self.plan.delay)
        if kind is None:
            return reply
        body, at = reply.body, _cut(len(reply.body), variant)
        if kind == "429":
            low, high = self.plan.retry_after
            wait = str(low + variant % (high - low + 1))
            return Reply(
                429,
                b"Too Many Requests (injected)",
                headers={"Retry-After": wait},
                fault=kind,
                wait=reply.wait,
            )
        if kind == "5xx":
            status = (500, 502, 503)[variant % 3]
            return Reply(status, f"injected HTTP {status}".encode(), fault=kind, wait=reply.wait)
        if kind == "reset":
            return Reply(0, reset=True, fault=kind, wait=reply.wait)
        if kind == "slow":
            return replace(reply, wait=reply.wait + self.plan.slow_seconds, fault=kind)
        if kind == "truncate":
            return replace(reply, body=body[:at], fault=kind)
        if kind == "dataloss":
            return replace(reply, body=body[:at], declared_length=len(body), fault=kind)
        if kind in ("badjson", "badxml"):
            junk = _JSON_JUNK if kind == "badjson" else _XML_JUNK
            return replace(reply, body=body[:at] + junk + body[at:], fault=kind)
        paper = urlsplit(path).path.split("/arxiv/html/", 1)[1]
        return Reply(200, store.no_html_stub(paper), "text/html; charset=utf-8", fault=kind, wait=reply.wait)

    def report(self) -> dict:
        with self._lock:
            return {
                "seed": self.plan.seed,
                "rates": dict(self.plan.rates),
                "max_consecutive": self.plan.max_consecutive,
                "injected": dict(sorted(self.injected.items())),
                "injected_total": sum(self.injected.values()),
                "requests": sum(self.attempts.values()),
                "paths": len(self.attempts),
            }


def _safe_relative(rel: str) -> bool:
    """A relative name that stays where it is put: no `..` part, not absolute, no NUL or backslash."""
    if not rel or "\x00" in rel or "\\" in rel or rel.startswith("/"):
        return False
    return ".." not in rel.split("/")


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


class FixtureStore:
    """Finds recorded responses by URL in one or more fixture folders (first one wins)."""

    def __init__(
        self,
        folders: Iterable[Path],
        robots: bytes | None = None,
        faults: dict[str, list[dict]] | None = None,
        fault_plan: FaultPlan | None = None,
        page_cap: int | None = None,
    ) -> None:
        self.folders = [Path(f) for f in folders if f]
        # A server may cap the page size below the `limit` asked for; paging must survive it.
        self.page_cap = page_cap
        self.robots = robots
        # Scripted faults: request path (with query) -> replies to give, in order, before the
        # recorded one, e.g. {"/hf/api/daily_papers?date=D": [{"status": 429,
        # "headers": {"Retry-After": "1"}}]}.
        self.faults = {path: list(replies) for path, replies in (faults or {}).items()}
        self._fault_lock = threading.Lock()
        self.scripted_served = 0
        self.injector = FaultInjector(fault_plan) if fault_plan is not None else None
        self._atom_entries: dict[str, etree._Element] | None = None
        self._stub_head: tuple[bytes, bytes] | None = None

    def find(self, *relative: str) -> Path | None:
        """The first recorded file of these relative names. Names come from the request (a date, a
        paper id), so only files inside a fixture folder are ever served: no `..`, no absolute path,
        no symlink out."""
        for folder in self.folders:
            for rel in relative:
                if not _safe_relative(rel):
                    continue
                path = folder / rel
                if path.is_file() and _inside(path, folder):
                    return path
        return None

    def glob(self, pattern: str) -> list[Path]:
        if not _safe_relative(pattern):
            return []
        seen: dict[str, Path] = {}
        for folder in self.folders:
            for path in sorted(folder.glob(pattern)):
                if _inside(path, folder):
                    seen.setdefault(path.name, path)
        return sorted(seen.values(), key=lambda p: p.name)

    # -- routing -----------------------------------------------------------------------------

    def reply(self, raw_path: str) -> Reply:
        with self._fault_lock:
            scripted = self.faults.get(raw_path)
            fault = scripted.pop(0) if scripted else None
            if fault is not None:
                self.scripted_served += 1
        if fault is not None:
            return Reply(
                int(fault["status"]),
                fault.get("body", "").encode(),
                headers=dict(fault.get("headers", {})),
                fault="scripted",
                unframed=bool(fault.get("unframed")),
            )
        reply = self.recorded(raw_path)
        if self.injector is not None and urlsplit(raw_path).path not in NEVER_FAULTED:
            reply = self.injector.spoil(raw_path, reply, self)
        return reply

    def fault_report(self) -> dict:
        """Faults served so far: scripted ones and, by kind, injected ones."""
        report = (
            self.injector.report() if self.injector is not None else {"injected": {}, "injected_total": 0}
        )
        with self._fault_lock:
            report["scripted"] = self.scripted_served
        return report

    def no_html_stub(self, paper: str) -> bytes:
        """arXiv's answer for a paper without an HTML rendering: the real capture
        arxiv_stub/2601.17668_no-html-stub_2026-01or02.html (`<h1>No HTML for '2601.17668'</h1>`,
        sources.md §5) with the asked-for paper (`paper`, as in the URL) in place of 2601.17668."""
        if self._stub_head is None:
            real = self.find("arxiv_stub/2601.17668_no-html-stub_2026-01or02.html")
            page = real.read_bytes() if real else b"<html><h1>No HTML for '2601.17668'</h1></html>"
            # the id appears only in the h1; split there so the paper can be put in between
            before, _, after = page.partition(b"No HTML for '2601.17668'")
            self._stub_head = (before + b"No HTML for '", b"'" + after)
        before, after = self._stub_head
        return before + paper.encode("utf-8", "replace") + after

    def recorded(self, raw_path: str) -> Reply:
        parts = urlsplit(raw_path)
        path, query = parts.path.rstrip("/") or "/", parse_qs(parts.query)
        if path == "/robots.txt":
            return Reply(200, self.robots) if self.robots is not None else Reply(404, b"no robots")
        if path == "/hf/api/daily_papers":
            return self._daily_api(query)
        if path == "/hf/papers" or path.startswith("/hf/papers/date/"):
            day = path.rsplit("/", 1)[1] if "/date/" in path else next(iter(query.get("date") or []), None)
            return self._listing(day)
        if path.startswith("/arxiv/html/"):
            return self._html(path.split("/arxiv/html/", 1)[1])
        if path.startswith("/arxiv/abs/"):
            return self._abs(path.split("/arxiv/abs/", 1)[1])
        if path in ("/export/api/query", "/arxiv/api/query"):
            return self._atom(query)
        return Reply(404, b"not recorded")

    def _file(self, rel: str, content_type: str) -> Reply:
        found = self.find(rel)
        if found is None:
            return Reply(404, b"not recorded")
        return Reply(200, found.read_bytes(), f"{content_type}; charset=utf-8")

    def _daily_api(self, query: dict[str, list[str]]) -> Reply:
        """HF's paging rules (docs/sources.md §2): `limit` is the page size, default 50, at most 100
        (more: HTTP 400); `p` is the page number, 0-based. A page past the end is `[]`."""
        json_type = "application/json; charset=utf-8"
        try:
            limit = int((query.get("limit") or ["50"])[0])
            page = int((query.get("p") or ["0"])[0])
        except ValueError:
            return Reply(400, b'{"error":"limit and p must be integers"}', json_type)
        if not 1 <= limit <= 100 or page < 0:
            return Reply(400, b'{"error":"limit must be between 1 and 100, p at least 0"}', json_type)
        day = next(iter(query.get("date") or []), None)
        if day is None:
            latest = self.glob("hf_daily_api/default-endpoint_*_raw.json")
            if not latest:
                return Reply(404, b"no undated capture")
            found: Path | None = latest[-1]
        else:
            # The undated capture is that day's list too (its name carries the day).
            found = self.find(f"hf_daily_api/{day}.json", f"hf_daily_api/default-endpoint_{day}_raw.json")
        body = found.read_bytes() if found else b"[]"
        return Reply(200, _page_of(body, min(limit, self.page_cap or limit), page), json_type)

    def _listing(self, day: str | None) -> Reply:
        if day is None:
            pages = self.glob("hf_daily_html/*.html")
            if not pages:
                return Reply(404, b"no listing capture")
            return Reply(200, pages[-1].read_bytes(), "text/html; charset=utf-8")
        # A day's page, else its newest recorded capture (`papers-date-D_captured-….html`).
        captures = self.glob(f"hf_daily_html/papers-date-{day}_captured-*.html")
        found = self.find(f"hf_daily_html/{day}.html") or (captures[-1] if captures else None)
        if found is None:
            return Reply(302, b"", headers={"Location": "/hf/papers"})
        return Reply(200, found.read_bytes(), "text/html; charset=utf-8")

    def _html(self, paper: str) -> Reply:
        if re.search(r"v\d+$", paper):
            return self._file(f"arxiv_html/{paper.replace('/', '_')}.html", "text/html")
        # Unversioned: arXiv serves the latest version; we serve the highest version recorded.
        # (recordings named with a suffix after the version, e.g. `<id>v7_oxide….html`, are not
        # served by URL: only `<id>v<N>.html`)
        versions = [
            p
            for p in self.glob(f"arxiv_html/{paper.replace('/', '_')}v*.html")
            if VERSION_NAME.search(p.name)
        ]
        pages = sorted(versions, key=lambda p: int(VERSION_NAME.findall(p.name)[0]))
        if not pages:
            return Reply(404, b"not recorded")
        return Reply(200, pages[-1].read_bytes(), "text/html; charset=utf-8")

    def _abs(self, versioned: str) -> Reply:
        bare = re.sub(r"v\d+$", "", versioned).replace("/", "_")
        pages = self.glob(f"arxiv_abs/{bare}_captured-*.html")
        if not pages:
            return Reply(404, b"not recorded")
        return Reply(200, pages[-1].read_bytes(), "text/html; charset=utf-8")

    # -- the arXiv API -----------------------------------------------------------------------

    def _atom(self, query: dict[str, list[str]]) -> Reply:
        atom_type = "application/atom+xml; charset=utf-8"
        ids = [i for i in ",".join(query.get("id_list") or []).split(",") if i]
        if not ids:
            return Reply(400, b"only id_list queries are recorded")
        exact = None
        if len(ids) <= 2:  # the recorded single-query captures are named after their ids
            name = "_".join(i.replace("/", "_") for i in ids)
            exact = self.find(*(f"arxiv_api/idlist_{name}{s}.xml" for s in ("", "_empty", "_oldstyle")))
        if exact is not None:
            return Reply(200, exact.read_bytes(), atom_type)
        if any(not VERSIONED_ARXIV_ID.match(i) for i in ids):
            error = self.find("arxiv_api/idlist_abc_http400_error.xml")
            return Reply(400, error.read_bytes() if error else b"", atom_type)
        return Reply(200, self._assembled_feed(ids), atom_type)

    def _entries(self) -> dict[str, etree._Element]:
        if self._atom_entries is None:
            index: dict[str, etree._Element] = {}
            for path in self.glob("arxiv_api/*.xml"):
                root = etree.fromstring(path.read_bytes())
                for entry in root.iter(f"{{{ATOM}}}entry"):
                    entry_id = entry.findtext(f"{{{ATOM}}}id") or ""
                    match = re.search(r"/abs/(.+?)(v\d+)?$", entry_id)
                    if match:
                        index.setdefault(match.group(1), entry)
                        index.setdefault(match.group(1) + (match.group(2) or ""), entry)
            self._atom_entries = index
        return self._atom_entries

    def _assembled_feed(self, ids: list[str]) -> bytes:
        head_file = self.find("arxiv_api/idlist_1707.08567.xml")
        root = (
            etree.fromstring(head_file.read_bytes())
            if head_file
            else etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM, "opensearch": OPENSEARCH})
        )
        for entry in root.findall(f"{{{ATOM}}}entry"):
            root.remove(entry)
        found = [copy.deepcopy(self._entries()[i]) for i in ids if i in self._entries()]
        total = root.find(f"{{{OPENSEARCH}}}totalResults")
        if total is not None:
            total.text = str(len(found))
        root.extend(found)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _page_of(body: bytes, limit: int, page: int) -> bytes:
    """Page `page` of a recorded list answer. A list that fits on page 0 is served byte for byte;
    a body that is no JSON list (a derived malformed answer) is served whole as page 0."""
    try:
        entries = json.loads(body)
    except ValueError:
        entries = None
    if not isinstance(entries, list):
        return body if page == 0 else b"[]"
    if page == 0 and len(entries) <= limit:
        return body
    chunk = entries[page * limit : (page + 1) * limit]
    return json.dumps(chunk, ensure_ascii=False, separators=(",", ":")).encode()


class ReplayServer(ThreadingHTTPServer):
    # socketserver's listen backlog is 5; a burst of new connections beyond it has SYNs dropped and
    # retransmitted a second later, which a client with a short timeout sees as a connect timeout.
    request_queue_size = 128
    daemon_threads = True


def make_handler(
    store: FixtureStore, log_path: Path | None, lock: threading.Lock
) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            if urlsplit(self.path).path == "/_faults":
                report = json.dumps(store.fault_report(), sort_keys=True).encode()
                self._answer(Reply(200, report, "application/json; charset=utf-8"))
                return
            try:
                reply = store.reply(self.path)
            except Exception as exc:  # a replay bug must show up as a 500, not a dropped connection
                reply = Reply(500, f"replay server error: {exc!r}".encode())
            if log_path is not None:
                with lock, open(log_path, "a", encoding="utf-8") as log:
                    line = {
                        "path": self.path,
                        "status": reply.status,
                        "t": time.time(),
                        "ua": self.headers.get("User-Agent"),
                    }
                    if reply.fault:
                        line["fault"] = reply.fault
                    log.write(json.dumps(line) + "\n")
            if reply.wait:
                time.sleep(reply.wait)
            if reply.reset:
                self._reset()
            else:
                self._answer(reply)

        def _answer(self, reply: Reply) -> None:
            length = len(reply.body) if reply.declared_length is None else reply.declared_length
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                if reply.unframed:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                else:
                    self.send_header("Content-Length", str(length))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (e.g. timed out)
                self.close_connection = True
            if reply.declared_length is not None:
                self.close_connection = True  # end the body early: the client sees data loss

        def _reset(self) -> None:
            # SO_LINGER with a zero timeout makes close() send a TCP RST instead of a FIN.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass  # the JSON log replaces stderr chatter

    return Handler


def serve(
    fixtures: list[Path],
    port: int = 0,
    host: str = "127.0.0.1",
    log_path: Path | None = None,
    robots: bytes | None = None,
    faults: dict[str, list[dict]] | None = None,
    fault_plan: FaultPlan | None = None,
    page_cap: int | None = None,
) -> ThreadingHTTPServer:
    """Start the server in a background thread and return it (`server.server_address`; its
    `store.fault_report()` counts the faults served)."""
    store = FixtureStore(fixtures, robots, faults, fault_plan, page_cap)
    server = ReplayServer((host, port), make_handler(store, log_path, threading.Lock()))
    server.store = store  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def replay_settings(base: str) -> dict[str, str]:
    """The settings that point the spider at a replay server running at `base`."""
    return {
        "HFPAPERS_HF_BASE": f"{base}/hf",
        "HFPAPERS_ARXIV_BASE": f"{base}/arxiv",
        "HFPAPERS_ARXIV_API": f"{base}/export/api/query",
        "HFPAPERS_LISTING_PATH": "/papers?date={date}",
    }


def _fault_rates_arg(text: str) -> dict[str, float]:
    try:
        return parse_fault_rates(text)
    except ValueError as exc:  # argparse shows the message of this type only
        raise argparse.ArgumentTypeError(str(exc)) from None


def _seconds_range(text: str) -> tuple[int, int]:
    low, _, high = text.partition("-")
    if not (low.isdigit() and (high or low).isdigit()):
        raise argparse.ArgumentTypeError(f"{text!r} is not a range of seconds such as 0-1")
    bounds = (int(low), int(high or low))
    if bounds[1] < bounds[0]:
        raise argparse.ArgumentTypeError(f"{text!r} is not a range of seconds such as 0-1")
    return bounds


# The recordings of this repository, wherever the server is started from.
REPO_FIXTURES = Path(__file__).resolve().parents[3] / "tests" / "fixtures"


def _fail(message: str) -> NoReturn:
    print(f"replay: error: {message}", file=sys.stderr)
    sys.exit(2)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--fixtures", type=Path, default=REPO_FIXTURES, help=f"recorded responses (default: {REPO_FIXTURES})"
    )
    parser.add_argument("--overlay", type=Path, action="append", default=[])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--log", type=Path)
    parser.add_argument("--robots", type=Path, help="serve this file as /robots.txt")
    parser.add_argument("--faults", type=Path, help="JSON: request path -> replies to give first")
    parser.add_argument("--seed", type=int, default=0, help="seed of the injected faults")
    parser.add_argument(
        "--fault-rate",
        type=_fault_rates_arg,
        default={},
        help="KIND=RATE,…  with KIND one of " + ", ".join(FAULT_KINDS),
    )
    parser.add_argument(
        "--max-consecutive-faults",
        type=int,
        default=2,
        help="faults in a row for one path, at most (default 2)",
    )
    parser.add_argument(
        "--retry-after",
        type=_seconds_range,
        default=(0, 1),
        help="Retry-After seconds of an injected 429, e.g. 0-1 (default)",
    )
    parser.add_argument(
        "--slow-seconds", type=float, default=3.0, help="how late a `slow` fault answers (default 3)"
    )
    parser.add_argument("--delay", type=float, default=0.0, help="seconds added to every answer")
    args = parser.parse_args(argv)
    # Without its recordings the server would answer `[]` to everything and a crawl would look
    # like a run of empty days: refuse instead, with one line.
    for folder in [args.fixtures, *args.overlay]:
        if not folder.is_dir():
            _fail(f"fixtures folder {folder} does not exist (run from the repository, or give --fixtures)")
    kinds = ("hf_daily_api", "hf_daily_html", "arxiv_html")
    if not any((args.fixtures / kind).is_dir() for kind in kinds):
        _fail(f"{args.fixtures} holds no recorded responses (none of {', '.join(kinds)})")
    robots = args.robots.read_bytes() if args.robots else None
    faults = json.loads(args.faults.read_text()) if args.faults else None
    plan = None
    if args.fault_rate or args.delay:
        plan = FaultPlan(
            args.fault_rate,
            args.seed,
            args.max_consecutive_faults,
            args.retry_after,
            args.slow_seconds,
            args.delay,
        )
    try:
        server = serve([*args.overlay, args.fixtures], args.port, args.host, args.log, robots, faults, plan)
    except OSError as exc:
        _fail(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc} (try another --port)")
    base = f"http://{args.host}:{server.server_address[1]}"
    flags = " ".join(f"-s {k}='{v}'" for k, v in replay_settings(base).items())
    print(
        f"replaying {args.fixtures} at {base}\n  scrapy crawl hfpapers -a date=2024-08-01 {flags}", flush=True
    )
    if plan is not None:
        print(f"  injecting faults {plan.rates} (seed {plan.seed}); counts at {base}/_faults", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.shutdown()


if __name__ == "__main__":
    main()
