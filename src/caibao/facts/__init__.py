"""Facts: the model of one reported number, the DuckDB store, and the sources that feed it."""

from caibao.facts.model import Fact, Period

__all__ = ["Fact", "Period"]
