"""XLSX sheets: every sheet state, hidden rows and columns, invisible cells, dates."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from pii_hooks.readers import Unreadable
from pii_hooks.readers.xlsx import excel_date, hidden_marks
from tests.fixtures_build import (
    COUNTRIES,
    FACILITIES,
    PEOPLE,
    Sheet,
    collapsed_outline_xlsx,
    date_serial_xlsx,
    hidden_column_xlsx,
    hidden_rows_xlsx,
    hidden_sheet_xlsx,
    located,
    openpyxl_workbook,
    read_all,
    scan_json,
    sheet_xml,
    unlisted_sheet_xlsx,
    white_on_white_xlsx,
    write,
    xlsx_bytes,
)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize('state', ['hidden', 'veryHidden'])
def test_second_tab_of_individuals_blocks(tmp_path: Path, state: str) -> None:
    code, report = scan_json(hidden_sheet_xlsx(tmp_path / 'stats.xlsx', state=state))
    assert code == 1
    found = located(report)
    assert ('ssn', 'sheet "Data"', state) in found
    assert ('person_name', 'sheet "Data"', state) in found


def test_hidden_sheet_of_country_codes_passes(tmp_path: Path) -> None:
    code, report = scan_json(hidden_sheet_xlsx(tmp_path / 'codes.xlsx', COUNTRIES, 'veryHidden'))
    assert code == 0
    assert located(report) == []


def test_aggregate_workbook_passes(tmp_path: Path) -> None:
    path = write(tmp_path / 'agg.xlsx', xlsx_bytes([Sheet('Summary', FACILITIES),
                                                    Sheet('By year', [['Year', 'Total'],
                                                                      ['2021', '361'],
                                                                      ['2022', '402']])]))
    assert scan_json(path)[0] == 0


def test_openpyxl_output_very_hidden_sheet_and_comment(tmp_path: Path) -> None:
    code, report = scan_json(openpyxl_workbook(tmp_path / 'book.xlsx'))
    assert code == 1
    found = located(report)
    assert ('ssn', 'sheet "People"', 'veryHidden') in found
    assert ('email', 'comments (sheet "Summary")', 'comment') in found


def test_33000_hidden_rows_under_150_visible(tmp_path: Path) -> None:
    path = hidden_rows_xlsx(tmp_path / 'rows.xlsx')
    tables, _ = read_all(path)
    assert len(tables[0].hidden_rows) == 33_000
    assert min(tables[0].hidden_rows) == 152          # header row 1, 150 visible rows
    started = time.monotonic()
    code, report = scan_json(path)
    assert time.monotonic() - started < 20
    assert code == 1
    emails = [f for f in report['findings'] if f['category'] == 'email']  # type: ignore[union-attr]
    assert emails and emails[0]['rule'] == 'hidden-people'
    assert emails[0]['location']['rows'][0] >= 152


def test_hidden_column_exported_to_csv_would_show(tmp_path: Path) -> None:
    path = hidden_column_xlsx(tmp_path / 'col.xlsx')
    tables, _ = read_all(path)
    assert tables[0].hidden_columns == {2}
    code, report = scan_json(path)
    assert code == 1
    found = [f for f in report['findings'] if f['category'] == 'email']  # type: ignore[union-attr]
    assert found[0]['location']['column'] == 'Contact' and found[0]['rule'] == 'hidden-people'


def test_collapsed_outline_group_is_hidden(tmp_path: Path) -> None:
    tables, _ = read_all(collapsed_outline_xlsx(tmp_path / 'outline.xlsx'))
    assert tables[0].hidden_rows == {2, 3, 4, 5, 6}


def test_zero_height_rows_and_zero_width_columns_are_hidden() -> None:
    import io
    xml = sheet_xml(Sheet('S', [['a', 'b'], ['c', 'd'], ['e', 'f']],
                          row_attrs={2: ' ht="0" customHeight="1"', 3: ' ht="15"'},
                          cols='<col min="2" max="2" width="0" customWidth="1"/>'))
    rows, cols = hidden_marks(io.BytesIO(xml.encode()))
    assert rows == {2} and cols == {1}


def test_hidden_marks_survive_chunk_boundaries() -> None:
    import io
    attrs = {n: ' hidden="1"' for n in range(2, 40_000, 3)}
    xml = sheet_xml(Sheet('S', [['x' * 30, str(n)] for n in range(1, 40_000)], row_attrs=attrs))
    rows, _ = hidden_marks(io.BytesIO(xml.encode()))
    assert rows == set(attrs)


def test_white_on_white_and_invisible_format_cells(tmp_path: Path) -> None:
    path = white_on_white_xlsx(tmp_path / 'white.xlsx')
    tables, _ = read_all(path)
    visible, invisible = tables
    assert invisible.state == 'white-on-white' and invisible.part == 'sheet "Data"'
    assert sorted(invisible.rows) == [2, 3, 4, 5, 6]
    assert all(row[2] is None or row[2] == '' for row in visible.rows.values()
               if row[0] != 'Dark' and len(row) > 2)
    assert visible.rows[7][2] == 'visible white on black'     # white on a dark fill shows
    code, report = scan_json(path)
    assert code == 1
    assert ('ssn', 'sheet "Data"', 'white-on-white') in located(report)


def test_serial_dates_read_as_iso_dates(tmp_path: Path) -> None:
    tables, _ = read_all(date_serial_xlsx(tmp_path / 'dob.xlsx'))
    assert tables[0].rows[2][1] == '1985-03-12'
    code, report = scan_json(tmp_path / 'dob.xlsx')
    assert code == 1
    assert any(c == 'date_of_birth' for c, _, _ in located(report))


@pytest.mark.parametrize(('serial', 'expected'), [
    ('31118', '1985-03-12'), ('31118.5', '1985-03-12 12:00:00'), ('abc', 'abc'), ('0', '0')])
def test_excel_date(serial: str, expected: str) -> None:
    assert excel_date(serial, False) == expected


def test_sheet_part_the_workbook_no_longer_lists(tmp_path: Path) -> None:
    code, report = scan_json(unlisted_sheet_xlsx(tmp_path / 'orphan.xlsx'))
    assert code == 1
    assert ('ssn', 'unlisted sheet part xl/worksheets/sheet9.xml', 'orphan part') in located(
        report)


def test_strict_ooxml_namespace_is_read(tmp_path: Path) -> None:
    strict = 'http://purl.oclc.org/ooxml/spreadsheetml/main'
    data = xlsx_bytes([Sheet('Data', PEOPLE, 'hidden')])
    import io
    import zipfile
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, 'w') as dst:
        for info in src.infolist():
            content = src.read(info)
            if info.filename.startswith('xl/') and info.filename.endswith('.xml'):
                content = content.replace(
                    b'http://schemas.openxmlformats.org/spreadsheetml/2006/main', strict.encode())
            dst.writestr(info, content)
    path = write(tmp_path / 'strict.xlsx', out.getvalue())
    tables, _ = read_all(path)
    assert tables[0].state == 'hidden' and tables[0].rows[2][1] == '512-44-6789'


def test_rows_far_apart_do_not_allocate_the_gap(tmp_path: Path) -> None:
    sheet = Sheet('S', [['Name', 'SSN']], row_attrs={})
    xml = sheet_xml(sheet).replace(
        '</sheetData>', '<row r="1000000"><c r="A1000000" t="inlineStr"><is><t>Jane Doe</t></is>'
        '</c><c r="B1000000" t="inlineStr"><is><t>512-44-6789</t></is></c></row></sheetData>')
    data = xlsx_bytes([sheet], parts={'xl/worksheets/sheet1.xml': xml})
    tables, _ = read_all(write(tmp_path / 'far.xlsx', data))
    assert tables[0].rows[1_000_000][1] == '512-44-6789'


def test_cell_beyond_last_column_fails_closed(tmp_path: Path) -> None:
    xml = sheet_xml(Sheet('S', [['a']])).replace(
        '<c r="A1"', '<c r="XFE1" t="inlineStr"><is><t>x</t></is></c><c r="A1"')
    path = write(tmp_path / 'wide.xlsx', xlsx_bytes([Sheet('S', [['a']])],
                                                    parts={'xl/worksheets/sheet1.xml': xml}))
    with pytest.raises(Unreadable):
        read_all(path)


@pytest.mark.parametrize(('data', 'reason'), [
    (b'PK\x03\x04broken', 'not a readable XLSX package'),
    (b'\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1' + b'\x00' * 600, 'encrypted'),
])
def test_unreadable_workbooks_block(tmp_path: Path, data: bytes, reason: str) -> None:
    code, report = scan_json(write(tmp_path / 'bad.xlsx', data))
    assert code == 1
    assert reason in report['findings'][0]['reason']  # type: ignore[index]


def test_package_part_over_the_size_limit_fails_closed(tmp_path: Path) -> None:
    from pii_hooks.readers import Limits
    path = write(tmp_path / 'big.xlsx', xlsx_bytes([Sheet('S', FACILITIES * 50)]))
    with pytest.raises(Unreadable, match='limit max_uncompressed_bytes'):
        read_all(path, Limits(max_uncompressed_bytes=2000))


def test_empty_xlsx_passes(tmp_path: Path) -> None:
    assert scan_json(write(tmp_path / 'empty.xlsx', b''))[0] == 0


def test_print_headers_and_footers_are_read(tmp_path: Path) -> None:
    from pii_hooks.readers.xlsx import page_text
    from tests.fixtures_build import FACILITIES, Sheet, sheet_xml, xlsx_bytes
    assert page_text('&L&"Arial,Bold"&12Prepared by J. Doe&RPage &P of &N') == \
        'Prepared by J. Doe Page of'
    assert page_text('R&&D &Kff0000unit') == 'R&D unit'
    footer = ('<headerFooter><oddHeader>&amp;LPrepared by Jane Doe&amp;R&amp;D</oddHeader>'
              '<oddFooter>&amp;CQuestions: jane.doe@gmail.com, SSN 512-44-6789</oddFooter>'
              '</headerFooter>')
    sheet = sheet_xml(Sheet('Summary', FACILITIES)).replace('</worksheet>', footer + '</worksheet>')
    path = tmp_path / 'printed.xlsx'
    path.write_bytes(xlsx_bytes([Sheet('Summary', FACILITIES)],
                                parts={'xl/worksheets/sheet1.xml': sheet}))
    tables, _ = read_all(path)
    pages = next(t for t in tables if t.part == 'page headers and footers (sheet "Summary")')
    assert pages.state == 'page header'
    assert list(pages.rows.values()) == [
        ['oddHeader', 'Prepared by Jane Doe'],
        ['oddFooter', 'Questions: jane.doe@gmail.com, SSN 512-44-6789']]
    code, report = scan_json(path)
    assert code == 1
    assert ('email', 'page headers and footers (sheet "Summary")', 'page header') in \
        located(report)
    clean = sheet_xml(Sheet('Summary', FACILITIES)).replace(
        '</worksheet>', '<headerFooter><oddFooter>&amp;CPage &amp;P</oddFooter></headerFooter>'
        '</worksheet>')
    path.write_bytes(xlsx_bytes([Sheet('Summary', FACILITIES)],
                                parts={'xl/worksheets/sheet1.xml': clean}))
    assert scan_json(path)[0] == 0
