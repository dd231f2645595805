"""The parts of an XLSX package that no sheet shows, read from their XML.

Each part becomes a table whose ``state`` says what it is; policy treats any
state but 'visible' as a hidden part (people there block).

=======================  ====================  ========================================
part                     state                 verdict without a PII match
=======================  ====================  ========================================
cell comments            'comment'             table of (reference, comment) rows
threaded comments        'comment'             same; their people list goes to
                                               'comment authors' (state 'metadata')
defined names            'defined name'        names whose value is a constant (not a
                                               range): header = name, rows = items
pivot caches             'pivot cache'         the records, header = cache fields; the
                                               shared items when there are no records
                                               (``saveData="0"``) and items the records
                                               no longer use ('retained items').  A cache
                                               with no pivot table, or whose source sheet
                                               is gone, also *warns* (hidden_structure)
external links           'external link'       cached cells of the linked workbook
charts                   'chart cache'         series names, category and value caches
text boxes, shapes       'text box'            (shape name, text) rows of the drawings
                                               over each sheet
embedded workbooks       'embedded' (or the    read like any file, one level deeper
                         inner sheet's state)  (limit max_depth)
embedded OLE objects     -                     an embedded workbook or a packaged data
                                               file is read; any other object (document,
                                               image, equation) *warns*: it cannot be
                                               inspected and is rarely data
document properties      'metadata'            one row: creator, lastModifiedBy,
                                               Company, Manager, custom properties...
data model               -                     *blocks*: a Power Pivot model
(xl/model/item.data)                           stores whole source tables in a format
                                               that cannot be inspected
=======================  ====================  ========================================
"""
from __future__ import annotations

import io
import itertools
import posixpath
import re
import struct
import zipfile
from collections.abc import Iterable, Iterator
from typing import IO
from xml.etree import ElementTree as ET

from pii_hooks.models import STRUCTURE, Batch, ReadProblem, Table
from pii_hooks.readers import (
    Limits,
    TableOrProblem,
    Unreadable,
    check_depth,
    extension,
    is_data_file,
    read_tables,
    within,
)
from pii_hooks.readers.grid import Row, grid_table, records_table, row_batches
from pii_hooks.readers.xlsx import (
    Workbook,
    attr,
    column_index,
    iter_xml,
    local,
    open_part,
    read_part,
    relationships,
    rich_text,
    whole,
)

_LIMIT_ERRORS = frozenset({'max_depth', 'max_uncompressed_bytes', 'max_seconds', 'max_members'})
_OLE_MAGIC = b'\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1'
_COMMENT_HEADER = ('reference', 'comment')
_CELL_REF = re.compile(r'\$?([A-Z]{1,3})\$?(\d+)')
_CONSTANT_ITEM = re.compile(r'"((?:[^"]|"")*)"|([^,;{}"]+)')
_CHART_MAX_POINTS = 1_000_000
_NUMBERED = re.compile(r'(\d+)(?=\.xml$)')


def hidden_parts(package: zipfile.ZipFile, book: Workbook, limits: Limits,
                 depth: int) -> Iterator[TableOrProblem]:
    """Every table and problem outside the sheets' own cells."""
    yield from comments(package, book, limits)
    yield from defined_names(book.root)
    yield from pivot_caches(package, book, limits)
    yield from external_links(package, limits)
    yield from charts(package, limits)
    yield from text_boxes(package, book, limits)
    yield from embeddings(package, limits, depth)
    yield from document_properties(package, limits)
    yield from data_model(package)


def _parts(package: zipfile.ZipFile, pattern: str) -> list[str]:
    regex = re.compile(pattern, re.IGNORECASE)
    found = [n for n in package.namelist() if regex.match(n)]

    def order(name: str) -> tuple[str, int]:
        number = _NUMBERED.search(name)
        return (name[:number.start()] if number else name, int(number.group(1)) if number else 0)
    return sorted(found, key=order)


# --- comments -----------------------------------------------------------------

