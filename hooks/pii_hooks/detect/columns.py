"""Column evidence: headers and values of one table, judged together.

A header alone never decides: it raises the weight of values that validate
(a bare 9-digit number is an SSN only under an SSN header) and a column whose
values contradict it (product names under ``Name``) is not personal.
"""
from __future__ import annotations

import datetime as dt
import itertools
import os
import re
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from pii_hooks import progress
from pii_hooks.detect.addresses import looks_like_street_address
from pii_hooks.detect.attributes import ATTRIBUTE_CATEGORIES, attribute_share, is_neutral
from pii_hooks.detect.headers import HeaderMatch, classify_header, classify_headers
from pii_hooks.detect.names import looks_like_name
from pii_hooks.detect.secrets import classify_secret
from pii_hooks.detect.values import ValueContext, classify_value, find_in_text
from pii_hooks.mask import mask_value
from pii_hooks.models import Batch, ColumnEvidence, Table, TableEvidence

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

#: Categories whose validated values are identifiers on their own.
IDENTIFIERS = frozenset({'ssn', 'itin', 'a_number', 'passport', 'drivers_license', 'national_id',
                         'tax_id', 'credit_card', 'iban', 'bank_account', 'secret'})
#: Categories judged from the header and the presence of values (no value pattern).
ATTRIBUTES = frozenset({'nationality', 'immigration_status', 'ethnicity', 'religion', 'health',
                        'gender', 'sexual_orientation', 'criminal_record', 'street_address',
                        'postal_code', 'username', 'drivers_license', 'passport', 'tax_id',
                        'bank_account', 'national_id'})
#: Values that are already masked: 'XXX-XX-XXXX', '***-**-1234', '[REDACTED]'.
_MASKED = re.compile(r'^(?:[xX*#•]+[\s\-./]*)+\d{0,4}$|^\[?(?:redacted|withheld|masked|n/?a)\]?$',
                     re.IGNORECASE)
_NAME_SAMPLE = 400          # names checked per column per batch: enough to judge a share
_EXAMPLES = 3
_FREE_TEXT = 120            # values longer than this are searched, not matched whole
_DATE_FORMATS = ('%Y-%m-%d', '%m/%d/%Y', '%d/%m/%Y', '%d.%m.%Y', '%Y/%m/%d', '%m-%d-%Y',
                 '%d-%m-%Y', '%Y%m%d', '%m/%d/%y', '%d %b %Y', '%b %d, %Y', '%B %d, %Y')
_DISTINCT_CAP = 64
_GENERIC_HEADER = re.compile(
    r'^\[?(?:(?:col|column|field|var|v|x|f|unnamed|attr)[\s_:.#-]*)?\d*\]?$', re.IGNORECASE)
_DATE_SHAPE = re.compile(r'^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?:[ T].*)?$|^\d{8}$')
_ATTRIBUTE_SAMPLE = 2000    # values kept to judge whether a column fits its attribute header
_GUESS_ID = ValueContext(header_category='national_id')
_GUESS_MIN = 5              # values before a headerless column is judged by its values
_GUESS_ATTRIBUTES = ('health', 'nationality', 'immigration_status', 'religion', 'ethnicity')
CONCLUSIVE = 10             # validated identifiers in one column: no need to read further


class _Hits:
    __slots__ = ('count', 'distinct', 'examples', 'first_row', 'last_row', 'reveal',
                 'rows_hidden', 'signals')

    def __init__(self, reveal: bool = False) -> None:
        self.reveal = reveal    # --show-values: keep raw examples (refused under CI)
        self.count = 0
        self.first_row = 0
        self.last_row = 0
        self.examples: list[str] = []
        self.signals: Counter[str] = Counter()
        self.rows_hidden = 0
        # how many different values, up to a cap: the same label repeated is not a list of
        # people.  Python's per-process hash, never written anywhere.
        self.distinct: set[int] = set()

    def add(self, row: int, value: str, category: str, signal: str, hidden: bool) -> None:
        self.count += 1
        if not self.first_row:
            self.first_row = row
        self.last_row = row
        if signal:
            self.signals[signal] += 1
        if hidden:
            self.rows_hidden += 1
        if len(self.distinct) < _DISTINCT_CAP:
            self.distinct.add(hash(value))
        if len(self.examples) < _EXAMPLES:
            masked = value.strip()[:64] if self.reveal else mask_value(value, category)
            if masked not in self.examples:
                self.examples.append(masked)


