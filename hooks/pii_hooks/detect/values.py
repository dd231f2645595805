"""Value detectors: a pattern that finds candidates and a validator that confirms them.

A detector is a small declaration (detect-secrets' plugins, Presidio's
recognisers): the patterns live in ``data/patterns.yaml``, the validators in
``validators.py``.  A candidate that fails its validator is not a finding: a
9-digit count is not an SSN, a 16-digit decimal is not a card number.

Speed: every non-empty cell of a data file comes through ``classify_value``.
A prefilter turns away words and decimals; the patterns that apply under a
column's header are joined into one alternation, so a value that fits no
pattern costs one regex call, not one per detector.
"""
from __future__ import annotations

import functools
import importlib.resources
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple

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


NO_CONTEXT = ValueContext()


class Detector(NamedTuple):
    name: str
    category: str
    pattern: re.Pattern[str]
    validator: Callable[[str, ValueContext], str | None]
    needs_header: tuple[str, ...]       # counts only under a header of one of these categories
    in_text: bool                       # may be searched for inside free text
    follows_header: bool = False        # the hit takes the header's category (national vs tax id)
    reject: frozenset[str] = frozenset()    # sample and test values (letters, digits, upper case)
    min_len: int = 0                    # the shortest and longest text the pattern matches
    max_len: int = 1 << 16

    def category_for(self, ctx: ValueContext) -> str:
        header = ctx.header_category
        if self.follows_header and header is not None and header in self.needs_header:
            return header
        return self.category


#: A token stands alone when no letter, digit or '@' touches it, and when no '.', '-' or
#: '/' joins it to a digit: '1.2.3.4.5' holds no IP address, '0.6392...' no card,
#: '@jane@mastodon.social' and 'https://jane@bitbucket.org/x' no e-mail address.
_LEFT = r'(?<![\w@])(?<!\d[.\-/])(?<!//)'
_RIGHT = r'(?!\w)(?![.\-/]\d)'
_NOT_ALNUM = re.compile(r'[\W_]+')
#: Integers a spreadsheet or pandas turned into floats: '123456789.0' is 123456789.
_INTEGRAL_FLOAT = re.compile(r'(\d{5,})\.0+')
#: Cells longer than this cannot be one identifier (the longest e-mail address is 254).
_LONGEST_VALUE = 254
#: Digits and separators enough for a token some detector wants: worth a search.
_DIGIT_RUN = re.compile(r'\d[\d\s().\-/]{4,}\d')
#: ... beside words or list separators.  A cell of digit groups alone ('4539 5787 6362 1487')
#: is one number: its groups are not searched one by one.
_WORDS_OR_LISTS = re.compile(r'[^\d\s.\-()+]')
_MIN_VALUE = 5


def _compact(text: str) -> str:
    return _NOT_ALNUM.sub('', text).upper()


def _width(pattern: re.Pattern[str]) -> tuple[int, int]:
    """The shortest and longest text a pattern can match, as the ``re`` parser reckons it.

    That parser is private API: without it every length is allowed (slower, still right).
    """
    try:
        parser: Any = importlib.import_module('re._parser')        # Python 3.11+
    except ImportError:         # pragma: no cover (Python 3.10)
        parser = importlib.import_module('sre_parse')
    try:
        low, high = parser.parse(pattern.pattern, pattern.flags).getwidth()
        return int(low), int(min(high, 1 << 16))
    except Exception:  # noqa: BLE001  # pragma: no cover - sre internals vary by version
        return 0, 1 << 16


def _bind(entry: Mapping[str, Any]) -> Callable[[str, ValueContext], str | None]:
    validator: Callable[..., str | None] = getattr(validators, entry.get('validator', 'accept'))
    args = entry.get('args')
    if args:
        return functools.partial(validator, **args)
    return validator


