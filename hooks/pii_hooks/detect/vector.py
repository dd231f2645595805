"""Column evidence from Arrow string arrays: ``_Column.feed``, vectorised, same result.

A large CSV reaches ``detect`` as Arrow string arrays (``readers/arrow_csv.py``).
The Python detectors cost microseconds a cell, and almost every cell of a real
table is *plain*: ``feed`` only counts it (``nonempty``, ``present.add``,
``words`` and the name sample when it starts with a letter).  ``feed_arrow``
finds the plain cells with whole-array operations and does their counting in
bulk; every other cell goes through ``feed`` itself, together with the plain
cells whose place in row order matters (the name sample, ``present``'s first
distinct values and examples, the attribute sample).  Two ways to tell:

* **by value**, for a batch of few distinct values (dates, categories,
  counts): each distinct value is fed once to a scratch copy of the column and
  its effect read off.  Exact by construction, remembered per column.
* **by twins**, for the rest: RE2 twins of the Python patterns (run by Arrow,
  per cell) and *shape* twins (digits become '0', letters 'a'/'A': a column of
  prices has a handful of shapes, judged once each).  A twin matches at least
  what its Python pattern matches, so a cell it passes cannot be a candidate;
  for exclusions (numbers, dates) the twin matches at most what Python does.
  Twins are exact only for ASCII text: a cell with a non-ASCII character or
  white space at either end is left to ``feed`` (or to the per-column memory).
  A pattern with no twin flags every cell it guards: slower, never a miss.

Both mirror the Python path's logic, so both must change with it.  ``REVIEWED``
holds the source fingerprints of the functions mirrored; when one changes,
``feed_arrow`` hands every cell to ``feed`` (big CSVs slow, never wrong) and
``tests/vector_test.py`` says which function to re-check.
"""
from __future__ import annotations

import functools
import hashlib
import importlib
import re
import weakref
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

try:        # the parser behind ``re``: private, so reached by name
    sre: Any = importlib.import_module('re._constants')
    sre_parse: Any = importlib.import_module('re._parser')
except ImportError:     # Python 3.10
    sre = importlib.import_module('sre_constants')
    sre_parse = importlib.import_module('sre_parse')

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from pii_hooks.detect.columns import _Column

    Mask = npt.NDArray[np.bool_]
    Index = npt.NDArray[np.intp]

#: Source fingerprints of the functions whose logic the twins mirror (see the module doc).
REVIEWED = {
    'columns._Column.feed': '57d170a8583d1fee',
    'columns._Column.__init__': '50544c33f1cb2f00',
    'columns._Column._guess': '5333acf1aa4c78fd',
    'columns._Hits.add': '70fd07790db29597',
    'values.classify_value': 'a91bd415878ec0f1',
    'values.candidate_prefilter': '230bec9c07900e71',
    'values._plan': 'eec9cd68010c562a',
    'secrets._candidates': '1a2852bb36e5a781',
}

#: Python's str.isspace() for ASCII: what str.strip() removes.
_ASCII_SPACE = '\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f '


class Untranslatable(ValueError):
    """A Python pattern with no RE2 twin: its cells take the Python path."""


# --- RE2 twins of Python patterns ------------------------------------------------------

def _char(code: int) -> str:
    ch = chr(code)
    return ch if ch.isascii() and ch.isalnum() else f'\\x{{{code:x}}}'


_DIGITS = frozenset(range(48, 58))
_WORD = _DIGITS | frozenset(range(65, 91)) | frozenset(range(97, 123)) | {95}
_SPACE = frozenset(ord(c) for c in _ASCII_SPACE)
_ASCII = frozenset(range(128))
#: What each class escape matches among ASCII characters (Python ``re``, str patterns).
_CATEGORY: dict[Any, frozenset[int]] = {
    sre.CATEGORY_DIGIT: _DIGITS, sre.CATEGORY_NOT_DIGIT: _ASCII - _DIGITS,
    sre.CATEGORY_WORD: _WORD, sre.CATEGORY_NOT_WORD: _ASCII - _WORD,
    sre.CATEGORY_SPACE: _SPACE, sre.CATEGORY_NOT_SPACE: _ASCII - _SPACE,
}
_RE2_MAX_REPEAT = 1000


def _ranges(codes: Iterable[int]) -> str:
    out: list[str] = []
    run: list[int] = []
    for code in sorted(codes):
        if run and code == run[-1] + 1:
            run.append(code)
            continue
        if run:
            out.append(_char(run[0]) if len(run) == 1 else f'{_char(run[0])}-{_char(run[-1])}')
        run = [code]
    if run:
        out.append(_char(run[0]) if len(run) == 1 else f'{_char(run[0])}-{_char(run[-1])}')
    return ''.join(out)


class _Translator:
    """What both translators share: the walk of a sequence, alternatives, groups
    remembered for backreferences, and the case-insensitivity a group scopes."""

    def __init__(self) -> None:
        self.groups: dict[int, Any] = {}
        self.ignore_case = False

    def seq(self, items: Iterable[tuple[Any, Any]]) -> str:
        return ''.join(self.item(op, av) for op, av in items)

    def item(self, op: Any, av: Any) -> str:
        raise NotImplementedError   # pragma: no cover - each translator has its own

    def branch(self, av: Any) -> str:
        return '(?:' + '|'.join(self.seq(branch) for branch in av[1]) + ')'

    def subpattern(self, av: Any, keep_flags: bool) -> str:
        """A group, its flags kept in the output or only applied while it is read."""
        group, add_flags, del_flags, sub = av
        if group is not None:
            self.groups[group] = sub
        outer = self.ignore_case
        if add_flags & sre.SRE_FLAG_IGNORECASE:
            self.ignore_case = True
        if del_flags & sre.SRE_FLAG_IGNORECASE:
            self.ignore_case = False
        try:
            flags = _flags(add_flags, del_flags) if keep_flags else ''
            return f'(?{flags}:{self.seq(sub)})'
        finally:
            self.ignore_case = outer


