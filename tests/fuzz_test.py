"""Fuzzing, the short run: every reader and the CLI on random and damaged files.

The checks are those of ``benchmarks/fuzz.py`` (the long run, documented in
benchmarks/README.md): ``read_tables`` with every batch consumed raises
nothing but ``Unreadable``; ``pii-hooks scan --format json`` exits 0 or 1,
prints valid JSON and no traceback, and never falls back to the engine's
catch-all reason.  Examples are derandomised (the same ones every run), so a
failure here is a regression, not bad luck.

Below them, one regression test per crash the long runs found, each built
from a valid synthetic file damaged the way the fuzzer damaged it.
"""
from __future__ import annotations

import functools
import io
import lzma
import os
import random
import sqlite3
import struct
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
from benchmarks.fuzz import check_reader, cli_problem, mutate, read_everything, run_cli, seeds
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pii_hooks.readers import Unreadable, library_failure
from tests.fixtures_build import (
    FACILITIES,
    PEOPLE,
    Sheet,
    csv_text,
    feather_bytes,
    ods_bytes,
    ods_row,
    ods_table,
    ole_file,
    parquet_bytes,
    xls_bytes,
    xlsx_bytes,
    zip_bytes,
)

EXTENSIONS = ('.csv', '.tsv', '.json', '.jsonl', '.yaml', '.xlsx', '.xls', '.ods', '.parquet',
              '.feather', '.sqlite', '.sql', '.zip', '.tar', '.csv.gz', '.csv.bz2', '.csv.xz')
QUICK = settings(derandomize=True, deadline=None, database=None, max_examples=200,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@functools.lru_cache(maxsize=1)
def seed_files() -> dict[str, bytes]:
    return seeds()


SEED_NAMES = sorted(seeds())


@QUICK
@given(st.sampled_from(EXTENSIONS), st.binary(max_size=4096))
def test_random_bytes_never_escape_a_reader(extension: str, data: bytes) -> None:
    assert check_reader(f'fuzz{extension}', data) is None


@settings(QUICK, max_examples=1000)
@given(st.sampled_from(SEED_NAMES), st.randoms(use_true_random=False), st.integers(1, 3))
def test_damaged_files_never_escape_a_reader(name: str, rng: random.Random, rounds: int) -> None:
    data = seed_files()[name]
    for _ in range(rounds):
        data = mutate(data, rng)
    assert check_reader(name, data) is None


@settings(QUICK, max_examples=120)
@given(st.sampled_from(SEED_NAMES), st.randoms(use_true_random=False))
def test_cli_on_damaged_files_exits_with_a_verdict(name: str, rng: random.Random) -> None:
    data = mutate(seed_files()[name], rng)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, name)
        path.write_bytes(data)
        cwd = os.getcwd()
        os.chdir(tmp)             # no repository, no configuration: the defaults
        try:
            result = run_cli(['scan', '--format', 'json', str(path)])
        finally:
            os.chdir(cwd)
    assert cli_problem(result) is None, result.stderr[-300:]


def test_every_seed_is_valid_and_read_whole() -> None:
    for name, data in seed_files().items():
        assert read_everything(name, data) > 0, name


def test_library_failure_names_no_value() -> None:
    secret = '512-44-6789'
    for exc in (zipfile.BadZipFile(secret), UnicodeDecodeError('utf-8', b'x', 0, 1, secret),
                LookupError(secret), OSError(secret), struct.error(secret)):
        failure = library_failure(exc)
        assert failure is not None and secret not in failure.reason + failure.fix
    assert library_failure(KeyError(secret)) is None          # a bug stays a bug


# --- regressions: one per crash found by benchmarks/fuzz.py ---------------------------

def fails_closed(name: str, data: bytes, reason: str) -> None:
    with pytest.raises(Unreadable) as caught:
        read_everything(name, data)
    assert reason in caught.value.reason


def central_headers(data: bytes) -> list[int]:
    """Offsets of the central directory records of a zip."""
    out, at = [], data.find(b'PK\x01\x02')
    while at >= 0:
        out.append(at)
        at = data.find(b'PK\x01\x02', at + 4)
    return out