class _Column:
    def __init__(self, index: int, header: str, hidden: bool,
                 match: HeaderMatch | bool | None = True, reveal: bool = False) -> None:
        self.reveal = reveal
        self.index = index
        self.header = header
        self.hidden = hidden
        # True: classify the header alone; otherwise the table-level classification
        self.match: HeaderMatch | None = (
            (classify_header(header) if header else None) if match is True
            else match or None)
        self.ctx = ValueContext(header_category=self.match.category if self.match else None)
        self.nonempty = 0
        self.hits: dict[str, _Hits] = {}
        self.name_checked = 0
        self.name_hits = _Hits(reveal)
        self.masked = 0
        self.dates = _Hits(reveal)
        self.words = 0          # alphabetic values: a header-named attribute column holds them
        self.present = _Hits(reveal)  # values no detector claimed: what a header-named column holds
        # a sensitive attribute named by the header is confirmed (or contradicted) by its values
        self.attribute = (self.match.category if self.match is not None
                          and self.match.category in ATTRIBUTE_CATEGORIES else None)
        self.sample: list[str] = []
        # no header, or 'col3': the values must speak for themselves
        self.generic = self.match is None and _GENERIC_HEADER.match(header.strip()) is not None
        self.guessed_ids: dict[str, _Hits] = {}      # header-gated schemes, tried by share
        self.birth_dates = _Hits(reveal)                  # dates whose ages fit people
        self.other_dates = 0
        self.addresses = _Hits(reveal)

    def hit(self, category: str) -> _Hits:
        found = self.hits.get(category)
        if found is None:
            found = self.hits[category] = _Hits(self.reveal)
        return found

    def feed(self, first_row: int, values: Iterable[str | None], hidden_rows: frozenset[int],
             rows: Sequence[int] | None = None) -> None:
        if not isinstance(values, (list, tuple)):
            # an Arrow array (readers/arrow_csv.py): the vectorised twin of this loop
            from pii_hooks.detect.vector import feed_arrow
            feed_arrow(self, first_row, values, hidden_rows)
            return
        checked_here = 0
        want_dates = self.ctx.header_category == 'date_of_birth'
        for offset, raw in enumerate(values):
            if raw is None:
                continue
            value = raw.strip() if isinstance(raw, str) else str(raw)
            if not value:
                continue
            self.nonempty += 1
            row = first_row + offset if rows is None else rows[offset]
            hidden = row in hidden_rows
            if _MASKED.match(value):
                self.masked += 1
                continue
            if len(value) > _FREE_TEXT:
                for found, span in find_in_text(value, self.ctx):
                    self.hit(found.category).add(row, span, found.category, found.signal, hidden)
                secret = classify_secret(value, self.header)      # a private key, a JWT
                if secret is not None:
                    self.hit('secret').add(row, value, 'secret', secret, hidden)
                continue
            found_hit = classify_value(value, self.ctx)
            if found_hit is not None:
                self.hit(found_hit.category).add(row, value, found_hit.category, found_hit.signal,
                                                 hidden)
                continue
            # after the PII check: an e-mail address or an ID is PII, not a secret
            secret = classify_secret(value, self.header)
            if secret is not None:
                self.hit('secret').add(row, value, 'secret', secret, hidden)
                continue
            if want_dates and _parse_birth_date(value):
                self.dates.add(row, value, 'date_of_birth', '', hidden)
                continue
            if self.generic and self._guess(row, value, hidden):
                continue
            if value[:1].isdigit() and ' ' in value and looks_like_street_address(value):
                self.addresses.add(row, value, 'street_address', '', hidden)
            self.present.add(row, value, self.ctx.header_category or '', '', hidden)
            if (self.attribute is not None or self.generic) and \
                    len(self.sample) < _ATTRIBUTE_SAMPLE:
                self.sample.append(value)
            if value[:1].isalpha():
                self.words += 1
                if checked_here < _NAME_SAMPLE:
                    checked_here += 1
                    self.name_checked += 1
                    if looks_like_name(value):
                        self.name_hits.add(row, value, 'person_name', '', hidden)

    def _guess(self, row: int, value: str, hidden: bool) -> bool:
        """For a column with no header: IDs whose schemes need one, and dates of birth."""
        if _DATE_SHAPE.match(value):
            if _parse_birth_date(value, min_age=1):
                self.birth_dates.add(row, value, 'date_of_birth', '', hidden)
            else:
                self.other_dates += 1
            return True
        digits = sum(ch.isdigit() for ch in value)
        if 8 <= digits <= 20 and digits * 10 >= len(value) * 7:
            found = classify_value(value, _GUESS_ID)
            if found is not None:
                hits = self.guessed_ids.setdefault(found.category, _Hits(self.reveal))
                hits.add(row, value, found.category, found.signal, hidden)
                return True
        return False

    def _guessed(self, table_hidden: bool) -> list[ColumnEvidence]:
        """Evidence from values alone, where only a column-wide share makes it safe."""
        out: list[ColumnEvidence] = []
        for category, hits in self.guessed_ids.items():
            # a 9-11 digit scheme passes its checksum by chance about one time in ten:
            # nine in ten of a column's values passing is no chance
            if hits.count >= _GUESS_MIN and hits.count >= 0.9 * self.nonempty:
                out.append(self._make(category, 'validated', hits, table_hidden))
        dates = self.birth_dates
        if dates.count >= _GUESS_MIN and dates.count >= 0.9 * self.nonempty \
                and len(dates.distinct) * 2 >= dates.count:
            out.append(self._make('date_of_birth', 'pattern', dates, table_hidden))
        if self.sample and self.words * 2 > self.nonempty and self.words >= _GUESS_MIN:
            for category in _GUESS_ATTRIBUTES:
                if attribute_share(category, self.sample) >= 0.8:
                    out.append(self._make(category, 'header-values', self.present, table_hidden,
                                          count=self.words))
                    break
        return out

    def evidence(self, table_hidden: bool) -> list[ColumnEvidence]:
        out: list[ColumnEvidence] = []
        header_cat = self.match.category if self.match else None
        if self.generic:
            out.extend(self._guessed(table_hidden))
        addresses = self.addresses
        if addresses.count >= 2 and addresses.count * 2 >= self.nonempty and \
                header_cat in (None, 'street_address'):
            out.append(self._make('street_address', 'validated', addresses, table_hidden))
        for category, hits in self.hits.items():
            share = hits.count / max(self.nonempty, 1)
            agrees = header_cat == category
            if not (agrees or share >= 0.5 or (hits.count >= 3 and share >= 0.1)
                    or self.nonempty <= 2 or category == 'secret'):   # one credential leaks
                continue        # a stray match in a column of something else
            out.append(self._make(category, 'validated', hits, table_hidden))
        if self.dates.count:
            out.append(self._make('date_of_birth', 'validated', self.dates, table_hidden))
        names = self.name_hits
        share = names.count / self.name_checked if self.name_checked else 0.0
        named = self.match is not None and header_cat == 'person_name'
        if named and self.match is not None and not self.match.ambiguous and \
                self.words * 2 > self.nonempty:
            # 'Last Name' over words: every word counts, the name list only says how sure we are
            out.append(self._make('person_name', 'name-list' if share >= 0.3 else 'header-values',
                                  self.present, table_hidden, count=self.words))
        elif names.count and len(names.distinct) >= min(3, names.count) and (
                (share >= 0.6 and names.count >= 2) or (named and share >= 0.3)):
            out.append(self._make('person_name', 'name-list', names, table_hidden,
                                  count=round(self.words * share) or names.count))
        if header_cat and not any(e.category == header_cat for e in out):
            assert self.match is not None
            if not (self.match.ambiguous and self.nonempty):
                # an ambiguous header ('name') over values of something else says nothing
                header_only = self._header_only(header_cat, table_hidden)
                if header_only is not None:
                    out.append(header_only)
        return out

    def _header_only(self, category: str, table_hidden: bool) -> ColumnEvidence | None:
        assert self.match is not None
        if self.attribute is not None and self.sample:
            share = attribute_share(self.attribute, self.sample)
            informative = any(not is_neutral(v) for v in self.sample[:200])
            if informative and share < 0.5:
                # 'Sex' over S/M/L/XL, 'Race' over marathon events: the values win
                return None
        if self.masked and self.masked * 2 >= self.nonempty:
            basis, count = 'masked', 0
        elif (category == 'person_name' and not self.match.ambiguous
              and self.words * 2 > self.nonempty):
            basis, count = 'header-values', self.words
        elif category in ATTRIBUTES and self.nonempty and category not in IDENTIFIERS:
            basis, count = 'header-values', self.nonempty
        else:
            basis, count = 'header', 0
        if basis == 'header-values':
            return self._make(category, basis, self.present, table_hidden, count=count)
        return ColumnEvidence(
            column=self.header, column_index=self.index, category=category, basis=basis,
            count=count, nonempty=self.nonempty, first_row=0, last_row=0, examples=(),
            hidden=self.hidden or table_hidden, header_category=category)

    def _make(self, category: str, basis: str, hits: _Hits, table_hidden: bool,
              count: int | None = None) -> ColumnEvidence:
        return ColumnEvidence(
            column=self.header, column_index=self.index, category=category, basis=basis,
            count=hits.count if count is None else count, nonempty=self.nonempty,
            first_row=hits.first_row, last_row=hits.last_row, examples=tuple(hits.examples),
            hidden=self.hidden or table_hidden or (hits.rows_hidden * 2 > hits.count),
            header_category=self.match.category if self.match else None,
            notes=(*sorted(hits.signals.items()), ('distinct', len(hits.distinct))))

    def conclusive(self) -> bool:
        return any(cat in IDENTIFIERS and h.count >= CONCLUSIVE for cat, h in self.hits.items())


