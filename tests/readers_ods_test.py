"""ODS: hidden tables, collapsed rows and columns, repeats that must not allocate, notes."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.fixtures_build import (
    COUNTRIES,
    FACILITIES,
    HIDDEN_TABLE_STYLE,
    PEOPLE,
    located,
    ods_bytes,
    ods_document,
    ods_row,
    ods_table,
    read_all,
    scan_json,
    write,
)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_hidden_table_of_people_blocks(tmp_path: Path) -> None:
    path = write(tmp_path / 'h.ods', ods_bytes(
        [ods_table('Summary', [ods_row(r) for r in FACILITIES]),
         ods_table('People', [ods_row(r) for r in PEOPLE], style='ta2')],
        styles=HIDDEN_TABLE_STYLE))
    code, report = scan_json(path)
    assert code == 1 and ('ssn', 'sheet "People"', 'hidden') in located(report)


def test_hidden_table_of_country_codes_passes(tmp_path: Path) -> None:
    path = write(tmp_path / 'c.ods', ods_bytes(
        [ods_table('Summary', [ods_row(r) for r in FACILITIES]),
         ods_table('Codes', [ods_row(r) for r in COUNTRIES], style='ta2')],
        styles=HIDDEN_TABLE_STYLE))
    assert scan_json(path)[0] == 0


@pytest.mark.parametrize('visibility', ['collapse', 'filter'])
def test_hidden_rows(tmp_path: Path, visibility: str) -> None:
    rows = [ods_row(['Name', 'Email']), ods_row(['Site', '12'])] + [
        ods_row([r[0], r[2]], f' table:visibility="{visibility}"') for r in PEOPLE[1:]]
    path = write(tmp_path / 'r.ods', ods_bytes([ods_table('Data', rows)]))
    tables, _ = read_all(path)
    assert set(tables[0].hidden_rows) == {3, 4, 5, 6, 7}
    code, report = scan_json(path)
    assert code == 1
    email = next(f for f in report['findings'] if f['category'] == 'email')  # type: ignore[union-attr]
    assert email['rule'] == 'hidden-people'


def test_rows_in_a_collapsed_group(tmp_path: Path) -> None:
    group = ('<table:table-row-group table:display="false">'
             + ''.join(ods_row([r[0], r[2]]) for r in PEOPLE[1:]) + '</table:table-row-group>')
    path = write(tmp_path / 'g.ods', ods_bytes([ods_table('Data', [ods_row(['Name', 'Email']),
                                                                   group])]))
    assert set(read_all(path)[0][0].hidden_rows) == {2, 3, 4, 5, 6}


def test_hidden_column(tmp_path: Path) -> None:
    columns = ('<table:table-column table:number-columns-repeated="2"/>'
               '<table:table-column table:visibility="collapse"/>')
    rows = [ods_row(['Site', 'Count', 'Contact'])] + [
        ods_row([f'S{i}', str(i), PEOPLE[1 + i % 5][2]]) for i in range(8)]
    path = write(tmp_path / 'c.ods', ods_bytes([ods_table('Data', rows, columns=columns)]))
    assert read_all(path)[0][0].hidden_columns == {2}
    assert scan_json(path)[0] == 1


def test_a_billion_repeated_empty_rows_allocate_nothing(tmp_path: Path) -> None:
    empty = ('<table:table-row table:number-rows-repeated="1000000000"><table:table-cell '
             'table:number-columns-repeated="16384"/></table:table-row>')
    rows = [ods_row(['Name', 'SSN']), ods_row(['Site', '1']), empty,
            ods_row(['Jane Doe', '512-44-6789']), ods_row(['John Smith', '521-44-9876'])]
    path = write(tmp_path / 'big.ods', ods_bytes([ods_table('Data', rows)]))
    started = time.monotonic()
    tables, _ = read_all(path)
    assert time.monotonic() - started < 5
    assert tables[0].rows[1_000_000_003] == ['Jane Doe', '512-44-6789']
    assert scan_json(path)[0] == 1


def test_repeated_rows_with_values_are_capped(tmp_path: Path) -> None:
    repeated = ods_row(['Site', '5']).replace('<table:table-row>', '<table:table-row '
                                              'table:number-rows-repeated="100000000">')
    path = write(tmp_path / 'rep.ods', ods_bytes([ods_table('Data', [ods_row(['A', 'B']),
                                                                     repeated])]))
    assert len(read_all(path)[0][0].rows) == 100


def test_annotation_and_its_author(tmp_path: Path) -> None:
    note = ('<table:table-row><table:table-cell office:value-type="string"><text:p>A</text:p>'
            '<office:annotation><dc:creator>Sam Analyst</dc:creator><text:p>Jane Doe SSN '
            '512-44-6789</text:p></office:annotation></table:table-cell></table:table-row>')
    path = write(tmp_path / 'n.ods', ods_bytes([ods_table('Data', [ods_row(['X']), note])]))
    tables, _ = read_all(path)
    parts = {t.part: t for t in tables}
    assert parts['comments (sheet "Data")'].rows[1] == ['A2', 'Jane Doe SSN 512-44-6789']
    assert parts['comment authors'].state == 'metadata'
    assert parts['sheet "Data"'].header == ('X',) and parts['sheet "Data"'].rows == {2: ['A']}
    code, report = scan_json(path)
    assert code == 1 and ('ssn', 'comments (sheet "Data")', 'comment') in located(report)


def test_date_cells_use_the_date_value(tmp_path: Path) -> None:
    row = ('<table:table-row><table:table-cell office:value-type="date" '
           'office:date-value="1985-03-12"><text:p>03/12/85</text:p></table:table-cell>'
           '</table:table-row>')
    path = write(tmp_path / 'd.ods', ods_bytes([ods_table('D', [ods_row(['Date of Birth']),
                                                                row])]))
    assert read_all(path)[0][0].rows[2] == ['1985-03-12']


def test_document_meta(tmp_path: Path) -> None:
    meta = ('<meta:initial-creator>Sam Analyst</meta:initial-creator><meta:user-defined '
            'meta:name="Contact">jane.doe@gmail.com</meta:user-defined>')
    path = write(tmp_path / 'm.ods', ods_bytes([ods_table('S', [ods_row(['A'])])], meta=meta))
    props = next(t for t in read_all(path)[0] if t.part == 'document properties')
    assert props.header == ('initial-creator', 'Contact') and props.state == 'metadata'


def test_encrypted_ods_fails_closed(tmp_path: Path) -> None:
    import io
    import zipfile
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w') as z:
        z.writestr('mimetype', 'application/vnd.oasis.opendocument.spreadsheet')
        z.writestr('META-INF/manifest.xml', '<manifest><manifest:encryption-data/></manifest>')
        z.writestr('content.xml', b'\x8f\x02 encrypted bytes')
    code, report = scan_json(write(tmp_path / 'e.ods', buffer.getvalue()))
    assert code == 1 and 'encrypted' in str(report['findings'][0]['reason'])  # type: ignore[index]


def fods_bytes(tables: list[str], styles: str = '', meta: str = '') -> bytes:
    """A flat ODS: the same elements in one office:document."""
    return ods_document(tables, styles, root='document',
                        head=f'<office:meta>{meta}</office:meta>').encode()


def test_flat_ods_hidden_table_hidden_rows_notes_and_meta(tmp_path: Path) -> None:
    note = ('<table:table-row><table:table-cell office:value-type="string"><text:p>A</text:p>'
            '<office:annotation><dc:creator>Sam Analyst</dc:creator><text:p>call 512-44-6789'
            '</text:p></office:annotation></table:table-cell></table:table-row>')
    hidden_rows = [ods_row(['Name', 'Email']), ods_row(['Site', '12'])] + [
        ods_row([r[0], r[2]], ' table:visibility="collapse"') for r in PEOPLE[1:]]
    path = write(tmp_path / 'flat.fods', fods_bytes(
        [ods_table('Summary', [ods_row(r) for r in FACILITIES] + [note]),
         ods_table('People', [ods_row(r) for r in PEOPLE], style='ta2'),
         ods_table('Rows', hidden_rows)],
        styles=HIDDEN_TABLE_STYLE,
        meta='<meta:initial-creator>Sam Analyst</meta:initial-creator>'))
    tables, problems = read_all(path)
    parts = {t.part: t for t in tables}
    assert not problems
    assert parts['sheet "People"'].state == 'hidden'
    assert set(parts['sheet "Rows"'].hidden_rows) == {3, 4, 5, 6, 7}
    assert [r[1] for r in parts['comments (sheet "Summary")'].rows.values()] == [
        'call 512-44-6789']
    assert parts['document properties'].header == ('initial-creator',)
    code, report = scan_json(path)
    assert code == 1 and ('ssn', 'sheet "People"', 'hidden') in located(report)


def test_flat_ods_clean_passes_and_broken_fails_closed(tmp_path: Path) -> None:
    clean = write(tmp_path / 'clean.fods', fods_bytes(
        [ods_table('Summary', [ods_row(r) for r in FACILITIES])]))
    assert scan_json(clean)[0] == 0
    for name, data in (('cut.fods', fods_bytes([ods_table('S', [ods_row(['A'])])])[:-40]),
                       ('page.fods', b'<html><body>not a spreadsheet</body></html>')):
        code, report = scan_json(write(tmp_path / name, data))
        assert code == 1, name
        assert report['findings'][0]['category'] == 'unreadable'  # type: ignore[index]
    assert scan_json(write(tmp_path / 'empty.fods', b''))[0] == 0
    assert scan_json(write(tmp_path / 'blank.fods', b'  \n'))[0] == 0


def test_xlsb_fails_closed_with_the_way_forward(tmp_path: Path) -> None:
    import zipfile
    path = tmp_path / 'book.xlsb'
    with zipfile.ZipFile(path, 'w') as z:       # the container of an XLSB; parts are binary
        z.writestr('xl/workbook.bin', b'\x83\x01\x00')
    code, report = scan_json(path)
    assert code == 1
    finding = report['findings'][0]  # type: ignore[index]
    assert finding['category'] == 'unreadable' and '.xlsb' in finding['reason']
    assert 'save it as .xlsx' in finding['fix']
    assert scan_json(write(tmp_path / 'empty.xlsb', b''))[0] == 0
