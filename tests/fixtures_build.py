"""Synthetic fixture files, built at test time: every reader's hiding places.

All people here are invented (Faker-style names, SSNs in the 5xx-44 range,
example webmail addresses).  The XLSX builders write the package XML
themselves, so parts that openpyxl cannot write (pivot caches, threaded
comments, external links, chart caches, embedded objects, data models) can
be built; ``xlsx_bytes`` is the one place that knows the package layout.
"""
from __future__ import annotations

import bz2
import gzip
import io
import lzma
import sqlite3
import struct
import tarfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple
from xml.sax.saxutils import escape, quoteattr

#: Obviously personal synthetic rows: names, SSNs and personal webmail.
PEOPLE: list[list[str]] = [
    ['Name', 'SSN', 'Email', 'Date of Birth'],
    ['Jane Doe', '512-44-6789', 'jane.doe@gmail.com', '1985-03-12'],
    ['John Smith', '521-44-9876', 'jsmith@yahoo.com', '1990-11-02'],
    ['Maria Garcia', '534-44-7890', 'mgarcia@hotmail.com', '1979-06-30'],
    ['Wei Chen', '545-44-1234', 'wei.chen@gmail.com', '1982-01-15'],
    ['Amal Haddad', '556-44-2345', 'amal.haddad@outlook.com', '1995-08-21'],
]
#: Values that must never appear in any output.
PEOPLE_RAW = tuple(v for row in PEOPLE[1:] for v in row[1:3])
COUNTRIES: list[list[str]] = [['Code', 'Country'], ['US', 'United States'], ['FR', 'France'],
                              ['DE', 'Germany'], ['JP', 'Japan'], ['BR', 'Brazil']]
FACILITIES: list[list[str]] = [['Facility', 'Detained', 'Released'],
                               ['North Processing Center', '120', '45'],
                               ['South Processing Center', '98', '30'],
                               ['East Processing Center', '143', '52']]

NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
NS_R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships'
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


class Sheet(NamedTuple):
    name: str
    rows: Sequence[Sequence[str]]
    state: str = 'visible'
    first_row: int = 1
    row_attrs: Mapping[int, str] = {}          # sheet row number -> extra <row> attributes
    cols: str = ''                             # raw <cols> content
    styles: Mapping[tuple[int, int], int] = {}  # (row number, column) -> cellXfs index
    rels: Sequence[tuple[str, str]] = ()       # (relationship type, target from the sheet)
    pre_data: str = ''                         # raw XML before <cols> (sheetPr, ...)


def col_letters(index: int) -> str:
    out = ''
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def _cell(ref: str, value: str, style: int) -> str:
    s = f' s="{style}"' if style else ''
    if value.replace('.', '', 1).lstrip('-').isdigit() and not value.startswith('0'):
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    return f'<c r="{ref}"{s} t="inlineStr"><is><t>{escape(value)}</t></is></c>'


def sheet_xml(sheet: Sheet) -> str:
    rows = []
    for offset, values in enumerate(sheet.rows):
        number = sheet.first_row + offset
        cells = ''.join(_cell(f'{col_letters(i)}{number}', v, sheet.styles.get((number, i), 0))
                        for i, v in enumerate(values) if v != '')
        rows.append(f'<row r="{number}"{sheet.row_attrs.get(number, "")}>{cells}</row>')
    for number, extra in sheet.row_attrs.items():    # attribute-only rows (no cells)
        if not sheet.first_row <= number < sheet.first_row + len(sheet.rows):
            rows.append(f'<row r="{number}"{extra}/>')
    cols = f'<cols>{sheet.cols}</cols>' if sheet.cols else ''
    return (f'{XML_HEAD}<worksheet xmlns="{NS}" xmlns:r="{NS_R}">{sheet.pre_data}{cols}'
            f'<sheetData>{"".join(rows)}</sheetData></worksheet>')


def _rels(items: Iterable[tuple[str, str, str]]) -> str:
    body = ''.join(f'<Relationship Id="{i}" Type="{REL if "://" not in t else ""}{t}" '
                   f'Target={quoteattr(target)}/>' for i, t, target in items)
    return f'{XML_HEAD}<Relationships xmlns="{PKG_REL}">{body}</Relationships>'


