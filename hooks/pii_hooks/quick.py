"""The native pre-commit hook's first question, answered before anything else is imported.

Most commits hold no data file, and then the hook should cost about what
``git diff --cached`` costs.  Importing ``subprocess`` and ``typing`` alone
costs more than that (measured: 15-20 ms on this project's 2-core machine,
against 10 ms for ``python -c pass``), so this module uses only ``os`` and
``sys``, which every interpreter has loaded before it runs a line.

It answers only "certainly nothing to scan": any doubt (git failed, a data
file or a submodule is staged) returns False and the full hook runs, which
asks git again and decides as always.  The extension list mirrors
``readers.DATA_EXTENSIONS``; tests/lightweight_test.py keeps them equal.
"""
from __future__ import annotations

import os

#: readers.DATA_EXTENSIONS, spelled out so the readers package need not load.
DATA_EXTENSIONS = frozenset({
    '.csv', '.tsv', '.tab', '.psv', '.txt', '.json', '.geojson', '.jsonl', '.ndjson', '.yaml',
    '.yml', '.xlsx', '.xlsm', '.xlsb', '.xls', '.ods', '.fods', '.parquet', '.pq', '.feather',
    '.arrow', '.sql', '.sqlite', '.sqlite3', '.db', '.zip', '.tar', '.tgz', '.gz', '.bz2', '.xz',
})
_SUBMODULE = b'160000'
#: The same question sources.git.staged_changes asks.
_STAGED = ('git', 'diff', '--cached', '--raw', '-z', '--no-abbrev', '--no-renames', '--no-color',
           '--no-ext-diff', '--diff-filter=ACMT')


def extension(name: str) -> str:
    """readers.extension: the lower-cased suffix of the last path component."""
    base = name.rsplit('/', 1)[-1].lower()
    dot = base.rfind('.')
    return base[dot:] if dot > 0 else ''


def _git_output(args: tuple[str, ...]) -> bytes | None:
    """stdout of a git command run with this process's environment; None when it fails."""
    read, write = os.pipe()
    try:
        pid = os.posix_spawnp(args[0], list(args), os.environ, file_actions=[
            (os.POSIX_SPAWN_DUP2, write, 1),
            (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
            (os.POSIX_SPAWN_CLOSE, read)])
    except OSError:
        os.close(read)
        os.close(write)
        return None
    os.close(write)
    chunks = []
    with os.fdopen(read, 'rb') as pipe:
        for chunk in iter(lambda: pipe.read(1 << 16), b''):
            chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    return b''.join(chunks) if os.waitstatus_to_exitcode(status) == 0 else None


def nothing_staged() -> bool:
    """True when the staged changes certainly hold no data file (and no submodule)."""
    if not hasattr(os, 'posix_spawnp'):
        return False
    out = _git_output(_STAGED)
    if out is None:
        return False
    tokens = out.split(b'\0')
    for i, token in enumerate(tokens):
        if not token.startswith(b':'):
            continue
        fields = token.split()
        if len(fields) < 2 or fields[1] == _SUBMODULE or i + 1 >= len(tokens):
            return False
        path = tokens[i + 1].decode('utf-8', 'surrogateescape')
        if extension(path) in DATA_EXTENSIONS:
            return False
    return True
