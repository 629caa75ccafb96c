"""Scrapy settings for hfpapers. Every hfpapers-specific setting starts with HFPAPERS_."""

import os

from scraper.store import layout

# Arrow's default allocator (jemalloc) keeps freed pages for reuse; a crawl converts a day, writes it
# and lets it go, so the system allocator, which gives them back, keeps the peak lower (a 130-paper
# day with arXiv: about 205 against 237 MB; bench/bench_years.py). Read by pyarrow when it is first
# imported, which a crawl does after loading these settings; an explicit choice in the environment wins.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")

BOT_NAME = "hfpapers"
SPIDER_MODULES = ["scraper.fetch.spiders"]
NEWSPIDER_MODULE = "scraper.fetch.spiders"
COMMANDS_MODULE = "scraper.fetch.commands"

# -- where to fetch from (replay servers and tests point these at loopback) ---------------------
HFPAPERS_HF_BASE = "https://huggingface.co"
HFPAPERS_LISTING_PATH = "/papers/date/{date}"  # the older form is "/papers?date={date}"
HFPAPERS_ARXIV_BASE = "https://arxiv.org"
HFPAPERS_ARXIV_API = "https://export.arxiv.org/api/query"

# -- the lists: HF pages daily_papers (page size ≤ 100, default 50, `p` 0-based; see scraper/fetch/lists.py)
HFPAPERS_LIST_PAGE_SIZE = 100
HFPAPERS_MAX_LIST_PAGES = 30  # a day that goes on longer is not trusted (the largest real day: 73)
HFPAPERS_MAX_LIST_BYTES = 16 * 1024 * 1024  # per list answer; a real 100-entry page is about 0.7 MiB
# An undated crawl (the latest day) also crawls again the N calendar days before it: their lists
# grow and upvotes climb for one to two weeks, and HF takes papers up to 14 days after their arXiv date.
HFPAPERS_REFRESH_DAYS = 14
# A backfill goes in batches of this many days: their lists first, then the arXiv API for all their
# papers in one set of queries (⌈ids/100⌉), then each day's pages, day after day (scraper/fetch/day_book.py).
# An undated crawl's batch is the latest day and its refresh window.
HFPAPERS_BATCH_DAYS = 15

# -- where to write (scraper/store/layout.py: every path in the data folder) ---------------------------
HFPAPERS_DATA_DIR = layout.DEFAULT_DATA_DIR  # read by scraper.store.layout.data_root() only
# Keep every answer in the web archive under <data>/raw/ (scraper/store/archive/): the tables can then be
# derived again offline (hfpapers-rebuild), and versioned arXiv pages are answered from it.
HFPAPERS_ARCHIVE = True

# -- politeness ----------------------------------------------------------------------------------
# Identify the crawler; HFPAPERS_CONTACT (-s, or the environment variable of that name) adds a URL or
# e-mail where you can be reached: `scrapy crawl` puts it into the User-Agent
# (scraper/fetch/commands/crawl.py).
USER_AGENT = "hfpapers/0.1 (+https://github.com/hfpapers/hfpapers; research dataset crawler)"
HFPAPERS_CONTACT = os.environ.get("HFPAPERS_CONTACT", "")
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # ±50% around DOWNLOAD_DELAY (arXiv slots: none)
# arXiv's API terms: at most one request every 3 s, one connection; arxiv.org's robots.txt asks
# for a Crawl-delay (15 s when last seen), which the CrawlDelay extension applies on top of this.
DOWNLOAD_SLOTS = {
    "huggingface.co": {"concurrency": 2, "delay": 1.0},
    "arxiv.org": {"concurrency": 1, "delay": 3.0, "jitter": 0.0},
    "export.arxiv.org": {"concurrency": 1, "delay": 3.0, "jitter": 0.0},
}
HFPAPERS_MAX_CRAWL_DELAY = 60  # seconds; a larger robots.txt Crawl-delay is capped (logged)

