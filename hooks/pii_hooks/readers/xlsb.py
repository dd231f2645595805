"""XLSB (Excel binary workbook): not read, so it blocks with the way forward.

No maintained Python library reads an XLSB's hidden parts (hidden rows and
columns, comments, pivot caches), and none writes one to test a reader
against; a workbook pii-hooks cannot read fails closed, as an encrypted one
does.  Saved as .xlsx, the same workbook is read in full.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from pii_hooks.readers import Limits, TableOrProblem, Unreadable


def read_xlsb(name: str, stream: IO[bytes], limits: Limits,
              depth: int = 0) -> Iterator[TableOrProblem]:
    """Fail closed (read_tables never hands a reader an empty file)."""
    raise Unreadable('an Excel binary workbook (.xlsb), a format pii-hooks does not read',
                     'save it as .xlsx (Save As > Excel Workbook) and commit that, or '
                     'allowlist it after checking every sheet')
    yield  # pragma: no cover - a generator, as every reader is
