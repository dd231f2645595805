"""Header vocabulary: which category a column name points to.

The terms, negatives, role words and qualifiers live in ``data/headers.yaml``
(its header comment documents the rules and the disambiguations).  This module
normalises a header (accents, case, camelCase, snake/kebab case, punctuation,
numbers) and resolves it: exact term, then without numbers, brackets, role words
('client_dob', 'Nombre del cliente') and identifier suffixes ('ssn_no'), then the
last segment of a JSON path, then fuzzy near-misses ('adress'), then a multi-word
term inside a longer header.  ``classify_header`` is cached per header text.
"""
from __future__ import annotations

import functools
import importlib.resources
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import yaml

from pii_hooks.detect.names import lists


class HeaderMatch(NamedTuple):
    category: str            # a finding category, or 'profile' for public-profile columns
    term: str                # the vocabulary term that matched
    ambiguous: bool = False  # the term needs value evidence ('name' of a product)


_POSSESSIVE = re.compile(r"['’]s\b")
_CAMEL = re.compile(r'(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])')
_DIGITS = re.compile(r'(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])')
_NON_WORD = re.compile(r'[^0-9a-z#]+')
_BRACKETS = re.compile(r'\([^)]*\)|\[[^\]]*\]|\{[^}]*\}')
_PATH_SPLIT = re.compile(r'[./>\\\[\]]+')
#: Categories found inside a longer header by one strong word ('Applicant SSN last 4').
_SCAN_SINGLE = frozenset({'ssn', 'itin', 'email', 'passport', 'date_of_birth', 'nationality',
                          'ethnicity', 'religion', 'sexual_orientation', 'iban', 'a_number'})
_SCAN_SKIP = frozenset({'mail', 'born', 'geb', 'mel', 'asylum', 'detention', 'removal'})
_NAME_WORDS = frozenset({'name', 'names', 'nom', 'nombre', 'nome', 'naam', 'display name'})
_COUNTING = frozenset({'n', 'count', 'counts', 'total', 'totals', 'pct', 'percent',
                       'percentage', 'share', 'rate', 'ratio', 'avg', 'mean', 'median', 'sum'})
_LONGEST = 80               # longer headers are sentences: looked up whole, never taken apart
_FUZZY_MIN = 6              # shorter terms ('ssn', 'dob', 'zip', 'tel') are never fuzzy


def normalise(header: str) -> str:
    """'First Name', 'first_name', 'firstName', 'FIRST-NAME' -> 'first name';
    'Address1' -> 'address 1'; 'A#' -> 'a #'; "Applicant's DOB" -> 'applicant dob'."""
    text = header
    if not text.isascii():      # NFKD leaves ASCII as it is: most headers skip it
        text = unicodedata.normalize('NFKD', text)
        text = ''.join(ch for ch in text if not unicodedata.combining(ch))
    text = _POSSESSIVE.sub('', text)
    text = _CAMEL.sub(' ', text).lower().replace('ß', 'ss').replace('#', ' # ')
    text = _DIGITS.sub(' ', text)
    return ' '.join(_NON_WORD.sub(' ', text).split())


class _Vocabulary(NamedTuple):
    exact: dict[str, HeaderMatch | None]          # None: a not_personal header
    compact: dict[str, HeaderMatch | None]        # the same, spaces removed
    fuzzy: dict[str, tuple[tuple[str, HeaderMatch], ...]]   # first letter -> compact terms
    scan: tuple[tuple[tuple[str, ...], HeaderMatch], ...]   # longest first
    role_prefixes: tuple[tuple[str, ...], ...]
    compact_roles: tuple[str, ...]
    role_phrase: re.Pattern[str]
    strip_suffixes: frozenset[str]
    strip_prefixes: tuple[tuple[str, ...], ...]
    qualifiers: frozenset[str]
    qualifier_phrases: tuple[tuple[str, ...], ...]
    event_qualifiers: frozenset[str]
    event_categories: frozenset[str]
    aggregates: tuple[tuple[str, ...], ...]
    host_context: frozenset[str]
    negative_phrases: tuple[tuple[str, ...], ...]     # multi-word not_personal headers


