"""Files on disk: the paths given on the command line, folders walked."""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import IO

from pii_hooks.models import ScanItem


def _opener(path: str) -> Callable[[], IO[bytes]]:
    def open_file() -> IO[bytes]:
        return open(path, 'rb')
    return open_file


def file_item(path: str, display: str | None = None) -> ScanItem:
    return ScanItem(path=(display or path).replace(os.sep, '/'), size=os.path.getsize(path),
                    open=_opener(path))


def walk_paths(paths: list[str], wanted: Callable[[str], bool]) -> Iterator[ScanItem]:
    """Files under the given paths that ``wanted`` accepts; symlinks are not followed."""
    for top in paths:
        if os.path.islink(top):
            continue
        if os.path.isdir(top):
            for folder, dirs, files in os.walk(top):
                dirs[:] = sorted(d for d in dirs if d != '.git' and not os.path.islink(
                    os.path.join(folder, d)))
                for name in sorted(files):
                    full = os.path.join(folder, name)
                    if not os.path.islink(full) and wanted(full):
                        yield file_item(os.path.normpath(full))
        elif os.path.isfile(top) and wanted(top):
            yield file_item(os.path.normpath(top))
