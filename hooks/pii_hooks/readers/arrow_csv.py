"""Large CSV/TSV files through Arrow's multithreaded parser, streamed in blocks.

The stdlib reader (``delimited.py``) parses about 10 MB/s; Arrow parses a
few hundred.  Files of ``ARROW_MIN_BYTES`` or more come here; smaller ones
stay on the stdlib path (importing pyarrow costs more than reading them).

What the reader yields is what ``read_delimited`` would yield, except that a
batch's columns are Arrow string arrays (``detect/vector.py`` reads them):

* the header, its row and the encoding are decided by ``read_delimited``
  itself (titles above the table, BOMs, UTF-16); Arrow starts after it;
* every cell stays text, as written ('007' is not 7);
* when Arrow cannot parse what follows (a ragged row, bytes that are not
  valid in the encoding), the rest of the file is read by the stdlib reader
  from the first row Arrow did not deliver: it fails over, never open.
"""
from __future__ import annotations

import csv
import io
import itertools
import os
from collections.abc import Iterator
from typing import IO, Any

from pii_hooks.models import Batch, Table
from pii_hooks.readers import Limits, Reader, TableOrProblem, Unreadable

#: Files at least this big are parsed by Arrow.
ARROW_MIN_BYTES = 8 * 1024 * 1024
#: Arrow reads and parses this much at a time (one batch per block).
BLOCK_SIZE = 16 * 1024 * 1024
#: The first batch is this many rows: when the first rows already decide the
#: verdict (ten validated SSNs), the scan stops without parsing more.
FIRST_ROWS = 4096
#: Arrow's names for the encodings delimited.sniff_encoding returns (others: Python codecs).
_ARROW_ENCODING = {'utf-8': 'utf8', 'utf-8-sig': 'utf8'}


def choose(stream: IO[bytes], reader: Reader) -> Reader:
    """``read_arrow_csv`` for a large seekable file, else ``reader`` (the stdlib one)."""
    try:
        if not stream.seekable():
            return reader
        size = stream.seek(0, os.SEEK_END)
        stream.seek(0)
    except (OSError, ValueError, AttributeError):
        return reader
    return read_arrow_csv if size >= ARROW_MIN_BYTES else reader


def read_arrow_csv(name: str, stream: IO[bytes], limits: Limits,
                   depth: int = 0) -> Iterator[TableOrProblem]:
    from pii_hooks.readers import delimited
    stdlib = delimited.read_delimited(name, stream, limits, depth)
    try:
        table = next(stdlib, None)
    finally:
        close = getattr(stdlib, 'close', None)     # a generator: let it detach its text
        if close is not None:
            close()
    if table is None:
        return
    if not isinstance(table, Table):
        yield from _stdlib_from(name, stream, limits, depth, 0)
        return
    layout = _layout(name, stream, table)
    if layout is None:          # our reading of the head disagrees: the stdlib reads it all
        yield from _stdlib_from(name, stream, limits, depth, 0)
        return
    yield table._replace(batches=_batches(name, stream, limits, depth, table, layout))


class _Layout:
    __slots__ = ('delimiter', 'encoding', 'skip_lines', 'width')

    def __init__(self, encoding: str, delimiter: str, skip_lines: int, width: int) -> None:
        self.encoding = encoding
        self.delimiter = delimiter
        self.skip_lines = skip_lines    # physical lines up to and including the header
        self.width = width              # columns of the widest row among the first rows


