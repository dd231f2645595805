"""XLS (BIFF) workbooks: sheet visibility, hidden rows and columns, files named .xls."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures_build import (
    COUNTRIES,
    FACILITIES,
    PEOPLE,
    Sheet,
    csv_text,
    located,
    read_all,
    scan_json,
    write,
    xlsx_bytes,
)

xlwt = pytest.importorskip('xlwt')
from tests.fixtures_build import xls_bytes  # noqa: E402


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize(('visibility', 'state'), [(1, 'hidden'), (2, 'veryHidden')])
def test_hidden_sheet_of_people_blocks(tmp_path: Path, visibility: int, state: str) -> None:
    path = write(tmp_path / 'b.xls', xls_bytes([('Summary', FACILITIES, 0),
                                               ('People', PEOPLE, visibility)]))
    code, report = scan_json(path)
    assert code == 1
    assert ('ssn', 'sheet "People"', state) in located(report)
    assert ('person_name', 'sheet "People"', state) in located(report)


def test_hidden_sheet_of_country_codes_passes(tmp_path: Path) -> None:
    path = write(tmp_path / 'c.xls', xls_bytes([('Summary', FACILITIES, 0),
                                               ('Codes', COUNTRIES, 2)]))
    assert scan_json(path)[0] == 0


def test_hidden_rows_and_columns(tmp_path: Path) -> None:
    rows = [['Site', 'Count', 'Contact']] + [[f'S{i}', str(i), PEOPLE[1 + i % 5][2]]
                                             for i in range(8)]
    path = write(tmp_path / 'h.xls', xls_bytes([('Data', rows, 0)], hidden_rows=[3, 4],
                                               hidden_cols=[2]))
    tables, _ = read_all(path)
    assert tables[0].hidden_rows == {4, 5} and tables[0].hidden_columns == {2}
    code, report = scan_json(path)
    assert code == 1
    email = next(f for f in report['findings'] if f['category'] == 'email')  # type: ignore[union-attr]
    assert email['rule'] == 'hidden-people' and email['location']['column'] == 'Contact'


def test_dates_and_numbers_read_as_written(tmp_path: Path) -> None:
    import datetime as dt
    book = xlwt.Workbook()
    sheet = book.add_sheet('S')
    style = xlwt.easyxf(num_format_str='YYYY-MM-DD')
    sheet.write(0, 0, 'Date of Birth')
    sheet.write(0, 1, 'Count')
    sheet.write(1, 0, dt.date(1985, 3, 12), style)
    sheet.write(1, 1, 42)
    book.save(str(tmp_path / 'd.xls'))
    tables, _ = read_all(tmp_path / 'd.xls')
    assert tables[0].rows[2] == ['1985-03-12', '42']


def test_xlsx_named_xls_is_read_as_xlsx(tmp_path: Path) -> None:
    path = write(tmp_path / 'x.xls', xlsx_bytes([Sheet('P', PEOPLE, 'hidden')]))
    assert ('ssn', 'sheet "P"', 'hidden') in located(scan_json(path)[1])


def test_tab_separated_text_named_xls(tmp_path: Path) -> None:
    path = write(tmp_path / 'export.xls', csv_text(PEOPLE, '\t'))
    assert scan_json(path)[0] == 1


def test_encrypted_xls_fails_closed(tmp_path: Path) -> None:
    from tests.fixtures_build import encrypted_xls
    code, report = scan_json(write(tmp_path / 'locked.xls', encrypted_xls(PEOPLE)))
    assert code == 1
    assert 'encrypted' in str(report['findings'][0]['reason'])  # type: ignore[index]


@pytest.mark.parametrize(('data', 'reason'), [
    (b'<html><body><table><tr><td>1</td></tr></table></body></html>', 'HTML or XML page'),
    (b'\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1' + b'\x00' * 1000, 'XLS workbook'),
])
def test_files_that_are_not_xls_fail_closed(tmp_path: Path, data: bytes, reason: str) -> None:
    code, report = scan_json(write(tmp_path / 'bad.xls', data))
    assert code == 1 and reason in str(report['findings'][0]['reason'])  # type: ignore[index]
