"""Header vocabulary: which category a column name points to.

The terms live in ``data/headers.yaml``; this module normalises a header
(case, camelCase, snake_case, punctuation, accents) and looks it up.
"""
from __future__ import annotations

import functools
import importlib.resources
import re
import unicodedata
from typing import NamedTuple

import yaml


class HeaderMatch(NamedTuple):
    category: str            # a finding category, or 'profile' for public-profile columns
    term: str                # the vocabulary term that matched
    ambiguous: bool = False  # the term needs value evidence ('name' of a product)


_CAMEL = re.compile(r'(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])')
_NON_WORD = re.compile(r'[^0-9a-z#]+')


def normalise(header: str) -> str:
    """'First Name', 'first_name', 'firstName', 'FIRST-NAME' -> 'first name'."""
    text = unicodedata.normalize('NFKD', header)
    text = ''.join(ch for ch in text if not unicodedata.combining(ch))
    text = _CAMEL.sub(' ', text).lower()
    return _NON_WORD.sub(' ', text).strip()


@functools.lru_cache(maxsize=1)
def _vocabulary() -> tuple[dict[str, HeaderMatch], ...]:
    raw = importlib.resources.files('pii_hooks.detect').joinpath('data/headers.yaml').read_text(
        encoding='utf-8')
    spec = yaml.safe_load(raw)
    exact: dict[str, HeaderMatch] = {}
    for category, entry in spec['categories'].items():
        for term in entry.get('terms', ()):
            exact[normalise(term)] = HeaderMatch(category, term)
        for term in entry.get('ambiguous', ()):
            exact[normalise(term)] = HeaderMatch(category, term, ambiguous=True)
    return (exact,)


@functools.lru_cache(maxsize=4096)
def classify_header(header: str) -> HeaderMatch | None:
    """The category a column header names, or None."""
    key = normalise(header)
    if not key:
        return None
    (exact,) = _vocabulary()
    hit = exact.get(key)
    if hit is not None:
        return hit
    compact = key.replace(' ', '')
    return exact.get(compact)