def _parse_birth_date(value: str, min_age: float = 0) -> bool:
    text = value.strip()[:32]
    if 'T' in text:
        text = text.split('T', 1)[0]
    elif ' ' in text and text[:4].isdigit():
        text = text.split(' ', 1)[0]
    for fmt in _DATE_FORMATS:
        try:
            day = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        age = (dt.date.today() - day).days / 365.25
        return min_age <= age <= 110
    return False


def _header_is_data(header: Sequence[str]) -> bool:
    """True when the 'header' row holds values: an e-mail, an ID, or names and no field names."""
    cells = [c.strip() for c in header if c and c.strip()]
    if not cells:
        return False
    named = [c for c in cells if classify_header(c) is not None]
    values = sum(1 for c in cells if c not in named and classify_value(c) is not None)
    if values:
        return True
    people = sum(1 for c in cells if c not in named and looks_like_name(c))
    return not named and people * 2 >= len(cells)


class _Feed:
    """One batch's ``feed`` call for a (column, values) pair: what a thread runs.
    Each column's time is kept, so the next batch starts the slowest columns first."""

    def __init__(self, first_row: int, hidden_rows: frozenset[int],
                 seconds: dict[int, float]) -> None:
        self.first_row, self.hidden_rows, self.seconds = first_row, hidden_rows, seconds

    def __call__(self, job: tuple[_Column, Sequence[str | None]]) -> None:
        started = time.perf_counter()
        job[0].feed(self.first_row, job[1], self.hidden_rows)
        self.seconds[job[0].index] = time.perf_counter() - started