def xlsx_bytes(sheets: Sequence[Sheet], *, parts: Mapping[str, str | bytes] | None = None,
               workbook_rels: Sequence[tuple[str, str]] = (), workbook_extra: str = '',
               styles: str | None = None, part_rels: Mapping[str, Sequence[tuple[str, str]]]
               | None = None) -> bytes:
    """A minimal valid XLSX package.

    ``workbook_rels``: (type, target from xl/) relationships added to the
    workbook (ids rIdW1...); ``workbook_extra``: raw XML after <sheets>
    (definedNames, pivotCaches); ``part_rels``: relationships of other parts.
    """
    files: dict[str, str | bytes] = {}
    overrides = ['<Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
                 'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>']
    wb_rels: list[tuple[str, str, str]] = []
    sheet_entries = []
    for i, sheet in enumerate(sheets, start=1):
        state = f' state="{sheet.state}"' if sheet.state != 'visible' else ''
        sheet_entries.append(f'<sheet name={quoteattr(sheet.name)} sheetId="{i}"{state} '
                             f'r:id="rId{i}"/>')
        wb_rels.append((f'rId{i}', 'worksheet', f'worksheets/sheet{i}.xml'))
        files[f'xl/worksheets/sheet{i}.xml'] = sheet_xml(sheet)
        overrides.append(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType='
                         '"application/vnd.openxmlformats-officedocument.spreadsheetml.'
                         'worksheet+xml"/>')
        if sheet.rels:
            files[f'xl/worksheets/_rels/sheet{i}.xml.rels'] = _rels(
                (f'rId{j}', t, target) for j, (t, target) in enumerate(sheet.rels, start=1))
    wb_rels.append(('rIdS', 'styles', 'styles.xml'))
    for j, (kind, target) in enumerate(workbook_rels, start=1):
        wb_rels.append((f'rIdW{j}', kind, target))
    files['[Content_Types].xml'] = (
        f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.'
        'openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        f'ContentType="application/xml"/>{"".join(overrides)}</Types>')
    files['_rels/.rels'] = _rels([('rId1', 'officeDocument', 'xl/workbook.xml')])
    files['xl/workbook.xml'] = (
        f'{XML_HEAD}<workbook xmlns="{NS}" xmlns:r="{NS_R}"><sheets>'
        f'{"".join(sheet_entries)}</sheets>{workbook_extra}</workbook>')
    files['xl/_rels/workbook.xml.rels'] = _rels(wb_rels)
    files['xl/styles.xml'] = styles or STYLES_PLAIN
    files.update(parts or {})
    for name, rels in (part_rels or {}).items():
        folder, _, base = name.rpartition('/')
        files[f'{folder}/_rels/{base}.rels'] = _rels(
            (f'rId{j}', t, target) for j, (t, target) in enumerate(rels, start=1))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, content in files.items():
            z.writestr(name, content)
    return buffer.getvalue()


STYLES_PLAIN = (
    f'{XML_HEAD}<styleSheet xmlns="{NS}"><fonts count="1"><font><sz val="11"/>'
    '<color theme="1"/><name val="Calibri"/></font></fonts><fills count="2"><fill>'
    '<patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
    '</fill></fills><borders count="1"><border/></borders><cellXfs count="1"><xf numFmtId="0" '
    'fontId="0" fillId="0" borderId="0"/></cellXfs></styleSheet>')

#: cellXfs: 0 plain; 1 white text, no fill; 2 ';;;' format; 3 blue text on blue fill;
#: 4 a date format; 5 white text on a dark fill (visible).
STYLES_HIDING = (
    f'{XML_HEAD}<styleSheet xmlns="{NS}"><numFmts count="2">'
    '<numFmt numFmtId="164" formatCode=";;;"/><numFmt numFmtId="165" formatCode="yyyy\\-mm\\-dd"/>'
    '</numFmts><fonts count="3"><font><sz val="11"/><color theme="1"/></font>'
    '<font><sz val="11"/><color rgb="FFFFFFFF"/></font><font><sz val="11"/>'
    '<color rgb="FF1F4E79"/></font></fonts><fills count="4"><fill><patternFill '
    'patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill>'
    '<patternFill patternType="solid"><fgColor rgb="FF1F4E79"/><bgColor indexed="64"/>'
    '</patternFill></fill><fill><patternFill patternType="solid"><fgColor rgb="FF000000"/>'
    '</patternFill></fill></fills><borders count="1"><border/></borders><cellXfs count="6">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0"/>'
    '<xf numFmtId="0" fontId="2" fillId="2" borderId="0"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="3" borderId="0"/>'
    '</cellXfs></styleSheet>')


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding='utf-8')
    else:
        path.write_bytes(data)
    return path


def csv_text(rows: Sequence[Sequence[str]], delimiter: str = ',') -> str:
    return ''.join(delimiter.join(r) + '\n' for r in rows)


