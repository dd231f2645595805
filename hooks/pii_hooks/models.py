"""The records that flow between the stages.

sources -> readers -> detect -> policy -> report.  Each stage takes the records
of the stage before it and returns its own; nothing reaches back.  Raw cell
values never leave ``detect``: evidence carries masked examples only.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import IO, NamedTuple

#: The finding categories, in the order reports list them.
CATEGORIES = (
    'person_name', 'email', 'phone', 'ssn', 'itin', 'a_number', 'passport',
    'drivers_license', 'national_id', 'date_of_birth', 'street_address',
    'postal_code', 'ip_address', 'credit_card', 'iban', 'bank_account',
    'tax_id', 'health', 'nationality', 'immigration_status', 'ethnicity',
    'religion', 'gender', 'sexual_orientation', 'criminal_record', 'username',
    'secret',
)
#: Not PII, but a file we could not judge: always blocks (fail closed).
UNREADABLE = 'unreadable'
#: A structure that can hide data we cannot inspect (pivot cache without source, ...).
STRUCTURE = 'hidden_structure'

BLOCK = 'block'
WARN = 'warn'


# --- sources -----------------------------------------------------------------

class ScanItem(NamedTuple):
    """One file as it will be committed, pushed or published."""

    path: str                          # repository-relative, '/'-separated
    size: int
    open: Callable[[], IO[bytes]]      # a fresh, seekable binary stream at offset 0
    origin: str = 'worktree'           # 'worktree' | 'index' | 'commit <sha>'
    blob_id: str | None = None
    commit: str | None = None          # the commit that holds this blob, when known


# --- readers -----------------------------------------------------------------

class Batch(NamedTuple):
    """A slice of a table, column-major, so detectors run per column."""

    first_row: int                          # row number of columns[*][0], as a person counts
    columns: Sequence[Sequence[str | None]]


class Table(NamedTuple):
    """A grid of cells from one part of a file, streamed in batches."""

    part: str                      # '' for a plain file; 'sheet "People"', 'member a/b.csv'
    state: str                     # 'visible', 'hidden', 'veryHidden', 'comment', 'metadata', ...
    header: tuple[str, ...]        # column names ('' where a column has none)
    batches: Iterable[Batch]
    hidden_columns: frozenset[int] = frozenset()
    hidden_rows: frozenset[int] = frozenset()
    header_row: int = 1            # row number of the header (0: the table has none)


class ReadProblem(NamedTuple):
    """A part the reader could not judge: becomes a blocking finding."""

    part: str
    reason: str                    # one line, no raw values
    fix: str
    category: str = UNREADABLE     # or STRUCTURE
    blocks: bool = True


# --- detect ------------------------------------------------------------------

class ColumnEvidence(NamedTuple):
    """What one column holds, judged from its header and its values."""

    column: str                    # header text ('' when none)
    column_index: int
    category: str
    basis: str                     # 'validated' | 'pattern' | 'name-list' | 'header' | 'masked'
    count: int  # type: ignore[assignment]  # values that match (shadows tuple.count)
    nonempty: int                  # non-empty values in the column
    first_row: int                 # first and last row holding a match (0 when none)
    last_row: int
    examples: tuple[str, ...]      # masked, never raw
    hidden: bool = False           # the column, or the rows holding matches, are hidden
    header_category: str | None = None
    notes: tuple[tuple[str, int], ...] = ()   # signal counts: ('webmail', 12), ('mobile', 3)


class TableEvidence(NamedTuple):
    part: str
    state: str
    rows: int                      # data rows seen
    columns: tuple[ColumnEvidence, ...]
    profile_columns: tuple[str, ...] = ()     # title, role, bio, orcid, party, office ...
    complete: bool = True          # False when the scan stopped early (decision reached)


class FileEvidence(NamedTuple):
    path: str
    tables: tuple[TableEvidence, ...]
    problems: tuple[ReadProblem, ...] = ()
    origin: str = 'worktree'
    commit: str | None = None
    content_hash: str = ''         # sha256 of the whole file: allowlists pin to it


# --- policy / report ---------------------------------------------------------

class Location(NamedTuple):
    part: str = ''                 # sheet / member / package part
    state: str = ''                # visibility of the part
    column: str = ''
    column_index: int = -1
    first_row: int = 0
    last_row: int = 0

    def describe(self) -> str:
        bits = []
        if self.part:
            shown = self.state not in ('', 'visible')
            bits.append(self.part + (f' ({self.state})' if shown else ''))
        if self.column or self.column_index >= 0:
            bits.append(f'column "{self.column}"' if self.column
                        else f'column {self.column_index + 1}')
        if self.first_row:
            rows = (f'row {self.first_row}' if self.first_row == self.last_row
                    else f'rows {self.first_row}-{self.last_row}')
            bits.append(rows)
        return ', '.join(bits)


class Finding(NamedTuple):
    path: str
    category: str
    severity: str                  # BLOCK | WARN
    location: Location
    count: int  # type: ignore[assignment]  # shadows tuple.count, as the JSON key says
    examples: tuple[str, ...]      # masked
    reason: str                    # why it blocks / warns
    fix: str                       # how to fix or allow it
    rule: str                      # the policy rule that decided it
    commit: str | None = None
    published_url: str | None = None


def merged_findings(groups: Iterable[Sequence[Finding]]) -> list[Finding]:
    return [f for group in groups for f in group]
