"""SQLite databases: every table, read-only from a private copy; .db files that are not SQLite."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests.fixtures_build import (
    FACILITIES,
    PEOPLE,
    located,
    ole_file,
    read_all,
    scan_json,
    sqlite_bytes,
    write,
)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize('name', ['site.sqlite', 'site.sqlite3', 'site.db'])
def test_table_of_people_blocks(tmp_path: Path, name: str) -> None:
    data = sqlite_bytes(tmp_path, {'summary': FACILITIES, 'people': PEOPLE})
    code, report = scan_json(write(tmp_path / name, data))
    assert code == 1 and ('ssn', 'table "people"', 'visible') in located(report)


def test_private_copy_is_removed_and_original_untouched(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    spool = tmp_path / 'spool'
    spool.mkdir()
    monkeypatch.setattr(tempfile, 'tempdir', str(spool))
    path = write(tmp_path / 'a.sqlite', sqlite_bytes(tmp_path, {'people': PEOPLE}))
    before = path.read_bytes()
    tables, _ = read_all(path)
    assert tables[0].header == tuple(PEOPLE[0])
    assert os.listdir(spool) == [] and path.read_bytes() == before
    assert not list(tmp_path.glob('a.sqlite-*'))             # no journal beside it


def test_free_pages_of_deleted_rows_warn(tmp_path: Path) -> None:
    data = sqlite_bytes(tmp_path, {'summary': FACILITIES, 'people': PEOPLE * 50},
                        delete_from='people')
    code, report = scan_json(write(tmp_path / 'd.sqlite', data))
    assert code == 0
    assert any(f['category'] == 'hidden_structure' and f['severity'] == 'warn'
               for f in report['findings'])  # type: ignore[union-attr]


def test_thumbs_db_warns_and_never_blocks(tmp_path: Path) -> None:
    code, report = scan_json(write(tmp_path / 'Thumbs.db', ole_file({'Catalog': b'\x00' * 64})))
    assert code == 0
    assert [f['severity'] for f in report['findings']] == ['warn']  # type: ignore[union-attr]


@pytest.mark.parametrize('data', [b'not a database at all' * 10, b'\x8f' * 4096])
def test_other_db_files_fail_closed(tmp_path: Path, data: bytes) -> None:
    code, report = scan_json(write(tmp_path / 'cache.db', data))
    assert code == 1 and report['findings'][0]['category'] == 'unreadable'  # type: ignore[index]


def test_corrupt_database_fails_closed(tmp_path: Path) -> None:
    data = bytearray(sqlite_bytes(tmp_path, {'people': PEOPLE}))
    data[100:4096] = b'\xff' * (4096 - 100)
    code, _ = scan_json(write(tmp_path / 'broken.sqlite', bytes(data)))
    assert code == 1


def test_empty_db_file_passes(tmp_path: Path) -> None:
    assert scan_json(write(tmp_path / 'empty.db', b''))[0] == 0