# --- XLSX hiding places -----------------------------------------------------------

def hidden_sheet_xlsx(path: Path, rows: Sequence[Sequence[str]] = PEOPLE,
                      state: str = 'hidden') -> Path:
    """A statistics workbook whose second tab holds the individuals."""
    return write(path, xlsx_bytes([Sheet('Summary', FACILITIES), Sheet('Data', rows, state)]))


def hidden_rows_xlsx(path: Path, visible: int = 150, hidden: int = 33_000) -> Path:
    """``visible`` aggregate rows on top, ``hidden`` rows of people below them, all hidden."""
    rows: list[list[str]] = [['Name', 'SSN', 'Email']]
    rows += [[f'Region {i}', str(1000 + i), ''] for i in range(visible)]
    attrs: dict[int, str] = {}
    for i in range(hidden):
        number = len(rows) + 1
        rows.append([f'Person {i}', f'{500 + i % 99:03d}-{10 + i % 89:02d}-{1000 + i % 8999:04d}',
                     f'person{i}@gmail.com'])
        attrs[number] = ' hidden="1"'
    return write(path, xlsx_bytes([Sheet('Data', rows, row_attrs=attrs)]))


def hidden_column_xlsx(path: Path) -> Path:
    """An aggregate table whose hidden column C holds e-mail addresses."""
    rows = [['Facility', 'Count', 'Contact']] + [
        [f'Site {i}', str(10 * i), PEOPLE[1 + i % 5][2]] for i in range(12)]
    return write(path, xlsx_bytes([Sheet('Data', rows,
                                         cols='<col min="3" max="3" width="9" hidden="1"/>')]))


def collapsed_outline_xlsx(path: Path) -> Path:
    """Detail rows in an outline group collapsed under a summary row (no hidden flag)."""
    rows = [['Name', 'Email']] + [[r[0], r[2]] for r in PEOPLE[1:]] + [['Total', '5']]
    attrs = {n: ' outlineLevel="1"' for n in range(2, 7)}
    attrs[7] = ' collapsed="1"'
    return write(path, xlsx_bytes([Sheet('Data', rows, row_attrs=attrs)]))


def white_on_white_xlsx(path: Path) -> Path:
    """Visible aggregates; people typed in white on white beside them, and in ';;;' cells."""
    rows = [['Facility', 'Count', 'Note']]
    styles: dict[tuple[int, int], int] = {}
    for i in range(5):
        number = i + 2
        person = PEOPLE[1 + i]
        rows.append([f'Site {i}', str(10 + i), f'{person[0]} {person[1]}'])
        styles[(number, 2)] = 1 if i % 2 else 2
    rows.append(['Dark', '1', 'visible white on black'])
    styles[(7, 2)] = 5
    return write(path, xlsx_bytes([Sheet('Data', rows, styles=styles)], styles=STYLES_HIDING))


def date_serial_xlsx(path: Path) -> Path:
    """Dates of birth stored as Excel serial numbers under a date format."""
    rows = [['Name', 'Date of Birth'], ['Jane Doe', '31118'], ['John Smith', '33179'],
            ['Maria Garcia', '29036'], ['Wei Chen', '29966'], ['Amal Haddad', '34932']]
    styles = {(n, 1): 4 for n in range(2, 7)}
    return write(path, xlsx_bytes([Sheet('Data', rows, styles=styles)], styles=STYLES_HIDING))


def comments_xlsx(path: Path, threaded: bool = False) -> Path:
    """Aggregates on the sheet, a person's SSN and e-mail in a cell comment."""
    text = 'Case owner Jane Doe, SSN 512-44-6789, reach her at jane.doe@gmail.com'
    legacy = (f'{XML_HEAD}<comments xmlns="{NS}"><authors><author>Analyst</author></authors>'
              f'<commentList><comment ref="B2" authorId="0"><text><r><t>{text}</t></r></text>'
              '</comment></commentList></comments>')
    parts: dict[str, str | bytes] = {'xl/comments1.xml': legacy}
    rels = [('comments', '../comments1.xml')]
    workbook_rels: list[tuple[str, str]] = []
    if threaded:
        ns_tc = 'http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments'
        parts['xl/threadedComments/threadedComment1.xml'] = (
            f'{XML_HEAD}<ThreadedComments xmlns="{ns_tc}"><threadedComment ref="B2" '
            'dT="2024-01-01T10:00:00.00" personId="{00000000-0000-0000-0000-000000000001}" '
            'id="{00000000-0000-0000-0000-0000000000AA}">'
            f'<text>{text}</text></threadedComment></ThreadedComments>')
        parts['xl/persons/person.xml'] = (
            f'{XML_HEAD}<personList xmlns="{ns_tc}"><person displayName="Sam Analyst" '
            'id="{00000000-0000-0000-0000-000000000001}" userId="sam.analyst@example.org" '
            'providerId="None"/></personList>')
        rels.append(('http://schemas.microsoft.com/office/2017/10/relationships/threadedComment',
                     '../threadedComments/threadedComment1.xml'))
        workbook_rels.append(('http://schemas.microsoft.com/office/2017/10/relationships/person',
                              'persons/person.xml'))
        parts['xl/comments1.xml'] = legacy.replace(text, '[Threaded comment] see thread')
    return write(path, xlsx_bytes([Sheet('Summary', FACILITIES, rels=rels)], parts=parts,
                                  workbook_rels=workbook_rels))


