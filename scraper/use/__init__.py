"""What users run on the written data: `dataset` (`load()`), `digest`, `release`, `demo` and
`parse_answer` (`hfpapers-parse`, a saved answer through the parsers)."""