def central_of(data: bytes, member: str) -> int:
    for at in central_headers(data):
        length = struct.unpack_from('<H', data, at + 28)[0]
        if data[at + 46:at + 46 + length].decode() == member:
            return at
    raise KeyError(member)


def patched(data: bytes, at: int, fmt: str, value: int) -> bytes:
    out = bytearray(data)
    struct.pack_into(fmt, out, at, value)
    return bytes(out)


def people_xlsx() -> bytes:
    return xlsx_bytes([Sheet('People', PEOPLE)])


def test_corrupt_xz_stream_fails_closed() -> None:
    """LZMAError escaped read_compressed (it is no OSError)."""
    data = bytearray(lzma.compress(csv_text(PEOPLE).encode()))
    data[len(data) // 2] ^= 0xFF
    fails_closed('people.csv.xz', bytes(data), 'corrupt or truncated compressed')


def test_xz_member_of_a_zip_fails_as_a_member() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w', zipfile.ZIP_LZMA) as z:
        z.writestr('people.csv', csv_text(PEOPLE) * 50)
    data = bytearray(buffer.getvalue())
    data[60] ^= 0xFF                               # inside the member's LZMA data
    found = list(__import__('pii_hooks.readers', fromlist=['read_tables']).read_tables(
        'a.zip', io.BytesIO(bytes(data))))
    assert [p.reason for p in found if hasattr(p, 'reason')] == [
        'corrupt member (bad data or checksum)']


def test_unsupported_compression_method_of_a_package_part() -> None:
    """NotImplementedError from zipfile escaped xlsx.open_part."""
    data = people_xlsx()
    at = central_of(data, 'xl/worksheets/sheet1.xml')
    fails_closed('x.xlsx', patched(data, at + 10, '<H', 99), 'is corrupt')


@pytest.mark.parametrize('name, reason', [('x.xlsx', 'not a readable XLSX package'),
                                          ('x.zip', 'format version pii-hooks cannot read'),
                                          ('x.ods', 'format version pii-hooks cannot read')])
def test_zip_version_too_new(name: str, reason: str) -> None:
    """zipfile raises NotImplementedError('zip file version 12.2') while opening."""
    data = people_xlsx() if name == 'x.xlsx' else zip_bytes({'p.csv': csv_text(PEOPLE)})
    at = central_headers(data)[0]
    fails_closed(name, patched(data, at + 6, '<H', 122), reason)


@pytest.mark.parametrize('name', ['x.xlsx', 'x.zip'])
def test_local_header_offset_before_the_file(name: str) -> None:
    """ValueError('negative seek value') from zipfile escaped open_part and _zip_member."""
    data = people_xlsx() if name == 'x.xlsx' else zip_bytes({'p.csv': csv_text(PEOPLE)})
    end = data.rfind(b'PK\x05\x06')
    offset = struct.unpack_from('<L', data, end + 16)[0]
    bad = patched(data, end + 16, '<L', offset + 64)
    if name == 'x.zip':
        found = list(__import__('pii_hooks.readers', fromlist=['x']).read_tables(
            name, io.BytesIO(bad)))
        assert [p.reason for p in found if hasattr(p, 'reason')] == [
            'corrupt member (bad data or checksum)']
    else:
        fails_closed(name, bad, 'corrupt')


def test_bad_crc_of_ods_content() -> None:
    """BadZipFile (CRC) escaped ods.hidden_marks: raised when content.xml was read to its end."""
    data = ods_bytes([ods_table('People', [ods_row(r) for r in PEOPLE])])
    at = central_of(data, 'content.xml')
    crc = struct.unpack_from('<L', data, at + 16)[0]
    fails_closed('x.ods', patched(data, at + 16, '<L', crc ^ 1), 'corrupt or truncated')


def test_bad_deflate_data_in_a_sheet_read_lazily() -> None:
    """zlib.error from a sheet read batch by batch, after read_xlsx had returned its table."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(people_xlsx())) as source, \
            zipfile.ZipFile(buffer, 'w', zipfile.ZIP_STORED) as dest:
        for info in source.infolist():
            dest.writestr(info.filename, source.read(info.filename))
    data = buffer.getvalue()
    at = central_of(data, 'xl/worksheets/sheet1.xml')
    local = struct.unpack_from('<L', data, at + 42)[0]
    bad = patched(patched(data, at + 10, '<H', 8), local + 8, '<H', 8)   # stored -> deflate
    fails_closed('x.xlsx', bad, 'corrupt')


@pytest.mark.parametrize('where', ['workbook', 'sheet'])
def test_xml_declaring_an_unknown_encoding(where: str) -> None:
    """LookupError('unknown encoding: UTF-0') from expat, in the workbook and in a sheet."""
    from tests.fixtures_build import sheet_xml
    sheet = sheet_xml(Sheet('People', PEOPLE))
    if where == 'sheet':
        parts = {'xl/worksheets/sheet1.xml': sheet.replace('UTF-8', 'UTF-0', 1)}
    else:
        parts = {'xl/workbook.xml': (
            '<?xml version="1.0" encoding="UTF-0"?><workbook xmlns="http://schemas.'
            'openxmlformats.org/spreadsheetml/2006/main"/>')}
    fails_closed('x.xlsx', xlsx_bytes([Sheet('People', PEOPLE)], parts=parts),
                 'corrupt XML')


def test_malformed_xml_after_the_first_rows() -> None:
    """ParseError from rows read lazily (pivot caches, sheets): after the reader's try."""
    rows = [['Code', 'Country']] + [[f'C{i}', f'Country {i}'] for i in range(300)]
    sheet = Sheet('Codes', rows)
    from tests.fixtures_build import sheet_xml
    text = sheet_xml(sheet).replace('</sheetData>', '<row r="999"><c r="A999"><v>1</v></c>')
    fails_closed('x.xlsx', xlsx_bytes([sheet], parts={'xl/worksheets/sheet1.xml': text}),
                 'corrupt XML')


def test_truncated_arrow_stream_fails_when_its_batches_are_read() -> None:
    """OSError / ArrowInvalid from Feather batches, raised lazily outside read_feather's try."""
    import pyarrow as pa
    table = pa.table({'name': [r[0] for r in PEOPLE[1:]] * 200,
                      'ssn': [r[1] for r in PEOPLE[1:]] * 200})
    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table, max_chunksize=100)
    data = sink.getvalue()
    fails_closed('x.feather', data[:len(data) * 2 // 3], 'corrupt or truncated')


def test_damaged_feather_record_batch() -> None:
    data = bytearray(feather_bytes(PEOPLE))
    body = data.find(b'Jane Doe')
    data[body - 40:body] = b'\xff' * 40            # the batch's buffers, footer intact
    with pytest.raises(Unreadable):
        read_everything('x.feather', bytes(data))


def test_arrow_string_offsets_that_run_backwards() -> None:
    """SystemError('Negative size passed to PyUnicode_New') from to_pylist: IPC batches are
    not validated as they are read.  Offsets past the buffer could read outside memory."""
    import pyarrow as pa
    import pyarrow.feather as feather
    table = pa.table({h: [r[i] for r in PEOPLE[1:]] for i, h in enumerate(PEOPLE[0])})
    buffer = io.BytesIO()
    feather.write_feather(table, buffer, compression='uncompressed')
    offsets = b''.join(struct.pack('<i', x) for x in (0, 8, 18, 30, 38, 49))   # the names
    assert buffer.getvalue().count(offsets) == 1
    bad = buffer.getvalue().replace(
        offsets, b''.join(struct.pack('<i', x) for x in (0, 8, 2, 30, 38, 49)))
    fails_closed('x.feather', bad, 'Parquet / Arrow')


def test_parquet_page_header_that_does_not_parse() -> None:
    """OSError('Deserializing page header failed') from iter_batches."""
    data = bytearray(parquet_bytes(PEOPLE, compression='NONE'))
    data[4:24] = b'\xff' * 20                      # the first page header; the footer intact
    with pytest.raises(Unreadable):
        read_everything('x.parquet', bytes(data))


def test_parquet_string_that_is_not_utf8() -> None:
    """UnicodeDecodeError from to_pylist on a string column holding invalid UTF-8 (now
    caught earlier: a full validation of each batch checks UTF-8)."""
    data = parquet_bytes(PEOPLE, compression='NONE', use_dictionary=False,
                         write_statistics=False)
    bad = data.replace(b'Jane Doe', b'Jane\xff\xfeoe', 1)
    fails_closed('x.parquet', bad, 'Parquet / Arrow')


def test_parquet_footer_that_aborts_the_parquet_library() -> None:
    """A column chunk whose type contradicts the schema: pyarrow 26 aborts the process
    (an uncatchable C++ exception in RowGroupMetaData.column).  Run in a child process:
    if the isolation regresses, the child dies, not the test run."""
    data = parquet_bytes(PEOPLE)
    size = struct.unpack('<I', data[-8:-4])[0]
    footer = data[-8 - size:-8]
    assert b'\x15\x0c\x19' in footer               # ColumnMetaData.type = BYTE_ARRAY
    bad = data[:-8 - size] + footer.replace(b'\x15\x0c\x19', b'\x15\x08\x19', 1) + data[-8:]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, 'x.parquet')
        path.write_bytes(bad)
        proc = subprocess.run([sys.executable, '-m', 'pii_hooks', 'scan', '--format', 'json',
                               str(path)], capture_output=True, text=True, check=False,
                              cwd=tmp, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert 'contradicts the schema' in proc.stdout
    assert 'terminate called' not in proc.stderr


def test_xls_sheet_with_a_shared_string_index_out_of_range() -> None:
    """IndexError from xlrd while loading a sheet on demand (book.sheet_by_index)."""
    from pii_hooks.readers.ooxml import ole_streams
    streams = ole_streams(xls_bytes([('Data', PEOPLE, 0)]))
    assert streams is not None
    book = bytearray(streams['Workbook'])
    at = book.find(struct.pack('<HH', 0x00FD, 10))          # the first LABELSST record
    assert at > 0
    struct.pack_into('<L', book, at + 10, 0xFFFFFF)         # its shared-string index
    fails_closed('x.xls', ole_file({'Workbook': bytes(book)}), 'corrupt XLS workbook')


def test_xls_sheet_record_cut_short() -> None:
    """struct.error ('unpack requires a buffer of 4 bytes') from xlrd's record reader."""
    from pii_hooks.readers.ooxml import ole_streams
    streams = ole_streams(xls_bytes([('Data', PEOPLE, 0), ('More', FACILITIES, 0)]))
    assert streams is not None
    book = streams['Workbook']
    last_bof = book.rfind(struct.pack('<H', 0x0809))        # the second sheet's BOF
    fails_closed('x.xls', ole_file({'Workbook': book[:last_bof + 6]}), 'corrupt XLS')


def test_sqlite_page_damaged_under_a_readable_schema() -> None:
    """DatabaseError('database disk image is malformed') from fetchmany, read lazily."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, 'x.sqlite')
        with sqlite3.connect(path) as db:
            db.execute('PRAGMA page_size = 1024')
            db.execute('CREATE TABLE people (name TEXT, ssn TEXT)')
            db.executemany('INSERT INTO people VALUES (?, ?)',
                           [(f'Person {i}', f'512-44-{i:04d}') for i in range(2000)])
        db.close()
        data = bytearray(path.read_bytes())
    data[1024 * 4:1024 * 4 + 8] = b'\xff' * 8                  # a leaf page of the table
    fails_closed('x.sqlite', bytes(data), 'SQLite')


@pytest.mark.parametrize('column', ['sql', 'name'])
def test_sqlite_schema_holding_a_blob(column: str) -> None:
    """TypeError: sqlite_master.sql (or name) a BLOB in a damaged schema (found by atheris)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, 'x.sqlite')
        db = sqlite3.connect(path)
        db.execute('CREATE TABLE sites (facility TEXT, detained INTEGER)')
        db.execute("INSERT INTO sites VALUES ('North Processing Center', 120)")
        db.commit()
        db.execute('PRAGMA writable_schema=ON')
        db.execute(f"UPDATE sqlite_master SET {column} = CAST({column} AS BLOB)")
        db.commit()
        db.close()
        data = path.read_bytes()
    assert check_reader('x.sqlite', data) is None


def test_zip_member_with_an_empty_name() -> None:
    """IndexError from ZipInfo.is_dir() on a member named '' (found by atheris)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w') as z:
        z.writestr(zipfile.ZipInfo(''), csv_text(PEOPLE))
        z.writestr('sites.csv', csv_text(FACILITIES))
    assert check_reader('x.zip', buffer.getvalue()) is None


def test_pivot_cache_records_relationship_to_a_missing_part(tmp_path: Path) -> None:
    """KeyError from zipfile.getinfo: the cache names a records part the package lacks
    (found by atheris).  The shared items are read instead."""
    from tests.fixtures_build import pivot_xlsx
    source = pivot_xlsx(tmp_path / 'p.xlsx').read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as package, \
            zipfile.ZipFile(buffer, 'w', zipfile.ZIP_DEFLATED) as dest:
        records = [n for n in package.namelist() if 'pivotCacheRecords' in n]
        assert records
        for name in package.namelist():
            if name not in records:
                dest.writestr(name, package.read(name))
    assert check_reader('x.xlsx', buffer.getvalue()) is None


def test_xls_with_one_far_cell_is_read_in_its_own_size() -> None:
    """A 5 KB XLS whose one cell sits at row 65,536, column 251 took 17 s (atheris: slow
    unit): xlrd padded every row to the sheet's width, 16 million blank cells."""
    import time

    import xlwt  # type: ignore[import-untyped]
    book = xlwt.Workbook()
    sheet = book.add_sheet('Data')
    for r, row in enumerate(PEOPLE):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    sheet.write(65535, 250, 'last')
    buffer = io.BytesIO()
    book.save(buffer)
    started = time.monotonic()
    assert read_everything('x.xls', buffer.getvalue()) > 0
    assert time.monotonic() - started < 2


def repacked(data: bytes, part: str, old: bytes, new: bytes) -> bytes:
    """The package with one part's text edited (and a correct CRC)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(buffer, 'w', zipfile.ZIP_DEFLATED) as dest:
        for name in source.namelist():
            content = source.read(name)
            if name == part:
                assert old in content
                content = content.replace(old, new)
            dest.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize('damage', ['pivot index', 'external sheet id', 'external row',
                                    'outline level', 'tint'])
def test_attribute_that_is_not_a_number(damage: str, tmp_path: Path) -> None:
    """ValueError from int()/float() on a damaged attribute: a pivot record's <x v="#"/>
    (found by mutation), and the same kind in external links, outlines and colours."""
    from tests.fixtures_build import STYLES_PLAIN, external_link_xlsx, pivot_xlsx
    if damage == 'pivot index':
        data = repacked(pivot_xlsx(tmp_path / 'p.xlsx').read_bytes(),
                        'xl/pivotCache/pivotCacheRecords1.xml', b'<x v="1"/>', b'<x v="#"/>')
    elif damage.startswith('external'):
        old, new = ((b'sheetId="0"', b'sheetId="x"') if damage == 'external sheet id'
                    else (b'<row r="1">', b'<row r="?">'))
        data = repacked(external_link_xlsx(tmp_path / 'e.xlsx').read_bytes(),
                        'xl/externalLinks/externalLink1.xml', old, new)
    elif damage == 'outline level':
        data = xlsx_bytes([Sheet('People', PEOPLE, row_attrs={2: ' outlineLevel="one"'})])
    else:
        data = xlsx_bytes([Sheet('People', PEOPLE)],
                          styles=STYLES_PLAIN.replace('<color theme="1"/>',
                                                      '<color theme="1" tint="x"/>'))
    assert check_reader('x.xlsx', data) is None
    assert read_everything('x.xlsx', data) > 0        # read, not refused
