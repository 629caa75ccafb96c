"""Custom signals. `day_completed` is sent by the spider once every request of a listing day is
done (the engine went idle); the Parquet writer then packs that day's partitions atomically."""

day_completed = object()  # kwargs: listing_date: date
# kwargs: listing_date: date | None, reason: str, filed_under: date | None, rejects: list[Reject]
# (why the day failed, where no callback could yield it: an exception, a failed write)
day_failed = object()
# Sent just before day_completed / day_failed: the web archive finishes the day's file (a written day
# always has its archive). kwargs: listing_date: date, outcome: "read" | "failed", reason: str,
# requested: "date" | "latest" (how the day's list was asked for).
day_closing = object()
