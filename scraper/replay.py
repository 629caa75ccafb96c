"""A replay server: recorded real responses served over HTTP on loopback, so the real spider can run
through Scrapy's real downloader with no network (tests, demos, debugging a parser on old data).

    python -m scraper.replay --fixtures tests/fixtures --port 8765

Routes (one server, one prefix per site; point the HFPAPERS_* base-URL settings at them):

    /hf/api/daily_papers?date=D   hf_daily_api/D.json, or `[]` (HF's answer for a day with no list)
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
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from lxml import etree

ATOM = "http://www.w3.org/2005/Atom"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
ARXIV_ID = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$")


@dataclass
class Reply:
    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


class FixtureStore:
    """Finds recorded responses by URL in one or more fixture folders (first one wins)."""

    def __init__(self, folders: Iterable[Path], robots: bytes | None = None,
                 faults: dict[str, list[dict]] | None = None) -> None:
        self.folders = [Path(f) for f in folders if f]
        self.robots = robots
        # Scripted faults: request path (with query) -> replies to give, in order, before the
        # recorded one, e.g. {"/hf/api/daily_papers?date=D": [{"status": 429,
        # "headers": {"Retry-After": "1"}}]}.
        self.faults = {path: list(replies) for path, replies in (faults or {}).items()}
        self._fault_lock = threading.Lock()
        self._atom_entries: dict[str, etree._Element] | None = None

    def find(self, *relative: str) -> Path | None:
        for folder in self.folders:
            for rel in relative:
                path = folder / rel
                if path.is_file():
                    return path
        return None

    def glob(self, pattern: str) -> list[Path]:
        seen: dict[str, Path] = {}
        for folder in self.folders:
            for path in sorted(folder.glob(pattern)):
                seen.setdefault(path.name, path)
        return sorted(seen.values(), key=lambda p: p.name)

    # -- routing -----------------------------------------------------------------------------

    def reply(self, raw_path: str) -> Reply:
        with self._fault_lock:
            scripted = self.faults.get(raw_path)
            fault = scripted.pop(0) if scripted else None
        if fault is not None:
            return Reply(int(fault["status"]), fault.get("body", "").encode(),
                         headers=dict(fault.get("headers", {})))
        return self.recorded(raw_path)

    def recorded(self, raw_path: str) -> Reply:
        parts = urlsplit(raw_path)
        path, query = parts.path.rstrip("/") or "/", parse_qs(parts.query)
        if path == "/robots.txt":
            return Reply(200, self.robots) if self.robots is not None else Reply(404, b"no robots")
        if path == "/hf/api/daily_papers":
            return self._daily_api(query)
        if path == "/hf/papers" or path.startswith("/hf/papers/date/"):
            day = path.rsplit("/", 1)[1] if "/date/" in path else (query.get("date") or [None])[0]
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
        json_type = "application/json; charset=utf-8"
        day = (query.get("date") or [None])[0]
        if day is None:
            latest = self.glob("hf_daily_api/default-endpoint_*_raw.json")
            if not latest:
                return Reply(404, b"no undated capture")
            return Reply(200, latest[-1].read_bytes(), json_type)
        found = self.find(f"hf_daily_api/{day}.json")
        return Reply(200, found.read_bytes() if found else b"[]", json_type)

    def _listing(self, day: str | None) -> Reply:
        if day is None:
            pages = self.glob("hf_daily_html/*.html")
            if not pages:
                return Reply(404, b"no listing capture")
            return Reply(200, pages[-1].read_bytes(), "text/html; charset=utf-8")
        found = self.find(f"hf_daily_html/{day}.html")
        if found is None:
            return Reply(302, b"", headers={"Location": "/hf/papers"})
        return Reply(200, found.read_bytes(), "text/html; charset=utf-8")

    def _html(self, paper: str) -> Reply:
        if re.search(r"v\d+$", paper):
            return self._file(f"arxiv_html/{paper.replace('/', '_')}.html", "text/html")
        # Unversioned: arXiv serves the latest version; we serve the highest version recorded.
        pages = sorted(self.glob(f"arxiv_html/{paper.replace('/', '_')}v*.html"),
                       key=lambda p: int(re.search(r"v(\d+)\.html$", p.name).group(1)))
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
        if any(not ARXIV_ID.match(i) for i in ids):
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
        root = etree.fromstring(head_file.read_bytes()) if head_file else etree.Element(
            f"{{{ATOM}}}feed", nsmap={None: ATOM, "opensearch": OPENSEARCH})
        for entry in root.findall(f"{{{ATOM}}}entry"):
            root.remove(entry)
        found = [copy.deepcopy(self._entries()[i]) for i in ids if i in self._entries()]
        total = root.find(f"{{{OPENSEARCH}}}totalResults")
        if total is not None:
            total.text = str(len(found))
        root.extend(found)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def make_handler(store: FixtureStore, log_path: Path | None, lock: threading.Lock):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            try:
                reply = store.reply(self.path)
            except Exception as exc:  # a replay bug must show up as a 500, not a dropped connection
                reply = Reply(500, f"replay server error: {exc!r}".encode())
            if log_path is not None:
                with lock, open(log_path, "a", encoding="utf-8") as log:
                    line = {"path": self.path, "status": reply.status, "t": time.time(),
                            "ua": self.headers.get("User-Agent")}
                    log.write(json.dumps(line) + "\n")
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)

        def log_message(self, format: str, *args) -> None:  # noqa: A002
            pass  # the JSON log replaces stderr chatter

    return Handler


def serve(fixtures: list[Path], port: int = 0, host: str = "127.0.0.1",
          log_path: Path | None = None, robots: bytes | None = None,
          faults: dict[str, list[dict]] | None = None) -> ThreadingHTTPServer:
    """Start the server in a background thread and return it (`server.server_address`)."""
    store = FixtureStore(fixtures, robots, faults)
    server = ThreadingHTTPServer((host, port), make_handler(store, log_path, threading.Lock()))
    server.daemon_threads = True
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixtures", type=Path, default=Path("tests/fixtures"))
    parser.add_argument("--overlay", type=Path, action="append", default=[])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--log", type=Path)
    parser.add_argument("--robots", type=Path, help="serve this file as /robots.txt")
    parser.add_argument("--faults", type=Path, help="JSON: request path -> replies to give first")
    args = parser.parse_args(argv)
    robots = args.robots.read_bytes() if args.robots else None
    faults = json.loads(args.faults.read_text()) if args.faults else None
    server = serve([*args.overlay, args.fixtures], args.port, args.host, args.log, robots, faults)
    base = f"http://{args.host}:{server.server_address[1]}"
    flags = " ".join(f"-s {k}='{v}'" for k, v in replay_settings(base).items())
    print(f"replaying {args.fixtures} at {base}\n  scrapy crawl hfpapers -a date=2024-08-01 {flags}",
          flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.shutdown()


if __name__ == "__main__":
    main()