def comments(package: zipfile.ZipFile, book: Workbook, limits: Limits) -> Iterator[Table]:
    sheet_of: dict[str, str] = {}
    for sheet in book.sheets:
        if sheet.part in package.NameToInfo:
            for rel in relationships(package, sheet.part, limits):
                if rel.type in ('comments', 'threadedComment'):
                    sheet_of[rel.target] = sheet.name
    people: list[list[str | None]] = []
    for part in _parts(package, r'^xl/(?:[^/]+/)*[^/]*comment[^/]*\.xml$'):
        root = ET.fromstring(read_part(package, part, limits))
        kind = local(root.tag)
        rows: list[list[str | None]] = []
        if kind == 'comments':
            for elem in root.iter():
                name = local(elem.tag)
                if name == 'author' and elem.text and not elem.text.startswith('tc='):
                    people.append([elem.text, None])
                elif name == 'comment':
                    text = next((rich_text(t) for t in elem if local(t.tag) == 'text'), '')
                    rows.append([elem.get('ref', ''), text])
        elif kind == 'ThreadedComments':
            for elem in root.iter():
                if local(elem.tag) == 'threadedComment':
                    text = next((t.text or '' for t in elem if local(t.tag) == 'text'), '')
                    rows.append([elem.get('ref', ''), text])
        else:
            continue
        if rows:
            where = f'sheet "{sheet_of[part]}"' if part in sheet_of else part
            yield records_table(f'comments ({where})', 'comment', _COMMENT_HEADER, rows)
    for part in _parts(package, r'^xl/persons/[^/]+\.xml$'):
        for elem in ET.fromstring(read_part(package, part, limits)).iter():
            if local(elem.tag) == 'person':
                people.append([elem.get('displayName'), elem.get('userId')])
    if people:
        unique = [list(p) for p in dict.fromkeys(tuple(p) for p in people)]
        if any(p[1] for p in unique):
            yield records_table('comment authors', 'metadata', ('displayName', 'userId'), unique)
        else:
            yield records_table('comment authors', 'metadata', ('displayName',),
                                [p[:1] for p in unique])


# --- defined names --------------------------------------------------------------

def constant_items(formula: str) -> list[str] | None:
    """The items of a constant (``"text"``, ``42``, ``{"a","b";1,2}``); None for a reference."""
    text = formula.strip()
    text = text[1:].strip() if text.startswith('=') else text
    if not text:
        return None
    if text.startswith('"') and text.endswith('"') and text.count('"') % 2 == 0:
        inner = text[1:-1]
        if '"' not in inner.replace('""', ''):
            return [inner.replace('""', '"')]
    if text.startswith('{') and text.endswith('}'):
        items = []
        for match in _CONSTANT_ITEM.finditer(text[1:-1]):
            quoted, bare = match.groups()
            item = quoted.replace('""', '"') if quoted is not None else bare.strip()
            if item:
                items.append(item)
        return items
    try:
        float(text)
    except ValueError:
        return None           # a range, a formula, #REF!: the cells are read with their sheet
    return [text]


def defined_names(root: ET.Element) -> Iterator[Table]:
    names: dict[str, list[str]] = {}
    for elem in root.iter():
        if local(elem.tag) != 'definedName':
            continue
        items = constant_items(elem.text or '')
        if items:
            names.setdefault(elem.get('name', ''), []).extend(items)
    if names:
        header = tuple(names)
        columns: list[list[str | None]] = []
        height = max(len(v) for v in names.values())
        for values in names.values():
            columns.append(list(values) + [None] * (height - len(values)))
        yield Table('defined names', 'defined name', header, [Batch(1, columns)], header_row=0)


# --- pivot caches -----------------------------------------------------------------

def _item(elem: ET.Element) -> str | None:
    kind = local(elem.tag)
    if kind == 'm':
        return None
    value = elem.get('v')
    if kind == 'd' and value and value.endswith('T00:00:00'):
        return value[:-9]
    return value