def defined_names_xlsx(path: Path, values: Sequence[str] = ('512-44-6789', '521-44-9876',
                                                             '534-44-7890')) -> Path:
    items = ','.join(f'"{v}"' for v in values)
    names = ('<definedNames><definedName name="_xlnm.Print_Area" localSheetId="0">'
             "Summary!$A$1:$C$4</definedName><definedName name=\"CaseSSNs\" hidden=\"1\">"
             f'{{{items}}}</definedName><definedName name="Rate">0.25</definedName>'
             '</definedNames>')
    return write(path, xlsx_bytes([Sheet('Summary', FACILITIES)], workbook_extra=names))


def _pivot_definition(fields: Sequence[tuple[str, Sequence[str]]], source_sheet: str,
                      save_data: bool, records_rel: bool) -> str:
    body = ''
    for name, items in fields:
        shared = ''.join(f'<s v={quoteattr(v)}/>' for v in items)
        body += (f'<cacheField name={quoteattr(name)} numFmtId="0"><sharedItems '
                 f'count="{len(items)}">{shared}</sharedItems></cacheField>')
    rid = ' r:id="rId1"' if records_rel else ''
    save = '' if save_data else ' saveData="0"'
    return (f'{XML_HEAD}<pivotCacheDefinition xmlns="{NS}" xmlns:r="{NS_R}"{rid}{save} '
            f'refreshOnLoad="1" recordCount="0"><cacheSource type="worksheet"><worksheetSource '
            f'ref="A1:D6" sheet={quoteattr(source_sheet)}/></cacheSource><cacheFields '
            f'count="{len(fields)}">{body}</cacheFields></pivotCacheDefinition>')


def pivot_xlsx(path: Path, rows: Sequence[Sequence[str]] = PEOPLE, *, with_table: bool = True,
               source_exists: bool = False, save_data: bool = True,
               shared_only: Sequence[str] = ()) -> Path:
    """A workbook of aggregates whose pivot cache still holds every source row.

    ``source_exists`` False: the source sheet "Data" was deleted.  ``shared_only``:
    extra items of the first field that no record uses (retained after deletion).
    """
    header, body = rows[0], rows[1:]
    fields = []
    for i, name in enumerate(header):
        items = list(dict.fromkeys(r[i] for r in body))
        if i == 0:
            items += [v for v in shared_only if v not in items]
        fields.append((name, items))
    records = ''.join('<r>' + ''.join(f'<x v="{fields[i][1].index(v)}"/>' for i, v in
                                      enumerate(r)) + '</r>' for r in body)
    parts: dict[str, str | bytes] = {
        'xl/pivotCache/pivotCacheDefinition1.xml': _pivot_definition(
            fields, 'Data', save_data, save_data)}
    part_rels: dict[str, list[tuple[str, str]]] = {}
    if save_data:
        parts['xl/pivotCache/pivotCacheRecords1.xml'] = (
            f'{XML_HEAD}<pivotCacheRecords xmlns="{NS}" count="{len(body)}">{records}'
            '</pivotCacheRecords>')
        part_rels['xl/pivotCache/pivotCacheDefinition1.xml'] = [
            ('pivotCacheRecords', 'pivotCacheRecords1.xml')]
    sheets = [Sheet('Summary', FACILITIES)]
    if with_table:
        parts['xl/pivotTables/pivotTable1.xml'] = (
            f'{XML_HEAD}<pivotTableDefinition xmlns="{NS}" name="PivotTable1" cacheId="1" '
            'dataCaption="Values"><location ref="A1:B3" firstHeaderRow="1" firstDataRow="1" '
            'firstDataCol="1"/></pivotTableDefinition>')
        part_rels['xl/pivotTables/pivotTable1.xml'] = [
            ('pivotCacheDefinition', '../pivotCache/pivotCacheDefinition1.xml')]
        sheets[0] = sheets[0]._replace(rels=[('pivotTable', '../pivotTables/pivotTable1.xml')])
    if source_exists:
        sheets.append(Sheet('Data', rows))
    extra = '<pivotCaches><pivotCache cacheId="1" r:id="rIdW1"/></pivotCaches>'
    return write(path, xlsx_bytes(sheets, parts=parts, part_rels=part_rels,
                                  workbook_rels=[('pivotCacheDefinition',
                                                  'pivotCache/pivotCacheDefinition1.xml')],
                                  workbook_extra=extra))


