"""Names of the crawl's own stats (Scrapy's stats collector; every run report lists them)."""

DAYS_FAILED = "hfpapers/days_failed"  # listing days that could not be fetched or written: exit 1
DAYS_WRITTEN = "hfpapers/days_written"  # listing days whose partitions were written (not empty days)
