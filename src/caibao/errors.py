"""The one exception type the CLI turns into a one-line message and a non-zero exit."""


class CaibaoError(Exception):
    """A user-facing error: the message names the file, line or field at fault."""


class IngestError(CaibaoError):
    """Input rejected before anything was written to the store."""
