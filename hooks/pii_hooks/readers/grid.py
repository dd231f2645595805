"""Rows of cells become a table: the header found where it is, batches cut safely.

Spreadsheet readers produce ``(row number, cells)`` pairs in sheet order.  A
batch keeps the sheet's own row numbers, so a finding points at the row a
person sees; an empty stretch between two rows is never allocated (a cell on
row 1,000,000 after one on row 3 starts a new batch instead of a million
empty rows).
"""
from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence

from pii_hooks.models import Batch, Table
from pii_hooks.readers import Limits, Unreadable
from pii_hooks.readers.delimited import BATCH_ROWS, find_header

Row = tuple[int, list[str]]
HEAD_ROWS = 50
_MAX_SPAN = 2 * BATCH_ROWS


def to_batch(items: Sequence[Row]) -> Batch:
    """Rows keep their numbers; gaps (empty rows) become empty cells."""
    first = min(number for number, _ in items)
    last = max(number for number, _ in items)
    width = max(len(cells) for _, cells in items)
    columns: list[list[str | None]] = [[None] * (last - first + 1) for _ in range(width)]
    for number, cells in items:
        for i, text in enumerate(cells):
            if text != '':
                columns[i][number - first] = text
    return Batch(first, columns)


def row_batches(rows: Iterable[Row], limits: Limits) -> Iterator[Batch]:
    """Batches of rows; the limit counts rows that hold cells, not row numbers."""
    pending: list[Row] = []
    for count, (number, cells) in enumerate(rows, start=1):
        if count > limits.max_rows:
            raise Unreadable(f'more than {limits.max_rows:,} rows (limit max_rows)',
                             'raise limits.max_rows in .pii-hooks.yaml', limit='max_rows')
        if pending and (len(pending) >= BATCH_ROWS or not
                        0 <= number - pending[0][0] < _MAX_SPAN):
            yield to_batch(pending)
            pending = []
        if cells:
            pending.append((number, cells))
    if pending:
        yield to_batch(pending)


def grid_table(part: str, state: str, rows: Iterator[Row], limits: Limits, *,
               hidden_rows: frozenset[int] = frozenset(),
               hidden_columns: frozenset[int] | Callable[[], frozenset[int]] = frozenset(),
               header: Sequence[str] | None = None) -> Iterator[Table]:
    """One table from rows: the header is the first row that reads as one, unless given.

    ``hidden_columns`` may be a function, called once the first rows are read
    (a sheet declares its columns before its rows).
    """
    lead = [row for row in itertools.islice(rows, HEAD_ROWS) if row[1]]
    if not lead:
        return
    if header is None:
        at = find_header([cells for _, cells in lead])
        found = tuple(lead[at][1]) if at >= 0 else ()
        header_row = lead[at][0] if at >= 0 else 0
        body = lead[at + 1:]
    else:
        found, header_row, body = tuple(header), 0, lead
    cols = hidden_columns() if callable(hidden_columns) else hidden_columns
    yield Table(part=part, state=state, header=found,
                batches=row_batches(itertools.chain(body, rows), limits),
                hidden_columns=cols, hidden_rows=hidden_rows, header_row=header_row)


def records_table(part: str, state: str, header: Sequence[str],
                  records: Iterable[Sequence[str | None]]) -> Table:
    """A small table given row by row (comments, properties, defined names)."""
    rows = [list(r) for r in records]
    width = max([len(header)] + [len(r) for r in rows])
    columns = [[r[i] if i < len(r) else None for r in rows] for i in range(width)]
    return Table(part=part, state=state, header=tuple(header),
                 batches=[Batch(1, columns)] if rows else [], header_row=0)