class _Cache:
    """One pivotCacheDefinition: its fields, shared items, source and records part."""

    def __init__(self, package: zipfile.ZipFile, part: str, limits: Limits) -> None:
        self.part = part
        self.fields: list[str] = []
        self.items: list[list[str | None]] = []
        self.source_sheet: str | None = None
        self.records_id = ''
        with open_part(package, part, limits) as handle:
            for event, elem in iter_xml(handle, ('start', 'end')):
                name = local(elem.tag)
                if event == 'start':
                    if name == 'pivotCacheDefinition':
                        self.records_id = attr(elem, 'id') or ''
                    elif name == 'worksheetSource':
                        self.source_sheet = elem.get('sheet')
                    continue
                if name == 'cacheField':
                    self.fields.append(elem.get('name', ''))
                    shared = next((c for c in elem if local(c.tag) == 'sharedItems'), None)
                    self.items.append([_item(i) for i in shared] if shared is not None else [])
                    elem.clear()
        targets = {r.id: r.target for r in relationships(package, part, limits)}
        self.records = targets.get(self.records_id, '')
        if self.records not in package.NameToInfo:     # a relationship to a missing part
            self.records = ''
        if not self.records:
            number = _NUMBERED.search(part)
            guess = f'xl/pivotCache/pivotCacheRecords{number.group(1) if number else ""}.xml'
            self.records = guess if guess in package.NameToInfo else ''


def _record_rows(package: zipfile.ZipFile, cache: _Cache, limits: Limits,
                 used: list[set[int]], done: list[bool]) -> Iterator[Row]:
    number = 0
    container: ET.Element | None = None
    with open_part(package, cache.records, limits) as handle:
        for event, elem in iter_xml(handle, ('start', 'end')):
            name = local(elem.tag)
            if event == 'start':
                if name == 'pivotCacheRecords':
                    container = elem
                continue
            if name != 'r':
                continue
            number += 1
            cells: list[str] = []
            for i, child in enumerate(elem):
                value: str | None
                if local(child.tag) == 'x':
                    index = whole(child.get('v'), -1)
                    shared = cache.items[i] if i < len(cache.items) else []
                    value = shared[index] if 0 <= index < len(shared) else None
                    if i < len(used):
                        used[i].add(index)
                else:
                    value = _item(child)
                cells.append(value or '')
            elem.clear()
            if container is not None:
                container.clear()
            yield number, cells
    done[0] = True


def _items_table(part: str, header: list[str], columns: list[list[str | None]]) -> Table | None:
    height = max((len(c) for c in columns), default=0)
    if not height:
        return None
    padded = [c + [None] * (height - len(c)) for c in columns]
    return Table(part, 'pivot cache', tuple(header), [Batch(1, padded)], header_row=0)


def pivot_caches(package: zipfile.ZipFile, book: Workbook,
                 limits: Limits) -> Iterator[TableOrProblem]:
    definitions = _parts(package, r'^xl/pivotCache/pivotCacheDefinition[^/]*\.xml$')
    for rel in relationships(package, book.part, limits):
        if (rel.type == 'pivotCacheDefinition' and rel.target not in definitions
                and rel.target in package.NameToInfo):
            definitions.append(rel.target)
    in_use: set[str] = set()
    for table_part in _parts(package, r'^xl/pivotTables/[^/]+\.xml$'):
        in_use.update(r.target for r in relationships(package, table_part, limits)
                      if r.type == 'pivotCacheDefinition')
    sheet_names = {s.name for s in book.sheets}
    for number, part in enumerate(definitions, start=1):
        cache = _Cache(package, part, limits)
        label = f'pivot cache {number}'
        if part not in in_use:
            yield ReadProblem(f'{label} ({part})', 'a pivot cache with no pivot table: it keeps '
                              'a copy of its source rows that no sheet shows',
                              'delete the cache (remove it from the package, or rebuild the '
                              'workbook without it)', category=STRUCTURE, blocks=False)
        if cache.source_sheet is not None and cache.source_sheet not in sheet_names:
            yield ReadProblem(f'{label} ({part})', 'the source sheet of this pivot cache no '
                              'longer exists: the cache is the only copy of its rows',
                              'delete the pivot table and its cache, or restore the source '
                              'and check it', category=STRUCTURE, blocks=False)
        if cache.records:
            used: list[set[int]] = [set() for _ in cache.fields]
            done = [False]
            rows = _record_rows(package, cache, limits, used, done)
            yield Table(f'{label} ({cache.records})', 'pivot cache', tuple(cache.fields),
                        row_batches(rows, limits), header_row=0)
            if done[0]:
                retained = [[v for i, v in enumerate(items) if i not in seen]
                            for items, seen in zip(cache.items, used, strict=True)]
                table = _items_table(f'{label} retained items ({part})', cache.fields, retained)
                if table is not None:
                    yield table
        else:
            table = _items_table(f'{label} shared items ({part})', cache.fields, cache.items)
            if table is not None:
                yield table


