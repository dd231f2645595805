"""XLSX / XLSM: every sheet whatever its state, read straight from the package XML.

pandas and openpyxl return hidden sheets and rows without saying so, and never
return the package's other parts.  Here every worksheet part is streamed with
iterparse and each cell keeps its place and visibility:

* sheets in any state (visible, hidden, veryHidden), and worksheet parts the
  workbook no longer lists (state 'orphan part');
* hidden rows and columns, found by a cheap pre-pass over the sheet XML so the
  set is complete before the first batch: ``hidden="1"``, zero height or
  width, and rows of an outline group next to a collapsed summary row;
* invisible cells (font colour equal to the fill colour, white text on no
  fill, or a ``;;;`` number format) go to a second table of the same sheet
  with state 'white-on-white': hidden text is published too;
* dates stored as serial numbers are given back as ISO dates (by the cell's
  number format), so a date-of-birth column reads as dates;
* print headers and footers ('Prepared by ...') become a table of the sheet
  with state 'page header'.

The other parts (comments, pivot caches, defined names, external links, chart
caches, text boxes, embedded workbooks, document properties, data models) are read by
``readers.ooxml``; its docstring says which of them block.  Both the
transitional and the strict OOXML namespaces are read (tags are matched by
local name).
"""
from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO, Any, NamedTuple, cast
from xml.etree import ElementTree as ET

from pii_hooks.models import Table
from pii_hooks.readers import Limits, TableOrProblem, Unreadable
from pii_hooks.readers.grid import Row, grid_table, records_table

_CELL_REF = re.compile(r'([A-Z]+)(\d+)')
_MARK_TAG = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?(row|col|outlinePr)\b([^>]*)>')
_ATTR = re.compile(rb'([\w:.-]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')
MAX_ROWS = 1_048_576             # Excel's own limits: hidden marks are kept up to them
MAX_COLUMNS = 16_384
_RATIO_FLOOR = 1024**2
_DATE_FORMAT_IDS = frozenset(range(14, 23)) | frozenset(range(27, 37)) | frozenset(
    range(45, 48)) | frozenset(range(50, 59))
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')
_INVISIBLE_FORMAT = re.compile(r'^\s*;\s*;\s*;?\s*$')
_WHITE = 'FFFFFF'
_BLACK = '000000'
_INDEXED = {'0': _BLACK, '1': _WHITE, '8': _BLACK, '9': _WHITE, '64': _BLACK}
_THEME = {'0': _WHITE, '1': _BLACK}    # Excel swaps the first pairs: 0 is Background 1


def local(tag: str) -> str:
    return tag.rpartition('}')[2]


def attr(elem: ET.Element, name: str) -> str | None:
    """An attribute by local name, whatever its namespace (r:id in either OOXML flavour)."""
    for key, value in elem.attrib.items():
        if key == name or key.endswith('}' + name):
            return value
    return None


def iter_xml(handle: IO[bytes], events: tuple[str, ...] = ('end',)) -> Iterator[Any]:
    """(event, element) pairs, fed in 64 KiB reads: a third faster than ``ET.iterparse``."""
    parser: ET.XMLPullParser[Any] = ET.XMLPullParser(events=cast(Any, events))
    while True:
        data = handle.read(1 << 16)
        if not data:
            break
        parser.feed(data)
        yield from parser.read_events()
    parser.close()
    yield from parser.read_events()


def whole(value: str | bytes | None, default: int = 0) -> int:
    """A whole-number attribute; ``default`` when a damaged file holds anything else."""
    try:
        return int(value or default)
    except ValueError:
        return default


def column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def column_letters(index: int) -> str:
    out = ''
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def open_package(stream: IO[bytes]) -> zipfile.ZipFile:
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b'\xd0\xcf\x11\xe0'):
        raise Unreadable('encrypted or password-protected Office file',
                         'remove the password and re-save, or exclude the file')
    try:
        return zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
        raise Unreadable('not a readable XLSX package (corrupt or truncated zip)',
                         'open and re-save it in a spreadsheet program') from None


def _check_part(info: zipfile.ZipInfo, limits: Limits) -> None:
    name = info.filename
    if info.file_size > limits.max_uncompressed_bytes:
        raise Unreadable(f'package part {name} unpacks to {info.file_size:,} bytes '
                         '(limit max_uncompressed_bytes)', 'raise limits.max_uncompressed_bytes',
                         limit='max_uncompressed_bytes')
    # XML compresses far better than data files do: allow five times the member ratio,
    # and judge the ratio only of parts big enough to matter
    if (info.file_size > _RATIO_FLOOR and info.compress_size
            and info.file_size / info.compress_size > limits.max_ratio * 5):
        raise Unreadable(f'package part {name} has a compression ratio over '
                         f'{limits.max_ratio * 5} (limit max_ratio): a zip bomb?',
                         'raise limits.max_ratio if the file is genuine', limit='max_ratio')


