"""SQLite databases (.sqlite, .sqlite3, .db): every table, streamed with fetchmany.

The bytes are copied to a private temporary file (mkstemp: mode 0600,
removed when the reader finishes) and opened read-only and immutable
(``mode=ro&immutable=1``): no journal, no write, whatever the file holds.
Views are not read (they show rows of the tables, which are); virtual tables
are not read either (their shadow tables are ordinary tables, read as such).

Deleted rows stay in a database's free pages until it is vacuumed: a
database with free pages *warns* (hidden_structure).

A ``.db`` is often not SQLite:

* ``Thumbs.db`` (an OLE compound file): the Windows thumbnail cache holds
  small copies of a folder's pictures, not data; it warns (remove it, add it
  to .gitignore), it never blocks;
* any other file that is not SQLite fails closed (encrypted databases
  included: SQLCipher files have no SQLite header).
"""
from __future__ import annotations

import os
import pathlib
import tempfile
from collections.abc import Iterator
from typing import IO, Any

from pii_hooks.models import STRUCTURE, Batch, ReadProblem, Table
from pii_hooks.readers import Limits, TableOrProblem, Unreadable
from pii_hooks.readers.columnar import as_text
from pii_hooks.readers.delimited import BATCH_ROWS

_MAGIC = b'SQLite format 3\x00'
_OLE_MAGIC = b'\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1'


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _copy(stream: IO[bytes], limits: Limits) -> str:
    handle, path = tempfile.mkstemp(prefix='pii-hooks-', suffix='.sqlite')
    try:
        with os.fdopen(handle, 'wb') as out:
            copied = 0
            while block := stream.read(1 << 20):
                copied += len(block)
                if copied > limits.max_file_bytes:
                    raise Unreadable(f'database larger than {limits.max_file_bytes:,} bytes '
                                     '(limit max_file_bytes)', 'raise limits.max_file_bytes',
                                     limit='max_file_bytes')
                out.write(block)
    except BaseException:
        os.unlink(path)
        raise
    return path


def _rows(cursor: Any, limits: Limits) -> Iterator[Batch]:
    first = 1
    while rows := cursor.fetchmany(BATCH_ROWS):
        width = len(cursor.description or ())
        yield Batch(first, [[as_text(r[i]) for r in rows] for i in range(width)])
        first += len(rows)
        if first > limits.max_rows:
            raise Unreadable(f'more than {limits.max_rows:,} rows (limit max_rows)',
                             'raise limits.max_rows in .pii-hooks.yaml', limit='max_rows')


def _schema_text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode('utf-8', 'replace')
    return '' if value is None else str(value)


def read_sqlite(name: str, stream: IO[bytes], limits: Limits,
                depth: int = 0) -> Iterator[TableOrProblem]:
    head = stream.read(16)
    stream.seek(0)
    if not head:
        return
    if head != _MAGIC:
        if head.startswith(_OLE_MAGIC) and name.rsplit('/', 1)[-1].lower().endswith('thumbs.db'):
            yield ReadProblem('', 'a Windows thumbnail cache (Thumbs.db): small copies of the '
                              "folder's pictures, not data", 'delete it and add Thumbs.db to '
                              '.gitignore', category=STRUCTURE, blocks=False)
            return
        raise Unreadable('not a SQLite database (no SQLite header; encrypted, or another format)',
                         'exclude the file, or export its tables to CSV')
    path = _copy(stream, limits)
    try:
        yield from _database_tables(path, limits)
    finally:
        os.unlink(path)


def _database_tables(path: str, limits: Limits) -> Iterator[TableOrProblem]:
    import sqlite3
    uri = pathlib.Path(path).as_uri() + '?mode=ro&immutable=1'
    try:
        connection = sqlite3.connect(uri, uri=True)
    except sqlite3.Error:
        raise Unreadable('corrupt SQLite database', 'exclude the file') from None
    try:
        try:
            tables = connection.execute("SELECT name, sql FROM sqlite_master "
                                        "WHERE type = 'table' ORDER BY rowid").fetchall()
            free = connection.execute('PRAGMA freelist_count').fetchone()[0]
        except sqlite3.DatabaseError:
            raise Unreadable('corrupt or encrypted SQLite database', 'exclude the file') from None
        if free:
            yield ReadProblem('free pages', f'{free} free pages may still hold deleted rows',
                              'run VACUUM on the database before committing it',
                              category=STRUCTURE, blocks=False)
        for raw_table, raw_sql in tables:
            # a damaged schema may hold a BLOB or a number where text belongs (found by fuzzing)
            table, sql = _schema_text(raw_table), _schema_text(raw_sql)
            if sql.lstrip().upper().startswith('CREATE VIRTUAL'):
                continue
            try:
                cursor = connection.execute(f'SELECT * FROM {_quote(table)}')
            except sqlite3.DatabaseError:
                raise Unreadable('a table of the SQLite database cannot be read',
                                 'exclude the file') from None
            header = tuple(d[0] for d in cursor.description or ())
            yield Table(f'table "{table}"', 'visible', header, _rows(cursor, limits),
                        header_row=0)
    finally:
        connection.close()


