"""CSV, TSV and friends: encoding and delimiter sniffed, streamed in batches.

The header is found where it is, not assumed on row 1: titles and notes
often sit above a published table.

Encodings: UTF-8 with or without a BOM, UTF-16 LE/BE with a BOM (Excel's
"Unicode Text" export: tabs, even when named .csv), UTF-16 without a BOM, and
Windows-1252 / Latin-1.  The encoding is sniffed from the first 64 KiB; a file
that starts as plain ASCII and holds Windows-1252 bytes further on is not a
failure: every byte that is not valid UTF-8 is read as Windows-1252
(``TOLERANT``).  A head that is neither UTF-8 nor Windows-1252 text fails closed.
"""
from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import sys
from collections.abc import Iterator, Sequence
from typing import IO

from pii_hooks.models import Batch, Table
from pii_hooks.readers import Limits, TableOrProblem, Unreadable

BATCH_ROWS = 4096
_SNIFF_BYTES = 64 * 1024
_HEADER_SEARCH = 30
#: A cell longer than this is data, never a column name (a 50 MB line is not a header).
MAX_HEADER_CELL = 1000
_LOOKS_NUMERIC = re.compile(r'^[\s$€£%+\-.,\d()]*$')
_HAS_VALUE_SHAPE = re.compile(r'@|\d{4,}')
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

#: The codec error handler that reads bytes invalid in UTF-8 (or undefined in
#: Windows-1252) as Windows-1252, or Latin-1 for the five bytes it leaves undefined.
TOLERANT = 'pii-hooks-cp1252'


def _as_cp1252(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start:exc.end]
    return ''.join(bytes([b]).decode('cp1252', errors='ignore') or chr(b) for b in bad), exc.end


codecs.register_error(TOLERANT, _as_cp1252)


def errors_for(encoding: str) -> str:
    """The decode error mode for an encoding ``sniff_encoding`` chose."""
    return TOLERANT if encoding in ('utf-8', 'utf-8-sig', 'cp1252') else 'strict'


def sniff_encoding(head: bytes) -> str:
    """The text encoding of a file from its first bytes; Unreadable when undecidable."""
    if head.startswith(codecs.BOM_UTF8):
        return 'utf-8-sig'
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return 'utf-16'
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return 'utf-32'
    if head[:200].count(b'\x00') > 10:
        # UTF-16 without a BOM: every other byte is NUL in Latin text
        zeros_odd = head[1:200:2].count(0)
        zeros_even = head[0:200:2].count(0)
        guess = ('utf-16-le' if zeros_odd > 40 and zeros_even < 5 else
                 'utf-16-be' if zeros_even > 40 and zeros_odd < 5 else '')
        if guess and _reads_as_text(head[:4000], guess):
            return guess
        raise Unreadable('binary content (NUL bytes) in a text data file',
                         'check what the file really is; exclude or convert it')
    try:
        head.decode('utf-8')
        return 'utf-8'
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:      # a character cut at the end of the sample
            return 'utf-8'
    try:
        text = head.decode('cp1252')
    except UnicodeDecodeError:
        raise Unreadable('unknown text encoding (neither UTF-8 nor Windows-1252)',
                         'save the file as UTF-8') from None
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in '\r\n\t\f')
    if controls > len(text) / 100:
        raise Unreadable('unknown text encoding (control characters in the text)',
                         'save the file as UTF-8')
    return 'cp1252'