class _Emitter(_Translator):
    """Python ``re`` syntax tree -> RE2 text.  ``exact`` stays True while the twin
    matches, on ASCII text, exactly what the Python pattern matches."""

    def __init__(self) -> None:
        super().__init__()
        self.exact = True

    def item(self, op: Any, av: Any) -> str:
        if op is sre.LITERAL:
            return _char(av)
        if op is sre.NOT_LITERAL:
            return self.charset([(sre.NEGATE, None), (sre.LITERAL, av)])
        if op is sre.ANY:
            return '.'
        if op is sre.IN:
            return self.charset(av)
        if op is sre.BRANCH:
            return self.branch(av)
        if op is sre.SUBPATTERN:
            return self.subpattern(av, keep_flags=True)
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, 'POSSESSIVE_REPEAT', None)):
            low, high, sub = av
            if op is not sre.MAX_REPEAT and op is not sre.MIN_REPEAT:
                self.exact = False      # possessive: may refuse what greedy finds
            return f'(?:{self.seq(sub)}){self.repeat(low, high)}'
        if op is getattr(sre, 'ATOMIC_GROUP', None):
            self.exact = False
            return f'(?:{self.seq(av)})'
        if op is sre.AT:
            return self.anchor(av)
        if op in (sre.ASSERT, sre.ASSERT_NOT):
            self.exact = False      # without the look-around the twin matches more
            return ''
        if op is sre.GROUPREF:
            if av not in self.groups:
                raise Untranslatable('reference to a group not seen yet')
            self.exact = False
            return f'(?:{self.seq(self.groups[av])})'
        if op is sre.GROUPREF_EXISTS:
            _group, yes, no = av
            self.exact = False
            return f'(?:{self.seq(yes)}|{self.seq(no) if no is not None else ""})'
        raise Untranslatable(f'no RE2 twin for {op}')

    def charset(self, items: Sequence[tuple[Any, Any]]) -> str:
        negate = bool(items) and items[0][0] is sre.NEGATE
        codes: set[int] = set()
        wide = False            # the class can match a non-ASCII character
        for op, av in items[1:] if negate else items:
            if op is sre.LITERAL:
                codes.add(av) if av < 128 else None
                wide = wide or av >= 128
            elif op is sre.RANGE:
                codes.update(range(av[0], min(av[1], 127) + 1))
                wide = wide or av[1] >= 128
            elif op is sre.CATEGORY and av in _CATEGORY:
                codes |= _CATEGORY[av]
                wide = True
            else:
                raise Untranslatable(f'no RE2 twin for {op} in a class')
        if negate:
            codes, wide = set(_ASCII - codes), True
            if self.ignore_case:
                self.exact = False      # RE2 folds the complement's letters back in
        body = _ranges(codes) + ('\\x{80}-\\x{10ffff}' if wide else '')
        if not body:
            raise Untranslatable('a class that matches nothing')
        return f'[{body}]'

    def repeat(self, low: int, high: int) -> str:
        if low > _RE2_MAX_REPEAT:
            raise Untranslatable('repeat count beyond RE2 limit')
        if high is sre.MAXREPEAT or high > _RE2_MAX_REPEAT:
            if high is not sre.MAXREPEAT:
                self.exact = False
            return {0: '*', 1: '+'}.get(low, f'{{{low},}}')
        if (low, high) == (0, 1):
            return '?'
        return f'{{{low}}}' if low == high else f'{{{low},{high}}}'

    def anchor(self, code: Any) -> str:
        if code in (sre.AT_BOUNDARY, sre.AT_NON_BOUNDARY):
            self.exact = False
            return ''
        anchors = {
            sre.AT_BEGINNING: '^', sre.AT_BEGINNING_STRING: '\\A',
            sre.AT_END: '(?:\\n?$)',     # Python's $ also matches before a final newline
            sre.AT_END_STRING: '\\z', sre.AT_BEGINNING_LINE: '(?m:^)', sre.AT_END_LINE: '(?m:$)',
        }
        if code not in anchors:
            raise Untranslatable(f'no RE2 twin for {code}')
        return anchors[code]


def _flags(add: int, remove: int) -> str:
    names = ((sre.SRE_FLAG_IGNORECASE, 'i'), (sre.SRE_FLAG_DOTALL, 's'),
             (sre.SRE_FLAG_MULTILINE, 'm'))
    on = ''.join(letter for flag, letter in names if add & flag)
    off = ''.join(letter for flag, letter in names if remove & flag)
    return on + (f'-{off}' if off else '')


def _parse(pattern: str | re.Pattern[str], flags: int) -> Any:
    if isinstance(pattern, re.Pattern):
        flags |= pattern.flags
        pattern = pattern.pattern
    try:
        return sre_parse.parse(pattern, flags)
    except re.error as exc:
        raise Untranslatable(f'Python cannot parse it: {exc}') from None


def _emit(items: Any, emitter: _Emitter, flags: int) -> str:
    emitter.ignore_case = bool(flags & sre.SRE_FLAG_IGNORECASE)
    body = emitter.seq(items)
    scope = _flags(flags, 0)
    return f'(?{scope}:{body})' if scope else f'(?:{body})'


def re2_twin(pattern: str | re.Pattern[str], flags: int = 0, *, exact: bool = False) -> str:
    """An RE2 pattern that matches, on ASCII text, every string the Python pattern matches.

    Look-arounds and word boundaries are dropped and back-references become a
    copy of their group: each only widens the twin.  With ``exact``, a pattern
    that would need widening raises instead.  Raises Untranslatable.
    """
    parsed = _parse(pattern, flags)
    emitter = _Emitter()
    twin = _emit(parsed, emitter, parsed.state.flags)
    if exact and not emitter.exact:
        raise Untranslatable('only a wider twin exists')
    return twin


def re2_subset_twin(pattern: str | re.Pattern[str]) -> str:
    """An RE2 pattern that matches, on ASCII text, only strings the Python pattern matches.

    For patterns of the form ``(?:A|B|C)$`` (used with ``match``): the branches
    that have an exact twin, the others left out.  Raises Untranslatable.
    """
    parsed = _parse(pattern, 0)
    items = list(parsed)
    flags = parsed.state.flags
    if (len(items) == 2 and items[1] == (sre.AT, sre.AT_END) and items[0][0] is sre.SUBPATTERN
            and not items[0][1][1] and not items[0][1][2]):
        items = list(items[0][1][3])
        tail = '(?:\\n?$)'
    elif items and items[-1] == (sre.AT, sre.AT_END):
        items, tail = items[:-1], '(?:\\n?$)'
    else:
        tail = ''
    branches = items[0][1][1] if len(items) == 1 and items[0][0] is sre.BRANCH else [items]
    kept = []
    for branch in branches:
        emitter = _Emitter()
        try:
            twin = _emit(branch, emitter, flags)
        except Untranslatable:
            continue
        if emitter.exact:
            kept.append(twin)
    if not kept:
        raise Untranslatable('no branch has an exact twin')
    return '^(?:' + '|'.join(kept) + ')' + tail


@functools.lru_cache(maxsize=256)
def re2_compiles(pattern: str) -> bool:
    """True when Arrow's RE2 accepts the pattern."""
    import pyarrow as pa
    import pyarrow.compute as pc
    try:
        pc.match_substring_regex(_strings(['']), pattern)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False
    return True


# --- shapes: the same patterns over a coarse alphabet ---------------------------------

#: A cell's shape: digits become '0', lower-case letters 'a', upper-case letters 'A';
#: other ASCII characters stay.  Most columns have a handful of shapes ('0000-00-00',
#: '0.000000', 'Aaaaa'), so a question asked of a shape is asked of a few strings, not
#: of every cell.  A pattern rewritten over shapes either answers "could some cell of
#: this shape match?" (a superset: ``exists``) or "does every cell of it?" (``forall``).
#: 'x' and 'X' keep their own symbol: masks are made of them ('XXX-XX-1234').
SHAPE_TABLE = bytes.maketrans(b'0123456789abcdefghijklmnopqrstuvwyzABCDEFGHIJKLMNOPQRSTUVWYZ',
                              b'0' * 10 + b'a' * 25 + b'A' * 25)
_LOWER = frozenset(range(97, 123)) - {ord('x')}
_UPPER = frozenset(range(65, 91)) - {ord('X')}


def _shape_symbols(codes: frozenset[int], forall: bool) -> str:
    out = []
    for symbol, members in (('0', _DIGITS), ('a', _LOWER), ('A', _UPPER)):
        if (members <= codes) if forall else (members & codes):
            out.append(symbol)
    out.extend(re.escape(chr(c)) for c in sorted(codes - _DIGITS - _LOWER - _UPPER))
    return f'[{"".join(out)}]' if out else '(?!)'


