"""`hfpapers-demo`: the whole crawl, offline, against recorded real answers served on loopback.

`cli` runs it; `replay` is the loopback server that serves the recordings (the tests use it too);
`derived_day` builds the answers derived from real recordings for the demo's arXiv day. The
recordings are the clone's `tests/fixtures/`: the demo runs from a clone, not from an installed wheel.
"""