def _load(spec: Mapping[str, Any]) -> tuple[Detector, ...]:
    out = []
    for entry in spec['detectors']:
        source = entry['pattern'].strip()
        if entry.get('ignore_case'):
            source = f'(?i:{source})'
        pattern = re.compile(source)
        low, high = _width(pattern)
        out.append(Detector(
            name=entry['name'],
            category=entry['category'],
            pattern=pattern,
            validator=_bind(entry),
            needs_header=tuple(entry.get('needs_header', ())),
            in_text=bool(entry.get('in_text', False)),
            follows_header=bool(entry.get('follows_header', False)),
            reject=frozenset(_compact(str(v)) for v in entry.get('reject', ())),
            min_len=low,
            max_len=high,
        ))
    return tuple(out)


@functools.lru_cache(maxsize=1)
def detectors() -> tuple[Detector, ...]:
    raw = importlib.resources.files('pii_hooks.detect').joinpath('data/patterns.yaml').read_text(
        encoding='utf-8')
    # libyaml's loader when the wheel has it: 2 ms instead of 17 on every hook start
    loader = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)
    return _load(yaml.load(raw, Loader=loader))


#: Calls of a plan before its patterns are joined: a scan decided by its first rows
#: never pays the compile (~0.5 ms a plan, one plan per header and length).
_JOIN_AFTER = 32


class _Plan:
    """The detectors that apply to a value of one length under one header category,
    and, once the plan is used often, their patterns joined: most cells fit none,
    and learn it in one call."""

    __slots__ = ('calls', 'detectors', 'joined')

    def __init__(self, detectors: tuple[Detector, ...]) -> None:
        self.detectors = detectors
        self.joined: re.Pattern[str] | None = None
        self.calls = 0

    def first(self, text: str) -> int | None:
        """The index of the first detector whose pattern matches the whole text."""
        joined = self.joined
        if joined is None:
            self.calls += 1
            if self.calls <= _JOIN_AFTER:
                for i, det in enumerate(self.detectors):
                    if det.pattern.fullmatch(text):
                        return i
                return None
            joined = self.joined = re.compile('|'.join(
                f'(?P<d{i}>{d.pattern.pattern})' for i, d in enumerate(self.detectors)))
        found = joined.fullmatch(text)
        return None if found is None else int((found.lastgroup or 'd0')[1:])


_PLANS: dict[tuple[str | None, int], _Plan] = {}     # a dict: lru_cache costs 0.3 us a call


def _plan(header_category: str | None, length: int) -> _Plan:
    chosen = tuple(d for d in detectors()
                   if (not d.needs_header or header_category in d.needs_header)
                   and d.min_len <= length <= d.max_len)
    plan = _PLANS[header_category, length] = _Plan(chosen)
    return plan



#: Marks every candidate holds: a digit or '@' (an IPv6 address without a digit, such as
#: 'bad::dec', is C++ far more often than a host, and the validator refuses it).
_MARK = re.compile(r'[\d@]')
#: An Italian codice fiscale whose every digit became a letter (omocodia) holds no mark.
_ALL_LETTER_CF = re.compile(r'[A-Z]{6}[\dLMNP-V]{2}[A-EHLMPR-T]')
#: Whole values that are one number, amount, date or time: never an identifier.
_NOT_AN_IDENTIFIER = re.compile(
    r'(?:[-+]?\d*\.(?!0+$)\d+(?:[eE][-+]?\d+)?%?'                  # 0.6392007985629049
    r'|[-+]?\d+(?:\.\d+)?[eE][-+]?\d+'                              # 1.5e+12
    r'|[-+(]?[$€£¥]?[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?\)?%?'         # $1,234,567.89
    r'|\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)? ?(?:Z|UTC|[+-]\d\d:?\d\d)?)?'
    r'|\d{1,2}/\d{1,2}/\d{2,4}(?: \d{1,2}:\d\d(?::\d\d)?(?: ?[AaPp][Mm])?)?'
    r'|\d{1,2}:\d\d(?::\d\d(?:\.\d+)?)?)$')