class _Abstract(_Translator):
    """Python ``re`` syntax tree -> a Python pattern over shapes."""

    def __init__(self, forall: bool) -> None:
        super().__init__()
        self.forall = forall

    def no(self) -> str:
        # what a superset can drop, a for-all question cannot take on trust
        return '(?!)' if self.forall else ''

    def item(self, op: Any, av: Any) -> str:
        if op is sre.LITERAL:
            return self.chars({av} if av < 128 else set())
        if op is sre.NOT_LITERAL:
            return self.chars(set(_ASCII - {av}), negated=True)
        if op is sre.ANY:
            return self.chars(set(_ASCII - {10}))
        if op is sre.IN:
            return self.charset(av)
        if op is sre.BRANCH:
            return self.branch(av)
        if op is sre.SUBPATTERN:
            return self.subpattern(av, keep_flags=False)
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, 'POSSESSIVE_REPEAT', None)):
            low, high, sub = av
            if self.forall and op is not sre.MAX_REPEAT and op is not sre.MIN_REPEAT:
                return '(?!)'
            top = '' if high is sre.MAXREPEAT else str(high)
            return f'(?:{self.seq(sub)}){{{low},{top}}}'
        if op is getattr(sre, 'ATOMIC_GROUP', None):
            return '(?!)' if self.forall else f'(?:{self.seq(av)})'
        if op is sre.AT:
            if av in (sre.AT_BEGINNING, sre.AT_BEGINNING_STRING):
                return '^'
            if av in (sre.AT_END, sre.AT_END_STRING):
                return '$'
            return self.no()
        if op in (sre.ASSERT, sre.ASSERT_NOT):
            return '(?!)' if self.forall else ''
        if op is sre.GROUPREF and not self.forall and av in self.groups:
            return f'(?:{self.seq(self.groups[av])})'
        if op is sre.GROUPREF_EXISTS and not self.forall:
            _group, yes, no = av
            return f'(?:{self.seq(yes)}|{self.seq(no) if no is not None else ""})'
        if self.forall:
            return '(?!)'
        raise Untranslatable(f'no shape twin for {op}')

    def charset(self, items: Sequence[tuple[Any, Any]]) -> str:
        negate = bool(items) and items[0][0] is sre.NEGATE
        codes: set[int] = set()
        for op, av in items[1:] if negate else items:
            if op is sre.LITERAL:
                codes.update((av,) if av < 128 else ())
            elif op is sre.RANGE:
                codes.update(range(av[0], min(av[1], 127) + 1))
            elif op is sre.CATEGORY and av in _CATEGORY:
                codes |= _CATEGORY[av]
            elif self.forall:
                return '(?!)'
            else:
                raise Untranslatable(f'no shape twin for {op} in a class')
        return self.chars(set(_ASCII - codes) if negate else codes, negated=negate)

    def chars(self, codes: set[int], negated: bool = False) -> str:
        if self.ignore_case:
            folded = {ord(chr(c).swapcase()) for c in codes if chr(c).isalpha()}
            codes = (codes & folded) if negated else (codes | folded)
        return _shape_symbols(frozenset(codes), self.forall)


def shape_twin(pattern: str | re.Pattern[str], *, forall: bool = False) -> re.Pattern[str]:
    """The pattern over shapes: with ``forall`` it matches a shape only when every ASCII
    text of that shape matches; without, whenever some may.  Raises Untranslatable."""
    parsed = _parse(pattern, 0)
    emitter = _Abstract(forall)
    emitter.ignore_case = bool(parsed.state.flags & sre.SRE_FLAG_IGNORECASE)
    return re.compile(emitter.seq(parsed))


#: Shapes of plain decimals: with the reviewed _NOT_AN_IDENTIFIER, such a text is turned
#: away by candidate_prefilter exactly when its fraction has a digit other than 0, which
#: holds whenever its value is not a whole number (checked with Arrow's float parser).
DECIMAL_SHAPE = re.compile(r'[-+]?0*\.0+')


# --- the rules of one column ------------------------------------------------------------

#: Hand-written exact twins for patterns the translator can only widen, keyed by the
#: Python source they were written for: a changed pattern is simply not used here.
#: values._NOT_AN_IDENTIFIER: '(?!0+$)' says "a fraction that is not all zeros".
KNOWN_SUBSET_TWINS = {
    r'(?:[-+]?\d*\.(?!0+$)\d+(?:[eE][-+]?\d+)?%?'
    r'|[-+]?\d+(?:\.\d+)?[eE][-+]?\d+'
    r'|[-+(]?[$€£¥]?[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?\)?%?'
    r'|\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)? ?(?:Z|UTC|[+-]\d\d:?\d\d)?)?'
    r'|\d{1,2}/\d{1,2}/\d{2,4}(?: \d{1,2}:\d\d(?::\d\d)?(?: ?[AaPp][Mm])?)?'
    r'|\d{1,2}:\d\d(?::\d\d(?:\.\d+)?)?)$':
    r'^(?:[-+]?[0-9]*\.(?:[0-9]*[1-9][0-9]*(?:[eE][-+]?[0-9]+)?%?|[0-9]+[eE][-+]?[0-9]+%?'
    r'|[0-9]+%)'
    r'|[-+]?[0-9]+(?:\.[0-9]+)?[eE][-+]?[0-9]+'
    r'|[-+(]?[$€£¥]?[-+]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?\)?%?'
    r'|[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)? ?'
    r'(?:Z|UTC|[+-][0-9]{2}:?[0-9]{2})?)?'
    r'|[0-9]{1,2}/[0-9]{1,2}/[0-9]{2,4}(?: [0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?(?: ?[AaPp][Mm])?)?'
    r'|[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)$',
}


class Twin(NamedTuple):
    """One Python pattern: its RE2 twin for cells, its shape twin for shapes."""

    re2: str | None                     # None: no twin, every cell it guards is flagged
    shape: re.Pattern[str] | None       # None: every shape may match


class Rules(NamedTuple):
    """What makes a cell of one column special, as twins.  See values.classify_value,
    secrets._candidates and columns._Column.feed for the Python they mirror."""

    every: bool                 # every non-empty cell takes the Python path (credential header)
    digits: bool                # cells holding a digit do (birth dates are parsed)
    masked: Twin                # columns._MASKED (match)
    hash_start: Twin            # secrets: password hashes (match)
    gate: Twin                  # secrets: the plugins' literal gate (search), cells >= min_bare
    min_bare: int
    detectors: tuple[Twin, ...]  # values: the detectors for this header (fullmatch)
    digit_run: Twin             # values: a cell searched like free text ...
    words: Twin                 # ... when it has a digit run beside words
    marks: Twin                 # values: candidate_prefilter's marks (search)
    marks_all: re.Pattern[str] | None   # every text of the shape holds a mark
    not_ids: Twin               # values: numbers, dates, times (exact RE2; shape: for all)
    decimals: bool              # not_ids is the reviewed one: decimals by their value
    min_len: int
    max_len: int
    generic: bool               # a column without a header: its values are guessed at
    date_shape: Twin            # ... columns._DATE_SHAPE: dates


_NO_TWIN = Twin(None, None)


def _checked(twin: str | None) -> str | None:
    return twin if twin is not None and re2_compiles(twin) else None


def _make_twin(pattern: re.Pattern[str] | str, *, subset: bool = False) -> Twin:
    if isinstance(pattern, re.Pattern):
        return _twin_of(pattern.pattern, pattern.flags, subset)
    return _twin_of(pattern, 0, subset)


