"""Sensitive attribute values: does a column's content fit the attribute its header names?

A header ('Sex', 'Nationality', 'Case Status') says what a column should hold; these
functions say whether the values agree, so that value evidence can confirm the header
or, when it contradicts it ('Sex' over 'S'/'M'/'L'/'XL' sizes, 'Religion' over product
codes), win.  The vocabulary is data: ``data/attributes.yaml`` (genders, orientations,
religions, ethnicities, demonyms, immigration and case statuses, health flags and codes in
seven languages) and ``data/countries.txt`` (ISO 3166 names in seven languages and codes,
built by ``benchmarks/build_names.py`` from pycountry).

Answers that fit every attribute ('Unknown', 'Other', 'Declined', 'N/A') are *neutral*:
``attribute_share`` leaves them out of both counts.
"""
from __future__ import annotations

import functools
import importlib.resources
import re
import unicodedata
from collections.abc import Iterable
from typing import NamedTuple

import yaml

_NON_WORD = re.compile(r'[^0-9a-z]+')
_CODE = re.compile(r'^[A-Z]{2,3}$')
_LONGEST = 120          # longer values are free text, not an attribute value


class _Vocabulary(NamedTuple):
    values: frozenset[str]
    words: frozenset[str]
    patterns: tuple[re.Pattern[str], ...]


def _fold(value: str) -> str:
    text = unicodedata.normalize('NFKD', value.strip().lower().replace('ß', 'ss'))
    return ''.join(ch for ch in text if not unicodedata.combining(ch))


def normalise(value: str) -> str:
    """'Non-Binary' -> 'non binary', 'U.S. Citizen' -> 'u s citizen', 'MÉXICO' -> 'mexico'."""
    return ' '.join(_NON_WORD.sub(' ', _fold(value)).split())


def _data(name: str) -> str:
    return importlib.resources.files('pii_hooks.detect').joinpath(f'data/{name}').read_text(
        encoding='utf-8')


@functools.lru_cache(maxsize=1)
def _spec() -> tuple[frozenset[str], dict[str, _Vocabulary]]:
    spec = yaml.load(_data('attributes.yaml'), Loader=getattr(yaml, 'CSafeLoader', yaml.SafeLoader))
    neutral = frozenset(normalise(str(v)) for v in spec['neutral'])
    vocab = {}
    for category, entry in spec['categories'].items():
        vocab[category] = _Vocabulary(
            values=frozenset(normalise(str(v)) for v in entry.get('values', ())),
            words=frozenset(normalise(str(v)) for v in entry.get('words', ())),
            patterns=tuple(re.compile(str(p)) for p in entry.get('patterns', ())))
    return neutral, vocab


@functools.lru_cache(maxsize=1)
def _countries() -> tuple[frozenset[str], frozenset[str]]:
    """(normalised country names, ISO alpha-2 and alpha-3 codes)."""
    names: set[str] = set()
    codes: set[str] = set()
    for line in _data('countries.txt').splitlines():
        kind, _, value = line.partition('\t')
        if kind == 'n':
            names.add(normalise(value))
        elif kind == 'c':
            codes.add(value)
    return frozenset(names), frozenset(codes)


#: The categories whose values these functions can judge.
ATTRIBUTE_CATEGORIES = frozenset({'gender', 'sexual_orientation', 'religion', 'ethnicity',
                                  'nationality', 'immigration_status', 'health'})


def is_neutral(value: str) -> bool:
    """'Unknown', 'N/A', 'Prefer not to say', '' : an answer that fits any attribute."""
    key = normalise(value)
    return not key or key in _spec()[0]


def attribute_value(category: str, value: str) -> bool:
    """True when ``value`` is a value of ``category``: ('gender', 'F'), ('nationality',
    'GUATEMALA'), ('immigration_status', 'Credible fear found').  Unknown category: False."""
    if len(value) > _LONGEST:
        return False
    vocab = _spec()[1].get(category)
    if vocab is None:
        return False
    key = normalise(value)
    if not key:
        return False
    if key in vocab.values:
        return True
    if category == 'nationality':
        names, codes = _countries()
        if key in names or (_CODE.match(value.strip()) and value.strip() in codes):
            return True
    if vocab.words and not vocab.words.isdisjoint(key.split()):
        return True
    plain = _fold(value)
    return any(p.match(plain) for p in vocab.patterns)


def attribute_share(category: str, values: Iterable[str | None]) -> float:
    """Share of the column's informative values that fit ``category`` (0.0 to 1.0).

    Empty and neutral values ('Unknown', 'Declined') are left out; a column with no
    informative value gets 0.0.
    """
    fits = total = 0
    for raw in values:
        if raw is None or is_neutral(raw):
            continue
        total += 1
        fits += attribute_value(category, raw)
    return fits / total if total else 0.0
