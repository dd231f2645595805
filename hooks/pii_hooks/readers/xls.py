"""XLS (Excel 97-2003, BIFF) through xlrd: every sheet, hidden rows, columns and notes.

* sheet visibility 0/1/2 becomes 'visible' / 'hidden' / 'veryHidden';
* hidden rows and columns come from the row and column records (read with
  ``formatting_info``; an old BIFF version xlrd cannot format is read without);
* cell notes become a 'comment' table, their authors a 'metadata' table;
* defined names that hold a constant become a 'defined name' table;
* dates come back as ISO dates.

A file named .xls is often something else: an XLSX (read as one), or text
exported by a web application (tab-separated: read as delimited text).  An
HTML or XML page named .xls, an encrypted workbook and a corrupt one fail
closed.
"""
from __future__ import annotations

import io
from collections.abc import Iterator
from typing import IO, Any

from pii_hooks.models import Batch, Table
from pii_hooks.readers import Limits, TableOrProblem, Unreadable
from pii_hooks.readers.grid import Row, grid_table, records_table

_OLE_MAGIC = b'\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1'
_STATES = {0: 'visible', 1: 'hidden', 2: 'veryHidden'}


def read_xls(name: str, stream: IO[bytes], limits: Limits,
             depth: int = 0) -> Iterator[TableOrProblem]:
    head = stream.read(8)
    stream.seek(0)
    if not head.strip():
        return
    if head.startswith(b'PK\x03\x04'):
        from pii_hooks.readers.xlsx import read_xlsx
        yield from read_xlsx(name, stream, limits, depth)
        return
    if not head.startswith(_OLE_MAGIC):
        yield from _text_named_xls(name, stream, limits, depth)
        return
    data = stream.read(limits.max_file_bytes + 1)
    book = _open_book(data)
    try:
        yield from _book_tables(book, limits)
    finally:
        book.release_resources()


def _text_named_xls(name: str, stream: IO[bytes], limits: Limits,
                    depth: int) -> Iterator[TableOrProblem]:
    from pii_hooks.readers.delimited import read_delimited
    sample = stream.read(4096).lstrip(b'\xef\xbb\xbf \t\r\n').lower()
    stream.seek(0)
    if sample.startswith(b'<'):
        raise Unreadable('an HTML or XML page named .xls (not an Excel workbook)',
                         'open it in a spreadsheet program and save it as .xlsx or CSV')
    if b'\x00' in sample[:512] and not sample.startswith((b'\xff\xfe', b'\xfe\xff')):
        raise Unreadable('not an XLS workbook (unknown binary content)',
                         'check what the file is; exclude or convert it')
    yield from read_delimited(name, stream, limits, depth)


def _open_book(data: bytes) -> Any:
    import xlrd
    log = io.StringIO()         # xlrd writes warnings to a log: never to our output
    for formatting in (True, False):
        try:
            # ragged rows: a row holds its own cells, not the sheet's width in blanks (a
            # 5 KB file with one cell at row 65,536, column 251 was 16 million cells, 17 s)
            return xlrd.open_workbook(file_contents=data, formatting_info=formatting,
                                      on_demand=True, logfile=log, ragged_rows=True)
        except NotImplementedError:
            continue            # formatting of this BIFF version is not supported: values only
        except xlrd.XLRDError as exc:
            if 'encrypt' in str(exc).lower() or _holds_encrypted_package(data):
                raise Unreadable('encrypted or password-protected XLS workbook',
                                 'remove the password and re-save, or exclude the file') from None
            raise Unreadable('not a readable XLS workbook', 'open and re-save it') from None
        except Exception:  # noqa: BLE001 - xlrd fails on corrupt files in many ways
            raise Unreadable('corrupt XLS workbook', 'open and re-save it') from None
    raise Unreadable('corrupt XLS workbook', 'open and re-save it')


def _holds_encrypted_package(data: bytes) -> bool:
    """A password-protected XLSX is an OLE file holding 'EncryptedPackage', often named .xls."""
    from xlrd.compdoc import CompDoc
    try:
        doc = CompDoc(data, logfile=io.StringIO())
    except Exception:  # noqa: BLE001 - not even a compound file: not this case
        return False
    return any(node.name == 'EncryptedPackage' for node in doc.dirlist)


def _cell_text(cell: Any, datemode: int) -> str:
    import xlrd
    kind, value = cell.ctype, cell.value
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return ''
    if kind == xlrd.XL_CELL_DATE:
        try:
            moment = xlrd.xldate_as_datetime(value, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return str(value)
        if moment.time() == moment.min.time():
            return str(moment.date().isoformat())
        return str(moment.isoformat(sep=' '))
    if kind == xlrd.XL_CELL_NUMBER:
        return str(int(value)) if float(value).is_integer() else repr(value)
    if kind == xlrd.XL_CELL_BOOLEAN:
        return 'TRUE' if value else 'FALSE'
    return str(value)


def _sheet_rows(sheet: Any, datemode: int) -> Iterator[Row]:
    for r in range(sheet.nrows):
        if not sheet.row_len(r):
            continue
        cells = [_cell_text(c, datemode) for c in sheet.row(r)]
        while cells and not cells[-1]:
            cells.pop()
        yield r + 1, cells


def _book_tables(book: Any, limits: Limits) -> Iterator[TableOrProblem]:
    from xlrd.formula import cellname
    notes: list[list[str | None]] = []
    authors: list[str] = []
    for index in range(book.nsheets):
        try:
            sheet = book.sheet_by_index(index)      # on_demand: the sheet is parsed here
        except Exception:  # noqa: BLE001 - xlrd fails on damaged records in many ways
            raise Unreadable('corrupt XLS workbook (a damaged sheet)', 'open and re-save it'
                             ) from None
        label = f'sheet "{sheet.name}"'
        state = _STATES.get(sheet.visibility, 'hidden')
        hidden_rows = frozenset(r + 1 for r, info in sheet.rowinfo_map.items() if info.hidden)
        hidden_cols = frozenset(c for c, info in sheet.colinfo_map.items() if info.hidden)
        yield from grid_table(label, state, _sheet_rows(sheet, book.datemode), limits,
                              hidden_rows=hidden_rows, hidden_columns=hidden_cols)
        sheet_notes = [[cellname(r, c), note.text] for (r, c), note in
                       sorted(sheet.cell_note_map.items())]
        if sheet_notes:
            yield records_table(f'comments ({label})', 'comment', ('reference', 'comment'),
                                sheet_notes)
            notes.extend(sheet_notes)
            authors.extend(n.author for n in sheet.cell_note_map.values() if n.author)
        book.unload_sheet(index)
    if authors:
        unique = list(dict.fromkeys(authors))
        yield records_table('comment authors', 'metadata', ('displayName',),
                            [[a] for a in unique])
    yield from _defined_names(book)


def _defined_names(book: Any) -> Iterator[Table]:
    import xlrd
    names: dict[str, list[str | None]] = {}
    for obj in getattr(book, 'name_obj_list', []):
        result = getattr(obj, 'result', None)
        if result is None or result.kind not in (xlrd.oNUM, xlrd.oSTRG):
            continue
        value = result.value
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        names.setdefault(str(obj.name), []).append(str(value))
    if names:
        height = max(len(v) for v in names.values())
        columns = [v + [None] * (height - len(v)) for v in names.values()]
        yield Table('defined names', 'defined name', tuple(names), [Batch(1, columns)],
                    header_row=0)
