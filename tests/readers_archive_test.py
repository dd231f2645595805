"""Archives: members read in memory by their names, nested archives, limits, traversal."""
from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import pytest

from pii_hooks.readers import Limits, Unreadable
from pii_hooks.readers.archive import escapes
from tests.fixtures_build import (
    COUNTRIES,
    FACILITIES,
    PEOPLE,
    Sheet,
    compressed,
    csv_text,
    located,
    read_all,
    scan_json,
    tar_bytes,
    write,
    xlsx_bytes,
    zip_bytes,
)

PEOPLE_CSV = csv_text(PEOPLE).encode()


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_every_member_is_read_by_its_name(tmp_path: Path) -> None:
    path = write(tmp_path / 'site.zip', zip_bytes({
        'data/summary.csv': csv_text(FACILITIES), 'data/people.csv': PEOPLE_CSV,
        'data/book.xlsx': xlsx_bytes([Sheet('P', PEOPLE, 'hidden')]),
        'img/logo.png': b'\x89PNG\r\n', '__MACOSX/data/._people.csv': b'\x00\x05\x16\x07\x00\x02',
        'docs/': b''}))
    code, report = scan_json(path)
    assert code == 1
    found = located(report)
    assert ('ssn', 'member data/people.csv', 'visible') in found
    assert ('ssn', 'member data/book.xlsx, sheet "P"', 'hidden') in found
    assert not any('MACOSX' in p or 'png' in p for _, p, _ in found)


def test_zip_of_clean_csvs_passes(tmp_path: Path) -> None:
    path = write(tmp_path / 'clean.zip', zip_bytes({'a.csv': csv_text(FACILITIES),
                                                    'b.csv': csv_text(COUNTRIES)}))
    code, report = scan_json(path)
    assert code == 0 and located(report) == []


def test_zip_of_images_passes(tmp_path: Path) -> None:
    path = write(tmp_path / 'icons.zip', zip_bytes({'a.png': b'\x89PNG', 'b.svg': b'<svg/>'}))
    assert scan_json(path) == (0, scan_json(path)[1]) and read_all(path) == ([], [])


def test_nested_zip(tmp_path: Path) -> None:
    inner = zip_bytes({'deep/people.csv': PEOPLE_CSV})
    code, report = scan_json(write(tmp_path / 'n.zip', zip_bytes({'inner.zip': inner})))
    assert code == 1
    assert ('ssn', 'member inner.zip, member deep/people.csv', 'visible') in located(report)


def test_nesting_depth_limit(tmp_path: Path) -> None:
    data = zip_bytes({'people.csv': PEOPLE_CSV})
    for level in range(4):
        data = zip_bytes({f'level{level}.zip': data})
    path = write(tmp_path / 'deep.zip', data)
    with pytest.raises(Unreadable, match='limit max_depth'):
        read_all(path, Limits(max_depth=3))
    assert len(read_all(path, Limits(max_depth=5))[0]) == 1


@pytest.mark.parametrize('member', ['../../etc/people.csv', '/abs/people.csv',
                                    'C:\\Users\\x\\people.csv', 'a/../../b.csv'])
def test_member_path_leaving_the_archive_blocks(tmp_path: Path, member: str) -> None:
    path = write(tmp_path / 'slip.zip', zip_bytes({member: csv_text(FACILITIES)}))
    code, report = scan_json(path)
    assert code == 1
    assert any(f['category'] == 'hidden_structure' and f['severity'] == 'block'
               for f in report['findings'])  # type: ignore[union-attr]
    assert not (tmp_path.parent / 'etc').exists()


@pytest.mark.parametrize(('name', 'bad'), [('a/b.csv', False), ('a/..b.csv', False),
                                           ('../b.csv', True), ('a\\..\\..\\b', True)])
def test_escapes(name: str, bad: bool) -> None:
    assert escapes(name) is bad


def test_compression_ratio_limit_per_member(tmp_path: Path) -> None:
    path = write(tmp_path / 'bomb.zip', zip_bytes({'zeros.csv': b'0' * (30 * 1024 * 1024)}))
    code, report = scan_json(path)
    assert code == 1 and 'limit max_ratio' in str(report['findings'][0]['reason'])  # type: ignore[index]


def test_total_uncompressed_limit(tmp_path: Path) -> None:
    members = {f'part{i}.csv': csv_text(FACILITIES * 2000) for i in range(5)}
    path = write(tmp_path / 'many.zip', zip_bytes(members))
    with pytest.raises(Unreadable, match='limit max_uncompressed_bytes'):
        read_all(path, Limits(max_uncompressed_bytes=500_000))