def read_part(package: zipfile.ZipFile, name: str, limits: Limits) -> bytes:
    try:
        info = package.getinfo(name)
    except KeyError:
        return b''
    _check_part(info, limits)
    try:
        return package.read(name)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError, zlib.error,
            NotImplementedError):
        raise Unreadable(f'package part {name} is corrupt', 'open and re-save the file') from None


def open_part(package: zipfile.ZipFile, name: str, limits: Limits) -> IO[bytes]:
    _check_part(package.getinfo(name), limits)
    try:
        return package.open(name)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError, zlib.error,
            NotImplementedError):
        # a local header that lies about its offset or method: a damaged package
        raise Unreadable(f'package part {name} is corrupt', 'open and re-save the file') from None


class Relationship(NamedTuple):
    id: str
    type: str            # the last segment of the type URI: 'worksheet', 'comments', ...
    target: str          # the package part, or the external target


def relationships(package: zipfile.ZipFile, part: str, limits: Limits,
                  external: bool = False) -> list[Relationship]:
    """The relationships of one part, internal targets resolved to part names."""
    folder, base = posixpath.split(part)
    data = read_part(package, posixpath.join(folder, '_rels', base + '.rels'), limits)
    out: list[Relationship] = []
    if not data:
        return out
    for rel in ET.fromstring(data).iter():
        if local(rel.tag) != 'Relationship':
            continue
        target = rel.get('Target', '')
        kind = rel.get('Type', '').rstrip('/').rsplit('/', 1)[-1]
        if rel.get('TargetMode') == 'External':
            if external:
                out.append(Relationship(rel.get('Id', ''), kind, target))
            continue
        path = target.lstrip('/') if target.startswith('/') else posixpath.normpath(
            posixpath.join(folder, target))
        out.append(Relationship(rel.get('Id', ''), kind, path))
    return out


def rel_targets(package: zipfile.ZipFile, part: str, limits: Limits) -> dict[str, str]:
    return {r.id: r.target for r in relationships(package, part, limits)}


def shared_strings(package: zipfile.ZipFile, limits: Limits, path: str) -> list[str]:
    if path not in package.NameToInfo:
        return []
    out: list[str] = []
    with open_part(package, path, limits) as handle:
        for _, elem in iter_xml(handle):
            if local(elem.tag) == 'si':
                out.append(rich_text(elem))
                elem.clear()
    return out


def rich_text(elem: ET.Element) -> str:
    """The text of a string item or inline string, phonetic runs (rPh) left out."""
    parts: list[str] = []
    for child in elem:
        name = local(child.tag)
        if name == 't':
            parts.append(child.text or '')
        elif name == 'r':
            parts.extend(t.text or '' for t in child if local(t.tag) == 't')
    return ''.join(parts)


# --- styles: dates and invisible text -----------------------------------------

class Styles(NamedTuple):
    dates: frozenset[int]            # cell style (xf) indexes that format a date
    invisible: frozenset[int]        # cell style indexes whose text cannot be seen


def _color(elem: ET.Element | None) -> tuple[str, ...] | None:
    if elem is None:
        return None
    tint = elem.get('tint', '0')
    if elem.get('rgb'):
        return ('rgb', elem.get('rgb', '')[-6:].upper())
    for kind, table in (('theme', _THEME), ('indexed', _INDEXED)):
        value = elem.get(kind)
        if value is not None:
            if value in table and _untinted(tint):
                return ('rgb', table[value])
            return (kind, value, tint)
    return None


def _untinted(tint: str | None) -> bool:
    try:
        return float(tint or 0) == 0
    except ValueError:          # a damaged attribute: a colour of its own, never equal
        return False


def _is_date_format(code: str) -> bool:
    text = _QUOTED.sub('', code).lower()
    return 'general' not in text and ('y' in text or 'd' in text)


