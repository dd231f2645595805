"""ODS (OpenDocument spreadsheet): content.xml streamed with a pull parser.

* tables hidden by their style (``table:display="false"``, in content.xml's
  automatic styles or in styles.xml) get state 'hidden';
* rows and columns with ``table:visibility="collapse"`` or ``"filter"``, and
  rows or columns inside a group shown collapsed, are hidden rows / columns:
  a regular-expression pre-pass over content.xml (as for XLSX) finds them
  all before the first batch is scanned;
* ``table:number-rows-repeated`` and ``number-columns-repeated`` are counted,
  never expanded: a billion repeated empty rows allocate nothing; a repeated
  row that holds values is given at most ``_MAX_REPEAT`` times (the copies
  are identical: more says nothing new);
* annotations (cell comments) become a 'comment' table, their authors and
  the document's meta.xml (creator, initial creator, user-defined fields)
  'metadata' tables;
* dates come from ``office:date-value``, other values from the displayed text.

An encrypted package (``manifest:encryption-data``) fails closed.  A flat ODS
(``.fods``: every part in one XML file) is read by the same code.
"""
from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
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
_HIDDEN_BYTES = (b'collapse', b'filter')
_TABLE_NS = b'urn:oasis:names:tc:opendocument:xmlns:table:1.0'
_PREFIX = re.compile(rb'xmlns:([\w.-]+)\s*=\s*["\']' + re.escape(_TABLE_NS) + rb'["\']')
_ATTR = re.compile(rb'([\w.-]+:)?([\w.-]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')


class Marks:
    """Hidden rows and columns of one table, in the numbering the rows are read with."""

    def __init__(self) -> None:
        self.rows: set[int] = set()
        self.cols: set[int] = set()


def hidden_marks(handle: IO[bytes]) -> list[Marks]:
    """Hidden rows and columns of every table of content.xml, in document order."""
    data = handle.read(1 << 16)
    found = _PREFIX.search(data)
    prefix = re.escape(found.group(1) if found else b'table')
    tag = re.compile(rb'<(/?)' + prefix + rb':(table|table-row|table-column|table-row-group|'
                     rb'table-column-group)(?=[\s/>])([^>]*)>')
    tables: list[Marks] = []
    marks = Marks()
    row = col = depth = 0
    row_groups: list[bool] = []
    col_groups: list[bool] = []
    pending = data
    while True:
        chunk = handle.read(1 << 20)
        block = pending + chunk
        cut = block.rfind(b'<') if chunk else len(block)
        cut = len(block) if cut < 0 else cut
        for match in tag.finditer(block, 0, cut):
            closing, name, raw = match.group(1), match.group(2), match.group(3)
            empty = raw.endswith(b'/')
            attrs = {m.group(2): m.group(3) if m.group(3) is not None else m.group(4)
                     for m in _ATTR.finditer(raw)}
            if name == b'table':
                depth += -1 if closing else (0 if empty else 1)
                if not closing and depth == 1:
                    marks, row, col = Marks(), 0, 0
                    tables.append(marks)
                continue
            if depth != 1:
                continue                  # a table inside a cell: not this grid
            if name in (b'table-row-group', b'table-column-group'):
                groups = row_groups if name == b'table-row-group' else col_groups
                if closing:
                    if groups:
                        groups.pop()
                elif not empty:
                    groups.append(attrs.get(b'display') == b'false')
                continue
            if closing:
                continue
            if name == b'table-row':
                repeat = _int(attrs.get(b'number-rows-repeated'))
                if attrs.get(b'visibility') in _HIDDEN_BYTES or any(row_groups):
                    marks.rows.update(range(row + 1, row + 1 + min(repeat, _MAX_REPEAT)))
                row += repeat
            else:
                repeat = _int(attrs.get(b'number-columns-repeated'))
                if attrs.get(b'visibility') in _HIDDEN_BYTES or any(col_groups):
                    marks.cols.update(range(col, min(col + repeat, _MAX_COLUMNS)))
                col += repeat
        pending = block[cut:]
        if not chunk:
            break
    return tables


