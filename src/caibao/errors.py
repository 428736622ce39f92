"""The one exception type the CLI turns into a one-line message and a non-zero exit."""


class CaibaoError(Exception):
    """A user-facing error: the message names the file, line or field at fault."""


class IngestError(CaibaoError):
    """Input rejected before anything was written to the store."""


class NotFound(CaibaoError):
    """The store holds nothing for what was asked (a company, a period, a kept result)."""


class StoreBusy(CaibaoError):
    """Another process held the store longer than a reader or writer waits for it."""
