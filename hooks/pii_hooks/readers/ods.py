"""ODS (OpenDocument spreadsheet): content.xml streamed with a pull parser.

* tables hidden by their style (``table:display="false"``, in content.xml's
  automatic styles or in styles.xml) get state 'hidden';
* rows and columns with ``table:visibility="collapse"`` or ``"filter"``, and
  rows inside a row group shown collapsed, are hidden rows / columns;
* ``table:number-rows-repeated`` and ``number-columns-repeated`` are counted,
  never expanded: a billion repeated empty rows allocate nothing; a repeated
  row that holds values is given at most ``_MAX_REPEAT`` times (the copies
  are identical: more says nothing new);
* annotations (cell comments) become a 'comment' table, their authors and
  the document's meta.xml (creator, initial creator, user-defined fields)
  'metadata' tables;
* dates come from ``office:date-value``, other values from the displayed text.

An encrypted package (``manifest:encryption-data``) fails closed.
"""
from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from typing import IO
from xml.etree import ElementTree as ET

from pii_hooks.models import Table
from pii_hooks.readers import Limits, TableOrProblem, Unreadable
from pii_hooks.readers.grid import Row, grid_table, records_table
from pii_hooks.readers.xlsx import column_letters, iter_xml, open_part, read_part

NS_TABLE = '{urn:oasis:names:tc:opendocument:xmlns:table:1.0}'
NS_OFFICE = '{urn:oasis:names:tc:opendocument:xmlns:office:1.0}'
NS_TEXT = '{urn:oasis:names:tc:opendocument:xmlns:text:1.0}'
NS_STYLE = '{urn:oasis:names:tc:opendocument:xmlns:style:1.0}'
NS_DC = '{http://purl.org/dc/elements/1.1/}'
NS_META = '{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}'
_MAX_REPEAT = 100
_MAX_COLUMNS = 16_384
_MAX_ROWS = 1 << 31
_HIDDEN = ('collapse', 'filter')


def _int(value: str | None, default: int = 1) -> int:
    try:
        return max(int(value or default), 1)
    except ValueError:
        return default


def _text(elem: ET.Element) -> str:
    """Paragraph text: text:s spaces, tabs and line breaks kept, annotations left out."""
    out: list[str] = []

    def walk(node: ET.Element) -> None:
        if node.tag == f'{NS_OFFICE}annotation':
            return
        if node.tag == f'{NS_TEXT}s':
            out.append(' ' * _int(node.get(f'{NS_TEXT}c')))
        elif node.tag == f'{NS_TEXT}tab':
            out.append('\t')
        elif node.tag == f'{NS_TEXT}line-break':
            out.append('\n')
        elif node.text:
            out.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                out.append(child.tail)
    paragraphs = []
    for p in elem:
        if p.tag in (f'{NS_TEXT}p', f'{NS_TEXT}h'):
            out.clear()
            walk(p)
            paragraphs.append(''.join(out))
    return '\n'.join(paragraphs)


def _cell_value(cell: ET.Element) -> str:
    kind = cell.get(f'{NS_OFFICE}value-type')
    if kind == 'date':
        value = cell.get(f'{NS_OFFICE}date-value', '')
        return value[:-9] if value.endswith('T00:00:00') else value
    text = _text(cell)
    if text:
        return text
    for key in ('value', 'string-value', 'boolean-value', 'time-value'):
        found = cell.get(f'{NS_OFFICE}{key}')
        if found:
            return found
    return ''


class _Sheet:
    """What one table:table holds besides its rows."""

    def __init__(self, name: str, hidden: bool) -> None:
        self.name = name
        self.hidden = hidden
        self.hidden_rows: set[int] = set()
        self.hidden_cols: set[int] = set()
        self.notes: list[list[str | None]] = []
        self.authors: list[str] = []


def _hidden_table_styles(root_events: Iterator[tuple[str, ET.Element]]) -> set[str]:
    hidden: set[str] = set()
    for _, elem in root_events:
        if elem.tag == f'{NS_STYLE}style':
            for props in elem:
                if (props.tag == f'{NS_STYLE}table-properties'
                        and props.get(f'{NS_TABLE}display') == 'false'):
                    hidden.add(elem.get(f'{NS_STYLE}name', ''))
    return hidden