def test_member_count_limit(tmp_path: Path) -> None:
    path = write(tmp_path / 'm.zip', zip_bytes({f'{i}.csv': 'a,b\n1,2\n' for i in range(20)}))
    with pytest.raises(Unreadable, match='limit max_members'):
        read_all(path, Limits(max_members=10))


def test_member_size_limit(tmp_path: Path) -> None:
    path = write(tmp_path / 's.zip', zip_bytes({'big.csv': csv_text(FACILITIES * 500)}))
    _, problems = read_all(path, Limits(max_file_bytes=10_000))
    assert 'limit max_file_bytes' in problems[0].reason  # type: ignore[attr-defined]


def test_header_that_understates_the_size_fails_closed(tmp_path: Path) -> None:
    data = zip_bytes({'people.csv': PEOPLE_CSV})
    lying = data.replace(struct.pack('<I', len(PEOPLE_CSV)), struct.pack('<I', 20))
    code, report = scan_json(write(tmp_path / 'lie.zip', lying))
    assert code == 1 and report['findings'][0]['category'] == 'unreadable'  # type: ignore[index]


def test_encrypted_member_blocks(tmp_path: Path) -> None:
    data = bytearray(zip_bytes({'people.csv': PEOPLE_CSV}))
    for at in (6, data.rfind(b'PK\x01\x02') + 8):       # general purpose flag: encrypted
        data[at] |= 1
    code, report = scan_json(write(tmp_path / 'enc.zip', bytes(data)))
    assert code == 1 and 'encrypted' in str(report['findings'][0]['reason'])  # type: ignore[index]


def test_stored_and_bzip2_and_lzma_members(tmp_path: Path) -> None:
    for method in (zipfile.ZIP_STORED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA):
        path = write(tmp_path / f'm{method}.zip', zip_bytes({'p.csv': PEOPLE_CSV}, method))
        assert scan_json(path)[0] == 1


@pytest.mark.parametrize('suffix', ['gz', 'bz2', 'xz'])
def test_single_stream_compression_reads_the_inner_name(tmp_path: Path, suffix: str) -> None:
    path = write(tmp_path / f'people.csv.{suffix}', compressed(PEOPLE_CSV, suffix))
    code, report = scan_json(path)
    assert code == 1 and ('ssn', 'member people.csv', 'visible') in located(report)


def test_gz_of_unknown_inner_type_is_skipped(tmp_path: Path) -> None:
    assert read_all(write(tmp_path / 'backup.gz', compressed(b'\x00\x01', 'gz'))) == ([], [])


def test_gz_bomb(tmp_path: Path) -> None:
    path = write(tmp_path / 'z.csv.gz', compressed(b'0' * (20 * 1024 * 1024), 'gz'))
    with pytest.raises(Unreadable, match='limit max_ratio'):
        read_all(path)


def test_corrupt_gz_fails_closed(tmp_path: Path) -> None:
    data = compressed(PEOPLE_CSV, 'gz')
    assert scan_json(write(tmp_path / 'c.csv.gz', data[:-12]))[0] == 1


@pytest.mark.parametrize('name', ['site.tar.gz', 'site.tgz', 'site.tar'])
def test_tar_archives(tmp_path: Path, name: str) -> None:
    tar = tar_bytes({'data/people.csv': PEOPLE_CSV,
                     'data/counts.csv': csv_text(FACILITIES).encode()})
    data = tar if name.endswith('.tar') else compressed(tar, 'gz')
    code, report = scan_json(write(tmp_path / name, data))
    assert code == 1
    assert any(p.endswith('member data/people.csv') for c, p, _ in located(report) if c == 'ssn')


def test_tar_traversal_blocks(tmp_path: Path) -> None:
    path = write(tmp_path / 't.tar', tar_bytes({'../x.csv': csv_text(FACILITIES).encode()}))
    code, report = scan_json(path)
    assert code == 1 and report['findings'][0]['category'] == 'hidden_structure'  # type: ignore[index]


def test_not_a_zip_fails_closed(tmp_path: Path) -> None:
    assert scan_json(write(tmp_path / 'x.zip', b'this is not a zip file'))[0] == 1


def test_empty_archive_files_pass(tmp_path: Path) -> None:
    for name in ('e.zip', 'e.gz', 'e.tar'):
        assert scan_json(write(tmp_path / name, b''))[0] == 0
