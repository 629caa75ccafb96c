"""Scrapy spiders: they schedule requests and route responses to parsers; no parsing here."""
