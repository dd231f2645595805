"""readers/arrow_csv.py: big CSVs through Arrow read exactly as the stdlib reader reads them.

The size threshold is lowered in these tests so small synthetic files take the
Arrow path; every value is synthetic (Faker, seeded, or obviously fake).
"""
from __future__ import annotations

import io
import random
import subprocess
import sys
from pathlib import Path

import pytest

from pii_hooks.detect.columns import scan_table
from pii_hooks.engine import ScanOptions, scan_item
from pii_hooks.models import Table, TableEvidence
from pii_hooks.readers import arrow_csv, delimited, read_tables
from pii_hooks.sources.files import file_item


def _people(rows: int, seed: int = 4) -> list[list[str]]:
    from faker import Faker
    fake = Faker('en_US')
    Faker.seed(seed)
    return [[fake.first_name(), fake.last_name(), fake.ssn(), fake.email(), fake.phone_number(),
             str(random.Random(i).randint(1, 500)), f'{random.Random(i).random():.6f}']
            for i in range(rows)]


HEADER = ['First Name', 'Last Name', 'SSN', 'Email', 'Phone', 'Qty', 'Score']


@pytest.fixture(autouse=True)
def few_first_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stdlib reads the first 16 rows, Arrow the rest: pinned, so tests see both."""
    monkeypatch.setattr(arrow_csv, 'FIRST_ROWS', 16)


def _csv(rows: list[list[str]], header: list[str] = HEADER, *, title: str = '',
         sep: str = ',') -> str:
    lines = [title] if title else []
    lines.append(sep.join(header))
    for row in rows:
        lines.append(sep.join(f'"{c}"' if sep in c or '"' in c or '\n' in c else c for c in row))
    return '\n'.join(lines) + '\n'


def _batch_kinds(name: str, data: bytes, *, arrow: bool) -> list[str]:
    """The type of each batch's first column, read while the reader is open."""
    saved = arrow_csv.ARROW_MIN_BYTES
    arrow_csv.ARROW_MIN_BYTES = 0 if arrow else 1 << 62
    try:
        return [type(b.columns[0]).__name__ for t in read_tables(name, io.BytesIO(data))
                if isinstance(t, Table) for b in t.batches]
    finally:
        arrow_csv.ARROW_MIN_BYTES = saved


def _evidence(name: str, data: bytes, *, arrow: bool) -> list[TableEvidence]:
    saved = arrow_csv.ARROW_MIN_BYTES
    arrow_csv.ARROW_MIN_BYTES = 0 if arrow else 1 << 62
    try:
        return [scan_table(t, full_report=True) for t in read_tables(name, io.BytesIO(data))
                if isinstance(t, Table)]
    finally:
        arrow_csv.ARROW_MIN_BYTES = saved


def _same(name: str, data: bytes) -> list[TableEvidence]:
    by_arrow = _evidence(name, data, arrow=True)
    assert by_arrow == _evidence(name, data, arrow=False)
    return by_arrow


def _categories(found: list[TableEvidence]) -> set[tuple[str, str]]:
    return {(c.column, c.category) for t in found for c in t.columns}


def test_big_files_take_arrow_small_ones_stay() -> None:
    data = _csv(_people(50)).encode()
    assert _batch_kinds('people.csv', data, arrow=True) == ['list', 'StringArray']
    assert _batch_kinds('people.csv', data, arrow=False) == ['list']
    assert _batch_kinds('people.csv', _csv(_people(10)).encode(), arrow=True) == ['list']
    assert arrow_csv.choose(io.BytesIO(data), delimited.read_delimited) is \
        delimited.read_delimited        # 8 MB threshold: a small file keeps the stdlib path


def test_same_evidence_as_the_stdlib_reader() -> None:
    found = _same('people.csv', _csv(_people(300)).encode())
    assert {('SSN', 'ssn'), ('Email', 'email')} <= _categories(found)
    ssn = next(c for t in found for c in t.columns if c.category == 'ssn')
    assert (ssn.first_row, ssn.count) == (2, 300)


def test_header_below_a_title_and_other_delimiters() -> None:
    rows = _people(120)
    _same('report.csv', _csv(rows, title='Report of 2024, prepared by the office').encode())
    _same('report.tsv', _csv(rows, sep='\t').encode())
    _same('report.csv', _csv(rows, sep=';').encode())
    found = _same('report.csv', _csv(rows, title='"A title\nover two lines"').encode())
    ssn = next(c for t in found for c in t.columns if c.category == 'ssn')
    assert ssn.first_row == 3       # the title is one record, the header the second


@pytest.mark.parametrize('encoding', ['utf-8-sig', 'utf-16', 'cp1252'])
def test_encodings(encoding: str) -> None:
    rows = [[f'Zoë{i}', 'Müller', f'512-44-{6000 + i}', f'zoe{i}@example.org', '555-0100',
             '3', '0.5'] for i in range(200)]
    text = _csv(rows, sep='\t' if encoding == 'utf-16' else ',')
    _same('export.csv', text.encode(encoding))


def test_blank_lines_quoted_newlines_and_null_like_values() -> None:
    rows = _people(150)
    rows[10][6] = 'two\nlines'
    rows[20] = ['', '', '', '', '', '', '']
    rows[30][5] = 'N/A'
    text = _csv(rows).replace('\n' + ','.join(rows[40]) + '\n', '\n\n' + ','.join(rows[40]) + '\n')
    _same('people.csv', text.encode())