def _annotation(elem: ET.Element) -> tuple[str, str]:
    author = next((c.text or '' for c in elem if c.tag == f'{NS_DC}creator'), '')
    text = '\n'.join(_text(p) for p in [elem])
    return author, text


class _Reader:
    """Turns content.xml events into rows of the table being read."""

    def __init__(self, events: Iterator[tuple[str, ET.Element]], hidden_styles: set[str],
                 limits: Limits) -> None:
        self.events = events
        self.hidden_styles = hidden_styles
        self.limits = limits
        self.sheet: _Sheet | None = None
        self.finished: list[_Sheet] = []

    def next_table(self) -> _Sheet | None:
        for event, elem in self.events:
            if event == 'start' and elem.tag == f'{NS_OFFICE}automatic-styles':
                continue
            if event == 'end' and elem.tag == f'{NS_STYLE}style':
                for props in elem:
                    if (props.tag == f'{NS_STYLE}table-properties'
                            and props.get(f'{NS_TABLE}display') == 'false'):
                        self.hidden_styles.add(elem.get(f'{NS_STYLE}name', ''))
            if event == 'start' and elem.tag == f'{NS_TABLE}table':
                hidden = (elem.get(f'{NS_TABLE}style-name', '') in self.hidden_styles
                          or elem.get(f'{NS_TABLE}display') == 'false')
                self.sheet = _Sheet(elem.get(f'{NS_TABLE}name', '?'), hidden)
                return self.sheet
        return None

    def rows(self) -> Iterator[Row]:
        """Rows of the current table, until its end tag."""
        sheet = self.sheet
        assert sheet is not None
        number = 0
        column = 0
        collapsed_groups = 0
        parent: ET.Element | None = None
        for event, elem in self.events:
            tag = elem.tag
            if event == 'start':
                if (tag == f'{NS_TABLE}table-row-group'
                        and elem.get(f'{NS_TABLE}display') == 'false'):
                    collapsed_groups += 1
                elif tag in (f'{NS_TABLE}table-rows', f'{NS_TABLE}table-header-rows',
                             f'{NS_TABLE}table-row-group', f'{NS_TABLE}table'):
                    parent = elem
                continue
            if tag == f'{NS_TABLE}table-column':
                repeat = _int(elem.get(f'{NS_TABLE}number-columns-repeated'))
                if elem.get(f'{NS_TABLE}visibility') in _HIDDEN:
                    sheet.hidden_cols.update(range(column, min(column + repeat, _MAX_COLUMNS)))
                column += repeat
            elif tag == f'{NS_TABLE}table-row-group':
                if elem.get(f'{NS_TABLE}display') == 'false':
                    collapsed_groups -= 1
            elif tag == f'{NS_TABLE}table-row':
                repeat = _int(elem.get(f'{NS_TABLE}number-rows-repeated'))
                cells = self._cells(elem, number + 1, sheet)
                hidden = elem.get(f'{NS_TABLE}visibility') in _HIDDEN or collapsed_groups > 0
                if hidden and cells:
                    sheet.hidden_rows.update(range(number + 1, number + 1 + min(repeat,
                                                                                _MAX_REPEAT)))
                if cells:
                    for copy in range(min(repeat, _MAX_REPEAT)):
                        yield number + 1 + copy, cells
                number += repeat
                elem.clear()
                if parent is not None:
                    parent.clear()
                if number > _MAX_ROWS:
                    raise Unreadable(f'rows numbered beyond {_MAX_ROWS:,}: not a spreadsheet '
                                     'any program can show', 'open and re-save the file')
            elif tag == f'{NS_TABLE}table':
                self.finished.append(sheet)
                elem.clear()
                return

    def _cells(self, row: ET.Element, number: int, sheet: _Sheet) -> list[str]:
        cells: list[str] = []
        column = 0
        for cell in row:
            if cell.tag not in (f'{NS_TABLE}table-cell', f'{NS_TABLE}covered-table-cell'):
                continue
            repeat = _int(cell.get(f'{NS_TABLE}number-columns-repeated'))
            value = _cell_value(cell)
            for note in cell:
                if note.tag == f'{NS_OFFICE}annotation':
                    author, text = _annotation(note)
                    sheet.notes.append([f'{column_letters(column)}{number}', text])
                    if author:
                        sheet.authors.append(author)
            if value:
                if column + 1 > _MAX_COLUMNS:
                    raise Unreadable(f'a value beyond column {_MAX_COLUMNS:,}',
                                     'open and re-save the file')
                cells.extend([''] * (column - len(cells)))
                cells.extend([value] * min(repeat, _MAX_REPEAT, _MAX_COLUMNS - column))
            column += repeat
        return cells


