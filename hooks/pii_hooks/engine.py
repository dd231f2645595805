"""The scan of one file: readers, then detectors, and nothing leaks out raw.

Any failure inside a reader becomes a ReadProblem (a blocking finding):
a file we cannot judge never passes.
"""
from __future__ import annotations

import hashlib
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple
from xml.etree.ElementTree import ParseError

from pii_hooks.detect.columns import scan_table
from pii_hooks.detect.secrets import skipping_audited
from pii_hooks.models import Batch, FileEvidence, ReadProblem, ScanItem, Table, TableEvidence
from pii_hooks.readers import Limits, Unreadable, read_tables

_FIX = ('exclude it in .pii-hooks.yaml, allowlist it (pii-hooks allow PATH --reason ...), '
        'or convert it to CSV')


class ScanOptions(NamedTuple):
    limits: Limits = Limits()
    full_report: bool = False
    headers_only: bool = False
    want_hash: Callable[[str], bool] = lambda path: False
    # hashes a detect-secrets baseline audited as false positives, per path (policy/baseline.py)
    audited_secrets: Callable[[str], frozenset[str]] = lambda path: frozenset()
    show_values: bool = False      # --show-values: raw examples (refused when CI is set)


def _deadline(batches: Iterable[Batch], stop_at: float, limit: float) -> Iterator[Batch]:
    for batch in batches:
        if time.monotonic() > stop_at:
            raise Unreadable(f'scan took longer than {limit:g} s (limit max_seconds)',
                             'raise limits.max_seconds in .pii-hooks.yaml', limit='max_seconds')
        yield batch


def _headers_only(batches: Iterable[Batch]) -> Iterator[Batch]:
    """pii-headers: the first batch only, enough to see whether values sit under a header."""
    for batch in batches:
        yield batch
        return


def _content_hash(item: ScanItem) -> str:
    digest = hashlib.sha256()
    with item.open() as stream:
        for block in iter(lambda: stream.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


def _problem_for(exc: BaseException) -> ReadProblem:
    if isinstance(exc, Unreadable):
        return ReadProblem('', exc.reason, exc.fix)
    if isinstance(exc, (zipfile.BadZipFile, zlib.error, EOFError)):
        return ReadProblem('', 'corrupt or truncated compressed data', _FIX)
    if isinstance(exc, ParseError):
        return ReadProblem('', 'corrupt XML inside the file', _FIX)
    if isinstance(exc, UnicodeError):
        return ReadProblem('', 'text in an unknown or mixed encoding', 'save the file as UTF-8')
    if isinstance(exc, MemoryError):
        return ReadProblem('', 'the file needs more memory than is available', _FIX)
    if isinstance(exc, RecursionError):
        return ReadProblem('', 'structure nested too deeply to read', _FIX)
    # never str(exc): a library's message may quote the cell it choked on
    return ReadProblem('', f'the reader failed ({type(exc).__name__})', _FIX)


_DEFAULT_OPTIONS = ScanOptions()


def scan_item(item: ScanItem, options: ScanOptions = _DEFAULT_OPTIONS) -> FileEvidence:
    """Judge one file.  Never raises for bad input: problems are evidence."""
    tables: list[TableEvidence] = []
    problems: list[ReadProblem] = []
    limits = options.limits
    content_hash = ''
    if item.size > limits.max_file_bytes:
        problems.append(ReadProblem('', f'{item.size:,} bytes is over the size limit '
                                    f'({limits.max_file_bytes:,} bytes, limit max_file_bytes)',
                                    'raise limits.max_file_bytes in .pii-hooks.yaml, '
                                    'or exclude it'))
        return FileEvidence(item.path, (), tuple(problems), item.origin, item.commit)
    stop_at = time.monotonic() + limits.max_seconds
    try:
        if options.want_hash(item.path):
            content_hash = _content_hash(item)
        with item.open() as stream, skipping_audited(options.audited_secrets(item.path)):
            for part in read_tables(item.path, stream, limits):
                if isinstance(part, ReadProblem):
                    problems.append(part)
                    continue
                batches = _deadline(part.batches, stop_at, limits.max_seconds)
                if options.headers_only:
                    batches = _headers_only(batches)
                table = Table(part.part, part.state, part.header, batches, part.hidden_columns,
                              part.hidden_rows, part.header_row)
                tables.append(scan_table(table, full_report=options.full_report,
                                             reveal=options.show_values))
                if not options.full_report and _conclusive(tables):
                    break
    except Exception as exc:  # noqa: BLE001 - fail closed on anything a reader throws
        problems.append(_problem_for(exc))
    return FileEvidence(item.path, tuple(tables), tuple(problems), item.origin, item.commit,
                        content_hash)


def _conclusive(tables: list[TableEvidence]) -> bool:
    return any(not t.complete for t in tables)
