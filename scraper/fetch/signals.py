"""Custom signals the day book (scraper/fetch/day_book.py) sends as it closes a listing day. The
writer is not told by a signal: the day book calls it (scraper/fetch/day_writer.py) and then sends
`day_completed` / `day_failed` for whoever else listens (the dedupe pipeline forgets the day; the
`crawl` command remembers failures for its last line)."""

day_completed = object()  # kwargs: listing_date: date (after the writer wrote it, or failed to)
# kwargs: listing_date: date | None, reason: str, filed_under: date | None, rejects: tuple[Reject, ...],
# supersedes (why the day failed; rejects: those no callback could yield, an exception, a failed write)
day_failed = object()
# Sent before the day is written or dropped: the web archive finishes the day's file (a written day
# always has its archive). kwargs: listing_date: date, outcome: "read" | "failed", reason: str,
# requested: "date" | "latest" (how the day's list was asked for).
day_closing = object()