def read_styles(package: zipfile.ZipFile, limits: Limits, path: str) -> Styles:
    data = read_part(package, path, limits)
    if not data:
        return Styles(frozenset(), frozenset())
    root = ET.fromstring(data)
    formats: dict[str, str] = {}
    fonts: list[tuple[str, ...] | None] = []
    fills: list[tuple[str, ...] | None] = []
    xfs: list[ET.Element] = []
    for section in root:
        name = local(section.tag)
        if name == 'numFmts':
            for fmt in section:
                formats[fmt.get('numFmtId', '')] = fmt.get('formatCode', '')
        elif name == 'fonts':
            for font in section:
                fonts.append(_color(next((c for c in font if local(c.tag) == 'color'), None)))
        elif name == 'fills':
            for fill in section:
                fills.append(_fill_color(fill))
        elif name == 'cellXfs':
            xfs = list(section)
    dates: set[int] = set()
    invisible: set[int] = set()
    for index, xf in enumerate(xfs):
        fmt_id = xf.get('numFmtId', '0')
        code = formats.get(fmt_id)
        if code is not None:
            if _INVISIBLE_FORMAT.match(code):
                invisible.add(index)
            elif _is_date_format(code):
                dates.add(index)
        elif fmt_id.isdigit() and int(fmt_id) in _DATE_FORMAT_IDS:
            dates.add(index)
        text_color = _pick(fonts, xf.get('fontId'))
        fill_color = _pick(fills, xf.get('fillId'))
        background = fill_color if fill_color is not None else ('rgb', _WHITE)
        if text_color is not None and text_color == background:
            invisible.add(index)
    return Styles(frozenset(dates), frozenset(invisible))


def _pick(items: list[tuple[str, ...] | None], index: str | None) -> tuple[str, ...] | None:
    try:
        return items[int(index or 0)]
    except (ValueError, IndexError):
        return None


def _fill_color(fill: ET.Element) -> tuple[str, ...] | None:
    """The colour a solid fill paints; None for no fill (the sheet's white)."""
    for pattern in fill:
        if local(pattern.tag) != 'patternFill' or pattern.get('patternType') != 'solid':
            continue
        return _color(next((c for c in pattern if local(c.tag) == 'fgColor'), None))
    return None


def excel_date(serial: str, date1904: bool) -> str:
    """An Excel serial date as ISO text; the serial unchanged when it is not a plausible date."""
    try:
        value = float(serial)
    except ValueError:
        return serial
    if not 1 <= value < 2958466:
        return serial
    base = dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1899, 12, 30)
    moment = base + dt.timedelta(days=value)
    if value == int(value):
        return moment.date().isoformat()
    return moment.replace(microsecond=0).isoformat(sep=' ')


# --- workbook and sheets ------------------------------------------------------

class Sheet(NamedTuple):
    name: str
    state: str
    part: str


class Workbook(NamedTuple):
    sheets: list[Sheet]
    root: ET.Element                 # xl/workbook.xml
    part: str
    date1904: bool


def workbook(package: zipfile.ZipFile, limits: Limits) -> Workbook:
    part = _workbook_part(package, limits)
    data = read_part(package, part, limits)
    if not data:
        raise Unreadable('not an XLSX workbook (no xl/workbook.xml)', 'open and re-save it')
    root = ET.fromstring(data)
    rels = rel_targets(package, part, limits)
    sheets: list[Sheet] = []
    date1904 = False
    for elem in root.iter():
        name = local(elem.tag)
        if name == 'sheet':
            target = rels.get(attr(elem, 'id') or '', '')
            sheets.append(Sheet(elem.get('name', '?'), elem.get('state', 'visible'), target))
        elif name == 'workbookPr':
            date1904 = elem.get('date1904') in ('1', 'true')
    return Workbook(sheets, root, part, date1904)


def _workbook_part(package: zipfile.ZipFile, limits: Limits) -> str:
    for rel in relationships(package, '', limits):
        if rel.type == 'officeDocument':
            return rel.target
    return 'xl/workbook.xml'


def _attrs(raw: bytes) -> dict[bytes, bytes]:
    return {m.group(1).rsplit(b':', 1)[-1]: m.group(2) if m.group(2) is not None else m.group(3)
            for m in _ATTR.finditer(raw)}


def _true(value: bytes | None) -> bool:
    return value in (b'1', b'true')


def _small(value: bytes | None) -> bool:
    try:
        return value is not None and float(value) < 0.5
    except ValueError:
        return False


class _Outline(NamedTuple):
    number: int
    level: int
    collapsed: bool


