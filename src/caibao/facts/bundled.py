"""The datasets that ship inside the package, so caibao works offline from a fresh install."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Dataset:
    file: str
    ticker: str
    cik: str
    name: str
    fiscal_year_end: str

    def data(self) -> bytes:
        return resources.files("caibao.facts").joinpath("data", self.file).read_bytes()


@cache
def datasets() -> tuple[Dataset, ...]:
    text = resources.files("caibao.facts").joinpath("data/datasets.toml").read_text(encoding="utf-8")
    return tuple(Dataset(**spec) for spec in tomllib.loads(text)["dataset"])