def _layout(name: str, stream: IO[bytes], table: Table) -> _Layout | None:
    """Encoding, delimiter and header position, as read_delimited found them."""
    from pii_hooks.readers import delimited
    stream.seek(0)
    head = stream.read(delimited._SNIFF_BYTES)
    encoding = delimited.sniff_encoding(head)
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding=encoding, errors=delimited.errors_for(encoding),
                            newline='')
    try:
        sample = text.read(delimited._SNIFF_BYTES // 2)
        delimiter = delimited._sniff_delimiter(sample, name)
        text.seek(0)
        reader = csv.reader(text, delimiter=delimiter)
        lead: list[list[str]] = []
        lines: list[int] = []
        for row in itertools.islice(reader, delimited._HEADER_SEARCH + 20):
            lead.append(row)
            lines.append(reader.line_num)
    except (UnicodeDecodeError, csv.Error):
        return None
    finally:
        text.detach()
    at = table.header_row - 1
    if at >= 0 and (at >= len(lead) or tuple(lead[at]) != table.header):
        return None
    width = max([len(r) for r in lead] + [len(table.header)])
    return _Layout(encoding, delimiter, lines[at] if at >= 0 else 0, width)


def _open(stream: IO[bytes], layout: _Layout) -> Any:
    import pyarrow as pa
    import pyarrow.csv as pa_csv
    stream.seek(0)
    read = pa_csv.ReadOptions(use_threads=True, block_size=BLOCK_SIZE,
                              skip_rows=layout.skip_lines, autogenerate_column_names=True,
                              encoding=_ARROW_ENCODING.get(layout.encoding, layout.encoding))
    # the stdlib dialect: double quotes, no escape character, blank lines are rows
    parse = pa_csv.ParseOptions(delimiter=layout.delimiter, quote_char='"', double_quote=True,
                                escape_char=False, newlines_in_values=True,
                                ignore_empty_lines=False)
    convert = pa_csv.ConvertOptions(
        column_types={f'f{i}': pa.string() for i in range(layout.width + 64)},
        strings_can_be_null=False, quoted_strings_can_be_null=False, check_utf8=True)
    return pa_csv.open_csv(pa.PythonFile(stream, mode='r'), read_options=read,
                           parse_options=parse, convert_options=convert)


def _batches(name: str, stream: IO[bytes], limits: Limits, depth: int, table: Table,
             layout: _Layout) -> Iterator[Batch]:
    import pyarrow as pa
    first_row = table.header_row + 1
    delivered = 0
    try:
        reader = _open(stream, layout)
    except (pa.ArrowException, UnicodeError, OSError, ValueError):
        reader = None
    if reader is None:
        yield from _rest(name, stream, limits, depth, first_row)
        return
    try:
        while True:
            try:
                block = reader.read_next_batch()
            except StopIteration:
                return
            except (pa.ArrowException, UnicodeError, ValueError):
                break           # what follows needs the stdlib reader
            if not all(pa.types.is_string(c.type) for c in block.columns):
                break           # a column past the width we typed: read the rest as text
            if delivered + block.num_rows > limits.max_rows:
                raise Unreadable(f'more than {limits.max_rows:,} rows (limit max_rows)',
                                 'raise limits.max_rows in .pii-hooks.yaml', limit='max_rows')
            for piece in _pieces(block, delivered):
                yield Batch(first_row + delivered, piece.columns)
                delivered += piece.num_rows
    finally:
        reader.close()
    yield from _rest(name, stream, limits, depth, first_row + delivered)


def _pieces(block: Any, delivered: int) -> Iterator[Any]:
    if delivered == 0 and block.num_rows > FIRST_ROWS:
        yield block.slice(0, FIRST_ROWS)
        yield block.slice(FIRST_ROWS)
    elif block.num_rows:
        yield block


def _rest(name: str, stream: IO[bytes], limits: Limits, depth: int,
          from_row: int) -> Iterator[Batch]:
    """The stdlib reader's batches from row ``from_row`` on (row numbers as it counts them)."""
    for found in _stdlib_from(name, stream, limits, depth, from_row):
        if isinstance(found, Table):
            yield from found.batches
            return


def _stdlib_from(name: str, stream: IO[bytes], limits: Limits, depth: int,
                 from_row: int) -> Iterator[TableOrProblem]:
    from pii_hooks.readers import delimited
    stream.seek(0)
    for found in delimited.read_delimited(name, stream, limits, depth):
        if isinstance(found, Table) and from_row:
            found = found._replace(batches=_skip(found.batches, from_row))
        yield found


def _skip(batches: Any, from_row: int) -> Iterator[Batch]:
    for batch in batches:
        height = max((len(c) for c in batch.columns), default=0)
        if batch.first_row + height <= from_row:
            continue
        cut = max(0, from_row - batch.first_row)
        if cut:
            batch = Batch(from_row, [list(c[cut:]) for c in batch.columns])
        yield batch
