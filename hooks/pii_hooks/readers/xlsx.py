"""XLSX / XLSM: every sheet whatever its state, read straight from the package XML.

The sheet XML is streamed with iterparse, so hidden rows and columns, and
the sheet's state (visible, hidden, veryHidden), are known for every cell.
"""
from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from typing import IO
from xml.etree import ElementTree as ET

from pii_hooks.models import Batch, Table
from pii_hooks.readers import Limits, TableOrProblem, Unreadable
from pii_hooks.readers.delimited import BATCH_ROWS, find_header

NS_MAIN = '{http://schemas.openxmlformats.org/spreadsheetml/2006/main}'
NS_REL = '{http://schemas.openxmlformats.org/officeDocument/2006/relationships}'
NS_PKG_REL = '{http://schemas.openxmlformats.org/package/2006/relationships}'
_CELL_REF = re.compile(r'([A-Z]+)(\d+)')
_HEAD_ROWS = 50


def column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def open_package(stream: IO[bytes]) -> zipfile.ZipFile:
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b'\xd0\xcf\x11\xe0'):
        raise Unreadable('encrypted or password-protected Office file',
                         'remove the password and re-save, or exclude the file')
    try:
        return zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise Unreadable('not a readable XLSX package (corrupt or truncated zip)',
                         'open and re-save it in a spreadsheet program') from None


def read_part(package: zipfile.ZipFile, name: str, limits: Limits) -> bytes:
    try:
        info = package.getinfo(name)
    except KeyError:
        return b''
    if info.file_size > limits.max_uncompressed_bytes:
        raise Unreadable(f'package part {name} unpacks to {info.file_size:,} bytes '
                         '(limit max_uncompressed_bytes)', 'raise limits.max_uncompressed_bytes',
                         limit='max_uncompressed_bytes')
    if info.compress_size and info.file_size / info.compress_size > limits.max_ratio * 5:
        raise Unreadable(f'package part {name} has a compression ratio over '
                         f'{limits.max_ratio * 5} (limit max_ratio): a zip bomb?',
                         'raise limits.max_ratio if the file is genuine', limit='max_ratio')
    try:
        return package.read(name)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError):
        raise Unreadable(f'package part {name} is corrupt', 'open and re-save the file') from None


def relationships(package: zipfile.ZipFile, part: str, limits: Limits) -> dict[str, str]:
    """Relationship id -> target part name, for one part."""
    folder, base = posixpath.split(part)
    data = read_part(package, posixpath.join(folder, '_rels', base + '.rels'), limits)
    out: dict[str, str] = {}
    if not data:
        return out
    for rel in ET.fromstring(data).iter(f'{NS_PKG_REL}Relationship'):
        target = rel.get('Target', '')
        if rel.get('TargetMode') == 'External':
            continue
        path = target.lstrip('/') if target.startswith('/') else posixpath.normpath(
            posixpath.join(folder, target))
        out[rel.get('Id', '')] = path
    return out


def shared_strings(package: zipfile.ZipFile, limits: Limits, path: str) -> list[str]:
    data = read_part(package, path, limits)
    if not data:
        return []
    out = []
    for si in ET.fromstring(data).iter(f'{NS_MAIN}si'):
        out.append(''.join(t.text or '' for t in si.iter(f'{NS_MAIN}t')))
    return out


def sheets(package: zipfile.ZipFile, limits: Limits) -> list[tuple[str, str, str]]:
    """(name, state, part) for every sheet in workbook order."""
    workbook = 'xl/workbook.xml'
    data = read_part(package, workbook, limits)
    if not data:
        raise Unreadable('not an XLSX workbook (no xl/workbook.xml)', 'open and re-save it')
    rels = relationships(package, workbook, limits)
    out = []
    for sheet in ET.fromstring(data).iter(f'{NS_MAIN}sheet'):
        part = rels.get(sheet.get(f'{NS_REL}id', ''), '')
        out.append((sheet.get('name', '?'), sheet.get('state', 'visible'), part))
    return out