@functools.lru_cache(maxsize=1024)
def _twin_of(source: str, flags: int, subset: bool) -> Twin:
    """Both twins of one pattern; cached, as every column's rules share the detectors'."""
    pattern = re.compile(source, flags)
    try:
        if subset:
            known = KNOWN_SUBSET_TWINS.get(source)
            re2 = known if known is not None and not pattern.flags & ~re.UNICODE else \
                re2_subset_twin(pattern)
        else:
            re2 = re2_twin(pattern)
    except Untranslatable:
        re2 = None
    try:
        shape: re.Pattern[str] | None = shape_twin(pattern, forall=subset)
    except (Untranslatable, re.error):
        shape = None
    return Twin(re2, shape)


@functools.lru_cache(maxsize=512)
def rules(header_category: str | None, header: str, generic: bool = False) -> Rules | None:
    """The twins for a column under this header; None when a mirrored name moved."""
    from pii_hooks.detect import columns, secrets, values
    try:
        chosen = [d for d in values.detectors()
                  if not d.needs_header or header_category in d.needs_header]
        marks = f'{values._MARK.pattern}|{values._ALL_LETTER_CF.pattern}'
        not_ids = values._NOT_AN_IDENTIFIER
        made = Rules(
            every=bool(header) and secrets.header_kind(header) is not None,
            digits=header_category == 'date_of_birth',
            masked=_make_twin(columns._MASKED),
            hash_start=_make_twin('|'.join(re.escape(s) for s in secrets._HASH_START)),
            gate=_make_twin(secrets._GATE), min_bare=int(secrets._MIN_BARE),
            detectors=tuple(_make_twin(d.pattern) for d in chosen),
            digit_run=_make_twin(values._DIGIT_RUN), words=_make_twin(values._WORDS_OR_LISTS),
            marks=_make_twin(marks), marks_all=_shape_or_none(marks, forall=True),
            not_ids=_make_twin(not_ids, subset=True),
            decimals=not_ids.pattern in KNOWN_SUBSET_TWINS,
            min_len=int(values._MIN_VALUE), max_len=int(values._LONGEST_VALUE),
            generic=generic, date_shape=_make_twin(columns._DATE_SHAPE))
    except AttributeError:
        return None
    return made


def _shape_or_none(pattern: str, forall: bool = False) -> re.Pattern[str] | None:
    try:
        return shape_twin(pattern, forall=forall)
    except (Untranslatable, re.error):
        return None


def fast_path_active(header_category: str | None = None, header: str = '') -> bool:
    """True when every twin exists: plain cells never reach Python (tests assert it)."""
    r = rules(header_category, header)
    if r is None or r.every:
        return False
    twins = (r.masked, r.hash_start, r.gate, r.digit_run, r.words, r.marks, r.not_ids,
             *r.detectors)
    return r.decimals and all(_checked(t.re2) and t.shape is not None for t in twins)


@functools.lru_cache(maxsize=1)
def reviewed() -> bool:
    """True when the mirrored functions are the ones the twins were written for.

    Otherwise feed_arrow hands every cell to the Python path: a change to feed
    that vector.py does not know about makes big CSVs slow, never wrong.
    """
    try:
        return fingerprints() == REVIEWED
    except (OSError, TypeError, AttributeError):    # no source to compare
        return False


def fingerprints() -> dict[str, str]:
    """The current source fingerprints of the functions named in REVIEWED."""
    import inspect

    from pii_hooks.detect import columns, secrets, values
    funcs: dict[str, Callable[..., Any]] = {
        'columns._Column.feed': columns._Column.feed,
        'columns._Column.__init__': columns._Column.__init__,
        'columns._Column._guess': columns._Column._guess,
        'columns._Hits.add': columns._Hits.add,
        'values.classify_value': values.classify_value,
        'values.candidate_prefilter': values.candidate_prefilter,
        'values._plan': values._plan,
        'secrets._candidates': secrets._candidates,
    }
    return {name: hashlib.sha256(inspect.getsource(f).encode()).hexdigest()[:16]
            for name, f in funcs.items()}


# --- verdicts on shapes -----------------------------------------------------------------

#: What a shape's cells may be, as bits; and the detectors whose pattern may fit them.
MASKED, HASH, GATE, WHOLE, AT, RUN, MARKED, EXCLUDED, DECIMAL, PYTHON = (1 << i for i in range(10))
#: A guessed ID in a headerless column has 8-20 digits, at least 70 % of the value.
_GUESS_DIGITS = (8, 20, 0.7)


class Verdict(NamedTuple):
    bits: int                   # 0: every cell of this shape is plain
    detectors: tuple[int, ...]  # indexes into Rules.detectors (with WHOLE)


PLAIN_VERDICT = Verdict(0, ())


def _may(twin: Twin, shape: str, how: str) -> bool:
    return twin.shape is None or getattr(twin.shape, how)(shape) is not None


def shape_verdict(r: Rules, shape: str) -> Verdict:
    """Which tests the cells of this shape need (a superset of what they can be)."""
    bits = 0
    size = len(shape)
    if shape[:1] == '0' and ' ' in shape:
        bits |= PYTHON          # feed asks looks_like_street_address ('12 Main St')
    if r.generic:
        digits = shape.count('0')
        low, high, share = _GUESS_DIGITS
        if _may(r.date_shape, shape, 'match') or (low <= digits <= high and digits >= share * size):
            bits |= PYTHON      # feed's _guess: a date, or an ID of a scheme that needs a header
    if _may(r.masked, shape, 'match'):
        bits |= MASKED
    if _may(r.hash_start, shape, 'match'):
        bits |= HASH
    if size >= r.min_bare and _may(r.gate, shape, 'search'):
        bits |= GATE
    if not r.min_len <= size <= r.max_len or not _may(r.marks, shape, 'search'):
        return Verdict(bits, ())
    found = tuple(i for i, t in enumerate(r.detectors) if t.shape is None or t.shape.fullmatch(
        shape) or (shape.endswith('.0') and t.shape.fullmatch(shape.rstrip('0')[:-1])))
    claimed = WHOLE if found else 0
    if '@' in shape:
        claimed |= AT
    if _may(r.digit_run, shape, 'search') and _may(r.words, shape, 'search'):
        claimed |= RUN
    if not claimed:
        return Verdict(bits, ())
    pure_digits = not shape.strip('0')
    if not pure_digits:
        if r.not_ids.shape is not None and r.not_ids.shape.match(shape):
            return Verdict(bits, ())       # every text of this shape: a number, date or time
        if r.decimals and DECIMAL_SHAPE.fullmatch(shape):
            claimed |= DECIMAL
        elif r.not_ids.re2 is not None:
            claimed |= EXCLUDED
    if r.marks_all is None or not r.marks_all.search(shape):
        claimed |= MARKED
    return Verdict(bits | claimed, found)


# --- judging cells ----------------------------------------------------------------------

#: Verdict bits that test a decimal's cells whatever its value (see _test_group).
_DECIMAL_GUARDS = PYTHON | MASKED | HASH | GATE
_ZERO = ord('0')
#: Above this many distinct shapes in a batch (free text), shapes are not worth it.
_MAX_SHAPES = 4096
_MEMORY_LIMIT = 20_000
_VERDICTS: dict[tuple[str | None, str, bool], dict[str, Verdict]] = {}


# --- Arrow <-> numpy without pandas -----------------------------------------------------
# pyarrow imports pandas (0.2 s, 50 MB) the first time it converts a numpy array or
# a Python list, or converts to numpy; these go through the raw buffers instead.

def _np_bits(buffer: Any, offset: int, n: int) -> Any:
    import numpy as np
    bits = np.unpackbits(np.frombuffer(buffer, dtype=np.uint8), bitorder='little')
    return bits[offset:offset + n].astype(bool)


