"""`hfpapers-rebuild`: every table derived again from the web archive (scraper/store/archive/), offline.

* `units` — what is replayed: each listing day's archived crawls, in the order they ran;
* `worker` — a process replaying days through the real spider, judge and writer;
* `cli` — the command: days to do, worker processes, progress, resume, run report.
"""
