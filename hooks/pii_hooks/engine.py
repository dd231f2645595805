"""The scan of one file: readers, then detectors, and nothing leaks out raw.

Any failure inside a reader becomes a ReadProblem (a blocking finding):
a file we cannot judge never passes.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import threading
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from types import FrameType
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


#: Header text judged per column: a 50 MB JSON key or cell is not a column name.
MAX_HEADER_CHARS = 1000


def _too_slow(limit: float) -> Unreadable:
    return Unreadable(f'scan took longer than {limit:g} s (limit max_seconds)',
                      'raise limits.max_seconds in .pii-hooks.yaml', limit='max_seconds')


def _too_wide(limits: Limits) -> Unreadable:
    return Unreadable(f'more than {limits.max_columns:,} columns in one table (limit '
                      'max_columns)', 'raise limits.max_columns in .pii-hooks.yaml',
                      limit='max_columns')


def _deadline(batches: Iterable[Batch], stop_at: float, limits: Limits) -> Iterator[Batch]:
    for batch in batches:
        if time.monotonic() > stop_at:
            raise _too_slow(limits.max_seconds)
        if len(batch.columns) > limits.max_columns:
            raise _too_wide(limits)
        yield batch


class _Alarm(Exception):
    """The wall clock of one file ran out (raised by the SIGALRM handler)."""


#: pii-hooks' own source files: the only code the alarm interrupts.
_OWN_CODE = os.path.dirname(os.path.abspath(__file__)) + os.sep
#: Seconds before the alarm rings again when it found other code running.
_RING_AGAIN = 0.005


def _ring(_signum: int, frame: FrameType | None) -> None:
    """Stop the scan, from inside pii-hooks' own code only.

    An exception raised inside a library's Python code (threading, queue,
    importlib, coverage) can leave one of its locks held, and the next call
    waits for ever: a hook that hangs instead of blocking.  Elsewhere the
    alarm rings again a few milliseconds later.
    """
    if frame is not None and not frame.f_code.co_filename.startswith(_OWN_CODE):
        signal.setitimer(signal.ITIMER_REAL, _RING_AGAIN)
        return
    raise _Alarm


@contextlib.contextmanager
def _wall_clock(seconds: float) -> Iterator[None]:
    """Interrupt the scan of one file after ``seconds``, even inside one batch.

    Batches are checked against the deadline too, but one batch can hold a
    50 MB cell.  The alarm is used only where it is safe: the main thread of a
    POSIX process with no interval timer of its own running (a host that set
    one keeps it); elsewhere the batch checks alone bound the scan.
    """
    usable = (hasattr(signal, 'setitimer') and seconds > 0
              and threading.current_thread() is threading.main_thread()
              and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0))
    if not usable:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


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


def _problem_for(exc: BaseException, limit: float = 0.0) -> ReadProblem:
    if isinstance(exc, Unreadable):
        return ReadProblem('', exc.reason, exc.fix)
    if isinstance(exc, _Alarm):
        slow = _too_slow(limit)
        return ReadProblem('', slow.reason, slow.fix)
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
        # inside the try: an alarm that rings before the clock is stopped is still caught
        with _wall_clock(limits.max_seconds):
            if options.want_hash(item.path):
                content_hash = _content_hash(item)
            with item.open() as stream, skipping_audited(options.audited_secrets(item.path)):
                for part in read_tables(item.path, stream, limits):
                    if isinstance(part, ReadProblem):
                        problems.append(part)
                        continue
                    if len(part.header) > limits.max_columns:
                        raise _too_wide(limits)
                    batches = _deadline(part.batches, stop_at, limits)
                    if options.headers_only:
                        batches = _headers_only(batches)
                    header = tuple(h[:MAX_HEADER_CHARS] for h in part.header)
                    table = Table(part.part, part.state, header, batches, part.hidden_columns,
                                  part.hidden_rows, part.header_row)
                    tables.append(scan_table(table, full_report=options.full_report,
                                             reveal=options.show_values))
                    if not options.full_report and _conclusive(tables):
                        break
    except Exception as exc:  # noqa: BLE001 - fail closed on anything a reader throws
        problems.append(_problem_for(exc, limits.max_seconds))
    return FileEvidence(item.path, tuple(tables), tuple(problems), item.origin, item.commit,
                        content_hash)


def _conclusive(tables: list[TableEvidence]) -> bool:
    return any(not t.complete for t in tables)