def _np_bool(array: Any) -> Mask:
    """An Arrow boolean array as numpy; null is False."""
    import numpy as np
    n = len(array)
    if not n:
        return np.zeros(0, dtype=bool)
    validity, data = array.buffers()
    out: Mask = _np_bits(data, array.offset, n)
    if validity is not None and array.null_count:
        out &= _np_bits(validity, array.offset, n)
    return out


def _np_valid(array: Any) -> Mask:
    import numpy as np
    validity = array.buffers()[0]
    if validity is None or not array.null_count:
        return np.ones(len(array), dtype=bool)
    valid: Mask = _np_bits(validity, array.offset, len(array))
    return valid


def _np_numbers(array: Any, dtype: Any) -> Any:
    """A primitive Arrow array's values as numpy (null slots hold garbage: mask them)."""
    import numpy as np
    return np.frombuffer(array.buffers()[1], dtype=dtype)[array.offset:array.offset + len(array)]


def _take(array: Any, cells: Any) -> Any:
    import numpy as np
    import pyarrow as pa
    indices = np.ascontiguousarray(cells, dtype=np.int64)
    return array.take(pa.Array.from_buffers(pa.int64(), len(indices),
                                            [None, pa.py_buffer(indices)]))


def _strings(texts: Sequence[str]) -> Any:
    """A Python list of str as an Arrow string array."""
    import numpy as np
    import pyarrow as pa
    encoded = [t.encode('utf-8', 'surrogatepass') for t in texts]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    return pa.Array.from_buffers(pa.large_string(), len(encoded),
                                 [None, pa.py_buffer(offsets), pa.py_buffer(b''.join(encoded))])


def _matches(array: Any, pattern: str | None) -> Mask:
    import numpy as np
    import pyarrow.compute as pc
    if pattern is None or not re2_compiles(pattern):
        return np.ones(len(array), dtype=bool)      # no twin: flagged
    found = pc.match_substring_regex(array, pattern)
    return _np_bool(found)


def _whole_pattern(r: Rules, detectors: tuple[int, ...]) -> str | None:
    twins = [r.detectors[i].re2 for i in detectors]
    if any(t is None for t in twins):
        return None
    return '^(?:' + '|'.join(t for t in twins if t) + ')(?:\\.0+)?$'


def _whole_numbers(values: Any) -> Mask:
    """Decimal-shaped cells whose value is a whole number (or that do not parse)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    try:
        cast = pc.cast(values, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return np.ones(len(values), dtype=bool)
    parsed = _np_numbers(cast, np.float64)
    with np.errstate(invalid='ignore'):
        whole: Mask = ~np.isfinite(parsed) | (parsed == np.floor(parsed)) | ~_np_valid(cast)
    return whole


def _test_group(values: Any, r: Rules, verdict: Verdict) -> Mask:
    """Special cells among cells sharing one verdict: only the tests it names, in RE2."""
    import numpy as np
    bits = verdict.bits
    if bits & PYTHON:
        return np.ones(len(values), dtype=bool)
    hit = np.zeros(len(values), dtype=bool)
    for bit, twin in ((MASKED, r.masked), (HASH, r.hash_start), (GATE, r.gate)):
        if bits & bit:
            hit |= _matches(values, twin.re2)
    if bits & DECIMAL:
        # only whole numbers ('150.00') can be candidates: a float parse before any pattern
        whole = np.flatnonzero(_whole_numbers(values))
        claim = Verdict(bits & ~(MASKED | HASH | GATE | DECIMAL), verdict.detectors)
        if whole.size:
            hit[whole] |= _test_group(_take(values, whole), r, claim)
        return hit
    claimed = np.zeros(len(values), dtype=bool)
    if bits & AT:
        claimed[:] = True
    if bits & WHOLE and not claimed.all():
        claimed |= _matches(values, _whole_pattern(r, verdict.detectors))
    if bits & RUN and not claimed.all():
        claimed |= _matches(values, r.digit_run.re2) & _matches(values, r.words.re2)
    if claimed.any() and bits & MARKED:
        claimed &= _matches(values, r.marks.re2)
    if claimed.any() and bits & EXCLUDED and r.not_ids.re2 is not None:
        # candidate_prefilter lets integers through before the exclusion
        claimed &= ~_matches(values, r.not_ids.re2) | _matches(values, '^[0-9]+$')
    hit |= claimed
    return hit


def _shapes(array: Any, offsets: Any, data: Any) -> tuple[Any, list[str]]:
    """Each cell's shape, dictionary-encoded: (indices, distinct shapes)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    lo, hi = int(offsets[0]), int(offsets[-1])
    shaped = data[lo:hi].tobytes().translate(SHAPE_TABLE)
    wide = hi - lo > 2**31 - 1
    rebased = (offsets - lo).astype(np.int64 if wide else np.int32)
    kind = pa.large_string() if wide else pa.string()
    shapes = pa.Array.from_buffers(kind, len(array), [None, pa.py_buffer(rebased),
                                                      pa.py_buffer(shaped)])
    encoded = pc.dictionary_encode(shapes)
    return _np_numbers(encoded.indices, np.int32), encoded.dictionary.to_pylist()


def _digit_strings(todo: Mask, data: Any, offsets: Any) -> tuple[Any, list[str]] | None:
    """Shapes without translating: when the batch's bytes are all ASCII digits (and
    every non-empty cell is to be judged), a cell's shape is '0' * its length."""
    import numpy as np
    lo, hi = int(offsets[0]), int(offsets[-1])
    zero = np.uint8(48)
    if hi == lo or ((data[lo:min(hi, lo + 64)] - zero) >= 10).any():
        return None
    if ((data[lo:hi] - zero) >= 10).any():
        return None
    lengths = np.diff(offsets)
    cells = np.flatnonzero(todo)
    if cells.size != np.count_nonzero(lengths):
        return None
    counts = np.bincount(lengths[cells])
    sizes = np.flatnonzero(counts)
    number = np.zeros(len(counts), dtype=np.intp)       # a length's place among the sizes
    number[sizes] = np.arange(len(sizes))
    ids = np.zeros(len(todo), dtype=np.intp)
    ids[cells] = number[lengths[cells]]
    return ids, ['0' * int(size) for size in sizes]


def _by_shape(col: _Column, r: Rules, array: Any, offsets: Any, data: Any,
              todo: Mask) -> Mask | None:
    """Special cells among ``todo``, judged by shape then tested per verdict group;
    None when the batch has too many shapes (free text)."""
    import numpy as np
    digits = _digit_strings(todo, data, offsets)
    if digits is not None:
        ids, shapes = digits
    else:
        ids, shapes = _shapes(array, offsets, data)
    if len(shapes) > _MAX_SHAPES:
        return None
    known = _VERDICTS.setdefault((col.ctx.header_category, col.header, r.generic), {})
    verdicts: dict[Verdict, int] = {PLAIN_VERDICT: 0}
    group_of_shape = np.zeros(len(shapes), dtype=np.int32)
    for i, shape in enumerate(shapes):
        verdict = known.get(shape)
        if verdict is None:
            verdict = shape_verdict(r, shape)
            if len(known) < _MEMORY_LIMIT:
                known[shape] = verdict
        group_of_shape[i] = verdicts.setdefault(verdict, len(verdicts))
    special = np.zeros(len(todo), dtype=bool)
    if len(verdicts) == 1:
        return special
    groups = np.where(todo, group_of_shape[ids], 0)
    memory = _memory(col)
    for verdict, number in verdicts.items():
        if not number:
            continue
        cells = np.flatnonzero(groups == number)
        if verdict.bits & DECIMAL and not verdict.bits & _DECIMAL_GUARDS:
            # only whole decimals can be candidates ('150.00'), and a whole one ends in '0':
            # the rest have a non-zero fraction, which candidate_prefilter excludes
            cells = cells[data[offsets[cells + 1] - 1] == _ZERO]
        if not cells.size:
            continue
        values = _take(array, cells)
        seen, _words = _known_plain(memory, values)
        if seen.any():          # a repeated value ('returned' is not 'redacted') is tested once
            cells = cells[~seen]
            values = _take(array, cells)
        hit = _test_group(values, r, verdict)
        special[cells[hit]] = True
        if not hit.all():
            _remember(memory, _take(values, np.flatnonzero(~hit)))
    return special


