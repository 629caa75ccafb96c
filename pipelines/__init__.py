"""Item pipelines: normalize -> validate -> dedupe -> Parquet writer; plus `load()` for analysts and
the Hub release (`pipelines.release`)."""

from pipelines.load import NoDataError, load

__all__ = ["NoDataError", "load"]