def _phrases(items: Iterable[Any]) -> tuple[tuple[str, ...], ...]:
    found = {tuple(normalise(str(i)).split()) for i in items}
    return tuple(sorted((p for p in found if p), key=len, reverse=True))


@functools.lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    raw = importlib.resources.files('pii_hooks.detect').joinpath('data/headers.yaml').read_text(
        encoding='utf-8')
    spec = yaml.load(raw, Loader=getattr(yaml, 'CSafeLoader', yaml.SafeLoader))  # C: 5x faster
    exact: dict[str, HeaderMatch | None] = {}
    for category, entry in spec['categories'].items():
        for term in entry.get('terms', ()):
            exact[normalise(str(term))] = HeaderMatch(category, str(term))
        for term in entry.get('ambiguous', ()):
            exact[normalise(str(term))] = HeaderMatch(category, str(term), ambiguous=True)
    for term in spec['not_personal']:
        exact[normalise(str(term))] = None
    compact: dict[str, HeaderMatch | None] = {}
    for key, match in exact.items():
        compact.setdefault(key.replace(' ', ''), match)
    fuzzy: dict[str, list[tuple[str, HeaderMatch]]] = {}
    for key, match in compact.items():
        if match is None or match.ambiguous or len(key) < _FUZZY_MIN or not key.isalpha():
            continue
        spaced = normalise(match.term).split()
        if len(spaced[0]) >= 3 and len(spaced[-1]) >= 3:    # not 'card no', 'numero a'
            fuzzy.setdefault(key[0], []).append((key, match))
    scan = []
    for key, match in exact.items():
        if match is None or match.ambiguous or match.category == 'profile':
            continue
        words = tuple(key.split())
        if len(words) > 1 or (match.category in _SCAN_SINGLE and len(key) >= 3
                              and key not in _SCAN_SKIP):
            scan.append((words, match))
    scan.sort(key=lambda item: (len(item[0]), len(' '.join(item[0]))), reverse=True)
    roles = _phrases(spec['role_prefixes'])
    links = '|'.join(re.escape(' '.join(p)) for p in _phrases(spec['role_links']))
    role_words = '|'.join(re.escape(' '.join(p)) for p in _phrases(spec['role_words']))
    qualifier_phrases = _phrases(spec['qualifiers'])
    return _Vocabulary(
        exact=exact, compact=compact,
        fuzzy={k: tuple(v) for k, v in fuzzy.items()}, scan=tuple(scan),
        role_prefixes=roles,
        compact_roles=tuple(sorted({''.join(p) for p in roles if len(''.join(p)) >= 4},
                                   key=len, reverse=True)),
        role_phrase=re.compile(rf'^(?P<term>.+?) (?:{links}) (?:{role_words})$'),
        strip_suffixes=frozenset(normalise(str(s)) for s in spec['strip_suffixes']),
        strip_prefixes=_phrases(spec['strip_prefixes']),
        qualifiers=frozenset(p[0] for p in qualifier_phrases if len(p) == 1),
        qualifier_phrases=tuple(p for p in qualifier_phrases if len(p) > 1),
        event_qualifiers=frozenset(normalise(str(s)) for s in spec['event_qualifiers']),
        event_categories=frozenset(spec['event_categories']),
        aggregates=_phrases(spec['aggregate_prefixes']),
        host_context=frozenset(normalise(str(s)) for s in spec['host_context']),
        negative_phrases=tuple(p for p in _phrases(spec['not_personal']) if len(p) > 1))


class _Found(NamedTuple):
    decided: bool                   # True: a term or a not_personal header was found
    match: HeaderMatch | None


_UNDECIDED = _Found(False, None)
_NOTHING = _Found(True, None)