def _free_text(r: Rules, array: Any, todo: Mask) -> Mask:
    """Special cells among ``todo`` when shapes do not pay: every test on every cell."""
    import numpy as np
    cells = np.flatnonzero(todo)
    special = np.zeros(len(todo), dtype=bool)
    if cells.size:
        everything = Verdict(MASKED | HASH | GATE | WHOLE | RUN | MARKED | EXCLUDED,
                             tuple(range(len(r.detectors))))
        values = _take(array, cells)
        hit = _test_group(values, r, everything)
        at = _matches(values, '@')
        if at.any():
            hit |= at & _test_group(values, r, Verdict(AT | MARKED, ()))
        hit |= _matches(values, '(?s)^[0-9].* ')        # a street address?
        if r.generic:                                   # feed's _guess
            hit |= _matches(values, r.date_shape.re2) | _matches(values, '(?:[0-9][^0-9]*){8}')
        special[cells[hit]] = True
    return special


# --- what the Python path found plain ---------------------------------------------------

class _Memory:
    """Per column: values the Python path found plain, values seen for examples."""

    __slots__ = ('__weakref__', 'alpha_array', 'by_value', 'example_values', 'plain',
                 'plain_array', 'plain_misses', 'probes', 'reference', 'samples', 'seen',
                 'special')

    def __init__(self) -> None:
        self.plain: dict[str, bool] = {}        # value -> it counts as a word
        self.special: set[str] = set()          # values the Python path must see every time
        self.plain_array: Any = None
        self.alpha_array: Any = None
        self.example_values: set[str] = set()
        self.samples: bool | None = None        # feed keeps the first plain values (sample)
        self.by_value: bool | None = None       # few distinct values: judge each one once
        self.reference: object = None           # _state of a fresh twin of the column
        self.plain_misses = 0                   # batches whose plain values did not repeat
        self.seen: set[str] = set()             # special values seen once so far
        self.probes = 0                         # values probed in _learn


_MEMORY: weakref.WeakKeyDictionary[Any, _Memory] = weakref.WeakKeyDictionary()
#: The state a plain value changes in feed (the last branch): the rest must not move.
_PLAIN_CHANGES = frozenset({'nonempty', 'present', 'words', 'name_checked', 'name_hits',
                            'sample'})
#: Distinct special values probed per column and batch, at most.
_PROBES = 2000
#: Values are remembered only when a batch holds each this many times on average.
_REPEATS = 4
#: A batch with at most this many distinct values is judged value by value.
_MAX_VALUES = 4096
#: Batches this small go through feed as they are.
_SMALL = 512
#: Probing stops in a column where this many probes found nothing plain (a column of PII).
_FUTILE_PROBES = 64


def _fresh(col: _Column) -> _Column:
    """A new column judged like ``col`` (same header and header classification)."""
    return type(col)(col.index, col.header, col.hidden, col.match or False,
                     getattr(col, 'reveal', False))


def _state(col: _Column) -> object:
    """What a value may change in a column, outside what a plain value changes.

    Feed only ever adds (counts go up, lists and sets grow), so sizes and counts
    say whether anything moved; nested records (_Hits) are compared slot by slot.
    """
    return tuple((key, _size(value)) for key, value in vars(col).items()
                 if key not in _PLAIN_CHANGES)


def _size(value: object) -> object:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple, set, frozenset, dict)):
        return len(value)
    count = getattr(value, 'count', None)
    if isinstance(count, int):      # _Hits: changed only by add(), which always counts
        return count
    slots = getattr(type(value), '__slots__', None)
    if slots is not None:
        return tuple(_size(getattr(value, name)) for name in slots)
    return type(value).__name__


def _probe(col: _Column, value: str, reference: object) -> bool | None:
    """Feed one value to a fresh twin of the column.  None: the value is special;
    else it reached feed's last branch, and whether it counted as a word."""
    scratch = _fresh(col)
    scratch.feed(1, [value], frozenset())
    if scratch.nonempty != 1 or scratch.present.count != 1 or _state(scratch) != reference:
        return None
    return bool(scratch.words)


def _known_plain(memory: _Memory, values: Any) -> tuple[Mask, Mask]:
    """(found plain before, counts as a word) for each value."""
    import numpy as np
    import pyarrow.compute as pc
    if memory.plain_array is None:
        none = np.zeros(len(values), dtype=bool)
        return none, none
    index = pc.index_in(values, value_set=memory.plain_array)
    found = _np_valid(index)
    at = _np_numbers(index, np.int32)
    alpha = np.zeros(len(values), dtype=bool)
    alpha[found] = memory.alpha_array[at[found]]
    return found, alpha


def _memory(col: _Column) -> _Memory:
    memory = _MEMORY.get(col)
    if memory is None:
        memory = _MEMORY[col] = _Memory()
    return memory


def _remember(memory: _Memory, values: Any) -> None:
    """Values the twins found plain (ASCII, no edge space): a word when a letter starts it.

    Only values that repeat are worth it: looking a value up costs about what testing
    it again costs, and a memory of many distinct values makes every lookup slower.
    """
    import pyarrow.compute as pc
    room = _MEMORY_LIMIT - len(memory.plain)
    if room <= 0 or memory.plain_misses >= 2:     # values that do not repeat: stop trying
        return
    if memory.by_value is False and len(memory.plain) >= _MEMORY_LIMIT // 2:
        return
    distinct = pc.unique(values)
    if len(distinct) * _REPEATS > len(values):
        memory.plain_misses += 1
        return
    fresh = [v for v in distinct.to_pylist()[:room] if v not in memory.plain]
    if fresh:
        memory.plain.update((v, v[:1].isalpha()) for v in fresh)
        _rebuild(memory)


def _rebuild(memory: _Memory) -> None:
    import numpy as np
    memory.plain_array = _strings(list(memory.plain))
    memory.alpha_array = np.fromiter(memory.plain.values(), dtype=bool, count=len(memory.plain))


def _learn(col: _Column, memory: _Memory, values: Any) -> None:
    """Probe special values that repeat (in this batch or since the last) and remember
    the plain ones; a value seen once is cheaper to feed than to probe."""
    import pyarrow.compute as pc
    room = _MEMORY_LIMIT - len(memory.plain)
    if room <= 0:
        return
    counts = pc.value_counts(values)
    repeated = []
    for value, count in zip(counts.field('values').to_pylist(), counts.field('counts').to_pylist(),
                            strict=True):
        if value in memory.plain or value in memory.special:
            continue
        if count > 1 or value in memory.seen:
            repeated.append(value)
        elif len(memory.seen) < _MEMORY_LIMIT:
            memory.seen.add(value)
    if not repeated:
        return
    if memory.reference is None:
        memory.reference = _state(_fresh(col))
    learned = False
    for value in repeated[:min(room, _PROBES)]:
        if memory.probes >= _FUTILE_PROBES and not memory.plain:
            break           # special values: each probe is a second feed of the same value
        memory.probes += 1
        alpha = _probe(col, value, memory.reference)
        if alpha is not None:
            memory.plain[value] = alpha
            learned = True
        elif len(memory.special) < _MEMORY_LIMIT:
            memory.special.add(value)
    if learned:
        _rebuild(memory)


