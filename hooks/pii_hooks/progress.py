"""A progress bar on stderr for long scans (tqdm), shown only where someone watches.

Shown when stderr is a terminal, the scan is not a hook (native hooks and the
framework's ``--hook``/``--push`` runs stay silent), ``--no-progress`` is not
given, ``PII_HOOKS_PROGRESS`` is not ``0`` and the scan has run for
``DELAY`` seconds (``PII_HOOKS_PROGRESS_DELAY`` to change it): a short scan never
draws, and never imports tqdm.

The bar counts bytes of the files to scan; inside a file it moves by an
estimate of the bytes behind each batch of rows (a table's cells, never their
content).  It shows file paths and counts only, as the text report does.
"""
from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from typing import Any

#: Seconds before a scan draws its bar.
DELAY = 2.0
#: Seconds between redraws.
_EVERY = 0.25


class Progress:
    """Files and bytes done, drawn once the scan has run for ``DELAY`` seconds."""

    def __init__(self, sizes: Sequence[int], stream: Any = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.total = max(sum(max(s, 0) for s in sizes), 1)
        self.files = len(sizes)
        self.started = time.monotonic()
        self.delay = _delay()
        self.done_files = 0
        self.done_bytes = 0         # bytes of the files finished
        self.current = 0            # estimated bytes read of the file being scanned
        self.current_size = 0
        self.rows = 0               # rows read of the file being scanned
        self.path = ''
        self._bar: Any = None
        self._drawn = 0.0

    def start_file(self, path: str, size: int) -> None:
        self.path, self.current, self.current_size = path, 0, max(size, 0)
        self.rows = 0
        self._draw()

    def rows_read(self, rows: int, nbytes: int) -> None:
        self.rows += rows
        self.current = min(self.current + nbytes, self.current_size)
        self._draw()

    def end_file(self, size: int) -> None:
        self.done_files += 1
        self.done_bytes += max(size, 0)
        self.current = self.current_size = 0
        self.path = ''
        self._draw()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def _draw(self) -> None:
        now = time.monotonic()
        if now - self.started < self.delay or now - self._drawn < _EVERY:
            return
        self._drawn = now
        if self._bar is None:
            import shutil

            from tqdm import tqdm
            # a terminal that reports no width (a bare pty) gets 80 columns, not an empty bar
            size = shutil.get_terminal_size((80, 24))
            self._bar = tqdm(total=self.total, unit='B', unit_scale=True, unit_divisor=1024,
                             file=self.stream, leave=False, ncols=min(size.columns or 80, 120),
                             nrows=max(size.lines, 2), desc='pii-hooks', mininterval=_EVERY)
        position = min(self.done_bytes + self.current, self.total)
        self._bar.n = position
        reading = f', {_short(self.path)}: {_count(self.rows)} rows' if self.path else ''
        self._bar.set_postfix_str(f'{self.done_files}/{self.files} files{reading}',
                                  refresh=False)
        self._bar.refresh()


def _delay() -> float:
    try:
        return max(float(os.environ.get('PII_HOOKS_PROGRESS_DELAY', DELAY)), 0.0)
    except ValueError:
        return DELAY


def _short(path: str) -> str:
    name = path.replace('\\', '/').rsplit('/', 1)[-1]
    return name if len(name) <= 24 else '...' + name[-21:]


def _count(rows: int) -> str:
    for size, unit in ((1_000_000_000, 'G'), (1_000_000, 'M'), (1_000, 'k')):
        if rows >= size:
            return f'{rows / size:.1f}{unit}'
    return str(rows)


#: The scan's bar, or None: readers and the table loop tick it when it is there.
ACTIVE: Progress | None = None


def wanted(hook: bool, no_progress: bool, stream: Any = None) -> bool:
    """Whether a scan should draw its bar."""
    out = stream if stream is not None else sys.stderr
    if hook or no_progress or os.environ.get('PII_HOOKS_PROGRESS', '') == '0':
        return False
    try:
        return bool(out.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def batch_bytes(columns: Sequence[Any]) -> int:
    """About the bytes a batch of rows took in its file: its characters (Arrow columns:
    the character data) plus a separator a cell."""
    total = 0
    for column in columns:
        size = len(column)
        nbytes = getattr(column, 'nbytes', None)
        if isinstance(nbytes, int):
            total += max(nbytes - 4 * size, 0)       # less the offsets
        else:
            total += sum(len(v) for v in column if isinstance(v, str))
        total += size
    return total
