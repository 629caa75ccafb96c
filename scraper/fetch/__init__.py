"""The crawl side: everything between Scrapy's engine and the sites, one job per module.

Checked before any request: `preflight` (settings, data folder, the folder lock).
Downloader middlewares: `retry_after` (Retry-After, back-off, unreachable hosts), `body_checks`
(whole bodies only), `cache_policy` (versioned arXiv pages cached for good).
Extensions: `crawl_delay` (robots.txt Crawl-delay), `run_report` (the JSON report of every run).
The job's memory: `journal` (finished days), `scheduler` (queue in memory). `failures` says why a
request failed in one line; `stats` names the crawl's own stats.
"""