#: Distinct values in order of first appearance, and where the i-th first appears.
Distinct = tuple[list[str], Callable[[int], int]]


def _distinct_plain(array: Any, plain: Index) -> Distinct:
    """The distinct values of these cells, in order of first appearance, and their cells."""
    import numpy as np
    import pyarrow.compute as pc
    encoded = pc.dictionary_encode(_take(array, plain))
    firsts = plain[_first_appearances(_np_numbers(encoded.indices, np.int32))]
    return encoded.dictionary.to_pylist(), lambda i: int(firsts[i])


def _first_appearances(codes: Any) -> Index:
    """Where each code first appears, codes being numbered in order of first appearance
    (as Arrow's dictionary_encode numbers them); negative codes are skipped."""
    import numpy as np
    running = np.maximum.accumulate(codes)
    rising = np.empty(len(codes), dtype=bool)
    rising[:1] = running[:1] >= 0
    rising[1:] = running[1:] > running[:-1]
    found: Index = np.flatnonzero(rising)
    return found


def _codes(encoded: Any) -> Any:
    """A dictionary array's indices as numpy int64 (null slots hold garbage: mask them)."""
    import numpy as np
    width = {8: np.int8, 16: np.int16, 32: np.int32, 64: np.int64}[encoded.indices.type.bit_width]
    return _np_numbers(encoded.indices, width).astype(np.int64)


def _encoded_present(encoded: Any) -> Mask:
    """Cells of a dictionary array that hold a non-empty string."""
    import numpy as np
    offsets, _data = _buffers(encoded.dictionary)
    filled = np.diff(offsets) > 0
    valid = _np_valid(encoded.indices)
    codes = np.where(valid, _codes(encoded), 0)
    present: Mask = valid & filled[codes] if len(filled) else np.zeros(len(encoded), dtype=bool)
    return present


def _first_cells(col: _Column, distinct: Distinct | None, array: Any,
                 plain: Index, memory: _Memory) -> list[int]:
    """Plain cells whose place in row order ``present.add`` depends on, in row order.

    ``present`` keeps the first few distinct masked values (examples) and the
    hashes of its first distinct values.  The first cell of each value that may
    still add to either goes through the Python path, so both come out as if
    every cell had.  ``distinct``: the plain values in order of first appearance
    and their first cells, when the caller has them.
    """
    from pii_hooks.detect import columns
    hits = col.present
    # without a header category, evidence never shows present's examples
    want_examples = (columns._EXAMPLES - len(hits.examples)
                     if col.ctx.header_category is not None else 0)
    seen = getattr(hits, 'distinct', None)
    want_distinct = (int(getattr(columns, '_DISTINCT_CAP', 0)) - len(seen)
                     if isinstance(seen, set) else 0)
    if (want_examples <= 0 and want_distinct <= 0) or not plain.size:
        return []
    if distinct is not None:
        return _choose(col, distinct, want_examples, want_distinct, memory)[0]
    # the first distinct values of a long batch are near its start: encode a prefix of its
    # plain cells, and more only when the prefix runs out of values before the wants do
    size = _FIRST_PREFIX
    while True:
        chosen, satisfied = _choose(col, _distinct_plain(array, plain[:size]), want_examples,
                                    want_distinct, memory)
        if satisfied or size >= plain.size:
            return chosen
        size *= 16


#: Plain cells whose distinct values _first_cells reads first.
_FIRST_PREFIX = 4096


def _choose(col: _Column, distinct: Distinct, want_examples: int,
            want_distinct: int, memory: _Memory) -> tuple[list[int], bool]:
    """The cells of ``distinct`` (values in order of first appearance, their first cells)
    that add to present's examples or distinct hashes; and whether both wants were met."""
    from pii_hooks.mask import mask_value
    hits = col.present
    seen = getattr(hits, 'distinct', None)
    values, cell_of = distinct
    category = col.ctx.header_category or ''
    reveal = bool(getattr(hits, 'reveal', False))       # --show-values: raw examples
    known_masks = set(hits.examples)
    chosen: list[int] = []
    for at, value in enumerate(values):
        take = False
        if want_distinct > 0 and seen is not None and hash(value.strip()) not in seen:
            want_distinct -= 1
            take = True
        if want_examples > 0 and value not in memory.example_values:
            masked = value.strip()[:64] if reveal else mask_value(value, category)
            if masked not in known_masks:
                known_masks.add(masked)
                want_examples -= 1
                take = True
            elif len(memory.example_values) < _MEMORY_LIMIT:
                memory.example_values.add(value)
        if take:
            chosen.append(cell_of(at))
        if want_examples <= 0 and want_distinct <= 0:
            return chosen, True
    return chosen, False


def _by_value(col: _Column, encoded: Any, present: Mask, memory: _Memory,
              ) -> tuple[Mask, Mask, Distinct] | None:
    """For a column of few distinct values: each distinct value judged once, by feed.

    ``encoded``: the batch dictionary-encoded (codes in order of first appearance).
    Returns (special, counts as a word, the plain values in order of first appearance
    and their first cells); None when the batch has too many distinct values.
    """
    import numpy as np
    values = encoded.dictionary
    if len(values) > _MAX_VALUES or len(values) * _REPEATS > len(encoded):
        memory.by_value = False
        return None
    memory.by_value = True
    texts = values.to_pylist()
    if memory.reference is None:
        memory.reference = _state(_fresh(col))
    kind = np.full(len(texts), 2, dtype=np.int8)        # 0 plain, 1 plain word, 2 special
    for i, text in enumerate(texts):
        alpha = memory.plain.get(text)
        if alpha is None and text not in memory.special:
            alpha = _probe(col, text, memory.reference)
            if len(memory.plain) + len(memory.special) < _MEMORY_LIMIT:
                if alpha is None:
                    memory.special.add(text)
                else:
                    memory.plain[text] = alpha
        if alpha is not None:
            kind[i] = int(alpha)
    codes = np.where(present, _codes(encoded), -1)
    per_cell = np.where(present, kind[np.maximum(codes, 0)], 2)
    special: Mask = present & (per_cell == 2)
    words: Mask = per_cell == 1
    # codes are numbered in order of first appearance, and every plain code appears in a
    # present cell (a value in no present cell is '' or only blanks: never plain); where
    # a value first appears is looked up only for the few values _first_cells takes
    plain_codes = np.flatnonzero(kind < 2)
    return special, words, ([texts[c] for c in plain_codes.tolist()],
                            lambda i: int(np.argmax(codes == plain_codes[i])))


def _sample_room(col: _Column, memory: _Memory, value: str) -> int:
    """How many more plain values feed would keep in ``col.sample`` (its first N)."""
    from pii_hooks.detect import columns
    sample = getattr(col, 'sample', None)
    limit = int(getattr(columns, '_ATTRIBUTE_SAMPLE', 0))
    if not isinstance(sample, list) or len(sample) >= limit:
        return 0
    if memory.samples is None:      # does this column keep one?  Ask feed itself.
        scratch = _fresh(col)
        scratch.feed(1, [value], frozenset())
        memory.samples = bool(getattr(scratch, 'sample', None))
    return limit - len(sample) if memory.samples else 0


