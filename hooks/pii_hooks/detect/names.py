"""Person names by value: given names and surnames from public frequency lists.

A column whose values are mostly ``Given Surname`` pairs is a column of
people whatever its header says.  The list (``data/names.txt.gz``: one
lower-case token a line, with a kind marker) is compact and multilingual.
"""
from __future__ import annotations

import functools
import gzip
import importlib.resources
import re

_TOKEN = re.compile(r"^[^\W\d_][^\W\d_'’.\-]*(?:['’\-][^\W\d_]+)*\.?$")
_LOWER_PARTICLES = frozenset({'de', 'da', 'del', 'der', 'di', 'van', 'von', 'la', 'le', 'du',
                              'dos', 'das', 'y', 'e', 'bin', 'al', 'ter', 'den'})


@functools.lru_cache(maxsize=1)
def name_lists() -> tuple[frozenset[str], frozenset[str]]:
    """(given names, surnames), lower-case."""
    resource = importlib.resources.files('pii_hooks.detect').joinpath('data/names.txt.gz')
    given: set[str] = set()
    family: set[str] = set()
    with resource.open('rb') as raw, gzip.open(raw, 'rt', encoding='utf-8') as lines:
        for line in lines:
            kind, _, token = line.rstrip('\n').partition('\t')
            (given if kind == 'g' else family).add(token)
    return frozenset(given), frozenset(family)


def looks_like_name(value: str) -> bool:
    """True for 'Jane Doe', 'DOE, Jane', 'María José García-López'; False for 'Blue Widget'."""
    text = value.strip()
    if not 2 <= len(text) <= 60:
        return False
    parts = [p for p in re.split(r'[\s,]+', text) if p]
    if not 1 <= len(parts) <= 5:
        return False
    given, family = name_lists()
    known = 0
    for part in parts:
        low = part.lower().rstrip('.')
        if low in _LOWER_PARTICLES:
            continue
        if not _TOKEN.match(part) or not part[0].isupper():
            return False
        if low in given or low in family or any(
                piece in given or piece in family for piece in low.split('-')):
            known += 1
    return known >= 1 and (len(parts) == 1 or known * 2 >= len(parts) or known >= 2)
