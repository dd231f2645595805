"""Value detectors: a pattern that finds candidates and a validator that confirms them.

A detector is a small declaration (detect-secrets' plugins, Presidio's
recognisers): the patterns live in ``data/patterns.yaml``, the validators here.
A candidate that fails its validator is not a finding: a 9-digit count is not
an SSN, a 16-digit decimal is not a card number.
"""
from __future__ import annotations

import functools
import importlib.resources
from collections.abc import Callable, Iterator
from typing import NamedTuple

import regex
import yaml

from pii_hooks.detect import validators


class ValueContext(NamedTuple):
    """What the column around a value tells us."""

    header_category: str | None = None   # the category the column header names
    region: str | None = None            # a country hint, ISO 3166 alpha-2 ('US')


class ValueHit(NamedTuple):
    category: str
    detector: str
    signal: str = ''                     # 'webmail', 'org-mail', 'mobile', 'public-ip', ...


class Detector(NamedTuple):
    name: str
    category: str
    pattern: regex.Pattern[str]
    validator: Callable[[str, ValueContext], str | None]
    needs_header: tuple[str, ...]       # counts only under a header of one of these categories
    in_text: bool                       # may be searched for inside free text


@functools.lru_cache(maxsize=1)
def detectors() -> tuple[Detector, ...]:
    raw = importlib.resources.files('pii_hooks.detect').joinpath('data/patterns.yaml').read_text(
        encoding='utf-8')
    spec = yaml.safe_load(raw)
    out = []
    for entry in spec['detectors']:
        validator = getattr(validators, entry.get('validator', 'accept'))
        out.append(Detector(
            name=entry['name'],
            category=entry['category'],
            pattern=regex.compile(entry['pattern'], regex.VERSION1 | regex.IGNORECASE
                                  if entry.get('ignore_case') else regex.VERSION1),
            validator=validator,
            needs_header=tuple(entry.get('needs_header', ())),
            in_text=bool(entry.get('in_text', False)),
        ))
    return tuple(out)


@functools.lru_cache(maxsize=1)
def candidate_prefilter() -> regex.Pattern[str]:
    """One pattern any candidate value matches: a cheap gate before the detectors.

    Values that fail it (plain words, short numbers, decimals) skip every detector.
    """
    return regex.compile(r'@|\d[\d\s().+\-/]{5,}\d|[A-Za-z]\d{6,}|\d{6,}|[0-9a-fA-F]{0,4}:[0-9a-fA-F]{0,4}:')


def classify_value(value: str, ctx: ValueContext = ValueContext()) -> ValueHit | None:
    """The category of one whole cell value, or None.

    The whole value is judged: a number inside a longer number is not a hit.
    """
    text = value.strip()
    if len(text) < 5 or len(text) > 100 or not candidate_prefilter().search(text):
        return None
    for det in detectors():
        if det.needs_header and ctx.header_category not in det.needs_header:
            continue
        if det.pattern.fullmatch(text):
            signal = det.validator(text, ctx)
            if signal is not None:
                return ValueHit(det.category, det.name, signal)
    return None


def find_in_text(text: str, ctx: ValueContext = ValueContext()) -> Iterator[tuple[ValueHit, str]]:
    """Hits inside free text (comments, descriptions), with the matched span."""
    if not candidate_prefilter().search(text):
        return
    for det in detectors():
        if not det.in_text or det.needs_header:
            continue
        for m in det.pattern.finditer(text, overlapped=False):
            candidate = m.group(0)
            start, end = m.span()
            # the match must stand alone, not be the middle of a longer token
            if (start and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum()):
                continue
            signal = det.validator(candidate, ctx)
            if signal is not None:
                yield ValueHit(det.category, det.name, signal), candidate
