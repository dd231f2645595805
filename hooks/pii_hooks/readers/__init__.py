"""Readers: a file's bytes become tables and parts, each cell with its place and visibility.

``read_tables(name, stream, limits)`` picks a reader by the file's name and
its first bytes.  A reader that cannot judge a file raises ``Unreadable``
with a one-line reason and the way forward; the engine turns it into a
blocking finding (fail closed).  Heavy libraries are imported inside the
reader that needs them, so a commit without data files never pays for them.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from typing import IO, NamedTuple

from pii_hooks.models import ReadProblem, Table


class Limits(NamedTuple):
    """Safe defaults; every one can be raised in ``.pii-hooks.yaml`` (``limits:``)."""

    max_file_bytes: int = 2 * 1024**3            # a single file or archive member
    max_uncompressed_bytes: int = 4 * 1024**3    # everything unpacked from one archive
    max_ratio: int = 200                         # uncompressed / compressed, per member
    max_depth: int = 5                           # archives (and embedded workbooks) inside archives
    max_rows: int = 50_000_000                   # rows in one table
    max_seconds: float = 600.0                   # wall time for one file
    max_nesting: int = 1000                      # JSON / YAML nesting


class Unreadable(Exception):  # noqa: N818 - the name reads as a verdict
    """The file cannot be judged; the commit must not pass on it."""

    def __init__(self, reason: str, fix: str = '', *, limit: str = '') -> None:
        super().__init__(reason)
        self.reason = reason
        self.fix = fix or ('exclude it in .pii-hooks.yaml, allowlist it with a reason '
                           '(pii-hooks allow PATH --reason ...), or convert it to CSV')
        self.limit = limit


TableOrProblem = Table | ReadProblem
Reader = Callable[[str, IO[bytes], Limits, int], Iterator[TableOrProblem]]

#: extension -> 'module:function'.  Module names are relative to this package.
_READERS: dict[str, str] = {
    '.csv': 'delimited:read_delimited', '.tsv': 'delimited:read_delimited',
    '.tab': 'delimited:read_delimited', '.psv': 'delimited:read_delimited',
    '.txt': 'delimited:read_delimited',
    '.json': 'tree:read_json', '.geojson': 'tree:read_json', '.jsonl': 'tree:read_jsonl',
    '.ndjson': 'tree:read_jsonl',
    '.yaml': 'tree:read_yaml', '.yml': 'tree:read_yaml',
    '.xlsx': 'xlsx:read_xlsx', '.xlsm': 'xlsx:read_xlsx',
}

#: The extensions the hooks are offered (kept in step with .pre-commit-hooks.yaml).
DATA_EXTENSIONS = frozenset(_READERS)


def extension(name: str) -> str:
    base = name.rsplit('/', 1)[-1].lower()
    dot = base.rfind('.')
    return base[dot:] if dot > 0 else ''


def is_data_file(name: str) -> bool:
    return extension(name) in _READERS


def reader_for(name: str) -> Reader | None:
    target = _READERS.get(extension(name))
    if target is None:
        return None
    module_name, _, func = target.partition(':')
    module = importlib.import_module(f'{__name__}.{module_name}')
    reader: Reader = getattr(module, func)
    return reader


def read_tables(name: str, stream: IO[bytes], limits: Limits = Limits(),
                depth: int = 0) -> Iterator[TableOrProblem]:
    """Every table and part of one file.  Raises Unreadable (fail closed)."""
    reader = reader_for(name)
    if reader is None:
        raise Unreadable(f'no reader for "{extension(name) or name}" files',
                         'exclude the file in .pii-hooks.yaml')
    yield from reader(name, stream, limits, depth)
