"""`pii-hooks install`: native git hooks that scan the staged or pushed blobs."""
from __future__ import annotations

import os
import shlex
import stat
import sys
from collections.abc import Sequence

from pii_hooks.sources.git import GitError, git

MARKER = '# installed by pii-hooks: `pii-hooks uninstall` removes it'


def hook_script(hook_type: str) -> str:
    python = shlex.quote(sys.executable)
    return (f'#!/bin/sh\n{MARKER}\n'
            f'if ! {python} -c "import pii_hooks" 2>/dev/null; then\n'
            f'  echo "pii-hooks: {python} cannot import pii_hooks; reinstall the hook" >&2\n'
            '  exit 1\nfi\n'
            f'exec {python} -m pii_hooks hook {hook_type} "$@"\n')


def _hooks_dir() -> str:
    path = git('rev-parse', '--git-path', 'hooks').decode().strip()
    return os.path.abspath(path)


def install(hook_types: Sequence[str], *, force: bool = False) -> int:
    try:
        folder = _hooks_dir()
    except GitError as exc:
        print(f'pii-hooks: {exc}', file=sys.stderr)
        return 2
    os.makedirs(folder, exist_ok=True)
    for hook_type in hook_types:
        path = os.path.join(folder, hook_type)
        if os.path.exists(path) and not force and not _ours(path):
            print(f'pii-hooks: {path} exists and was not written by pii-hooks; '
                  'use --force to replace it', file=sys.stderr)
            return 2
        with open(path, 'w', encoding='utf-8') as handle:
            handle.write(hook_script(hook_type))
        os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        print(f'pii-hooks: installed {hook_type} hook at {path}')
    return 0


def _ours(path: str) -> bool:
    try:
        with open(path, encoding='utf-8', errors='replace') as handle:
            return MARKER in handle.read(4096)
    except OSError:
        return False


def uninstall(hook_types: Sequence[str]) -> int:
    folder = _hooks_dir()
    for hook_type in hook_types:
        path = os.path.join(folder, hook_type)
        if os.path.exists(path) and _ours(path):
            os.remove(path)
            print(f'pii-hooks: removed {hook_type} hook')
        elif os.path.exists(path):
            print(f'pii-hooks: {path} was not written by pii-hooks; left alone', file=sys.stderr)
    return 0
