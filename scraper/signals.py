"""Custom signals. `day_completed` is sent by the spider once every request of a listing day is
done (the engine went idle); the Parquet writer then packs that day's partitions atomically."""

day_completed = object()  # kwargs: listing_date: date
# kwargs: listing_date: date | None, reason: str, filed_under: date | None, rejects: list[Reject]
# (why the day failed, where no callback could yield it: an exception, a failed write)
day_failed = object()