# -- cache what never changes: versioned arXiv pages (see scraper/fetch/cache_policy.py), answered
# from the web archive through its index (scraper/fetch/archive_cache.py): one store, not two ----------
HTTPCACHE_ENABLED = True
HTTPCACHE_POLICY = "scraper.fetch.cache_policy.ImmutablePagesPolicy"
HTTPCACHE_STORAGE = "scraper.fetch.archive_cache.ArchiveCacheStorage"
HTTPCACHE_EXPIRATION_SECS = 0
HFPAPERS_MISSING_HTML_TTL = 30 * 86400  # seconds a "no HTML for this version" answer is trusted

# -- arXiv ---------------------------------------------------------------------------------------
HFPAPERS_ARXIV = True  # follow every paper to arXiv (API metadata + HTML full text)
HFPAPERS_ARXIV_BATCH = 100  # ids per arXiv API request (the API's page size)
DOWNLOAD_TIMEOUT = 60

# -- retries: Scrapy's, plus Retry-After / RateLimit honoured and back-off per domain, and every
# body checked whole before a parser sees it (see scraper/fetch/) ----------------------------
RETRY_ENABLED = True
RETRY_TIMES = 4  # retries after the first try: 5 tries in all
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
HFPAPERS_RETRY_AFTER_MAX = 900.0  # seconds; a server asking for longer makes us give up on that request
HFPAPERS_RETRY_BACKOFF_BASE = 1.0  # seconds a domain pauses after a failure without Retry-After; doubles…
HFPAPERS_RETRY_BACKOFF_MAX = 60.0  # …with each failure in a row, up to this
# A host that has never answered in this crawl (scraper/fetch/retry_after.py): its failed connections
# are retried for HFPAPERS_UNREACHABLE_AFTER seconds after its first request; after that its requests
# are tried once each, with HFPAPERS_UNREACHABLE_TIMEOUT, until it answers. Its robots.txt (its first
# request: small, answered at once when the host is up) times out after HFPAPERS_ROBOTS_TIMEOUT.
# Without network a crawl so ends in well under a minute instead of spending every retry on each request.
HFPAPERS_UNREACHABLE_AFTER = 6.0
HFPAPERS_UNREACHABLE_TIMEOUT = 15.0
HFPAPERS_ROBOTS_TIMEOUT = 10.0
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "scraper.fetch.retry_after.RetryAfterMiddleware": 550,
    "scraper.fetch.body_checks.BodyCheckMiddleware": 560,  # after decompression, before retries
    "scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware": None,
    "scraper.fetch.cache_policy.RefreshingHttpCacheMiddleware": 900,
    # Every answer as it came off the wire (before decompression, redirects, body checks and
    # retries), each attempt once; cached answers are not archived again (scraper/fetch/archive_recorder.py).
    "scraper.fetch.archive_recorder.ArchiveRecorder": 895,
}

# -- resume (-s JOBDIR=DIR): the spider's journal of finished days in DIR is the job's memory ------
# Scrapy's disk request queue is not used (a killed crawl leaves it inconsistent, and the day in
# progress is redone from its list anyway); nor is the pickled spider.state (the journal is JSON).
SCHEDULER = "scraper.fetch.scheduler.MemoryQueueScheduler"

# -- an exception in a callback fails its listing day loudly (scraper/fetch/callback_errors.py) ---
SPIDER_MIDDLEWARES = {"scraper.fetch.callback_errors.FailDayOnCallbackError": 50}

# -- pipelines: each does one thing ------------------------------------------------------------
ITEM_PIPELINES = {
    "pipelines.normalize.NormalizePipeline": 100,
    "pipelines.validate.ValidatePipeline": 200,
    "pipelines.dedupe.DedupePipeline": 300,
    "pipelines.write.ParquetWriterPipeline": 900,
}

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
LOG_LEVEL = "INFO"
# No way into a running crawl: the telnet console and Scrapy 2.19's RemoteControl (a localhost HTTP
# server that runs Python for whoever holds its token, which it writes to a file under the user's
# home and leaves behind when the crawl is killed) stay off.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
EXTENSIONS = {
    "scraper.fetch.run_report.RunReport": 500,
    "scraper.fetch.crawl_delay.CrawlDelay": 510,
    "scrapy.extensions.spiderstate.SpiderState": None,  # see "resume" above
}
