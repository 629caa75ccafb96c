"""Hugging Face daily_papers API (`/api/daily_papers?date=…`): JSON array of entries → `papers` records.

Every entry shape from 2024-05 to 2026-08 is handled (sources.md §2); the per-entry mapping is shared
with the listing page's JSON island and the per-paper API. Keys not mapped here are kept in `extra`.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from scraper.parse.arxiv_id import is_arxiv_id
from scraper.parse.errors import ParseError
from scraper.parse.text import parse_iso_datetime

KIND = "hf_daily_api"

# Keys we map (or deliberately ignore, with the reason) at each level; anything else goes to `extra`.
ENTRY_KEYS = {
    "paper",
    "publishedAt",
    "title",
    "summary",
    "thumbnail",
    "mediaUrl",
    "mediaUrls",
    "numComments",
    "submittedBy",
    "organization",
    "submitterOrganization",
    "isAuthorParticipating",
    "upvoted",  # per-viewer flag of the listing page (whether *we* upvoted): not paper data
}
PAPER_KEYS = {
    "id",
    "authors",
    "publishedAt",
    "submittedOnDailyAt",
    "submittedOnDailyBy",
    "title",
    "summary",
    "upvotes",
    "discussionId",
    "projectPage",
    "githubRepo",
    "githubRepoAddedBy",
    "githubStars",
    "ai_summary",
    "ai_keywords",
    "ai_summary_model",
    "mediaUrls",
    "organization",
}


class EntryReject(NamedTuple):
    """A list entry that could not become a row: its id (or ""), why, the entry itself, detail."""

    arxiv_id: str
    reason: str
    raw: Any
    detail: str = ""


@dataclass
class DailyList:
    """A parsed daily list: its listing day, the records, and entries that could not be mapped."""

    listing_date: date | None
    records: list[dict] = field(default_factory=list)
    rejects: list[EntryReject] = field(default_factory=list)


def load_json(body: bytes | str, kind: str, url: str) -> Any:
    """Decode a JSON body or raise ParseError naming the parser and URL. Lone surrogates (from
    `\\ud800`-style escapes, or raw surrogate bytes, which json.loads decodes with surrogatepass) can
    be in no Arrow string: they become U+FFFD."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ParseError(kind, "invalid_json", str(exc)[:200], url) from exc
    except RecursionError as exc:
        raise ParseError(kind, "invalid_json", "nested too deeply", url) from exc
    raw = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    maybe_surrogates = _SURROGATE.search(raw) or b"\x00" in raw[:4]  # (UTF-16/32 JSON: walk it)
    return without_lone_surrogates(data) if maybe_surrogates else data


# A surrogate escape (\uD800–\uDFFF), or a surrogate encoded as (invalid) UTF-8 bytes.
_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")


def _clean_text(text: str) -> str:
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def without_lone_surrogates(data: Any) -> Any:
    """`data` (decoded JSON) with every lone surrogate in its strings and keys replaced by U+FFFD
    (walked without recursion: JSON may nest as deep as the decoder allows)."""
    if isinstance(data, str):
        return _clean_text(data)
    if not isinstance(data, (dict, list)):
        return data
    stack: list[dict | list] = [data]
    while stack:
        node = stack.pop()
        items: list[tuple[Any, Any]] = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
        if isinstance(node, dict):
            node.clear()
        for key, value in items:
            if isinstance(value, str):
                value = _clean_text(value)
            elif isinstance(value, (dict, list)):
                stack.append(value)
            if isinstance(node, dict):
                node[_clean_text(key) if isinstance(key, str) else key] = value
            else:
                node[key] = value
    return data


def daily_api_entries(body: bytes, url: str = "") -> list:
    """The entries of one daily_papers answer (one page of a day's list), not yet mapped."""
    data = load_json(body, KIND, url)
    if not isinstance(data, list):
        raise ParseError(KIND, "not_a_list", f"top level is {type(data).__name__}", url)
    return data


def parse_daily_api(body: bytes, url: str = "", listing_date: date | None = None) -> DailyList:
    """Parse a daily_papers response. `listing_date` is the day asked for; None (the undated
    endpoint) means the day is inferred from the entries themselves."""
    return entries_to_daily_list(daily_api_entries(body, url), listing_date)


