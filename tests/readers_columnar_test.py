"""Parquet and Feather: values by record batch, stale footer statistics, file metadata."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures_build import (
    FACILITIES,
    PEOPLE,
    feather_bytes,
    located,
    parquet_bytes,
    parquet_stale_statistics,
    read_all,
    scan_json,
    write,
)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize('name', ['people.parquet', 'people.pq'])
def test_parquet_of_people_blocks(tmp_path: Path, name: str) -> None:
    code, report = scan_json(write(tmp_path / name, parquet_bytes(PEOPLE)))
    assert code == 1 and ('ssn', '', '') in located(report)


def test_parquet_of_counts_passes_and_repeats_no_statistics(tmp_path: Path) -> None:
    path = write(tmp_path / 'f.parquet', parquet_bytes(FACILITIES))
    tables, _ = read_all(path)
    assert [t.part for t in tables] == ['']     # statistics match the rows: nothing extra
    assert scan_json(path)[0] == 0


def test_statistics_keep_values_no_row_holds(tmp_path: Path) -> None:
    rows = [['Facility', 'Contact']] + [[f'S{i}', PEOPLE[1 + i][0]] for i in range(5)]
    data = parquet_stale_statistics(rows, {r[1]: 'X' * len(r[1]) for r in rows[1:]})
    path = write(tmp_path / 'stale.parquet', data)
    tables, _ = read_all(path)
    stats = next(t for t in tables if t.part == 'parquet statistics')
    assert stats.state == 'statistics'   # values no row holds: hidden data, blocks
    held = {v for r in stats.rows.values() for v in r if v}
    assert held & {r[1] for r in rows[1:]}      # the old names survive only in the footer
    assert not held & {r[0] for r in rows[1:]}
    code, report = scan_json(path)
    assert code == 1
    assert ('person_name', 'parquet statistics', 'statistics') in located(report)


def test_many_row_groups_stream(tmp_path: Path) -> None:
    rows = [['Name', 'SSN']] + [['Site', str(i)] for i in range(20_000)] + PEOPLE[1:4]
    rows[-3:] = [[r[0], r[1]] for r in PEOPLE[1:4]]
    path = write(tmp_path / 'big.parquet', parquet_bytes(rows, row_group_size=1000))
    code, report = scan_json(path)
    assert code == 1
    ssn = next(f for f in report['findings'] if f['category'] == 'ssn')  # type: ignore[union-attr]
    assert ssn['location']['rows'][0] == 20_001


def test_file_metadata_is_read(tmp_path: Path) -> None:
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq
    table = pa.table({'Count': [1, 2]}).replace_schema_metadata({'owner': 'jane.doe@gmail.com'})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    tables, _ = read_all(write(tmp_path / 'm.parquet', buffer.getvalue()))
    meta = next(t for t in tables if t.part == 'file metadata')
    assert meta.header == ('owner',) and meta.state == 'metadata'


def test_feather_of_people_blocks(tmp_path: Path) -> None:
    assert scan_json(write(tmp_path / 'p.feather', feather_bytes(PEOPLE)))[0] == 1


def test_arrow_stream_format(tmp_path: Path) -> None:
    import io

    import pyarrow as pa
    table = pa.table({h: [r[i] for r in PEOPLE[1:]] for i, h in enumerate(PEOPLE[0])})
    buffer = io.BytesIO()
    with pa.ipc.new_stream(buffer, table.schema) as writer:
        writer.write_table(table)
    assert scan_json(write(tmp_path / 'p.arrow', buffer.getvalue()))[0] == 1


@pytest.mark.parametrize('name', ['bad.parquet', 'bad.feather'])
def test_corrupt_columnar_files_fail_closed(tmp_path: Path, name: str) -> None:
    code, report = scan_json(write(tmp_path / name, b'PAR1 not really parquet PAR1'))
    assert code == 1 and report['findings'][0]['category'] == 'unreadable'  # type: ignore[index]
