"""Names of the stats the crawl keeps (Scrapy's stats collector; every run report lists them), and of
Scrapy's own that it reads, in one place: the spider, the middlewares, the pipelines and the run
report all take them from here."""

# -- listing days ----------------------------------------------------------------------------------
DAYS_FAILED = "hfpapers/days_failed"  # days that could not be fetched, trusted or written: exit 1
INTERNAL_ERRORS = "hfpapers/internal_errors"  # unexpected exceptions in callbacks and pipelines
# arXiv requests that failed for good (after retries): their day is written without that page, and
# the crawl exits 1 all the same, since something could not be fetched
REQUESTS_FAILED = "hfpapers/requests_failed"
FIRST_FAILED_REQUEST = "hfpapers/first_failed_request"  # "URL: cause", for the last line on stderr
DAYS_WRITTEN = "hfpapers/days_written"  # days whose partitions were written (not days without a list)
DAYS_EMPTY = "hfpapers/days_empty"  # days without a list
DAYS_RESUMED = "hfpapers/days_resumed"  # days an earlier run of the job had finished
LATEST_DAY = "hfpapers/latest_day"  # the day an undated crawl learned
REFRESH_DAYS = "hfpapers/refresh_days"  # how many days before it were crawled again

# -- lists -----------------------------------------------------------------------------------------
PAPERS_LISTED = "hfpapers/papers_listed"
PAPERS_LEFT_LIST = "hfpapers/papers_left_list"  # written before, no longer on their day's list
LIST_ENTRIES_REPEATED = "hfpapers/list_entries_repeated"  # an entry a previous page already had

# -- arXiv -----------------------------------------------------------------------------------------
ARXIV_API_MISSING = "hfpapers/arxiv_api_missing"  # ids the arXiv API had no entry for
PAGES_KEPT = "hfpapers/pages_kept"  # papers whose day held their page's rows already: not fetched

# -- requests and answers --------------------------------------------------------------------------
UNREACHABLE_HOSTS = "hfpapers/unreachable_hosts"
UNREACHABLE_REQUESTS = "hfpapers/unreachable_requests"
# Back-off and Retry-After (scraper/fetch/retry_after.py), beside Scrapy's own `retry/` stats
BACKOFFS = "retry/backoff_count"
BACKOFF_SECONDS = "retry/backoff_seconds"
RETRY_AFTER_HONOURED = "retry/retry_after_honoured"
RETRY_AFTER_TOO_LONG = "retry/retry_after_too_long"
CACHE_REFRESHED = "httpcache/refresh"  # cached answers that failed the body check, fetched again
# Scrapy's own, read by the run report
SCRAPY_RETRIES = "retry/count"
SCRAPY_RETRIES_BY_REASON = "retry/reason_count/"  # + reason
SCRAPY_RETRIES_GIVEN_UP = "retry/max_reached"
SCRAPY_STATUSES = "downloader/response_status_count/"  # + HTTP status
SCRAPY_EXCEPTIONS = "downloader/exception_type_count/"  # + exception type
SCRAPY_ELAPSED = "elapsed_time_seconds"
SCRAPY_ITEMS_SCRAPED = "item_scraped_count"
SCRAPY_ITEMS_DROPPED = "item_dropped_count"

# -- the web archive (scraper/fetch/archive_recorder.py) and its replay (archive_replay.py) --------
ARCHIVE_ANSWERS = "hfpapers/archive/answers"
ARCHIVE_FAILURES = "hfpapers/archive/failures"
REPLAY = "hfpapers/replay/"  # + answers | missing | damaged

# Families of stats, one per value of what follows the prefix.
BODY_CHECK = "hfpapers/body_check/"  # + truncated_body | malformed_body
CRAWL_DELAY = "hfpapers/crawl_delay/"  # + host
FULLTEXT = "hfpapers/fulltext/"  # + fulltext status (abs_<status> for the abs fallback)
REJECTS = "hfpapers/rejects/"  # + reject reason
RESPONSES = "hfpapers/responses/"  # + kind (hf_list, arxiv_api, arxiv_html, arxiv_abs)[/cached]
SENT = "hfpapers/sent/"  # + host: requests that went out on the network (retries and robots.txt too)
CACHE_HITS = "hfpapers/cache_hits/"  # + host: requests the HTTP cache (the archive) answered
ROWS = "hfpapers/rows/"  # + table