def hidden_marks(handle: IO[bytes]) -> tuple[frozenset[int], frozenset[int]]:
    """Hidden rows (sheet numbers) and hidden columns (0-based) of one sheet's XML.

    A regular-expression pass over the raw bytes: far cheaper than a second
    parse, and it sees every row before the first batch is scanned.
    """
    rows: set[int] = set()
    cols: set[int] = set()
    outline: list[_Outline] = []
    summary_below = True
    number = 0
    tail = b''
    while True:
        chunk = handle.read(1 << 20)
        data = tail + chunk
        cut = data.rfind(b'<') if chunk else len(data)
        cut = len(data) if cut < 0 else cut
        for match in _MARK_TAG.finditer(data, 0, cut):
            kind, found = match.group(1), _attrs(match.group(2))
            if kind == b'row':
                try:
                    number = int(found.get(b'r') or number + 1)
                except ValueError:
                    number += 1
                if number > MAX_ROWS:
                    continue
                custom = _true(found.get(b'customHeight'))
                if _true(found.get(b'hidden')) or (custom and _small(found.get(b'ht'))):
                    rows.add(number)
                level = whole(found.get(b'outlineLevel'))
                if level or _true(found.get(b'collapsed')):
                    outline.append(_Outline(number, level, _true(found.get(b'collapsed'))))
            elif kind == b'col':
                try:
                    first, last = int(found.get(b'min', b'1')), int(found.get(b'max', b'1'))
                except ValueError:
                    continue
                custom = _true(found.get(b'customWidth'))
                if _true(found.get(b'hidden')) or (custom and _small(found.get(b'width'))):
                    cols.update(range(max(first, 1) - 1, min(last, MAX_COLUMNS)))
            elif found.get(b'summaryBelow') in (b'0', b'false'):
                summary_below = False
        tail = data[cut:]
        if not chunk:
            break
    rows.update(_collapsed_rows(outline, summary_below))
    return frozenset(rows), frozenset(cols)


def _collapsed_rows(outline: list[_Outline], summary_below: bool) -> set[int]:
    """Rows of a group whose summary row is collapsed, whether or not they say hidden."""
    out: set[int] = set()
    by_number = {o.number: o for o in outline}
    for summary in outline:
        if not summary.collapsed:
            continue
        step = -1 if summary_below else 1
        number = summary.number + step
        while (member := by_number.get(number)) is not None and member.level > summary.level:
            out.add(number)
            number += step
    return out


#: Print headers and footers of a sheet ('&LPrepared by ...&RPage &P').
_PAGE_TEXT = ('oddHeader', 'oddFooter', 'evenHeader', 'evenFooter', 'firstHeader', 'firstFooter')
#: Their formatting codes: sections (&L &C &R), fonts (&"Arial,Bold"), sizes (&12), fields.
_PAGE_CODES = re.compile(r'&(?:"[^"]*"|\d+|K[0-9A-Fa-f]{6}|[LCRPNDTFAZGBIUSXYEKH])')


def page_text(raw: str) -> str:
    """A header or footer without its formatting codes: '&LPrepared by J. Doe&RPage &P'
    -> 'Prepared by J. Doe  Page'."""
    text = _PAGE_CODES.sub(' ', raw.replace('&&', '\0')).replace('\0', '&')
    return ' '.join(text.split())