def test_a_ragged_row_hands_the_rest_to_the_stdlib_reader(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(arrow_csv, 'BLOCK_SIZE', 4096)
    rows = [[f'item {i}', f'{i}', f'{i * 1.5}'] for i in range(2000)]
    rows[1200] = ['item x', '1', '2', 'extra cell']            # Arrow cannot parse this
    rows[1500] = ['item y', '512-44-6789', '1.0']               # PII after it
    header = ['name', 'ssn', 'amount']
    data = _csv(rows, header).encode()
    found = _same('items.csv', data)
    ssn = next(c for t in found for c in t.columns if c.category == 'ssn')
    assert (ssn.first_row, ssn.count) == (1502, 1)
    kinds = _batch_kinds('items.csv', data, arrow=True)
    assert set(kinds) == {'ChunkedArray', 'list'}               # both readers took part


def test_invalid_utf8_late_in_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(arrow_csv, 'BLOCK_SIZE', 4096)
    rows = [[f'row {i}', f'{i}', 'ok'] for i in range(1500)]
    data = _csv(rows, ['name', 'n', 'note']).encode()
    cut = data.rfind(b'row 1400')
    data = data[:cut] + b'caf\xe9 ' + data[cut:]               # a Windows-1252 byte
    _same('mixed.csv', data)


def test_early_verdict_reads_little(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / 'people.csv'
    block = _csv(_people(200)).encode()
    body = block.split(b'\n', 1)[1]
    with open(path, 'wb') as out:
        out.write(block)
        for _ in range(120):       # ~2.5 MB of people
            out.write(body)
    monkeypatch.setattr(arrow_csv, 'ARROW_MIN_BYTES', 0)
    evidence = scan_item(file_item(str(path)), ScanOptions())
    table = evidence.tables[0]
    assert not table.complete and table.rows == 16
    assert any(c.category == 'ssn' for c in table.columns)
    # decided in the first rows: Arrow is never loaded
    code = ('import sys\nfrom pii_hooks.readers import arrow_csv\narrow_csv.ARROW_MIN_BYTES = 0\n'
            'from pii_hooks.engine import ScanOptions, scan_item\n'
            'from pii_hooks.sources.files import file_item\n'
            'scan_item(file_item(sys.argv[1]), ScanOptions())\n'
            'print("pyarrow" in sys.modules, "numpy" in sys.modules)\n')
    done = subprocess.run([sys.executable, '-c', code, str(path)], capture_output=True,
                          text=True, check=True)
    assert done.stdout.split() == ['False', 'False']


def test_not_seekable_keeps_the_stdlib_path() -> None:
    class Pipe(io.RawIOBase):
        def seekable(self) -> bool:
            return False

    assert arrow_csv.choose(Pipe(), delimited.read_delimited) is delimited.read_delimited


def test_cli_blocks_a_big_file_with_masked_examples(tmp_path: Path) -> None:
    path = tmp_path / 'big.csv'
    rows = _people(2000)
    block = _csv(rows).encode()
    body = block.split(b'\n', 1)[1]
    with open(path, 'wb') as out:
        out.write(block)
        while out.tell() < arrow_csv.ARROW_MIN_BYTES + 1024:
            out.write(body)
    done = subprocess.run([sys.executable, '-m', 'pii_hooks', 'scan', 'big.csv'], cwd=tmp_path,
                          capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    assert 'big.csv' in done.stdout and '"SSN"' in done.stdout
    for row in rows[:50]:
        assert row[2] not in done.stdout and row[3] not in done.stdout


def test_columns_judged_in_threads_give_the_same_evidence(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from pii_hooks.detect import columns
    rows = _people(3000)
    for i in range(0, 3000, 7):     # clean cells among the people: ranges of both kinds
        rows[i][2] = f'{i:04d}-{i % 97:02d}'
    data = _csv(rows).encode()
    monkeypatch.setattr(arrow_csv, 'BLOCK_SIZE', 16 * 1024)
    monkeypatch.setattr(arrow_csv, 'BATCH_BYTES', 48 * 1024)
    monkeypatch.setattr(columns, '_threads', lambda: 3)
    ran_in: set[str] = set()
    feed = columns._Feed.__call__

    def spy(self: columns._Feed, job: tuple[columns._Column, object]) -> None:
        ran_in.add(threading.current_thread().name.split('_')[0])
        feed(self, job)  # type: ignore[arg-type]

    monkeypatch.setattr(columns._Feed, '__call__', spy)
    monkeypatch.setattr(columns, '_THREADED_ROWS', 1 << 62)
    serial = _evidence('people.csv', data, arrow=True)
    assert not ran_in
    monkeypatch.setattr(columns, '_THREADED_ROWS', 100)
    threaded = _evidence('people.csv', data, arrow=True)
    assert ran_in == {'pii-hooks'}
    assert threaded == serial == _evidence('people.csv', data, arrow=False)


def test_long_python_columns_are_judged_as_arrow_with_the_same_evidence(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # spreadsheet, JSON and SQL readers hand over lists: long ones go through the Arrow path
    from pii_hooks.detect import columns
    from pii_hooks.models import Batch
    rows = _people(3000)
    body = [[r[i] for r in rows] for i in range(len(HEADER))]
    body[5] = [int(v) for v in body[5]]         # not text: stays a list, judged as it is

    def scan(threshold: int) -> TableEvidence:
        monkeypatch.setattr(columns, '_ARROW_MIN_VALUES', threshold)
        table = Table('', 'visible', tuple(HEADER), [Batch(2, [list(c) for c in body])],
                      hidden_rows=frozenset({7, 900}))
        return scan_table(table, full_report=True)
    seen: list[str] = []
    as_arrow = columns._as_arrow
    monkeypatch.setattr(columns, '_as_arrow',
                        lambda v: seen.append(type(as_arrow(v)).__name__) or as_arrow(v))
    assert scan(2048) == scan(1 << 62)
    assert seen[:len(HEADER)] == ['StringArray'] * 5 + ['list', 'StringArray']