def _meta_table(package: zipfile.ZipFile, limits: Limits) -> Iterator[Table]:
    data = read_part(package, 'meta.xml', limits)
    if not data:
        return
    pairs: list[tuple[str, str]] = []
    for elem in ET.fromstring(data).iter():
        name = elem.tag.rpartition('}')[2]
        value = (elem.text or '').strip()
        if not value:
            continue
        if name in ('creator', 'initial-creator', 'title', 'subject', 'description', 'keyword'):
            pairs.append((name, value))
        elif name == 'user-defined':
            pairs.append((elem.get(f'{NS_META}name', 'user-defined'), value))
    if pairs:
        yield records_table('document properties', 'metadata', [k for k, _ in pairs],
                            [[v for _, v in pairs]])


def read_ods(name: str, stream: IO[bytes], limits: Limits,
             depth: int = 0) -> Iterator[TableOrProblem]:
    try:
        package = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise Unreadable('not a readable ODS package (corrupt or truncated zip)',
                         'open and re-save it in a spreadsheet program') from None
    with package:
        try:
            yield from _read_package(package, limits)
        except ET.ParseError:
            raise Unreadable('corrupt XML inside the ODS package', 'open and re-save it') from None


def _read_package(package: zipfile.ZipFile, limits: Limits) -> Iterator[TableOrProblem]:
    if b'encryption-data' in read_part(package, 'META-INF/manifest.xml', limits):
        raise Unreadable('encrypted or password-protected ODS file',
                         'remove the password and re-save, or exclude the file')
    if 'content.xml' not in package.NameToInfo:
        raise Unreadable('not an ODS spreadsheet (no content.xml)', 'open and re-save it')
    hidden_styles: set[str] = set()
    styles = read_part(package, 'styles.xml', limits)
    if styles:
        hidden_styles = _hidden_table_styles(iter(('end', e) for e in ET.fromstring(styles).iter()))
    notes: list[list[str | None]] = []
    authors: list[str] = []
    with open_part(package, 'content.xml', limits) as handle:
        reader = _Reader(iter_xml(handle, ('start', 'end')), hidden_styles, limits)
        while (sheet := reader.next_table()) is not None:
            label = f'sheet "{sheet.name}"'
            rows = reader.rows()
            yield from grid_table(label, 'hidden' if sheet.hidden else 'visible', rows, limits,
                                  hidden_rows=_LiveRows(sheet.hidden_rows),
                                  hidden_columns=_columns_of(sheet))
            for _ in rows:           # finish the table: its notes and the next one follow
                pass
            if sheet.notes:
                yield records_table(f'comments ({label})', 'comment', ('reference', 'comment'),
                                    sheet.notes)
                notes.extend(sheet.notes)
            authors.extend(sheet.authors)
    if authors:
        yield records_table('comment authors', 'metadata', ('displayName',),
                            [[a] for a in dict.fromkeys(authors)])
    yield from _meta_table(package, limits)


def _columns_of(sheet: _Sheet) -> Callable[[], frozenset[int]]:
    # columns are declared before the first row: known once the first rows are read
    return lambda: frozenset(sheet.hidden_cols)


class _LiveRows(frozenset[int]):
    """The hidden rows of a table read in one pass, filled as its rows are read.

    ODS says a row is hidden on the row itself, so the set is known only as
    the rows stream by; the scanner asks about a row after its batch is read.
    """

    def __new__(cls, rows: set[int]) -> _LiveRows:
        live = super().__new__(cls)
        live.rows = rows
        return live

    rows: set[int]

    def __contains__(self, item: object) -> bool:
        return item in self.rows

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[int]:
        return iter(set(self.rows))
