"""`pii-hooks install`: native git hooks that scan the staged, merged, pushed or received blobs.

The hook script names the interpreter it was installed with and starts it
once (no separate "is it still there?" process on every commit).  If that
interpreter or the package is gone, the script exits 2: a hook that cannot
check never lets a commit through silently.
"""
from __future__ import annotations

import os
import shlex
import stat
import sys
from collections.abc import Sequence

from pii_hooks.sources.git import GitError, git

MARKER = '# installed by pii-hooks: `pii-hooks uninstall` removes it'
BACKUP_SUFFIX = '.pre-pii-hooks'

# Runs inside the hook's interpreter: a missing package becomes a clear message and exit 2.
_LAUNCHER = (
    'import sys\n'
    'try:\n'
    # a commit without data files: answered with os alone (pii_hooks/quick.py), ~1 ms
    '    from pii_hooks.quick import nothing_staged\n'
    '    if sys.argv[1:] in (["pre-commit"], ["pre-merge-commit"]) and nothing_staged():\n'
    '        raise SystemExit(0)\n'
    '    from pii_hooks.cli import main\n'
    'except ImportError:\n'
    '    sys.stderr.write("pii-hooks: " + sys.executable + " cannot import pii_hooks, so nothing '
    'was checked. Reinstall it (pip install pii-hooks) and run `pii-hooks install` again.\\n")\n'
    '    raise SystemExit(2)\n'
    'raise SystemExit(main(["hook", *sys.argv[1:]]))\n'
)


def hook_script(hook_type: str, python: str | None = None) -> str:
    exe = shlex.quote(python or sys.executable)
    return (f'#!/bin/sh\n{MARKER}\n'
            f'PII_HOOKS_PYTHON={exe}\n'
            'if [ ! -x "$PII_HOOKS_PYTHON" ]; then\n'
            '  echo "pii-hooks: $PII_HOOKS_PYTHON is gone, so nothing was checked. Reinstall '
            'pii-hooks and run \\`pii-hooks install\\` again." >&2\n'
            '  exit 2\n'
            'fi\n'
            f'exec "$PII_HOOKS_PYTHON" -c {shlex.quote(_LAUNCHER)} {hook_type} "$@"\n')


def _hooks_dir() -> str:
    # --git-path honours core.hooksPath, worktrees and bare repositories
    return os.path.abspath(git('rev-parse', '--git-path', 'hooks').decode().strip())


def _ours(path: str) -> bool:
    try:
        with open(path, encoding='utf-8', errors='replace') as handle:
            return MARKER in handle.read(4096)
    except OSError:
        return False


def install(hook_types: Sequence[str], *, force: bool = False) -> int:
    try:
        folder = _hooks_dir()
    except GitError as exc:
        print(f'pii-hooks: {exc}', file=sys.stderr)
        return 2
    os.makedirs(folder, exist_ok=True)
    foreign = [t for t in hook_types if os.path.lexists(os.path.join(folder, t))
               and not _ours(os.path.join(folder, t))]
    if foreign and not force:
        for hook_type in foreign:
            print(f'pii-hooks: {os.path.join(folder, hook_type)} exists and was not written by '
                  'pii-hooks; use --force to replace it (it is kept as '
                  f'{hook_type}{BACKUP_SUFFIX})', file=sys.stderr)
        return 2
    for hook_type in hook_types:
        path = os.path.join(folder, hook_type)
        if hook_type in foreign:
            os.replace(path, path + BACKUP_SUFFIX)
            print(f'pii-hooks: kept the previous {hook_type} hook as {path}{BACKUP_SUFFIX}')
        with open(path, 'w', encoding='utf-8') as handle:
            handle.write(hook_script(hook_type))
        os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        print(f'pii-hooks: installed {hook_type} hook at {path}')
    return 0


def uninstall(hook_types: Sequence[str]) -> int:
    try:
        folder = _hooks_dir()
    except GitError as exc:
        print(f'pii-hooks: {exc}', file=sys.stderr)
        return 2
    for hook_type in hook_types:
        path = os.path.join(folder, hook_type)
        if not os.path.lexists(path):
            continue
        if not _ours(path):
            print(f'pii-hooks: {path} was not written by pii-hooks; left alone', file=sys.stderr)
            continue
        os.remove(path)
        if os.path.lexists(path + BACKUP_SUFFIX):
            os.replace(path + BACKUP_SUFFIX, path)
            print(f'pii-hooks: removed the {hook_type} hook and restored the previous one')
        else:
            print(f'pii-hooks: removed the {hook_type} hook')
    return 0