def external_link_xlsx(path: Path) -> Path:
    """Cached cells of a linked (external) workbook that holds people."""
    rows = ''
    for r, values in enumerate(PEOPLE[:4], start=1):
        cells = ''.join(f'<cell r="{col_letters(i)}{r}" t="str"><v>{escape(v)}</v></cell>'
                        for i, v in enumerate(values))
        rows += f'<row r="{r}">{cells}</row>'
    link = (f'{XML_HEAD}<externalLink xmlns="{NS}" xmlns:r="{NS_R}"><externalBook r:id="rId1">'
            '<sheetNames><sheetName val="Roster"/></sheetNames><sheetDataSet>'
            f'<sheetData sheetId="0">{rows}</sheetData></sheetDataSet></externalBook>'
            '</externalLink>')
    return write(path, xlsx_bytes(
        [Sheet('Summary', FACILITIES)], parts={'xl/externalLinks/externalLink1.xml': link},
        part_rels={'xl/externalLinks/externalLink1.xml': [
            ('externalLinkPath', 'file:///C:/shared/roster.xlsx')]},
        workbook_rels=[('externalLink', 'externalLinks/externalLink1.xml')]))


def chart_xlsx(path: Path, categories: Sequence[str] | None = None) -> Path:
    """A chart whose category cache names people (their source sheet is gone)."""
    names = list(categories if categories is not None else [r[0] for r in PEOPLE[1:]])
    pts = ''.join(f'<c:pt idx="{i}"><c:v>{escape(v)}</c:v></c:pt>' for i, v in enumerate(names))
    vals = ''.join(f'<c:pt idx="{i}"><c:v>{10 + i}</c:v></c:pt>' for i in range(len(names)))
    chart = (f'{XML_HEAD}<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/'
             'chart"><c:chart><c:plotArea><c:barChart><c:ser><c:idx val="0"/><c:tx><c:strRef>'
             '<c:f>Data!$B$1</c:f><c:strCache><c:ptCount val="1"/><c:pt idx="0"><c:v>Cases</c:v>'
             '</c:pt></c:strCache></c:strRef></c:tx><c:cat><c:strRef><c:f>Data!$A$2:$A$6</c:f>'
             f'<c:strCache><c:ptCount val="{len(names)}"/>{pts}</c:strCache></c:strRef></c:cat>'
             f'<c:val><c:numRef><c:f>Data!$B$2:$B$6</c:f><c:numCache>{vals}</c:numCache>'
             '</c:numRef></c:val></c:ser></c:barChart></c:plotArea></c:chart></c:chartSpace>')
    return write(path, xlsx_bytes([Sheet('Summary', FACILITIES)],
                                  parts={'xl/charts/chart1.xml': chart}))


def embedded_xlsx(path: Path, inner: bytes, name: str = 'Microsoft_Excel_Worksheet1.xlsx'
                  ) -> Path:
    """A workbook with another file embedded under xl/embeddings/."""
    return write(path, xlsx_bytes([Sheet('Summary', FACILITIES)],
                                  parts={f'xl/embeddings/{name}': inner}))


def properties_xlsx(path: Path, creator: str = 'Jane Doe', company: str = 'Example Agency') -> Path:
    core = (f'{XML_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/'
            '2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f'<dc:creator>{escape(creator)}</dc:creator><cp:lastModifiedBy>{escape(creator)}'
            '</cp:lastModifiedBy></cp:coreProperties>')
    app = (f'{XML_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
           f'extended-properties"><Company>{escape(company)}</Company></Properties>')
    custom = (f'{XML_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/'
              '2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument'
              '/2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" '
              'pid="2" name="Reviewer SSN"><vt:lpwstr>512-44-6789</vt:lpwstr></property>'
              '</Properties>')
    return write(path, xlsx_bytes([Sheet('Summary', FACILITIES)], parts={
        'docProps/core.xml': core, 'docProps/app.xml': app, 'docProps/custom.xml': custom}))