def _reads_as_text(sample: bytes, encoding: str) -> bool:
    text = sample[:len(sample) // 2 * 2].decode(encoding, errors='replace')
    readable = sum(1 for ch in text if ch.isprintable() or ch in '\r\n\t')
    return readable >= len(text) * 0.95


def _sniff_delimiter(sample: str, name: str) -> str:
    if name.lower().endswith(('.tsv', '.tab')):
        return '\t'
    if name.lower().endswith('.psv'):
        return '|'
    lines = [ln for ln in sample.splitlines()[:50] if ln.strip()]
    best, best_score = ',', -1.0
    for delim in (',', '\t', ';', '|'):
        counts = [ln.count(delim) for ln in lines]
        if not counts or max(counts) == 0:
            continue
        modal = max(set(counts), key=counts.count)
        consistency = counts.count(modal) / len(counts)
        score = consistency * (1 + min(modal, 20) / 20)
        if modal and score > best_score:
            best, best_score = delim, score
    return best


def find_header(rows: Sequence[Sequence[str]]) -> int:
    """Index of the header row among the first rows, -1 when the table has none.

    A header is the first row, in the first 30, that is as wide as the table
    below it and whose cells are non-numeric words.
    """
    widths = [sum(1 for c in r if c.strip()) for r in rows]
    if not widths:
        return -1
    body = sorted(widths[len(widths) // 2:] or widths)
    typical = body[len(body) // 2]
    for i, row in enumerate(rows[:_HEADER_SEARCH]):
        cells = [c.strip() for c in row if c.strip()]
        if len(cells) < max(1, typical * 0.6):
            continue
        if any(len(c) > MAX_HEADER_CELL or _LOOKS_NUMERIC.match(c) or _HAS_VALUE_SHAPE.search(c)
               for c in cells):
            return -1 if i == 0 else i
        if len(set(cells)) < len(cells) * 0.8:
            continue
        return i
    return -1


def _batches(rows: Iterator[list[str]], first_row: int, width: int,
             limits: Limits) -> Iterator[Batch]:
    row_number = first_row
    while True:
        try:
            chunk = list(itertools.islice(rows, BATCH_ROWS))
        except UnicodeDecodeError:
            raise Unreadable('text is not valid in the encoding its start suggests',
                             'save the file as UTF-8') from None
        except csv.Error as exc:
            raise Unreadable(f'malformed delimited text ({str(exc)[:80]})',
                             'fix the file or exclude it') from None
        if not chunk:
            return
        if row_number + len(chunk) - first_row > limits.max_rows:
            raise Unreadable(f'more than {limits.max_rows:,} rows (limit max_rows)',
                             'raise limits.max_rows in .pii-hooks.yaml', limit='max_rows')
        wide = max(width, max(len(r) for r in chunk))
        check_width(wide, limits)
        columns = [[r[i] if i < len(r) else None for r in chunk] for i in range(wide)]
        yield Batch(row_number, columns)
        row_number += len(chunk)


def check_width(columns: int, limits: Limits) -> None:
    """Fail before a line of a million commas becomes a million columns to judge."""
    if columns > limits.max_columns:
        raise Unreadable(f'more than {limits.max_columns:,} columns in one table '
                         '(limit max_columns)', 'raise limits.max_columns in .pii-hooks.yaml',
                         limit='max_columns')


def read_delimited(name: str, stream: IO[bytes], limits: Limits,
                   depth: int = 0) -> Iterator[TableOrProblem]:
    head = stream.read(_SNIFF_BYTES)
    if not head.strip():
        return
    encoding = sniff_encoding(head)
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding=encoding, errors=errors_for(encoding), newline='')
    try:
        sample = text.read(_SNIFF_BYTES // 2)
        delimiter = _sniff_delimiter(sample, name)
        text.seek(0)
        reader = csv.reader(text, delimiter=delimiter)
        lead = list(itertools.islice(reader, _HEADER_SEARCH + 20))
        check_width(max((len(r) for r in lead), default=0), limits)
        at = find_header(lead)
        header = tuple(lead[at]) if at >= 0 else ()
        data_start = at + 1
        rows = itertools.chain(lead[data_start:], reader)
        yield Table(part='', state='visible', header=header,
                    batches=_batches(rows, data_start + 1, len(header), limits),
                    header_row=at + 1)
    except UnicodeDecodeError:
        raise Unreadable(f'text is not valid {encoding}', 'save the file as UTF-8') from None
    except csv.Error as exc:
        raise Unreadable(f'malformed delimited text ({str(exc)[:80]})',
                         'fix the file or exclude it') from None
    finally:
        text.detach()
