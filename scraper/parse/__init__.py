"""Page parsers: plain functions from response bytes (+ URL) to records (dicts keyed by schema columns).

One module per source page kind. None of them imports Scrapy, so every parser is testable on a
saved file and usable from `hfpapers-parse`.
"""