def data_model_xlsx(path: Path) -> Path:
    return write(path, xlsx_bytes([Sheet('Summary', FACILITIES)],
                                  parts={'xl/model/item.data': b'\x00\x01opaque model bytes'}))


def unlisted_sheet_xlsx(path: Path) -> Path:
    """A worksheet part the workbook no longer lists (removed from workbook.xml only)."""
    orphan = sheet_xml(Sheet('Gone', PEOPLE))
    return write(path, xlsx_bytes([Sheet('Summary', FACILITIES)],
                                  parts={'xl/worksheets/sheet9.xml': orphan}))


def openpyxl_workbook(path: Path) -> Path:
    """openpyxl's own output: veryHidden sheet, hidden rows and columns, a comment."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = 'Summary'
    for row in FACILITIES:
        summary.append(row)
    summary['A2'].comment = Comment('Reviewed by Jane Doe (jane.doe@gmail.com)', 'Analyst')
    secret = book.create_sheet('People')
    for row in PEOPLE:
        secret.append(row)
    secret.sheet_state = 'veryHidden'
    book.save(path)
    return path


# --- OLE compound files (embedded objects, XLS) -------------------------------------

def ole_file(streams: Mapping[str, bytes]) -> bytes:
    """A minimal OLE compound file (version 3, 512-byte sectors) holding the given streams.

    Every stream sits in regular sectors: the mini-stream cutoff is 0, so no
    mini stream is needed whatever the stream sizes.  At most 127 sectors.
    """
    sector = 512
    data_sectors: list[bytes] = []
    chains: list[tuple[int, int]] = []                 # (first sector, sector count)
    for content in streams.values():
        count = max(1, -(-len(content) // sector))
        padded = content.ljust(count * sector, b'\x00')
        chains.append((len(data_sectors), count))
        data_sectors += [padded[i * sector:(i + 1) * sector] for i in range(count)]
    entries = [('Root Entry', 5, -2, 0)] + [
        (name, 2, first, len(content))
        for (name, content), (first, _) in zip(streams.items(), chains, strict=True)]
    directory = b''
    for i, (name, kind, first, size) in enumerate(entries):
        encoded = name.encode('utf-16-le') + b'\x00\x00'
        child = 1 if i == 0 and len(entries) > 1 else -1
        right = i + 1 if 0 < i < len(entries) - 1 else -1
        directory += (encoded.ljust(64, b'\x00') + struct.pack('<HBB', len(encoded), kind, 1)
                      + struct.pack('<iii', -1, right, child) + b'\x00' * 36
                      + struct.pack('<iII', first, size, 0))
    directory = directory.ljust(-(-len(directory) // sector) * sector, b'\x00')
    dir_first = len(data_sectors)
    dir_count = len(directory) // sector
    fat_sector = dir_first + dir_count
    assert fat_sector < sector // 4
    fat: list[int] = []
    for first, count in chains:
        fat += [first + k + 1 for k in range(count - 1)] + [-2]
    fat += [dir_first + k + 1 for k in range(dir_count - 1)] + [-2]
    fat += [-3]                                        # the FAT's own sector
    fat_bytes = struct.pack(f'<{len(fat)}i', *fat).ljust(sector, b'\xff')
    header = (b'\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1' + b'\x00' * 16
              + struct.pack('<HHHHH', 0x3E, 3, 0xFFFE, 9, 6) + b'\x00' * 6
              + struct.pack('<IIIIIiIiI', 0, 1, dir_first, 0, 0, -2, 0, -2, 0)
              + struct.pack('<i', fat_sector) + b'\xff' * (108 * 4))
    assert len(header) == sector
    return header + b''.join(data_sectors) + directory + fat_bytes


def packager_native(filename: str, content: bytes) -> bytes:
    """An ``\\x01Ole10Native`` stream: what Object Packager stores for an embedded file."""
    name = filename.encode('latin-1') + b'\x00'
    temp = b'C:\\Temp\\' + name
    body = (struct.pack('<H', 2) + name + name + struct.pack('<I', 0x30000)
            + struct.pack('<I', len(temp)) + temp + struct.pack('<I', len(content)) + content)
    return struct.pack('<I', len(body)) + body


def xls_bytes(sheets: Sequence[tuple[str, Sequence[Sequence[str]], int]], *,
              hidden_rows: Sequence[int] = (), hidden_cols: Sequence[int] = ()) -> bytes:
    """An XLS workbook (xlwt): (name, rows, visibility 0/1/2) per sheet.

    ``hidden_rows`` (0-based) and ``hidden_cols`` apply to the first sheet.
    """
    import xlwt
    book = xlwt.Workbook()
    for n, (name, rows, visibility) in enumerate(sheets):
        sheet = book.add_sheet(name)
        sheet.visibility = visibility
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                sheet.write(r, c, value)
        if n == 0:
            for r in hidden_rows:
                sheet.row(r).hidden = True
            for c in hidden_cols:
                sheet.col(c).hidden = True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def encrypted_xls(rows: Sequence[Sequence[str]]) -> bytes:
    """An XLS whose globals carry a FILEPASS record after BOF: what Excel writes when a
    workbook has an open password (the records after it would be RC4-encrypted)."""
    from pii_hooks.readers.ooxml import ole_streams
    streams = ole_streams(xls_bytes([('Data', rows, 0)]))
    assert streams is not None
    stream = streams['Workbook']
    (length,) = struct.unpack_from('<H', stream, 2)
    cut = 4 + length
    return ole_file({'Workbook': stream[:cut] + struct.pack('<HH', 0x2F, 0) + stream[cut:]})


# --- ODS ------------------------------------------------------------------------

ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
          'xmlns:dc="http://purl.org/dc/elements/1.1/" '
          'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"')


def ods_row(values: Sequence[str], attrs: str = '') -> str:
    cells = ''
    for v in values:
        if v == '':
            cells += '<table:table-cell/>'
        else:
            cells += f'<table:table-cell office:value-type="string"><text:p>{escape(v)}</text:p>' \
                     '</table:table-cell>'
    return f'<table:table-row{attrs}>{cells}</table:table-row>'


def ods_document(tables: Sequence[str], styles: str = '', *, root: str = 'document-content',
                 head: str = '') -> str:
    """OpenDocument XML around raw <table:table> elements: content.xml of a package, or
    (root 'document', with its office:meta in ``head``) a whole flat .fods file."""
    return (f'{XML_HEAD}<office:{root} {ODS_NS} office:version="1.2">{head}'
            f'<office:automatic-styles>{styles}</office:automatic-styles><office:body>'
            f'<office:spreadsheet>{"".join(tables)}</office:spreadsheet></office:body>'
            f'</office:{root}>')


def ods_bytes(tables: Sequence[str], styles: str = '', meta: str = '') -> bytes:
    """An ODS package from raw <table:table> elements."""
    content = ods_document(tables, styles)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w') as z:
        z.writestr('mimetype', 'application/vnd.oasis.opendocument.spreadsheet',
                   compress_type=zipfile.ZIP_STORED)
        z.writestr('content.xml', content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr('META-INF/manifest.xml', (
            f'{XML_HEAD}<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:'
            'xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type'
            '="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
            'manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            '</manifest:manifest>'))
        if meta:
            z.writestr('meta.xml', f'{XML_HEAD}<office:document-meta {ODS_NS}><office:meta>'
                       f'{meta}</office:meta></office:document-meta>')
    return buffer.getvalue()


HIDDEN_TABLE_STYLE = ('<style:style style:name="ta2" style:family="table">'
                      '<style:table-properties table:display="false"/></style:style>')


def ods_table(name: str, rows: Sequence[str], style: str = '', columns: str = '') -> str:
    st = f' table:style-name="{style}"' if style else ''
    return f'<table:table table:name={quoteattr(name)}{st}>{columns}{"".join(rows)}</table:table>'


# --- columnar, SQL, SQLite ----------------------------------------------------------

def parquet_bytes(rows: Sequence[Sequence[str]], **options: object) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq
    header, body = rows[0], rows[1:]
    table = pa.table({h: [r[i] for r in body] for i, h in enumerate(header)})
    buffer = io.BytesIO()
    pq.write_table(table, buffer, **options)  # type: ignore[arg-type]
    return buffer.getvalue()


def parquet_stale_statistics(rows: Sequence[Sequence[str]], replace: Mapping[str, str]) -> bytes:
    """A Parquet file whose rows were overwritten in place while the footer kept the old values.

    Each key of ``replace`` is rewritten (same length) in the data pages only;
    the footer statistics still hold it, as after a careless in-place edit.
    """
    import pyarrow.parquet as pq
    data = parquet_bytes(rows, compression='NONE', use_dictionary=False,
                         write_page_index=False)
    footer_length = struct.unpack('<I', data[-8:-4])[0]
    footer_start = len(data) - 8 - footer_length
    body, footer = data[:footer_start], data[footer_start:]
    for old, new in replace.items():
        assert len(old) == len(new)
        body = body.replace(old.encode(), new.encode())
    out = body + footer
    pq.ParquetFile(io.BytesIO(out)).read()        # still a valid file
    return out


def feather_bytes(rows: Sequence[Sequence[str]]) -> bytes:
    import pyarrow as pa
    import pyarrow.feather as feather
    header, body = rows[0], rows[1:]
    table = pa.table({h: [r[i] for r in body] for i, h in enumerate(header)})
    buffer = io.BytesIO()
    feather.write_feather(table, buffer)
    return buffer.getvalue()


def sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def sqlite_bytes(tmp: Path, tables: Mapping[str, Sequence[Sequence[str]]],
                 delete_from: str = '') -> bytes:
    """A SQLite database file; ``delete_from`` deletes every row of that table (free pages)."""
    path = tmp / 'build.sqlite'
    if path.exists():
        path.unlink()
    with sqlite3.connect(path) as db:
        for name, rows in tables.items():
            cols = ', '.join(f'"{h}" TEXT' for h in rows[0])
            db.execute(f'CREATE TABLE "{name}" ({cols})')
            marks = ', '.join('?' for _ in rows[0])
            db.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows[1:])
        if delete_from:
            db.execute(f'DELETE FROM "{delete_from}"')
    db.close()
    data = path.read_bytes()
    path.unlink()
    return data


# --- archives ---------------------------------------------------------------------

def zip_bytes(members: Mapping[str, bytes | str], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w', method) as z:
        for name, content in members.items():
            z.writestr(name, content)
    return buffer.getvalue()


def tar_bytes(members: Mapping[str, bytes], mode: str = 'w') -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as tar:  # type: ignore[call-overload]
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def compressed(data: bytes, suffix: str) -> bytes:
    if suffix == 'gz':
        return gzip.compress(data)
    if suffix == 'bz2':
        return bz2.compress(data)
    return lzma.compress(data)


# --- running the scanner ----------------------------------------------------------

def scan_json(*paths: Path | str, config: str | None = None) -> tuple[int, dict[str, object]]:
    """``pii-hooks scan --format json PATH...``: the exit code and the parsed report."""
    import contextlib
    import json

    from pii_hooks.cli import main
    args = ['scan', '--format', 'json', *(str(p) for p in paths)]
    if config:
        args[1:1] = []
        args += ['--config', config]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(args)
    text = out.getvalue()
    for raw in PEOPLE_RAW:
        assert raw not in text, 'a raw value reached the report'
    return code, json.loads(text)


def findings(report: dict[str, object]) -> list[dict[str, object]]:
    found = report['findings']
    assert isinstance(found, list)
    return found


def located(report: dict[str, object], *, severity: str = 'block') -> list[tuple[str, str, str]]:
    """(category, part, state) of every finding of a severity."""
    out = []
    for f in findings(report):
        if f['severity'] == severity:
            loc = f['location']
            assert isinstance(loc, dict)
            out.append((str(f['category']), str(loc.get('part', '')), str(loc.get('state', ''))))
    return out


class ReadResult(NamedTuple):
    """One table as a reader gave it, its batches read into rows."""

    part: str
    state: str
    header: tuple[str, ...]
    rows: dict[int, list[str | None]]           # row number -> cells
    hidden_rows: frozenset[int]
    hidden_columns: frozenset[int]


def read_all(path: Path, limits: object = None) -> tuple[list[ReadResult], list[object]]:
    """Every table (rows read) and every ReadProblem of one file, through ``read_tables``."""
    from pii_hooks.models import ReadProblem
    from pii_hooks.readers import Limits, read_tables
    tables: list[ReadResult] = []
    problems: list[object] = []
    with open(path, 'rb') as stream:
        for found in read_tables(str(path), stream, limits if isinstance(limits, Limits)
                                 else Limits()):
            if isinstance(found, ReadProblem):
                problems.append(found)
                continue
            rows: dict[int, list[str | None]] = {}
            for batch in found.batches:
                for i, column in enumerate(batch.columns):
                    for offset, value in enumerate(column):
                        row = rows.setdefault(batch.first_row + offset, [])
                        row.extend([None] * (i + 1 - len(row)))
                        row[i] = value
            rows = {n: r for n, r in rows.items() if any(v not in (None, '') for v in r)}
            tables.append(ReadResult(found.part, found.state, tuple(found.header), rows,
                                     frozenset(found.hidden_rows),
                                     frozenset(found.hidden_columns)))
    return tables, problems