#: Values of a Python column from which it is judged as an Arrow array (detect/vector.py,
#: the same evidence): spreadsheets, JSON and SQL batches, not only big CSVs.
_ARROW_MIN_VALUES = 2048


def _as_arrow(values: Sequence[str | None]) -> Sequence[str | None]:
    """A long list of text as an Arrow string array; anything else as it is."""
    if not isinstance(values, list) or len(values) < _ARROW_MIN_VALUES:
        return values
    import pyarrow as pa
    try:
        array: Sequence[str | None] = pa.array(values, type=pa.string())
    except (pa.ArrowException, TypeError, ValueError):
        return values           # a value that is not text: the list path judges it as it is
    return array


#: Rows of an Arrow batch from which its columns are judged in threads.
_THREADED_ROWS = 65_536


#: Threads a table's columns may use; a scan's worker processes share the cores.
MAX_THREADS = 4


def _threads() -> int:
    """Cores this process may use, up to MAX_THREADS."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):   # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return min(cores, MAX_THREADS)


def scan_table(table: Table, *, full_report: bool = False,
               reveal: bool = False) -> TableEvidence:
    """Read a table's batches once and return what each column holds."""
    table_hidden = table.state not in ('visible', '')
    columns: dict[int, _Column] = {}
    rows = 0
    complete = True

    header = table.header
    batches: Iterable[Batch] = table.batches
    if header and table.header_row and _header_is_data(header):
        # a headerless table whose first row the reader took for a header: it is data
        batches = itertools.chain([Batch(table.header_row, [[cell] for cell in header])], batches)
        header = ('',) * len(header)
    matches = classify_headers(header) if header else ()

    def column(i: int) -> _Column:
        col = columns.get(i)
        if col is None:
            name = header[i] if i < len(header) else ''
            match: HeaderMatch | bool | None = matches[i] if i < len(matches) else True
            col = columns[i] = _Column(i, name or '', i in table.hidden_columns, match, reveal)
        return col

    for i in range(len(header)):
        column(i)
    batch: Batch
    pool: ThreadPoolExecutor | None = None
    seconds: dict[int, float] = {}      # each column's time on the last threaded batch
    try:
        for batch in batches:
            fed = [(column(i), _as_arrow(values)) for i, values in enumerate(batch.columns)]
            height = max((len(values) for values in batch.columns), default=0)
            if height >= _THREADED_ROWS and len(fed) > 1 and _threads() > 1 and \
                    all(type(v).__module__.startswith('pyarrow') for _, v in fed):
                # Arrow batches are judged in Arrow and numpy, the GIL released: columns
                # side by side (each column's batches stay in order: results do not change)
                if pool is None:
                    from concurrent.futures import ThreadPoolExecutor  # 16 ms: only here
                    pool = ThreadPoolExecutor(_threads(), thread_name_prefix='pii-hooks')
                fed.sort(key=lambda job: -seconds.get(job[0].index, 0.0))   # longest first
                for _ in pool.map(_Feed(batch.first_row, table.hidden_rows, seconds), fed):
                    pass
            else:
                for col, values in fed:
                    col.feed(batch.first_row, values, table.hidden_rows)
            rows += height
            if progress.ACTIVE is not None:
                progress.ACTIVE.rows_read(height, progress.batch_bytes(batch.columns))
            if not full_report and any(c.conclusive() for c in columns.values()):
                complete = False
                break
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    evidence: list[ColumnEvidence] = []
    profile: list[str] = []
    for col in columns.values():
        evidence.extend(col.evidence(table_hidden))
        if col.match is not None and col.match.category == 'profile' and col.nonempty:
            profile.append(col.header)
    evidence = [e for e in evidence if e.category != 'profile']
    return TableEvidence(part=table.part, state=table.state or 'visible', rows=rows,
                         columns=tuple(evidence), profile_columns=tuple(profile),
                         complete=complete)