def entries_to_daily_list(entries: list, listing_date: date | None) -> DailyList:
    """Map daily entries (API array or listing-page `dailyPapers`) to records, ranked 1…n."""
    result = DailyList(listing_date=listing_date or infer_listing_date(entries))
    for rank, entry in enumerate(entries, start=1):
        try:
            result.records.append(entry_to_record(entry, rank))
        except ParseError as exc:
            result.rejects.append(EntryReject(_entry_id(entry), exc.reason, entry, exc.detail or ""))
        except Exception as exc:  # a bug meeting an entry it did not foresee: that entry only
            detail = f"{type(exc).__name__}: {exc}"[:500]
            result.rejects.append(EntryReject(_entry_id(entry), "entry_error", entry, detail))
    return result


def _entry_id(entry: Any) -> str:
    if isinstance(entry, dict) and isinstance(entry.get("paper"), dict):
        return str(entry["paper"].get("id") or "")
    return ""


def infer_listing_date(entries: list) -> date | None:
    """The listing day of an undated response: the most common day of `paper.submittedOnDailyAt`,
    or, in shapes before 2025-03 that lack it, of the entry's `publishedAt` (then the moment the paper
    was put on Daily Papers). Never today's date."""
    days: Counter[date] = Counter()
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        paper = _dict(entry.get("paper"))
        stamp = parse_iso_datetime(paper.get("submittedOnDailyAt"))
        if stamp is None and "submittedOnDailyAt" not in paper:
            stamp = parse_iso_datetime(entry.get("publishedAt"))
        if stamp is not None:
            days[stamp.date()] += 1
    return days.most_common(1)[0][0] if days else None


def entry_to_record(entry: Any, rank: int | None = None) -> dict:
    """One daily entry → one `papers` record (columns of scraper.schema.papers, raw text)."""
    if not isinstance(entry, dict):
        raise ParseError(KIND, "entry_not_an_object", type(entry).__name__)
    paper = entry.get("paper")
    if not isinstance(paper, dict):
        raise ParseError(KIND, "entry_without_paper")
    invalid = InvalidValues()
    record = paper_to_record(paper, invalid)
    # Entry-level values win where both levels carry one (the entry is what the list shows).
    org = _dict(entry.get("organization")) or _dict(entry.get("submitterOrganization"))
    if org:
        record["organization"] = _str(org.get("name"))
        record["organization_fullname"] = _str(org.get("fullname"))
    submitter = _dict(entry.get("submittedBy"))
    if submitter:
        record["submitted_by"] = _str(submitter.get("name") or submitter.get("user"))
        record["submitted_by_fullname"] = _str(submitter.get("fullname"))
    if "submittedOnDailyAt" not in paper:
        # Before 2025-03 the entry's publishedAt *was* the moment it was put on Daily Papers;
        # after that it is the arXiv time shifted to US-Eastern, so it is used only in old shapes.
        record["submitted_on_daily_at"] = invalid.stamp("publishedAt", entry.get("publishedAt"))
    record["listing_rank"] = rank
    record["title"] = _str(paper.get("title")) or _str(entry.get("title"))
    record["summary"] = _str(paper.get("summary")) or _str(entry.get("summary"))
    record["num_comments"] = invalid.count("numComments", entry.get("numComments"))
    record["thumbnail"] = _str(entry.get("thumbnail")) or _str(entry.get("mediaUrl"))
    media = entry.get("mediaUrls") if "mediaUrls" in entry else paper.get("mediaUrls")
    record["media_urls"] = _str_list(media)
    record["is_author_participating"] = _bool(entry.get("isAuthorParticipating"))
    extra = json.loads(record["extra"]) if record["extra"] else {}
    extra.update({f"entry.{k}": v for k, v in entry.items() if k not in ENTRY_KEYS})
    record["extra"] = json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else None
    record["invalid_values"] = invalid.as_json()
    return record


