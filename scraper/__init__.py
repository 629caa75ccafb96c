"""hfpapers Scrapy project: settings, spiders, page parsers, schema."""