@functools.lru_cache(maxsize=4096)
def classify_header(header: str) -> HeaderMatch | None:
    """The category a column header names, or None."""
    found = _classify(header)
    if found.decided:
        return found.match
    segments = [s for s in _PATH_SPLIT.split(header) if s.strip() and not s.strip().isdigit()]
    if len(segments) > 1 and len(segments[-1].strip()) > 1 and max(map(len, segments[:-1])) > 1:
        # a JSON path ('contact.email', 'people[0].phone'): its last segment names the value
        return _classify(segments[-1]).match
    return None


def classify_headers(headers: Sequence[str]) -> tuple[HeaderMatch | None, ...]:
    """classify_header for each header of one table, with the table as context.

    An ambiguous 'ip address' in a table that also names hosts ('hostname', 'server')
    is a machine's address, not a visitor's: it names nothing.
    """
    vocab = _vocabulary()
    matches = [classify_header(h) for h in headers]
    hosts = any(normalise(h) in vocab.host_context for h in headers)
    return tuple(None if (hosts and m is not None and m.category == 'ip_address' and m.ambiguous)
                 else m for m in matches)


def _classify(header: str) -> _Found:
    notes = _BRACKETS.findall(header)
    if notes:
        # 'Date of birth (mm/dd/yyyy)', 'Email (required)', 'Phone [home]': the note is
        # about the column, the rest names it; unless it says the column counts ('(n)', '%')
        said = {w for note in notes for w in normalise(note.replace('%', ' pct ')).split()}
        if said & _COUNTING:
            return _NOTHING
        bare = normalise(_BRACKETS.sub(' ', header))
        found = _resolve(bare) if bare else _UNDECIDED
        if found.decided:
            return found
    key = normalise(header)
    return _resolve(key) if key else _UNDECIDED


@functools.lru_cache(maxsize=8192)
def _resolve(key: str) -> _Found:
    vocab = _vocabulary()
    if key in vocab.exact:
        return _Found(True, vocab.exact[key])
    compact = key.replace(' ', '')
    if compact in vocab.compact:
        return _Found(True, vocab.compact[compact])
    if not key or len(key) > _LONGEST:
        return _UNDECIDED       # a sentence or a data row read as a header: exact terms only
    if key.endswith('s') and key[:-1] in vocab.exact and vocab.exact[key[:-1]] is not None:
        return _Found(True, vocab.exact[key[:-1]])      # 'passports', 'districts'
    words = tuple(key.split())
    if words[-1].isdigit() and len(words) > 1:
        return _resolve(' '.join(words[:-1]))       # 'phone 2', 'address line 2'
    if _qualified(words, vocab):
        return _NOTHING                             # 'email verified', 'number of detainees'
    found = _without_roles(key, words, vocab)
    if not found.decided:
        found = _without_affixes(words, vocab)
    if not found.decided and not _all_words(words):
        found = _fuzzy(compact, vocab)
    if not found.decided:
        found = _scan(words, vocab)
    if found.match is not None and vocab.event_qualifiers.intersection(words) \
            and found.match.category not in vocab.event_categories:
        return _NOTHING                             # 'email date': a date, not an email
    return found


def _qualified(words: tuple[str, ...], vocab: _Vocabulary) -> bool:
    if vocab.qualifiers.intersection(words):
        return True
    if any(_contains(words, phrase) for phrase in vocab.qualifier_phrases):
        return True
    return any(words[:len(p)] == p and len(words) > len(p) for p in vocab.aggregates)


