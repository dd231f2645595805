"""Blobs from git: the index (what a commit will hold) and commits (what a push sends).

Git runs with the environment the hook received: ``git commit -a``,
``git commit <path>`` and ``--only`` commit through a temporary index named
in GIT_INDEX_FILE, and a cleaned environment would read the wrong one.
All blobs are read by one ``git cat-file --batch`` process.
"""
from __future__ import annotations

import io
import os
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO, NamedTuple

from pii_hooks.models import ScanItem

ZERO = '0' * 40
_IN_MEMORY = 32 * 1024 * 1024
LFS_POINTER = b'version https://git-lfs.github.com/spec/v1'


class GitError(Exception):
    """git failed: usage or repository problem (exit 2)."""


def git(*args: str, cwd: str | None = None, input_bytes: bytes | None = None) -> bytes:
    proc = subprocess.run(('git', *args), cwd=cwd, input=input_bytes, capture_output=True,
                          check=False)
    if proc.returncode != 0:
        message = proc.stderr.decode('utf-8', 'replace').strip().splitlines()
        raise GitError(f'git {args[0]} failed: {message[-1] if message else proc.returncode}')
    return proc.stdout


def repo_root(cwd: str | None = None) -> str:
    return git('rev-parse', '--show-toplevel', cwd=cwd).decode().strip()


def git_dir(cwd: str | None = None) -> str:
    return os.path.abspath(git('rev-parse', '--git-common-dir', cwd=cwd).decode().strip())


class BlobRef(NamedTuple):
    path: str
    oid: str
    commit: str | None = None


def staged_blobs(cwd: str | None = None) -> list[BlobRef]:
    """Blobs that the commit being made adds or changes (as the hook's index says)."""
    names = git('diff', '--cached', '-z', '--name-only', '--diff-filter=ACMR', '--no-renames',
                cwd=cwd).split(b'\0')
    wanted = [n for n in names if n]
    if not wanted:
        return []
    out = []
    listing = git('ls-files', '-s', '-z', '--', *[n.decode('utf-8', 'surrogateescape')
                                                   for n in wanted], cwd=cwd)
    for entry in listing.split(b'\0'):
        if not entry:
            continue
        meta, _, path = entry.partition(b'\t')
        mode, oid, _stage = meta.decode().split()
        if mode == '160000':      # a submodule: its content is another repository's
            continue
        out.append(BlobRef(path.decode('utf-8', 'surrogateescape'), oid))
    return out


def _lfs_object(gitdir: str, data: bytes) -> str | None:
    for line in data.decode('ascii', 'replace').splitlines():
        if line.startswith('oid sha256:'):
            oid = line.split(':', 1)[1].strip()
            return os.path.join(gitdir, 'lfs', 'objects', oid[:2], oid[2:4], oid)
    return None


def read_blobs(refs: Iterable[BlobRef], wanted: Callable[[str], bool],
               cwd: str | None = None, origin: str = 'index') -> Iterator[ScanItem]:
    """ScanItems for the wanted blobs, through one ``git cat-file --batch`` process.

    Blobs up to 32 MiB stay in memory, larger ones go to a private temporary
    file that is removed when the scan is over.
    """
    todo = [r for r in refs if wanted(r.path)]
    if not todo:
        return
    gitdir = git_dir(cwd)
    proc = subprocess.Popen(('git', 'cat-file', '--batch'), cwd=cwd, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE)
    assert proc.stdin is not None and proc.stdout is not None
    try:
        for ref in todo:
            proc.stdin.write(ref.oid.encode() + b'\n')
            proc.stdin.flush()
            header = proc.stdout.readline().split()
            if len(header) < 3 or header[1] != b'blob':
                continue
            size = int(header[2])
            item = _item_from_stream(ref, size, proc.stdout, gitdir, origin)
            proc.stdout.read(1)          # the LF after the content
            yield item
    finally:
        proc.stdin.close()
        proc.stdout.close()
        proc.wait()


def _bytes_opener(data: bytes) -> Callable[[], IO[bytes]]:
    def open_bytes() -> IO[bytes]:
        return io.BytesIO(data)
    return open_bytes


def _path_opener(path: str) -> Callable[[], IO[bytes]]:
    def open_path() -> IO[bytes]:
        return open(path, 'rb')
    return open_path


def _item_from_stream(ref: BlobRef, size: int, stream: IO[bytes], gitdir: str,
                      origin: str) -> ScanItem:
    display_origin = origin if ref.commit is None else f'commit {ref.commit}'
    if size <= _IN_MEMORY:
        data = stream.read(size)
        if data.startswith(LFS_POINTER) and size < 1024:
            return _lfs_item(ref, data, gitdir, display_origin)
        return ScanItem(ref.path, size, _bytes_opener(data), display_origin, ref.oid, ref.commit)
    handle = tempfile.NamedTemporaryFile(prefix='pii-hooks-', delete=False)  # noqa: SIM115
    _TEMP_FILES.append(handle.name)
    remaining = size
    with handle:
        while remaining:
            block = stream.read(min(remaining, 1 << 20))
            if not block:
                break
            handle.write(block)
            remaining -= len(block)
    return ScanItem(ref.path, size, _path_opener(handle.name), display_origin, ref.oid, ref.commit)


def _lfs_item(ref: BlobRef, pointer: bytes, gitdir: str, origin: str) -> ScanItem:
    path = _lfs_object(gitdir, pointer)
    if path and os.path.exists(path):
        return ScanItem(ref.path, os.path.getsize(path), _path_opener(path), origin, ref.oid,
                        ref.commit)
    return ScanItem(ref.path, -1, _bytes_opener(pointer), origin, ref.oid, ref.commit)


_TEMP_FILES: list[str] = []


def cleanup() -> None:
    """Remove the temporary files that large blobs were spooled to."""
    while _TEMP_FILES:
        try:
            os.unlink(_TEMP_FILES.pop())
        except OSError:
            pass
