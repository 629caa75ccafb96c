"""The data folder and everything in it: `layout` (the one owner of every path), `partitions` (a
table's day as one Parquet file, written atomically), `archive` (the WARC web archive of every
answer), `runs` (run reports), `provenance` (the parser revision) and `files` (fsync helpers)."""