# --- feeding a column -------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _byte_tables() -> tuple[Any, Any]:
    import numpy as np
    space = np.zeros(256, dtype=bool)
    space[[ord(c) for c in _ASCII_SPACE]] = True
    alpha = np.zeros(256, dtype=bool)
    alpha[[ord(c) for c in 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ']] = True
    return space, alpha


def _buffers(array: Any) -> tuple[Any, Any]:
    import numpy as np
    import pyarrow as pa
    kind = np.int64 if pa.types.is_large_string(array.type) else np.int32
    _, offsets_buf, data_buf = array.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=kind)[array.offset:array.offset + len(array) + 1]
    data = (np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None
            else np.zeros(0, dtype=np.uint8))
    return offsets.astype(np.int64), data


def _non_ascii(offsets: Any, data: Any, n: int) -> Mask:
    """Cells holding a byte >= 0x80 (a non-ASCII character)."""
    import numpy as np
    out = np.zeros(n, dtype=bool)
    lo, hi = int(offsets[0]), int(offsets[-1])
    high = np.flatnonzero(data[lo:hi] >= 0x80)
    if high.size:
        out[np.searchsorted(offsets, high + lo, side='right') - 1] = True
    return out


def _by_twins(col: _Column, r: Rules, array: Any, offsets: Any, data: Any, present: Mask,
              memory: _Memory) -> tuple[Mask, Mask]:
    """(special, counts as a word) for a column of many distinct values: twins on cells
    and shapes, then what the Python path found plain before."""
    import numpy as np

    from pii_hooks.detect.columns import _FREE_TEXT
    n = len(array)
    cells = np.flatnonzero(present)
    lengths = np.diff(offsets)
    space, alpha = _byte_tables()
    # the twins are exact for ASCII text without space at either end, and short
    if cells.size == n:         # every cell holds text: no scatter
        firsts = data[offsets[:-1]]
        special = space[firsts] | space[data[offsets[1:] - 1]]
    else:
        firsts = np.zeros(n, dtype=np.uint8)
        firsts[cells] = data[offsets[cells]]
        special = np.zeros(n, dtype=bool)
        special[cells[space[firsts[cells]] | space[data[offsets[cells + 1] - 1]]]] = True
    starts_alpha: Mask = alpha[firsts] & present
    special |= _non_ascii(offsets, data, n)
    special |= present & (lengths > _FREE_TEXT)
    if r.every:
        special |= present
    elif r.digits:
        special |= present & _matches(array, '[0-9]')
    todo = present & ~special
    if todo.any():
        judged = _by_shape(col, r, array, offsets, data, todo)
        special |= judged if judged is not None else _free_text(r, array, todo)
    flagged = np.flatnonzero(special)
    if flagged.size and not r.every:
        values = _take(array, flagged)
        found, words = _known_plain(memory, values)
        if not found.all():
            _learn(col, memory, _take(values, np.flatnonzero(~found)))
            found, words = _known_plain(memory, values)
        special[flagged[found]] = False
        starts_alpha[flagged[found]] = words[found]
    return special, starts_alpha


def feed_arrow(col: _Column, first_row: int, array: Any, hidden_rows: frozenset[int]) -> None:
    """``col.feed(first_row, array, hidden_rows)`` for an Arrow array, with the same result."""
    import numpy as np
    import pyarrow as pa

    from pii_hooks.detect.columns import _NAME_SAMPLE
    if not type(array).__module__.startswith('pyarrow'):
        col.feed(first_row, list(array), hidden_rows)     # any other iterable: the list path
        return
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    generic = bool(getattr(col, 'generic', False))
    r = rules(col.ctx.header_category, col.header, generic) if reviewed() else None
    kind = array.type.value_type if pa.types.is_dictionary(array.type) else array.type
    n = len(array)
    if r is None or not (pa.types.is_string(kind) or pa.types.is_large_string(kind)) or \
            n <= _SMALL:    # (a first batch of a few hundred rows: not worth the set-up)
        col.feed(first_row, array.to_pylist(), hidden_rows)
        return
    memory = _memory(col)
    by_value = None
    if memory.by_value is not False and not r.every and not pa.types.is_dictionary(array.type) \
            and n > _VALUES_PREFIX and _many_values(array.slice(0, _VALUES_PREFIX)):
        memory.by_value = False     # what _by_value finds, without encoding the whole batch
    if memory.by_value is not False and not r.every:
        import pyarrow.compute as pc
        encoded = array if pa.types.is_dictionary(array.type) else pc.dictionary_encode(array)
        present = _encoded_present(encoded)
        if not present.any():
            return
        by_value = _by_value(col, encoded, present, memory)
    if pa.types.is_dictionary(array.type) and by_value is None:
        array = array.dictionary_decode()
    distinct = None
    if by_value is not None:
        special, starts_alpha, distinct = by_value
    else:
        offsets, data = _buffers(array)
        present = np.diff(offsets) > 0
        if array.null_count:
            present &= _np_valid(array)
        if not present.any():
            return
        special, starts_alpha = _by_twins(col, r, array, offsets, data, present, memory)
    plain = present & ~special
    plain_cells = np.flatnonzero(plain)
    # plain cells whose place in row order matters: feed's first-N samples and examples
    plain_alpha = np.flatnonzero(plain & starts_alpha)[:_NAME_SAMPLE]
    examples = _first_cells(col, distinct, array, plain_cells, memory)
    sampled = plain_cells[:_sample_room(col, memory, array[int(plain_cells[0])].as_py())
                          if plain_cells.size else 0]
    included = np.flatnonzero(special)
    if plain_alpha.size or examples or sampled.size:
        included = np.union1d(included, np.concatenate(
            (plain_alpha, sampled, np.asarray(examples, dtype=np.intp))))
    if included.size:
        values = _take(array, included).to_pylist()
        col.feed(first_row, values, hidden_rows, rows=(included + first_row).tolist())
        plain[included] = False
    _count_plain(col, first_row, plain, starts_alpha, hidden_rows)


#: Cells whose distinct values tell whether a batch could be judged value by value.
_VALUES_PREFIX = 16_384


def _many_values(prefix: Any) -> bool:
    """More distinct values in these cells than _by_value takes in a whole batch."""
    import pyarrow.compute as pc
    return len(pc.unique(prefix)) > _MAX_VALUES


def _count_plain(col: _Column, first_row: int, plain: Mask, starts_alpha: Mask,
                 hidden_rows: frozenset[int]) -> None:
    """What ``feed`` does for plain cells, in bulk: counts, rows, hidden rows."""
    import numpy as np
    where = np.flatnonzero(plain)
    if not where.size:
        return
    count = int(where.size)
    col.nonempty += count
    col.words += int(np.count_nonzero(starts_alpha[where]))
    hits = col.present
    first, last = first_row + int(where[0]), first_row + int(where[-1])
    hits.count += count
    if not hits.first_row or first < hits.first_row:
        hits.first_row = first
    hits.last_row = max(hits.last_row, last)
    if hidden_rows:
        rows = where + first_row
        hidden = np.fromiter(hidden_rows, dtype=np.int64, count=len(hidden_rows))
        hits.rows_hidden += int(np.count_nonzero(np.isin(rows, hidden)))