# --- external links -------------------------------------------------------------

def external_links(package: zipfile.ZipFile, limits: Limits) -> Iterator[Table]:
    for number, part in enumerate(_parts(package, r'^xl/externalLinks/[^/]+\.xml$'), start=1):
        root = ET.fromstring(read_part(package, part, limits))
        sheet_names = [e.get('val', '') for e in root.iter() if local(e.tag) == 'sheetName']
        for data in root.iter():
            if local(data.tag) != 'sheetData':
                continue
            sheet_id = whole(data.get('sheetId'))
            sheet = sheet_names[sheet_id] if sheet_id < len(sheet_names) else str(sheet_id)
            rows: list[Row] = []
            for row in data:
                if local(row.tag) != 'row':
                    continue
                cells: list[str] = []
                for cell in row:
                    ref = _CELL_REF.match(cell.get('r', ''))
                    v = next((x for x in cell if local(x.tag) == 'v'), None)
                    if ref is None or v is None or not v.text:
                        continue
                    col = column_index(ref.group(1))
                    cells.extend([''] * (col - len(cells) + 1))
                    cells[col] = v.text
                rows.append((whole(row.get('r')), cells))
            rows.sort(key=lambda r: r[0])
            yield from grid_table(f'external link {number} sheet "{sheet}" ({part})',
                                  'external link', iter(rows), limits)


# --- chart caches -----------------------------------------------------------------

def _points(cache: ET.Element) -> dict[int, str]:
    out: dict[int, str] = {}
    for pt in cache:
        if local(pt.tag) != 'pt':
            continue
        v = next((x for x in pt if local(x.tag) == 'v'), None)
        try:
            index = int(pt.get('idx', '0'))
        except ValueError:
            continue
        if v is not None and v.text and 0 <= index < _CHART_MAX_POINTS:
            out[index] = v.text
    return out


def _chart_columns(root: ET.Element) -> list[tuple[str, dict[int, str]]]:
    columns: list[tuple[str, dict[int, str]]] = []
    names: dict[int, str] = {}
    for ser in root.iter():
        if local(ser.tag) == 'ser':
            name = ''
            for child in ser:
                if local(child.tag) == 'tx':
                    name = next((v.text or '' for v in child.iter() if local(v.tag) == 'v'), '')
            names[len(names)] = name
            label = name or f'series {len(names)}'
            for child in ser:
                role = local(child.tag)
                if role == 'tx':
                    continue
                for cache in child.iter():
                    if local(cache.tag) in ('strCache', 'numCache', 'lvl'):
                        header = label if role == 'val' else f'{label} ({role})'
                        columns.append((header, _points(cache)))
        elif local(ser.tag) in ('strDim', 'numDim'):     # chartEx (cx:) data
            for lvl in ser:
                if local(lvl.tag) == 'lvl':
                    columns.append((ser.get('type', 'data'), _points(lvl)))
    if names:
        columns.insert(0, ('series', dict(names)))
    return columns


