"""Parquet, Feather and Arrow IPC files through pyarrow, streamed by record batch.

Values come back as text the way a person would write them (dates as ISO
dates, whole floats without '.0', nested values as JSON).

Parquet footers keep min/max statistics for every column chunk.  When the
data was filtered or rewritten without recomputing them, the statistics are
the last copy of values no row holds any more.  After the rows are read,
the statistics values that no row holds are given as a table with part
'parquet statistics' and state 'statistics' (hidden data: blocks); the
file's own key/value metadata (other than pandas' and Arrow's schema) is a
'file metadata' table with state 'metadata'.  Statistics that match
the rows add nothing and are not repeated.
"""
from __future__ import annotations

import datetime as dt
import decimal
import json
import os
import time
from collections.abc import Iterator
from typing import IO, Any

from pii_hooks.models import Batch, Table
from pii_hooks.readers import Limits, TableOrProblem, Unreadable
from pii_hooks.readers.delimited import BATCH_ROWS
from pii_hooks.readers.grid import records_table

_SKIP_METADATA = frozenset({b'pandas', b'ARROW:schema', b'org.apache.spark.version',
                            b'org.apache.spark.sql.parquet.row.metadata', b'writer.model.name'})
_MAX_STAT_GROUPS = 100_000
_CHILD_SECONDS = 120.0


def as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e18 else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time() and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (int, decimal.Decimal)):
        return str(value)
    if isinstance(value, bytes):
        return None               # binary: images and blobs are not text
    if isinstance(value, (list, dict, tuple)):
        return json.dumps(value, default=str, ensure_ascii=False)
    return str(value)


def _batches(batches: Iterator[Any], limits: Limits, seen: list[set[str]] | None,
             done: list[bool]) -> Iterator[Batch]:
    first = 1
    for record_batch in batches:
        # IPC batches are not checked as they are read: offsets past their buffers made
        # to_pylist raise SystemError (found by fuzzing) and could read outside memory
        record_batch.validate(full=True)
        columns: list[list[str | None]] = []
        for i, column in enumerate(record_batch.columns):
            values = [as_text(v) for v in column.to_pylist()]
            if seen is not None and seen[i]:
                seen[i].difference_update(values)
            columns.append(values)
        if first + record_batch.num_rows - 1 > limits.max_rows:
            raise Unreadable(f'more than {limits.max_rows:,} rows (limit max_rows)',
                             'raise limits.max_rows in .pii-hooks.yaml', limit='max_rows')
        if record_batch.num_rows:
            yield Batch(first, columns)
        first += record_batch.num_rows
    done[0] = True


def _statistics(metadata: Any, names: list[str]) -> list[set[str]]:
    """Every min and max value of every column chunk, per top-level column."""
    index = {name: i for i, name in enumerate(names)}
    out: list[set[str]] = [set() for _ in names]
    for g in range(min(metadata.num_row_groups, _MAX_STAT_GROUPS)):
        group = metadata.row_group(g)
        for c in range(group.num_columns):
            chunk = group.column(c)
            i = index.get(chunk.path_in_schema.split('.')[0])
            stats = chunk.statistics
            if i is None or stats is None or not stats.has_min_max:
                continue
            for value in (stats.min, stats.max):
                text = as_text(value)
                if text:
                    out[i].add(text)
    return out


def _isolated_statistics(metadata: Any, names: list[str]) -> list[set[str]]:
    """``_statistics`` in a forked child process.

    A footer whose column chunk contradicts the schema (another physical type,
    a level histogram of the wrong size) makes ``RowGroupMetaData.column``
    throw a C++ exception that Python cannot catch: the library aborts the
    whole process (pyarrow 26, found by fuzzing).  In a child, that abort is
    one file's verdict instead of the end of the scan.
    """
    if not hasattr(os, 'fork'):
        return _statistics(metadata, names)
    import pickle
    import signal
    import warnings
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', DeprecationWarning)     # fork beside Arrow's threads
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the child: report through the pipe, never return
        code = 1
        try:
            os.close(read_end)
            os.dup2(os.open(os.devnull, os.O_WRONLY), 2)       # the library's abort message
            signal.signal(signal.SIGABRT, signal.SIG_DFL)       # die quietly (no crash handler)
            with os.fdopen(write_end, 'wb') as out:
                out.write(pickle.dumps(_statistics(metadata, names)))
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    payload = _read_child(read_end, pid)
    if payload is None:
        raise Unreadable('Parquet footer metadata that contradicts the schema (the Parquet '
                         'library cannot read it)', 'rewrite the file, or exclude it')
    stats: list[set[str]] = pickle.loads(payload)     # our own child wrote it
    return stats