def _int(value: str | bytes | None, default: int = 1) -> int:
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
        self.meta: list[tuple[str, str]] = []      # office:meta of a flat document

    def next_table(self) -> _Sheet | None:
        for event, elem in self.events:
            if event == 'start' and elem.tag == f'{NS_OFFICE}automatic-styles':
                continue
            if event == 'end' and elem.tag == f'{NS_OFFICE}meta':
                self.meta = _meta_pairs(elem)
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
        parent: ET.Element | None = None
        for event, elem in self.events:
            tag = elem.tag
            if event == 'start':
                if tag in (f'{NS_TABLE}table-rows', f'{NS_TABLE}table-header-rows',
                           f'{NS_TABLE}table-row-group', f'{NS_TABLE}table'):
                    parent = elem
                continue
            if tag == f'{NS_TABLE}table-row':
                repeat = _int(elem.get(f'{NS_TABLE}number-rows-repeated'))
                cells = self._cells(elem, number + 1, sheet)
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
    if data:
        yield from _meta_records(_meta_pairs(ET.fromstring(data)))


def _meta_pairs(root: ET.Element) -> list[tuple[str, str]]:
    """Creator, title, keywords and user-defined fields under an office:meta element."""
    pairs: list[tuple[str, str]] = []
    for elem in root.iter():
        name = elem.tag.rpartition('}')[2]
        value = (elem.text or '').strip()
        if not value:
            continue
        if name in ('creator', 'initial-creator', 'title', 'subject', 'description', 'keyword'):
            pairs.append((name, value))
        elif name == 'user-defined':
            pairs.append((elem.get(f'{NS_META}name', 'user-defined'), value))
    return pairs


def _meta_records(pairs: list[tuple[str, str]]) -> Iterator[Table]:
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
    with open_part(package, 'content.xml', limits) as handle:
        marks = hidden_marks(handle)
    with open_part(package, 'content.xml', limits) as handle:
        yield from _sheets(_Reader(iter_xml(handle, ('start', 'end')), hidden_styles, limits),
                           marks, limits)
    yield from _meta_table(package, limits)


def _sheets(reader: _Reader, marks: list[Marks], limits: Limits) -> Iterator[Table]:
    """Every table of the document, its comments, and the comments' authors."""
    authors: list[str] = []
    index = 0
    while (sheet := reader.next_table()) is not None:
        label = f'sheet "{sheet.name}"'
        rows = reader.rows()
        found = marks[index] if index < len(marks) else Marks()
        index += 1
        yield from grid_table(label, 'hidden' if sheet.hidden else 'visible', rows, limits,
                              hidden_rows=frozenset(found.rows),
                              hidden_columns=frozenset(found.cols))
        for _ in rows:           # finish the table: its notes and the next one follow
            pass
        if sheet.notes:
            yield records_table(f'comments ({label})', 'comment', ('reference', 'comment'),
                                sheet.notes)
        authors.extend(sheet.authors)
    if authors:
        yield records_table('comment authors', 'metadata', ('displayName',),
                            [[a] for a in dict.fromkeys(authors)])


def read_fods(name: str, stream: IO[bytes], limits: Limits,
              depth: int = 0) -> Iterator[TableOrProblem]:
    """Flat ODS (.fods): the package's parts as one XML document, read the same way
    (its office:meta and office:styles come before the tables)."""
    head = stream.read(4096)
    stream.seek(0)
    if not head.strip():
        return
    if b'urn:oasis:names:tc:opendocument:xmlns:office:1.0' not in head:
        raise Unreadable('not a flat OpenDocument spreadsheet (no office:document root)',
                         'open and re-save it as .ods or .fods')
    try:
        marks = hidden_marks(stream)
        stream.seek(0)
        reader = _Reader(iter_xml(stream, ('start', 'end')), set(), limits)
        yield from _sheets(reader, marks, limits)
        yield from _meta_records(reader.meta)
    except ET.ParseError:
        raise Unreadable('corrupt XML in the flat ODS file', 'open and re-save it') from None
