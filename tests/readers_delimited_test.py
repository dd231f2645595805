"""Delimited text: encodings (BOMs, UTF-16 exports, cp1252 after an ASCII head), big files."""
from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from pii_hooks.readers import Unreadable
from pii_hooks.readers.delimited import TOLERANT, sniff_encoding
from tests.fixtures_build import PEOPLE, csv_text, located, read_all, scan_json, write

PEOPLE_TEXT = csv_text(PEOPLE)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize(('data', 'name'), [
    (PEOPLE_TEXT.encode('utf-8'), 'utf8.csv'),
    (codecs.BOM_UTF8 + PEOPLE_TEXT.encode('utf-8'), 'bom.csv'),
    (codecs.BOM_UTF16_LE + csv_text(PEOPLE, '\t').encode('utf-16-le'), 'excel-unicode.csv'),
    (codecs.BOM_UTF16_BE + csv_text(PEOPLE, '\t').encode('utf-16-be'), 'utf16be.txt'),
    (csv_text(PEOPLE, '\t').encode('utf-16-le'), 'no-bom-utf16.tsv'),
    (PEOPLE_TEXT.replace('Maria', 'Mar\xeda').encode('cp1252'), 'latin.csv'),
])
def test_encodings_block_people(tmp_path: Path, data: bytes, name: str) -> None:
    path = write(tmp_path / name, data)
    tables, _ = read_all(path)
    assert tables[0].header == tuple(PEOPLE[0])
    code, report = scan_json(path)
    assert code == 1 and ('ssn', '', '') in located(report)


def test_cp1252_bytes_after_an_ascii_head_do_not_crash(tmp_path: Path) -> None:
    head = 'Name,SSN\n' + 'Pending,\n' * 8000           # > 64 KiB of ASCII
    tail = ''.join(f'Jos\xe9 P\xe9rez {i},5{i % 9}2-44-67{i % 90 + 10}\n' for i in range(12))
    path = write(tmp_path / 'late.csv', (head + tail).encode('cp1252'))
    assert sniff_encoding(path.read_bytes()[:65536]) == 'utf-8'
    tables, _ = read_all(path)
    assert any('José' in str(r[0]) for r in tables[0].rows.values())
    code, report = scan_json(path)
    assert code == 1 and ('ssn', '', '') in located(report)


def test_tolerant_decoding_maps_each_invalid_byte() -> None:
    assert b'caf\xe9 \xc3\xa9 \x81'.decode('utf-8', TOLERANT) == 'café é \x81'


def test_undecidable_encoding_fails_closed(tmp_path: Path) -> None:
    with pytest.raises(Unreadable):
        sniff_encoding(b'a,b\n\x81\x8d' + bytes(range(1, 32)) * 40)
    code, report = scan_json(write(tmp_path / 'bin.csv', b'\x00\x01\x02\x03' * 200))
    assert code == 1 and report['findings'][0]['category'] == 'unreadable'  # type: ignore[index]


def test_pii_after_row_100000_is_still_found(tmp_path: Path) -> None:
    body = 'Pending,,\n' * 100_000
    late = ''.join(f'{r[0]},{r[1]},{r[2]}\n' for r in PEOPLE[1:])
    path = write(tmp_path / 'long.csv', 'Name,SSN,Email\n' + body + late)
    code, report = scan_json(path)
    assert code == 1
    ssn = next(f for f in report['findings'] if f['category'] == 'ssn')  # type: ignore[union-attr]
    assert ssn['location']['rows'][0] == 100_002


@pytest.mark.parametrize('data', [b'', b'  \n\n'])
def test_empty_files_pass(tmp_path: Path, data: bytes) -> None:
    code, report = scan_json(write(tmp_path / 'empty.csv', data))
    assert code == 0 and report['findings'] == []
