"""The one error type every parser raises for input it cannot turn into records."""


class ParseError(ValueError):
    """A response body that a parser cannot turn into records.

    `kind` names the parser (e.g. ``hf_daily_api``), `reason` is a short machine-friendly cause
    (``invalid_json``, ``not_a_list``, ``conversion_failed``…), `url` is where the bytes came from.
    """

    def __init__(self, kind: str, reason: str, detail: str = "", url: str = "") -> None:
        self.kind = kind
        self.reason = reason
        self.detail = detail
        self.url = url
        where = f" ({url})" if url else ""
        extra = f": {detail}" if detail else ""
        super().__init__(f"{kind}: {reason}{extra}{where}")
