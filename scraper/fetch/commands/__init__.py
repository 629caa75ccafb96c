"""Project commands (COMMANDS_MODULE): `crawl` is Scrapy's, with checked arguments and exit codes."""