def _contains(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(words[i:i + size] == phrase for i in range(len(words) - size + 1))


def _as_person(found: _Found) -> _Found:
    """A role word makes an ambiguous 'name' a person's: 'patient_name', 'Nombre del cliente'."""
    match = found.match
    if match is not None and match.ambiguous and normalise(match.term) in _NAME_WORDS:
        return _Found(True, match._replace(ambiguous=False))
    return found


def _without_roles(key: str, words: tuple[str, ...], vocab: _Vocabulary) -> _Found:
    for prefix in vocab.role_prefixes:
        if words[:len(prefix)] == prefix and len(words) > len(prefix):
            found = _resolve(' '.join(words[len(prefix):]))
            if found.decided:
                return _as_person(found)
    phrase = vocab.role_phrase.match(key)
    if phrase:
        found = _resolve(phrase.group('term'))
        if found.decided:
            return _as_person(found)
    if len(words) == 1:
        for role in vocab.compact_roles:   # 'customername', 'kundenname', 'homephone'
            rest = key[len(role):]
            match = vocab.compact.get(rest) if key.startswith(role) and len(rest) >= 3 else None
            if match is not None and (not match.ambiguous or normalise(match.term) in _NAME_WORDS):
                return _as_person(_Found(True, match))
    return _UNDECIDED


def _without_affixes(words: tuple[str, ...], vocab: _Vocabulary) -> _Found:
    if len(words) > 1 and words[-1] in vocab.strip_suffixes:
        found = _resolve(' '.join(words[:-1]))      # 'ssn no', 'passport #', 'email id'
        if found.decided:
            return found
    for prefix in vocab.strip_prefixes:
        if words[:len(prefix)] == prefix and len(words) > len(prefix):
            found = _resolve(' '.join(words[len(prefix):]))   # 'no de pasaporte'
            if found.decided:
                return found
    return _UNDECIDED


def _fuzzy(compact: str, vocab: _Vocabulary) -> _Found:
    """A near-miss of one long, unambiguous term: 'adress', 'nationalty', 'dateofbrith'."""
    if len(compact) < _FUZZY_MIN - 1:
        return _UNDECIDED
    best: tuple[int, HeaderMatch | None] = (99, None)
    for term, match in vocab.fuzzy.get(compact[0], ()):
        budget = _budget(term)
        if abs(len(term) - len(compact)) > budget or term[-1] != compact[-1]:
            continue
        hit = _fuzzy_pattern(term).fullmatch(compact)
        if hit is not None:
            errors = sum(hit.fuzzy_counts)
            if errors < best[0]:
                best = (errors, match)
    return _Found(True, best[1]) if best[1] is not None else _UNDECIDED


def _all_words(words: tuple[str, ...]) -> bool:
    """True when each word is a common word of some language: 'portal' is not a typo of
    'postal', nor 'detection' of 'detention', nor 'mediation' of 'medication'."""
    common = lists().words
    return all(w in common for w in words)


def _budget(term: str) -> int:
    return 1 if len(term) < 12 else 2


@functools.cache
def _fuzzy_pattern(term: str) -> Any:
    # Short terms forgive a missing or doubled letter ('adress', 'telphone'), not another
    # letter ('portal' is no 'postal'); long ones forgive one or two errors of any kind.
    import regex  # type: ignore[import-untyped, unused-ignore]  # 8 ms: only for near-misses
    errors = f'e<={_budget(term)}' if len(term) >= 9 else 'i<=1,d<=1,s<=0,e<=1'
    return regex.compile(rf'(?:{regex.escape(term)}){{{errors}}}', regex.BESTMATCH)


def _scan(words: tuple[str, ...], vocab: _Vocabulary) -> _Found:
    """A term inside a longer header: 'last known street address', 'applicant ssn last 4'."""
    if len(words) < 2:
        return _UNDECIDED
    if any(_contains(words, phrase) for phrase in vocab.negative_phrases):
        return _NOTHING                             # 'device mac address', 'client user agent'
    for phrase, match in vocab.scan:
        if len(phrase) < len(words) and _contains(words, phrase):
            return _Found(True, match)
    return _UNDECIDED


def vocabulary_terms() -> dict[str, HeaderMatch | None]:
    """Every normalised term and what it names (None: not personal); for tests and docs."""
    return dict(_vocabulary().exact)