def charts(package: zipfile.ZipFile, limits: Limits) -> Iterator[Table]:
    for part in _parts(package, r'^xl/charts/chart[^/]*\.xml$'):
        columns = [c for c in _chart_columns(ET.fromstring(read_part(package, part, limits)))
                   if c[1]]
        if not columns:
            continue
        height = max(max(points) for _, points in columns) + 1
        data: list[list[str | None]] = [[points.get(i) for i in range(height)]
                                        for _, points in columns]
        yield Table(f'chart cache ({part})', 'chart cache', tuple(h for h, _ in columns),
                    [Batch(1, data)], header_row=0)


# --- text boxes and shapes -------------------------------------------------------

def text_boxes(package: zipfile.ZipFile, book: Workbook, limits: Limits) -> Iterator[Table]:
    """The text of shapes and text boxes drawn over a sheet (xl/drawings): a note
    typed into a text box is published with the sheet like a comment."""
    sheet_of: dict[str, str] = {}
    for sheet in book.sheets:
        if sheet.part in package.NameToInfo:
            for rel in relationships(package, sheet.part, limits):
                if rel.type == 'drawing':
                    sheet_of[rel.target] = sheet.name
    for part in _parts(package, r'^xl/drawings/drawing[^/]*\.xml$'):
        rows: list[list[str | None]] = []
        for shape in ET.fromstring(read_part(package, part, limits)).iter():
            if local(shape.tag) not in ('sp', 'cxnSp'):
                continue
            name = next((e.get('name', '') for e in shape.iter() if local(e.tag) == 'cNvPr'), '')
            paragraphs = [''.join(t.text or '' for t in p.iter() if local(t.tag) == 't')
                          for p in shape.iter() if local(p.tag) == 'p']
            text = '\n'.join(p for p in paragraphs if p.strip())
            if text:
                rows.append([name, text])
        if rows:
            where = f'sheet "{sheet_of[part]}"' if part in sheet_of else part
            yield records_table(f'text boxes ({where})', 'text box', ('shape', 'text'), rows)


# --- embedded objects -------------------------------------------------------------

def _nested(label: str, name: str, data: bytes, limits: Limits,
            depth: int) -> Iterator[TableOrProblem]:
    """Tables of a file embedded in this one; its failures are named by their part."""
    check_depth(depth + 1, limits, 'embedded files')
    try:
        for found in read_tables(name, io.BytesIO(data), limits, depth + 1):
            yield within(label, found, 'embedded')
    except Unreadable as exc:
        if exc.limit in _LIMIT_ERRORS:
            raise
        yield ReadProblem(label, exc.reason, exc.fix)


def _uninspectable(label: str, what: str) -> ReadProblem:
    return ReadProblem(label, f'an embedded {what} that pii-hooks cannot inspect',
                       'check it by hand, or remove it from the workbook', category=STRUCTURE,
                       blocks=False)


def ole_streams(data: bytes) -> dict[str, bytes] | None:
    """The top-level streams of an OLE compound file (None when it is not one)."""
    from xlrd.compdoc import CompDoc, CompDocError
    if not data.startswith(_OLE_MAGIC):
        return None
    try:
        doc = CompDoc(data, logfile=io.StringIO())
        out: dict[str, bytes] = {}
        for node in doc.dirlist:
            if node.etype == 2 and node.name:
                stream = doc.get_named_stream(node.name)
                if stream is not None:
                    out[node.name] = bytes(stream)
        return out
    except (CompDocError, AssertionError, struct.error, IndexError, ValueError):
        return None


def packaged_file(native: bytes) -> tuple[str, bytes] | None:
    """The file name and content inside an ``\\x01Ole10Native`` stream (Object Packager)."""
    try:
        pos = 4 + 2                                     # total size, flags
        end = native.index(b'\x00', pos)
        label = native[pos:end].decode('latin-1')
        pos = native.index(b'\x00', end + 1) + 1        # source path
        pos += 4                                        # reserved
        (length,) = struct.unpack_from('<I', native, pos)
        pos += 4 + length                               # temporary path
        (size,) = struct.unpack_from('<I', native, pos)
        pos += 4
        return label, native[pos:pos + size]
    except (ValueError, struct.error):
        return None


