"""Item pipelines: normalize -> validate -> dedupe -> Parquet writer."""
