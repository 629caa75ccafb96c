"""Custom signals. `day_completed` is sent by the spider once every request of a listing day is
done (the engine went idle); the Parquet writer then packs that day's partitions atomically."""

day_completed = object()  # kwargs: listing_date: date
day_failed = object()  # kwargs: listing_date: date | None, reason: str, filed_under: date | None