def candidate_prefilter(text: str) -> bool:
    """Could any detector want this (stripped) text?  A cheap gate before the detectors.

    Integers always pass (bare digit runs are SSNs, A-numbers, phones under
    their headers; '123456789.0' is an integer a spreadsheet made a float).
    Words without a digit or '@' fail, and so do decimals, amounts with
    thousands separators, dates and times: one value each, never an identifier.
    """
    if text.isdigit():
        return True
    if not _MARK.search(text) and not _ALL_LETTER_CF.search(text):
        return False
    return not _NOT_AN_IDENTIFIER.match(text)


def _judge(det: Detector, text: str, ctx: ValueContext) -> ValueHit | bool:
    """A hit, False when the validator says no, True when the value is a known sample."""
    if det.reject and _compact(text) in det.reject:
        return True
    signal = det.validator(text, ctx)
    if signal is None:
        return False
    return ValueHit(det.category_for(ctx), det.name, signal)


def classify_value(value: str, ctx: ValueContext = NO_CONTEXT) -> ValueHit | None:
    """The category of one whole cell value, or None.

    The whole value is judged first: a number inside a longer number is not
    a hit.  A cell that is not one value but holds an '@', or a run of digits
    beside words or list separators, is then searched like free text, for
    standalone tokens only ('Jane Doe <jane@agency.gov>', 'SSN 536-90-4399 (verified)').
    """
    text = value.strip()
    if not _MIN_VALUE <= len(text) <= _LONGEST_VALUE or not candidate_prefilter(text):
        return None
    if text[-2:] == '.0':
        integral = _INTEGRAL_FLOAT.fullmatch(text)
        if integral:
            text = integral.group(1)
    key = (ctx.header_category, len(text))
    plan = _PLANS.get(key) or _plan(*key)
    first = plan.first(text) if plan.detectors else None
    if first is not None:
        for det in plan.detectors[first:]:
            if det is not plan.detectors[first] and not det.pattern.fullmatch(text):
                continue
            judged = _judge(det, text, ctx)
            if isinstance(judged, ValueHit):
                return judged
            if judged:
                return None             # a published sample: nobody's number
    if '@' in text or (_DIGIT_RUN.search(text) and _WORDS_OR_LISTS.search(text)):
        # a short note: 'Jane Doe <jane@agency.gov>', 'SSN 536-90-4399 (verified)'
        for hit, _span in find_in_text(text, ctx):
            return hit
    return None


@functools.lru_cache(maxsize=1)
def _text_scan() -> tuple[tuple[Detector, ...], re.Pattern[str]]:
    """The in_text detectors and their patterns joined: free text is read once, not per detector."""
    chosen = tuple(d for d in detectors() if d.in_text and not d.needs_header)
    joined = '|'.join(f'(?P<d{i}>{d.pattern.pattern})' for i, d in enumerate(chosen))
    return chosen, re.compile(f'{_LEFT}(?:{joined}){_RIGHT}')


@functools.cache
def _token(source: str) -> re.Pattern[str]:
    """A detector's pattern as a standalone token: compiled when free text first needs it."""
    return re.compile(f'{_LEFT}(?:{source}){_RIGHT}')


def find_in_text(text: str, ctx: ValueContext = NO_CONTEXT) -> Iterator[tuple[ValueHit, str]]:
    """Hits inside free text (comments, descriptions), with the matched span.

    Only detectors marked in_text, and only tokens that stand alone.  Tokens
    are taken left to right; where several detectors' patterns start at the
    same place, the first whose validator accepts takes the token (a card
    number is not also a phone number), and a published sample takes it too.
    """
    if not candidate_prefilter(text.strip()):
        return
    chosen, joined = _text_scan()
    pos = 0
    while True:
        m = joined.search(text, pos)
        if m is None:
            return
        start = m.start()
        first = int((m.lastgroup or 'd0')[1:])
        taken = 0
        for det in chosen[first:]:
            found = m if det is chosen[first] else _token(det.pattern.pattern).match(text, start)
            if found is None:
                continue
            judged = _judge(det, found.group(0), ctx)
            if judged is False:
                continue
            taken = found.end()
            if isinstance(judged, ValueHit):
                yield judged, found.group(0)
            break
        pos = max(taken, start + 1)
