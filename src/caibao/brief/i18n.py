"""Words per language: the brief's (brief/data/labels.toml) and the web pages' (web/data/ui.toml).
zh-Hans is made from zh-Hant by OpenCC where a file does not give it."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

import opencc

from caibao.errors import CaibaoError

LANGUAGES = ("zh-Hant", "zh-Hans", "en")


_FILES = {
    "brief": ("caibao.brief", "data/labels.toml"),
    "ui": ("caibao.web", "data/ui.toml"),
    "explain": ("caibao.claims", "data/explain.toml"),
}


@cache
def _labels(source: str = "brief") -> dict:
    package, path = _FILES[source]
    return tomllib.loads(resources.files(package).joinpath(path).read_text(encoding="utf-8"))


@cache
def _to_hans() -> opencc.OpenCC:
    # tw2sp: Taiwan standard to mainland simplified, with mainland phrasing (e.g. 資料 -> 数据).
    return opencc.OpenCC("tw2sp")


def to_hans(text: str) -> str:
    return _to_hans().convert(text)


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise CaibaoError(f"language {lang!r} is not one of {', '.join(LANGUAGES)}")
    return lang


class Words:
    def __init__(self, lang: str, source: str = "brief"):
        self.lang = check_language(lang)
        self.source = source

    def __call__(self, *path: str, **values: object) -> str:
        node = _labels(self.source)
        for key in path:
            try:
                node = node[key]
            except KeyError:
                raise KeyError(f"labels.toml has no entry {'.'.join(path)}") from None
        if self.lang in node:
            template = node[self.lang]
        elif self.lang == "zh-Hans":
            template = to_hans(node["zh-Hant"])
        else:
            raise KeyError(f"labels.toml: {'.'.join(path)} has no {self.lang}")
        return template.format(**values) if values else template

    def has(self, *path: str) -> bool:
        node = _labels(self.source)
        for key in path:
            if key not in node:
                return False
            node = node[key]
        return True

    def member(self, name: str) -> str:
        return self("member", name) if self.has("member", name) else name