def sheet_rows(handle: IO[bytes], strings: list[str], styles: Styles, date1904: bool,
               invisible: list[Row], pages: list[list[str | None]] | None = None,
               ) -> Iterator[Row]:
    """(row number, cells) of one worksheet; invisible cells are put aside in ``invisible``,
    print headers and footers in ``pages`` as (which, text) rows."""
    number = 0
    container: ET.Element | None = None
    ns = ''
    row_tag = c_tag = v_tag = is_tag = ''
    page_tags: dict[str, str] = {}
    hidden_styles = styles.invisible
    date_styles = styles.dates
    for event, elem in iter_xml(handle, ('start', 'end')):
        if event == 'start':
            if not ns:
                # the namespace of the root (transitional or strict) names every tag
                ns = elem.tag[:elem.tag.index('}') + 1] if elem.tag.startswith('{') else ''
                row_tag, c_tag, v_tag, is_tag = ns + 'row', ns + 'c', ns + 'v', ns + 'is'
                page_tags = {ns + name: name for name in _PAGE_TEXT}
            elif elem.tag == ns + 'sheetData':
                container = elem
            continue
        if elem.tag != row_tag:
            if elem.tag in page_tags and pages is not None:
                text = page_text(elem.text or '')
                if text:
                    pages.append([page_tags[elem.tag], text])
            continue
        try:
            number = int(elem.get('r') or number + 1)
        except ValueError:
            number += 1
        cells: list[str] = []
        hidden_cells: list[str] = []
        for c in elem.iterfind(c_tag):
            kind = c.get('t')
            if kind == 'inlineStr':
                inline = c.find(is_tag)
                text = rich_text(inline) if inline is not None else ''
            else:
                text = c.findtext(v_tag) or ''
                if kind == 's':
                    try:
                        text = strings[int(text)] if text else ''
                    except (ValueError, IndexError):
                        text = ''
                elif kind is None or kind == 'n':
                    if date_styles and text:
                        style = c.get('s')
                        if style and style.isdigit() and int(style) in date_styles:
                            text = excel_date(text, date1904)
                elif kind == 'd' and text.endswith('T00:00:00'):
                    text = text[:-9]
            if not text:
                continue
            ref = c.get('r')
            match = _CELL_REF.match(ref) if ref else None
            col = column_index(match.group(1)) if match else len(cells)
            if col >= MAX_COLUMNS:
                raise Unreadable(f'a cell beyond column XFD ({MAX_COLUMNS:,} columns)',
                                 'open and re-save the file')
            target = cells
            if hidden_styles:
                style = c.get('s')
                if style and style.isdigit() and int(style) in hidden_styles:
                    target = hidden_cells
            if col >= len(target):
                target.extend([''] * (col - len(target) + 1))
            target[col] = text
        if hidden_cells:
            invisible.append((number, hidden_cells))
        yield number, cells
        elem.clear()
        if container is not None:
            container.clear()        # rows already read: keep memory flat


def sheet_tables(package: zipfile.ZipFile, part: str, label: str, state: str,
                 strings: list[str], styles: Styles, date1904: bool,
                 limits: Limits) -> Iterator[Table]:
    """The sheet's table, then a table of its invisible cells when it has any."""
    with open_part(package, part, limits) as handle:
        hidden_rows, hidden_cols = hidden_marks(handle)
    invisible: list[Row] = []
    pages: list[list[str | None]] = []
    header: tuple[str, ...] = ()
    with open_part(package, part, limits) as handle:
        rows = sheet_rows(handle, strings, styles, date1904, invisible, pages)
        for table in grid_table(label, state, rows, limits, hidden_rows=hidden_rows,
                                hidden_columns=hidden_cols):
            header = table.header
            yield table
        for _ in rows:      # the headers and footers follow the cells
            pass
    if invisible:
        yield from grid_table(label, 'white-on-white', iter(invisible), limits,
                              header=header)
    if pages:
        yield records_table(f'page headers and footers ({label})', 'page header',
                            ('where', 'text'), pages)


_SHEET_PART = re.compile(r'^xl/(?:worksheets|macrosheets|dialogsheets)/[^/]+\.xml$')


def read_xlsx(name: str, stream: IO[bytes], limits: Limits,
              depth: int = 0) -> Iterator[TableOrProblem]:
    from pii_hooks.readers import ooxml
    package = open_package(stream)
    with package:
        if 'EncryptedPackage' in package.NameToInfo:
            raise Unreadable('encrypted Office file', 'remove the password and re-save')
        try:
            book = workbook(package, limits)
            rels = relationships(package, book.part, limits)
            strings_part = next((r.target for r in rels if r.type == 'sharedStrings'),
                                'xl/sharedStrings.xml')
            styles_part = next((r.target for r in rels if r.type == 'styles'), 'xl/styles.xml')
            strings = shared_strings(package, limits, strings_part)
            styles = read_styles(package, limits, styles_part)
            listed = set()
            for sheet in book.sheets:
                if sheet.part not in package.NameToInfo:
                    continue
                listed.add(sheet.part)
                yield from sheet_tables(package, sheet.part, f'sheet "{sheet.name}"', sheet.state,
                                        strings, styles, book.date1904, limits)
            for part in package.namelist():
                if _SHEET_PART.match(part) and part not in listed:
                    # a sheet the workbook no longer lists: Excel ignores it, the file keeps it
                    yield from sheet_tables(package, part, f'unlisted sheet part {part}',
                                            'orphan part', strings, styles, book.date1904, limits)
            yield from ooxml.hidden_parts(package, book, limits, depth)
        except ET.ParseError:
            raise Unreadable('corrupt XML inside the XLSX package', 'open and re-save it') from None
        except (zipfile.BadZipFile, EOFError, zlib.error):
            raise Unreadable('corrupt or truncated XLSX package', 'open and re-save it') from None