def _sheet_rows(package: zipfile.ZipFile, part: str, strings: list[str], limits: Limits,
                hidden_rows: set[int], hidden_cols: set[int]) -> Iterator[tuple[int, list[str]]]:
    info = package.getinfo(part)
    if info.compress_size and info.file_size / info.compress_size > limits.max_ratio * 5:
        raise Unreadable(f'sheet part {part} has a compression ratio over {limits.max_ratio * 5} '
                         '(limit max_ratio): a zip bomb?', 'raise limits.max_ratio',
                         limit='max_ratio')
    with package.open(part) as handle:
        row_number = 0
        for event, elem in ET.iterparse(handle, events=('end',)):
            tag = elem.tag
            if tag == f'{NS_MAIN}col' and elem.get('hidden') in ('1', 'true'):
                for i in range(int(elem.get('min', '1')) - 1, int(elem.get('max', '1'))):
                    if i < 16384:
                        hidden_cols.add(i)
            elif tag == f'{NS_MAIN}row':
                row_number = int(elem.get('r') or row_number + 1)
                if row_number > limits.max_rows:
                    raise Unreadable(f'sheet claims more than {limits.max_rows:,} rows '
                                     '(limit max_rows)', 'raise limits.max_rows', limit='max_rows')
                if elem.get('hidden') in ('1', 'true'):
                    hidden_rows.add(row_number)
                cells: list[str] = []
                for c in elem.iter(f'{NS_MAIN}c'):
                    ref = _CELL_REF.match(c.get('r', ''))
                    col = column_index(ref.group(1)) if ref else len(cells)
                    if col >= 16384:
                        continue
                    kind = c.get('t', 'n')
                    if kind == 'inlineStr':
                        text = ''.join(t.text or '' for t in c.iter(f'{NS_MAIN}t'))
                    else:
                        v = c.find(f'{NS_MAIN}v')
                        text = v.text or '' if v is not None else ''
                        if kind == 's' and text:
                            try:
                                text = strings[int(text)]
                            except (ValueError, IndexError):
                                text = ''
                    if col >= len(cells):
                        cells.extend([''] * (col - len(cells) + 1))
                    cells[col] = text
                elem.clear()
                yield row_number, cells


def _sheet_table(package: zipfile.ZipFile, name: str, state: str, part: str, strings: list[str],
                 limits: Limits) -> Iterator[Table]:
    hidden_rows: set[int] = set()
    hidden_cols: set[int] = set()
    rows = _sheet_rows(package, part, strings, limits, hidden_rows, hidden_cols)
    lead: list[tuple[int, list[str]]] = []
    for item in rows:
        lead.append(item)
        if len(lead) >= _HEAD_ROWS:
            break
    if not lead:
        return
    at = find_header([cells for _, cells in lead])
    header = tuple(lead[at][1]) if at >= 0 else ()
    body = lead[at + 1:]

    def batches() -> Iterator[Batch]:
        pending = list(body)
        for item in rows:
            pending.append(item)
            if len(pending) >= BATCH_ROWS:
                yield _to_batch(pending)
                pending = []
        if pending:
            yield _to_batch(pending)

    yield Table(part=f'sheet "{name}"', state=state, header=header, batches=batches(),
                hidden_columns=frozenset(hidden_cols), hidden_rows=frozenset(hidden_rows),
                header_row=lead[at][0] if at >= 0 else 0)


def _to_batch(items: list[tuple[int, list[str]]]) -> Batch:
    """Rows keep their sheet row numbers; gaps (empty rows) become empty cells."""
    first = items[0][0]
    last = items[-1][0]
    width = max(len(cells) for _, cells in items)
    columns: list[list[str | None]] = [[None] * (last - first + 1) for _ in range(width)]
    for number, cells in items:
        for i, text in enumerate(cells):
            columns[i][number - first] = text
    return Batch(first, columns)


def read_xlsx(name: str, stream: IO[bytes], limits: Limits, depth: int = 0) -> Iterator[TableOrProblem]:
    package = open_package(stream)
    with package:
        if 'EncryptedPackage' in package.namelist():
            raise Unreadable('encrypted Office file', 'remove the password and re-save')
        try:
            rels = relationships(package, 'xl/workbook.xml', limits)
            strings_part = next((p for p in rels.values() if p.endswith('sharedStrings.xml')),
                                'xl/sharedStrings.xml')
            strings = shared_strings(package, limits, strings_part)
            for sheet_name, state, part in sheets(package, limits):
                if part not in package.NameToInfo:
                    continue
                yield from _sheet_table(package, sheet_name, state, part, strings, limits)
        except ET.ParseError:
            raise Unreadable('corrupt XML inside the XLSX package', 'open and re-save it') from None
        except (zipfile.BadZipFile, EOFError, zlib_error()):
            raise Unreadable('corrupt or truncated XLSX package', 'open and re-save it') from None


def zlib_error() -> type[Exception]:
    import zlib
    return zlib.error
