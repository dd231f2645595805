"""SQL dumps: INSERT rows (MySQL and PostgreSQL quoting), COPY blocks, schema-only files."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from pii_hooks.readers import Limits
from pii_hooks.readers.sql import read_sql
from tests.fixtures_build import located, read_all, scan_json, write


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


MYSQL = """-- MySQL dump 10.13
/*!40101 SET NAMES utf8mb4 */;
DROP TABLE IF EXISTS `people`;
CREATE TABLE `people` (
  `id` int NOT NULL AUTO_INCREMENT,
  `name` varchar(50) DEFAULT NULL COMMENT 'full name, (first last)',
  `ssn` char(11),
  `email` varchar(80),
  PRIMARY KEY (`id`),
  KEY `idx_email` (`email`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
LOCK TABLES `people` WRITE;
INSERT INTO `people` VALUES (1,'Jane Doe','512-44-6789','jane.doe@gmail.com'),\
(2,'John O\\'Smith','521-44-9876','jsmith@yahoo.com'),\
(3,'Maria Garcia','534-44-7890',_utf8mb4'mgarcia@hotmail.com');
UNLOCK TABLES;
"""

POSTGRES = """--
-- PostgreSQL database dump
--
SET standard_conforming_strings = on;
CREATE TABLE public.people (
    name text,
    ssn text,
    note text
);
COPY public.people (name, ssn, note) FROM stdin;
Jane Doe\t512-44-6789\tpath C:\\\\temp
John Smith\t521-44-9876\t\\N
Maria Garcia\t534-44-7890\tline\\none
\\.
INSERT INTO public.people VALUES ('Wei Chen', '545-44-1234', 'C:\\dir\\');
"""


def _rows(text: str) -> dict[str, list[list[str | None]]]:
    out: dict[str, list[list[str | None]]] = {}
    for table in read_sql('x.sql', io.BytesIO(text.encode()), Limits()):
        assert not isinstance(table, tuple) or hasattr(table, 'batches')
        rows = out.setdefault(table.part, [])  # type: ignore[union-attr]
        for batch in table.batches:  # type: ignore[union-attr]
            rows.extend([list(r) for r in zip(*batch.columns, strict=True)])
    return out


def test_mysql_dump_values_and_quoting() -> None:
    rows = _rows(MYSQL)['table "people"']
    assert rows[1] == ['2', "John O'Smith", '521-44-9876', 'jsmith@yahoo.com']
    assert rows[2][3] == 'mgarcia@hotmail.com'


def test_mysql_dump_blocks_with_columns_from_create_table(tmp_path: Path) -> None:
    path = write(tmp_path / 'dump.sql', MYSQL)
    tables, _ = read_all(path)
    assert tables[0].header == ('id', 'name', 'ssn', 'email')
    code, report = scan_json(path)
    assert code == 1 and ('ssn', 'table "people"', 'visible') in located(report)


def test_postgres_copy_block_and_plain_backslashes() -> None:
    rows = _rows(POSTGRES)['table "public.people"']
    assert rows[0] == ['Jane Doe', '512-44-6789', 'path C:\\temp']
    assert rows[1][2] is None and rows[2][2] == 'line\none'
    assert rows[3] == ['Wei Chen', '545-44-1234', 'C:\\dir\\']


def test_insert_with_column_list_and_functions() -> None:
    text = ("INSERT INTO users (email, created, n) VALUES ('a@gmail.com', NOW(), 1), "
            "('b@yahoo.com', to_date('2020-01-01', 'YYYY-MM-DD'), NULL) "
            "ON DUPLICATE KEY UPDATE n = n + 1;\nINSERT INTO users SELECT * FROM other;\n")
    rows = _rows(text)['table "users"']
    assert rows == [['a@gmail.com', 'NOW()', '1'], ['b@yahoo.com', '2020-01-01 YYYY-MM-DD', None]]


def test_anonymized_dump_that_kept_real_emails(tmp_path: Path) -> None:
    rows = ',\n'.join(f"({i}, 'user{i}@gmail.com', 'anon-{i}')" for i in range(1, 40))
    path = write(tmp_path / 'anonymized.sql',
                 f'-- anonymized export\nINSERT INTO users (id, email, handle) VALUES\n{rows};\n')
    code, report = scan_json(path)
    assert code == 1 and ('email', 'table "users"', 'visible') in located(report)


def test_schema_only_file_passes(tmp_path: Path) -> None:
    path = write(tmp_path / 'schema.sql', (
        'CREATE TABLE IF NOT EXISTS people (id INT PRIMARY KEY, name TEXT, ssn CHAR(11), '
        'email TEXT, date_of_birth DATE);\nCREATE INDEX people_ssn ON people (ssn);\n'
        'CREATE VIEW v AS SELECT name FROM people;\n'))
    tables, _ = read_all(path)
    assert [(t.header, t.rows) for t in tables] == [(('id', 'name', 'ssn', 'email',
                                                      'date_of_birth'), {})]
    code, report = scan_json(path)
    assert code == 0 and located(report) == []


def test_query_file_passes(tmp_path: Path) -> None:
    path = write(tmp_path / 'q.sql', "SELECT p.username || ',' || p.gender FROM person AS p "
                                     "WHERE r.name = 'instructor';\n")
    assert read_all(path) == ([], [])


def test_tables_interleaved_and_large(tmp_path: Path) -> None:
    body = ''.join(f"INSERT INTO a VALUES ({i}, 'x');\n" for i in range(10_000))
    text = body + "INSERT INTO b VALUES ('Jane Doe', '512-44-6789');\n" + body
    tables, _ = read_all(write(tmp_path / 'big.sql', text))
    assert [t.part for t in tables] == ['table "a"', 'table "b"', 'table "a"']
    assert min(tables[2].rows) == 10_001                    # row numbers continue per table


def test_string_across_read_boundaries(tmp_path: Path) -> None:
    long = 'y' * ((1 << 20) + 1000)
    text = f"INSERT INTO t VALUES ('{long}', 'jane.doe@gmail.com');\n"
    tables, _ = read_all(write(tmp_path / 'long.sql', text))
    assert tables[0].rows[1] == [long, 'jane.doe@gmail.com']


def test_unterminated_string_fails_closed(tmp_path: Path) -> None:
    code, report = scan_json(write(tmp_path / 'bad.sql', "INSERT INTO t VALUES ('abc);\n"))
    assert code == 1 and 'unterminated' in str(report['findings'][0]['reason'])  # type: ignore[index]
