"""Dispatch: which reader a name selects, files that are not what their names say."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from pii_hooks.readers import _READERS, is_data_file, reader_for
from tests.conftest import ROOT
from tests.fixtures_build import read_all, scan_json, write

LOCK = b'\x0cJason Tester' + b' ' * 41 + 'Jason Tester'.encode('utf-16-le') + b'\x00' * 54


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_every_reader_resolves() -> None:
    for ext in _READERS:
        assert reader_for(f'x{ext}') is not None, ext


def test_pre_commit_manifest_offers_every_extension() -> None:
    hooks = yaml.safe_load((ROOT / '.pre-commit-hooks.yaml').read_text())
    pattern = re.compile(hooks[0]['files'])
    for ext in _READERS:
        assert pattern.search(f'data/x{ext}'), ext
        assert pattern.search(f'data/X{ext.upper()}'), ext


@pytest.mark.parametrize(('name', 'wanted'), [
    ('a/b/people.CSV', True), ('x.csv.gz', True), ('x.tgz', True), ('notes.md', False),
    ('Makefile', False), ('.csv', False)])
def test_is_data_file(name: str, wanted: bool) -> None:
    assert is_data_file(name) is wanted


@pytest.mark.parametrize('name', ['~$budget.xlsx', 'renamed-lock.xlsx', '~$old.xls'])
def test_office_lock_file_warns(tmp_path: Path, name: str) -> None:
    code, report = scan_json(write(tmp_path / name, LOCK))
    assert code == 0
    assert [(f['severity'], f['category']) for f in report['findings']] == [  # type: ignore[union-attr]
        ('warn', 'hidden_structure')]
    assert 'Jason' not in str(report)


def test_real_workbook_named_like_a_lock_file_is_read(tmp_path: Path) -> None:
    from tests.fixtures_build import PEOPLE, Sheet, xlsx_bytes
    path = write(tmp_path / '~$people.xlsx', xlsx_bytes([Sheet('P', PEOPLE)]))
    assert scan_json(path)[0] == 1


@pytest.mark.parametrize('name', ['e.csv', 'e.xlsx', 'e.xls', 'e.ods', 'e.parquet', 'e.sql',
                                  'e.sqlite', 'e.zip', 'e.json', 'e.yaml'])
def test_empty_files_pass(tmp_path: Path, name: str) -> None:
    assert read_all(write(tmp_path / name, b'')) == ([], [])
    assert scan_json(tmp_path / name)[0] == 0