def paper_to_record(paper: dict, invalid: InvalidValues | None = None) -> dict:
    """A `paper` object (daily entry's, or the per-paper API's) → a `papers` record. Values that
    cannot be typed (a negative count, a timestamp that is not ISO 8601) are null in their column
    and kept, raw, with the reason, in `invalid_values`."""
    if invalid is None:
        invalid = InvalidValues()
    arxiv_id = paper.get("id")
    if not isinstance(arxiv_id, str) or not arxiv_id.strip():
        raise ParseError(KIND, "paper_without_id")
    if not is_arxiv_id(arxiv_id.strip()):
        # Never a row: the id becomes file and URL paths downstream (`../../x`, `2507.0000\n1`).
        raise ParseError(KIND, "not_an_arxiv_id", repr(arxiv_id)[:200])
    org = _dict(paper.get("organization"))
    by = _dict(paper.get("submittedOnDailyBy"))
    extra = {f"paper.{k}": v for k, v in paper.items() if k not in PAPER_KEYS}
    return {
        "arxiv_id": arxiv_id.strip(),
        "listing_rank": None,
        "title": _str(paper.get("title")),
        "summary": _str(paper.get("summary")),
        "authors": [
            _author(a, f"authors[{i}]", invalid)
            for i, a in enumerate(_list(paper.get("authors")))
            if isinstance(a, dict)
        ],
        "published_at": invalid.stamp("paper.publishedAt", paper.get("publishedAt")),
        "submitted_on_daily_at": invalid.stamp("paper.submittedOnDailyAt", paper.get("submittedOnDailyAt")),
        "submitted_by": _str(by.get("user") or by.get("name")),
        "submitted_by_fullname": _str(by.get("fullname")),
        "organization": _str(org.get("name")),
        "organization_fullname": _str(org.get("fullname")),
        "upvotes": invalid.count("paper.upvotes", paper.get("upvotes")),
        "num_comments": None,
        "github_repo": _str(paper.get("githubRepo")),
        "github_stars": invalid.count("paper.githubStars", paper.get("githubStars")),
        "github_repo_added_by": _str(paper.get("githubRepoAddedBy")),
        "project_page": _str(paper.get("projectPage")),
        "ai_summary": _str(paper.get("ai_summary")),
        "ai_keywords": _str_list(paper.get("ai_keywords")),
        "ai_summary_model": _str(paper.get("ai_summary_model")),
        "thumbnail": None,
        "media_urls": _str_list(paper.get("mediaUrls")),
        "discussion_id": _str(paper.get("discussionId")),
        "is_author_participating": None,
        "extra": json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else None,
        "invalid_values": invalid.as_json(),
    }


def _author(raw: dict, where: str, invalid: InvalidValues) -> dict:
    user = _dict(raw.get("user"))
    return {
        "name": _str(raw.get("name")),
        "hf_user": _str(user.get("user") or user.get("name")),
        "hf_fullname": _str(user.get("fullname")),
        "hidden": _bool(raw.get("hidden")),
        "status": _str(raw.get("status")),
        "status_changed_at": invalid.stamp(f"{where}.statusLastChangedAt", raw.get("statusLastChangedAt")),
        "author_id": _str(raw.get("_id")),
    }


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _str(value: Any) -> str | None:
    if isinstance(value, str):
        return value if value.strip() else None
    return None


#: Counts (upvotes, comments, GitHub stars) are integers in 0 … COUNT_BOUND - 1. The largest real
#: ones are far below (GitHub's most starred repository has under 500,000 stars); a count beyond
#: this is a bad answer, not a popular paper. It also keeps every count inside its int32 column.
COUNT_BOUND = 100_000_000


def as_count(value: Any) -> int | None:
    """A count as an int (`12`, `12.0`, `"12"`), or None when it is not one: a bool, a fraction, a
    negative or too large number, text that is not ASCII digits."""
    number: int | None = None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        number = int(value.strip())  # ASCII only: "²".isdigit() is true, int("²") fails
    return number if number is not None and 0 <= number < COUNT_BOUND else None


class InvalidValues:
    """Values of one entry that could not be typed, kept raw with the reason (never silently
    nulled): they go to the record's `invalid_values` column (JSON) and, through the spider, one
    `rejects` row each."""

    def __init__(self) -> None:
        self.found: dict[str, dict[str, Any]] = {}

    def count(self, where: str, value: Any) -> int | None:
        number = as_count(value)
        if number is None and value is not None:
            self.found[where] = {
                "raw": value,
                "reason": f"not a count (an integer from 0 to {COUNT_BOUND - 1})",
            }
        return number

    def stamp(self, where: str, value: Any) -> datetime | None:
        stamp = parse_iso_datetime(value)
        if stamp is None and value is not None and value != "":
            self.found[where] = {"raw": value, "reason": "not an ISO 8601 timestamp within years 1-9999"}
        return stamp

    def as_json(self) -> str | None:
        return json.dumps(self.found, ensure_ascii=False, sort_keys=True, default=str) if self.found else None


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _str_list(value: Any) -> list[str] | None:
    if not isinstance(value, list):
        return None
    return [v for v in value if isinstance(v, str)]
