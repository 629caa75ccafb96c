"""Item pipelines, in the order they run (settings.ITEM_PIPELINES):
normalize -> validate -> dedupe -> write (the Parquet writer). Each does one thing."""