def _read_child(read_end: int, pid: int, timeout: float = _CHILD_SECONDS) -> bytes | None:
    """The child's output, or None when it failed, crashed or hung."""
    import select
    import signal
    chunks: list[bytes] = []
    stop = time.monotonic() + timeout
    done = False
    try:
        with os.fdopen(read_end, 'rb', buffering=0) as pipe:
            while (left := stop - time.monotonic()) > 0:
                ready, _, _ = select.select([pipe], [], [], left)
                if not ready:
                    continue
                chunk = pipe.read(1 << 20)
                if not chunk:
                    done = True
                    break
                chunks.append(chunk)
    finally:
        if not done:        # hung, or this scan was interrupted (max_seconds): no orphan
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    return b''.join(chunks) if status == 0 else None


def _metadata_table(metadata: dict[bytes, bytes] | None) -> Iterator[Table]:
    pairs = [(k.decode('utf-8', 'replace'), v.decode('utf-8', 'replace'))
             for k, v in (metadata or {}).items() if k not in _SKIP_METADATA]
    if pairs:
        yield records_table('file metadata', 'metadata', [k for k, _ in pairs],
                            [[v for _, v in pairs]])


def read_parquet(name: str, stream: IO[bytes], limits: Limits,
                 depth: int = 0) -> Iterator[TableOrProblem]:
    import pyarrow as pa
    import pyarrow.parquet as pq
    head = stream.read(4)
    stream.seek(0)
    if not head:
        return
    try:
        parquet = pq.ParquetFile(stream)
        names = list(parquet.schema_arrow.names)
        stats = _isolated_statistics(parquet.metadata, names)
        done = [False]
        yield Table('', 'visible', tuple(names),
                    _batches(parquet.iter_batches(batch_size=BATCH_ROWS), limits, stats, done),
                    header_row=0)
        if done[0] and any(stats):
            columns = [sorted(s) for s in stats]
            height = max(len(c) for c in columns)
            padded: list[list[str | None]] = [list(c) + [None] * (height - len(c))
                                              for c in columns]
            yield Table('parquet statistics', 'statistics', tuple(names), [Batch(1, padded)],
                        header_row=0)
        yield from _metadata_table(parquet.schema_arrow.metadata)
    except (pa.ArrowException, OSError, ValueError):
        raise Unreadable('not a readable Parquet file (corrupt, truncated or encrypted)',
                         'rewrite it, or exclude the file') from None


def read_feather(name: str, stream: IO[bytes], limits: Limits,
                 depth: int = 0) -> Iterator[TableOrProblem]:
    import pyarrow as pa
    import pyarrow.ipc as ipc
    head = stream.read(8)
    stream.seek(0)
    if not head:
        return
    try:
        if head.startswith(b'ARROW1'):
            reader = ipc.open_file(stream)
            batches: Iterator[Any] = (reader.get_batch(i) for i in range(reader.num_record_batches))
            schema = reader.schema
        elif head.startswith(b'FEA1'):
            import pyarrow.feather as feather
            table = feather.read_table(stream)          # Feather v1: read whole
            batches, schema = iter(table.to_batches(BATCH_ROWS)), table.schema
        else:
            stream_reader = ipc.open_stream(stream)
            batches, schema = iter(stream_reader), stream_reader.schema
        yield Table('', 'visible', tuple(schema.names),
                    _batches(batches, limits, None, [False]), header_row=0)
        yield from _metadata_table(schema.metadata)
    except (pa.ArrowException, OSError, ValueError):
        raise Unreadable('not a readable Feather / Arrow file (corrupt or truncated)',
                         'rewrite it, or exclude the file') from None
