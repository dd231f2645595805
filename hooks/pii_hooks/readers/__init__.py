"""Readers: a file's bytes become tables and parts, each cell with its place and visibility.

``read_tables(name, stream, limits, depth)`` picks a reader by the file's name
and its first bytes.  A reader that cannot judge a file raises ``Unreadable``
with a one-line reason and the way forward; the engine turns it into a
blocking finding (fail closed).  Heavy libraries are imported inside the
reader that needs them, so a commit without data files never pays for them.

``depth`` counts containers: a member of a zip, or a workbook embedded in a
workbook, is read with ``depth + 1``; past ``limits.max_depth`` it fails closed.

Verdicts for files that are not what their names say:

* Office lock files (``~$report.xlsx``: a few hundred bytes, not a zip) hold
  only the name of whoever had the document open.  They are not data, but they
  should never be committed: a warning (``hidden_structure``, not blocking).
* Empty files (or only whitespace) pass with no finding.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from typing import IO, NamedTuple

from pii_hooks.models import STRUCTURE, Batch, ReadProblem, Table


class Limits(NamedTuple):
    """Safe defaults; every one can be raised in ``.pii-hooks.yaml`` (``limits:``)."""

    max_file_bytes: int = 2 * 1024**3            # a single file or archive member
    max_uncompressed_bytes: int = 4 * 1024**3    # everything unpacked from one archive
    max_ratio: int = 200                         # uncompressed / compressed, per member
    max_depth: int = 5                           # archives (and embedded workbooks) inside archives
    max_rows: int = 50_000_000                   # rows in one table
    max_seconds: float = 600.0                   # wall time for one file
    max_nesting: int = 1000                      # JSON / YAML nesting
    max_members: int = 100_000                   # files inside one archive
    max_columns: int = 50_000                    # columns in one table (one line of commas)


class Unreadable(Exception):
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
    '.xls': 'xls:read_xls',
    '.ods': 'ods:read_ods', '.fods': 'ods:read_fods',
    '.xlsb': 'xlsb:read_xlsb',
    '.parquet': 'columnar:read_parquet', '.pq': 'columnar:read_parquet',
    '.feather': 'columnar:read_feather', '.arrow': 'columnar:read_feather',
    '.sql': 'sql:read_sql',
    '.sqlite': 'sqlite:read_sqlite', '.sqlite3': 'sqlite:read_sqlite', '.db': 'sqlite:read_sqlite',
    '.zip': 'archive:read_zip',
    '.tar': 'archive:read_tar', '.tgz': 'archive:read_tar',
    '.gz': 'archive:read_compressed', '.bz2': 'archive:read_compressed',
    '.xz': 'archive:read_compressed',
}

#: The extensions the hooks are offered (kept in step with .pre-commit-hooks.yaml).
DATA_EXTENSIONS = frozenset(_READERS)
_LOCK_FILE_MAX = 4096


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


def check_depth(depth: int, limits: Limits, what: str = 'archives') -> None:
    if depth > limits.max_depth:
        raise Unreadable(f'{what} nested deeper than {limits.max_depth} levels (limit max_depth)',
                         'raise limits.max_depth in .pii-hooks.yaml, or unpack the file',
                         limit='max_depth')


def within(outer: str, found: TableOrProblem, state: str | None = None) -> TableOrProblem:
    """A table or problem from inside a container, its part named from the outside in."""
    part = f'{outer}, {found.part}' if found.part else outer
    if isinstance(found, ReadProblem):
        return found._replace(part=part)
    new_state = state if state is not None and found.state in ('visible', '') else found.state
    return found._replace(part=part, state=new_state)


def _is_lock_file(name: str, stream: IO[bytes]) -> bool:
    """An Office owner file: by its ``~$`` name, or by its layout when renamed.

    The layout: one byte giving the length of the user name, the name, spaces
    up to byte 54, then the name again in UTF-16.
    """
    head = stream.read(_LOCK_FILE_MAX + 1)
    stream.seek(0)
    if len(head) > _LOCK_FILE_MAX or head.startswith((b'PK\x03\x04', b'\xd0\xcf\x11\xe0')):
        return False
    if name.rsplit('/', 1)[-1].startswith('~$'):
        return True
    size = head[0] if head else 0
    user = head[1:1 + size]
    return (0 < size < 54 and len(head) >= 54 and all(32 <= b < 127 or b >= 160 for b in user)
            and head[1 + size:54].strip(b' ') == b'')


DEFAULT_LIMITS = Limits()


def read_tables(name: str, stream: IO[bytes], limits: Limits = DEFAULT_LIMITS,
                depth: int = 0) -> Iterator[TableOrProblem]:
    """Every table and part of one file.  Raises Unreadable (fail closed)."""
    reader = reader_for(name)
    if reader is None:
        raise Unreadable(f'no reader for "{extension(name) or name}" files',
                         'exclude the file in .pii-hooks.yaml')
    if not stream.read(1):
        return                  # an empty file holds nothing
    stream.seek(0)
    if _is_lock_file(name, stream):
        yield ReadProblem('lock file', 'an Office lock file ("~$" name): it holds the name of '
                          'whoever had the document open, no data',
                          'delete it and add "~$*" to .gitignore', category=STRUCTURE,
                          blocks=False)
        return
    yield from failing_closed(_large_delimited(stream, reader)(name, stream, limits, depth))


def failing_closed(found: Iterator[TableOrProblem]) -> Iterator[TableOrProblem]:
    """A library's failure on damaged bytes becomes Unreadable with a reason.

    Batches are read after the reader has handed its table over, outside any
    ``try`` of the reader's own: their failures are translated here too.
    Anything ``library_failure`` does not know is left to escape: a bug, which
    the engine still turns into a blocking finding.
    """
    try:
        for item in found:
            if isinstance(item, Table):
                item = item._replace(batches=_closed_batches(item.batches))
            yield item
    except Unreadable:
        raise
    except Exception as exc:
        failure = library_failure(exc)
        if failure is None:
            raise
        raise failure from None


def _closed_batches(batches: Iterable[Batch]) -> Iterator[Batch]:
    try:
        yield from batches
    except Unreadable:
        raise
    except Exception as exc:
        failure = library_failure(exc)
        if failure is None:
            raise
        raise failure from None


def _modules(exc: BaseException) -> set[str]:
    return {f'{cls.__module__}.{cls.__name__}' for cls in type(exc).__mro__}


def library_failure(exc: BaseException) -> Unreadable | None:
    """How a parser says the bytes are damaged, as a reason; None for anything else.

    Never the exception's text: a parser's message may quote the cell it failed on.
    Optional libraries (pyarrow, sqlite3, lzma) are recognised by their module
    names, so this costs no import.
    """
    import struct
    import zipfile
    import zlib
    from xml.etree.ElementTree import ParseError
    names = _modules(exc)
    fix = ('open and re-save (or rebuild) the file; or exclude it in .pii-hooks.yaml, or '
           'allowlist it with a reason (pii-hooks allow PATH --reason ...)')
    if (isinstance(exc, (zipfile.BadZipFile, zlib.error, EOFError))
            or names & {'_lzma.LZMAError', 'tarfile.TarError'}):
        return Unreadable('corrupt or truncated compressed data', fix)
    if isinstance(exc, NotImplementedError):
        return Unreadable('a compression method or format version pii-hooks cannot read', fix)
    if (isinstance(exc, ParseError) or type(exc) is LookupError      # expat: unknown encoding
            or 'pyexpat.ExpatError' in names):
        return Unreadable('corrupt XML inside the file', fix)
    if isinstance(exc, UnicodeError):
        return Unreadable('text that is not valid in its encoding', 'save the file as UTF-8')
    if any(name.startswith('pyarrow.') for name in names):
        return Unreadable('corrupt or truncated Parquet / Arrow data', fix)
    if 'sqlite3.DatabaseError' in names:
        return Unreadable('corrupt or encrypted SQLite database', fix)
    if isinstance(exc, struct.error):
        return Unreadable('corrupt binary structure', fix)
    if isinstance(exc, MemoryError):
        return Unreadable('the file needs more memory than is available', fix)
    if isinstance(exc, RecursionError):
        return Unreadable('structure nested too deeply to read', fix)
    if isinstance(exc, OSError):
        return Unreadable('the file could not be read (corrupt or truncated)', fix)
    return None


def _large_delimited(stream: IO[bytes], reader: Reader) -> Reader:
    """Big CSV/TSV files go to Arrow's parser (readers/arrow_csv.py); the rest as chosen."""
    if getattr(reader, '__name__', '') != 'read_delimited':
        return reader
    from pii_hooks.readers.arrow_csv import choose
    return choose(stream, reader)