def _embedded_ole(label: str, data: bytes, limits: Limits,
                  depth: int) -> Iterator[TableOrProblem]:
    streams = ole_streams(data)
    if streams is None:
        yield _uninspectable(label, 'object (not an OLE file)')
        return
    if 'Workbook' in streams or 'Book' in streams:
        yield from _nested(label, 'embedded.xls', data, limits, depth)
    elif 'Package' in streams:
        inner = streams['Package']
        try:
            with zipfile.ZipFile(io.BytesIO(inner)) as pkg:
                is_workbook = any(n.startswith('xl/') for n in pkg.namelist())
        except zipfile.BadZipFile:
            is_workbook = False
        if is_workbook:
            yield from _nested(label, 'embedded.xlsx', inner, limits, depth)
        else:
            yield _uninspectable(label, 'Office document')
    elif '\x01Ole10Native' in streams:
        found = packaged_file(streams['\x01Ole10Native'])
        if found is not None and is_data_file(found[0]):
            packaged = found[0].replace('\\', '/').rsplit('/', 1)[-1]
            yield from _nested(f'{label}, packaged {packaged}', packaged, found[1], limits, depth)
        else:
            yield _uninspectable(label, 'packaged file')
    elif 'Equation Native' in streams:
        return                                            # a formula picture: no data
    else:
        kind = next((k for k in ('WordDocument', 'PowerPoint Document') if k in streams), '')
        yield _uninspectable(label, f'OLE object ({kind or "unknown type"})')


def embeddings(package: zipfile.ZipFile, limits: Limits, depth: int) -> Iterator[TableOrProblem]:
    for part in _parts(package, r'^xl/embeddings/[^/]+$'):
        label = f'embedded {part}'
        data = read_part(package, part, limits)
        ext = extension(part)
        if data.startswith(_OLE_MAGIC):
            yield from _embedded_ole(label, data, limits, depth)
        elif is_data_file(part):
            yield from _nested(label, part, data, limits, depth)
        else:
            yield _uninspectable(label, f'{ext.lstrip(".") or "untyped"} file')


# --- document properties and data model ----------------------------------------------

_CORE_SKIP = frozenset({'created', 'modified', 'lastPrinted', 'revision', 'version', 'language'})
_APP_KEEP = frozenset({'Company', 'Manager', 'HyperlinkBase'})


def _property_pairs(package: zipfile.ZipFile, limits: Limits) -> Iterable[tuple[str, str]]:
    core = read_part(package, 'docProps/core.xml', limits)
    if core:
        for elem in ET.fromstring(core):
            name = local(elem.tag)
            if name not in _CORE_SKIP and elem.text and elem.text.strip():
                yield name, elem.text.strip()
    app = read_part(package, 'docProps/app.xml', limits)
    if app:
        for elem in ET.fromstring(app):
            if local(elem.tag) in _APP_KEEP and elem.text and elem.text.strip():
                yield local(elem.tag), elem.text.strip()
    custom = read_part(package, 'docProps/custom.xml', limits)
    if custom:
        for prop in ET.fromstring(custom):
            value = ''.join(itertools.chain.from_iterable(v.itertext() for v in prop)).strip()
            if value:
                yield prop.get('name', ''), value


def document_properties(package: zipfile.ZipFile, limits: Limits) -> Iterator[Table]:
    pairs = list(_property_pairs(package, limits))
    if pairs:
        yield records_table('document properties', 'metadata', [k for k, _ in pairs],
                            [[v for _, v in pairs]])


def data_model(package: zipfile.ZipFile) -> Iterator[ReadProblem]:
    model = [n for n in package.namelist() if n.lower().startswith('xl/model/')]
    if model:
        yield ReadProblem(f'data model ({posixpath.commonpath(model) or model[0]})',
                          'a Power Pivot data model: it stores whole source tables in a '
                          'compressed format pii-hooks cannot inspect',
                          'remove the data model (Data > Queries & Connections), or allowlist '
                          'the file with a reason', category=STRUCTURE, blocks=True)


def open_stream(data: bytes) -> IO[bytes]:
    return io.BytesIO(data)
