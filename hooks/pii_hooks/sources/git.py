"""Blobs from git: the index (what a commit will hold) and commits (what a push sends).

Git runs with the environment the hook received: ``git commit -a``,
``git commit <path>``, ``--only``, ``--include`` and ``--amend`` commit
through a temporary index named in GIT_INDEX_FILE (sometimes as a path
relative to the top level, where hooks run), and a cleaned environment or
another working folder would read the wrong one.  In a pre-receive hook the
pushed objects sit in a quarantine that only the received environment can see.

Whole blobs are scanned, never diffs: rows appended under an existing header
have no header in their diff.  All blobs of one scan are read by one
``git cat-file --batch`` process.
"""
from __future__ import annotations

import contextlib
import io
import os
import subprocess
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, NamedTuple

from pii_hooks.models import ScanItem

ZERO = '0' * 40
_IN_MEMORY = 32 * 1024 * 1024
LFS_POINTER = b'version https://git-lfs.github.com/spec/v1'
_LFS_POINTERS = (LFS_POINTER, b'version https://hawser.github.com/spec/v1')
# patterns compile on first use: `re` is not imported on a commit without data files
_LFS_OID = r'(?m)^oid sha256:([0-9a-f]{64})$'
_LFS_SIZE = r'(?m)^size (\d+)$'
_SUBMODULE = '160000'
_OBJECT_ID = r'[0-9a-f]{7,64}'
# History readers must not see replace refs or signatures: a push sends the real objects.
_LOG = ('--no-replace-objects', '-c', 'log.showSignature=false', 'log', '--format=%x01%H',
        '--raw', '-c', '--root', '--no-abbrev', '-z', '--no-renames', '--no-color',
        '--no-ext-diff', '--topo-order', '--reverse', '--diff-filter=ACMT')

LFS_MISSING_REASON = ('a git-LFS pointer whose object is not in .git/lfs/objects: '
                      'the content cannot be checked')
LFS_MISSING_FIX = ('fetch the object (git lfs fetch / git lfs pull) or `git add` the file again '
                   'so git-lfs stores it, or exclude the path in .pii-hooks.yaml')


class GitError(Exception):
    """git failed: usage or repository problem (exit 2)."""


class LfsObjectMissing(OSError):
    """Raised by the opener of an LFS pointer whose object is absent: reading it fails closed."""


def git(*args: str, cwd: str | None = None, input_bytes: bytes | None = None) -> bytes:
    """Run git with the environment this process received (never a cleaned one)."""
    proc = subprocess.run(('git', *args), cwd=cwd, input=input_bytes, capture_output=True,
                          check=False)
    if proc.returncode != 0:
        message = proc.stderr.decode('utf-8', 'replace').strip().splitlines()
        name = next((a for a in args if not a.startswith('-') and '=' not in a), args[0])
        raise GitError(f'git {name} failed: {message[-1] if message else proc.returncode}')
    return proc.stdout


def repo_root(cwd: str | None = None) -> str:
    return git('rev-parse', '--show-toplevel', cwd=cwd).decode().strip()


def git_dir(cwd: str | None = None) -> str:
    return os.path.abspath(git('rev-parse', '--git-common-dir', cwd=cwd).decode().strip())


def is_zero(sha: str) -> bool:
    """The all-zero id git uses for "no object" (SHA-1 or SHA-256 repositories)."""
    return bool(sha) and sha.strip('0') == ''


def is_shallow(cwd: str | None = None) -> bool:
    return git('rev-parse', '--is-shallow-repository', cwd=cwd).strip() == b'true'


def _path(raw: bytes) -> str:
    # surrogateescape round-trips names that are not UTF-8 back to git unchanged
    return raw.decode('utf-8', 'surrogateescape')


class BlobRef(NamedTuple):
    path: str
    oid: str
    commit: str | None = None
    mode: str = '100644'


class Skipped(NamedTuple):
    """A changed path that is not scanned, and why (shown as a note)."""

    path: str
    reason: str


class Changes(NamedTuple):
    blobs: list[BlobRef]
    skipped: list[Skipped]


def _triage(refs: Iterable[BlobRef]) -> Changes:
    """Regular files are scanned once per blob; submodules are noted; symlinks hold a path."""
    blobs: list[BlobRef] = []
    skipped: list[Skipped] = []
    seen: set[str] = set()
    for ref in refs:
        if ref.mode == _SUBMODULE:
            skipped.append(Skipped(ref.path, 'a submodule: its content lives in another '
                                             'repository; install pii-hooks there'))
        elif ref.mode.startswith('100') and ref.oid not in seen and not is_zero(ref.oid):
            seen.add(ref.oid)
            blobs.append(ref)
    return Changes(blobs, skipped)


def _raw_entries(out: bytes) -> Iterator[tuple[str | None, str, str, str]]:
    """(commit, mode, oid, path) of every entry in ``--raw -z`` output, merges included.

    A combined (``-c``) entry of a merge starts with one colon per parent and ends
    with the merge result's mode and oid: it lists only paths that differ from
    every parent, i.e. what the merge itself introduced.
    """
    commit: str | None = None
    tokens = out.split(b'\0')
    i = 0
    while i < len(tokens):
        token = tokens[i].lstrip(b'\n')
        i += 1
        if token.startswith(b'\x01'):
            commit = token[1:].decode().strip()
        elif token.startswith(b':'):
            fields = token.lstrip(b':').split()
            parents = len(token) - len(token.lstrip(b':'))
            modes, oids = fields[:parents + 1], fields[parents + 1:2 * parents + 2]
            path = _path(tokens[i]) if i < len(tokens) else ''
            i += 1
            yield commit, modes[-1].decode(), oids[-1].decode(), path


def staged_changes() -> Changes:
    """Blobs that the commit being made adds or changes, as the hook's index says.

    For a merge (pre-merge-commit) this is what the merge brings relative to HEAD.
    With an unborn HEAD, ``git diff --cached`` compares against the empty tree.
    """
    out = git('diff', '--cached', '--raw', '-z', '--no-abbrev', '--no-renames', '--no-color',
              '--no-ext-diff', '--diff-filter=ACMT')
    return _triage(BlobRef(path, oid, None, mode) for _c, mode, oid, path in _raw_entries(out))


def index_blobs() -> Changes:
    """Every tracked file in the index (``scan --all-files``)."""
    out = git('ls-files', '-s', '-z')
    refs = []
    for entry in out.split(b'\0'):
        if entry:
            meta, _, path = entry.partition(b'\t')
            mode, oid, _stage = meta.decode().split()
            refs.append(BlobRef(_path(path), oid, None, mode))
    return _triage(refs)


def tree_blobs(rev: str, paths: Sequence[str]) -> Changes:
    """The blobs at ``rev`` for the given repository-relative paths (missing ones are dropped)."""
    if not paths:
        return Changes([], [])
    commit = git('rev-parse', '--verify', f'{rev}^{{commit}}').decode().strip()
    out = git('ls-tree', '-r', '-z', '--full-tree', commit, '--', *paths)
    refs = []
    for entry in out.split(b'\0'):
        if entry:
            meta, _, path = entry.partition(b'\t')
            mode, _type, oid = meta.decode().split()
            refs.append(BlobRef(_path(path), oid, commit, mode))
    return _triage(refs)


def commit_blobs(rev_args: Sequence[str]) -> Changes:
    """Every blob that the commits ``git log <rev_args>`` lists add or modify.

    Each blob once, with the oldest commit that introduced it (``--reverse``).
    Merges contribute only what differs from every parent: content from a parent
    was introduced by a commit that is either in the list or excluded as known.
    """
    out = git(*_LOG, *rev_args, '--')
    return _triage(BlobRef(path, oid, commit, mode)
                   for commit, mode, oid, path in _raw_entries(out))


def existing_commits(shas: Iterable[str]) -> list[str]:
    """The given ids that name commits present in this repository (one process)."""
    wanted = [s for s in shas if s and not is_zero(s)]
    if not wanted:
        return []
    out = git('cat-file', '--batch-check', input_bytes=''.join(
        f'{s}^{{commit}}\n' for s in wanted).encode())
    return [sha for sha, line in zip(wanted, out.decode().splitlines(), strict=False)
            if line.split()[1:2] == ['commit']]


class RefUpdate(NamedTuple):
    """One stdin line of pre-push (local ref, local sha, remote ref, remote sha) or
    pre-receive (old, new, ref), normalised."""

    ref: str
    old: str          # what the remote has now (all-zero: a new ref)
    new: str          # what it will have (all-zero: the ref is deleted)


def parse_pre_push(text: str) -> list[RefUpdate]:
    updates = []
    for line in text.splitlines():
        parts = line.rsplit(maxsplit=3)
        if len(parts) == 4:
            _local_ref, local_sha, remote_ref, remote_sha = parts
            updates.append(RefUpdate(remote_ref, remote_sha, local_sha))
    return updates


def parse_pre_receive(text: str) -> list[RefUpdate]:
    updates = []
    for line in text.splitlines():
        parts = line.split(maxsplit=2)
        if len(parts) == 3:
            old, new, ref = parts
            updates.append(RefUpdate(ref, old, new))
    return updates


def pushed_revs(updates: Sequence[RefUpdate], remote: str | None,
                extra_tips: Sequence[str] = ()) -> list[str]:
    """``git log`` arguments for the commits a push sends that the remote lacks.

    The remote's refs as last fetched (``--remotes=<remote>``) and the remote
    shas the push names (when present here) are excluded.  A new branch is thus
    compared with what the remote already has, not with the whole history; a
    deleted ref sends nothing.  An empty list means nothing to scan.
    """
    tips = [u.new for u in updates if not is_zero(u.new)] + list(extra_tips)
    if not tips:
        return []
    known = existing_commits(u.old for u in updates)
    remotes = f'--remotes={remote}' if remote else '--remotes'
    return [*tips, '--not', remotes, *known]


def received_revs(updates: Sequence[RefUpdate]) -> list[str]:
    """pre-receive: the new commits, i.e. those no existing ref of the repository reaches.

    The refs are not updated before pre-receive succeeds, and the quarantined
    objects are visible to git run with the received environment.
    """
    tips = [u.new for u in updates if not is_zero(u.new)]
    return [*tips, '--not', '--all'] if tips else []


def range_revs(spec: str) -> tuple[list[str], str]:
    """``git log`` arguments for ``--rev-range A..B`` and a note for the user ('' if none).

    An all-zero A (CI's "before" of a new branch), or an A this clone does not
    have (a force-push, a shallow clone), scans B's commits that no
    remote-tracking branch without B already has: a new branch is checked
    against the branches it was cut from; in a clone with no remote-tracking
    branches, that is all of B's history.
    """
    sep = '...' if '...' in spec else '..'
    if sep not in spec:
        raise GitError(f'--rev-range expects A..B, got {spec!r}')
    base, _, tip = spec.partition(sep)
    tip = tip or 'HEAD'
    import re
    if base and not is_zero(base) and (existing_commits([base])
                                       or not re.fullmatch(_OBJECT_ID, base)):
        return [spec], ''       # present, or a name: git says what is wrong with it
    note = '' if not base or is_zero(base) else (
        f'{base[:12]} is not in this clone (force-push or shallow clone?); scanning {tip}\'s '
        'commits that no other remote-tracking branch has')
    tip_commit = git('rev-parse', '--verify', f'{tip}^{{commit}}').decode().strip()
    others = git('for-each-ref', '--format=%(objectname)', f'--no-contains={tip_commit}',
                 'refs/remotes/').decode().split()
    return ([tip_commit, '--not', *others] if others else [tip_commit]), note


# --- reading blobs -----------------------------------------------------------

def _bytes_opener(data: bytes) -> Callable[[], IO[bytes]]:
    def open_bytes() -> IO[bytes]:
        return io.BytesIO(data)
    return open_bytes


def _path_opener(path: str) -> Callable[[], IO[bytes]]:
    def open_path() -> IO[bytes]:
        return open(path, 'rb')
    return open_path


def _missing_opener() -> IO[bytes]:
    raise LfsObjectMissing(LFS_MISSING_REASON)


def lfs_pointer(data: bytes) -> tuple[str, int] | None:
    """(sha256 oid, size) when ``data`` is a git-LFS pointer file, else None."""
    if len(data) > 1024 or not data.startswith(_LFS_POINTERS):
        return None
    import re
    text = data.decode('ascii', 'replace')
    oid, size = re.search(_LFS_OID, text), re.search(_LFS_SIZE, text)
    if oid is None:
        return None
    return oid.group(1), int(size.group(1)) if size else -1


def _lfs_candidates(gitdir: str, oid: str) -> Iterator[str]:
    yield os.path.join(gitdir, 'lfs', 'objects', oid[:2], oid[2:4], oid)
    try:      # lfs.storage moves the store; asked only when the default place is empty
        storage = git('config', '--get', 'lfs.storage').decode().strip()
    except GitError:
        return
    if storage:
        yield os.path.join(gitdir, storage, 'objects', oid[:2], oid[2:4], oid)


def _lfs_item(ref: BlobRef, oid: str, size: int, gitdir: str, origin: str) -> ScanItem:
    for path in _lfs_candidates(gitdir, oid):
        # a partial download (wrong size) is as unknown as a missing one
        if os.path.isfile(path) and size in (-1, os.path.getsize(path)):
            return ScanItem(ref.path, os.path.getsize(path), _path_opener(path), origin, ref.oid,
                            ref.commit)
    return ScanItem(ref.path, -1, _missing_opener, origin, ref.oid, ref.commit)


class BlobReader:
    """One ``git cat-file --batch`` process that turns BlobRefs into ScanItems.

    Blobs up to 32 MiB stay in memory, larger ones go to a private temporary
    file that ``close`` removes.  A git-LFS pointer becomes its object when the
    object is stored locally, else an item of size -1 whose opener raises.
    """

    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self._gitdir = ''
        self._temp: list[str] = []

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _start(self) -> subprocess.Popen[bytes]:
        if self._proc is None:
            self._gitdir = git_dir()
            self._proc = subprocess.Popen(('git', '--no-replace-objects', 'cat-file', '--batch'),
                                          stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        return self._proc

    def item(self, ref: BlobRef, origin: str = 'index') -> ScanItem | None:
        proc = self._start()
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(ref.oid.encode() + b'\n')
        proc.stdin.flush()
        header = proc.stdout.readline().split()
        if len(header) < 3 or header[1] != b'blob':
            return None
        size = int(header[2])
        shown = origin if ref.commit is None else f'commit {ref.commit}'
        item = self._from_stream(ref, size, proc.stdout, shown)
        proc.stdout.read(1)          # the LF after the content
        return item

    def _from_stream(self, ref: BlobRef, size: int, stream: IO[bytes], origin: str) -> ScanItem:
        if size <= _IN_MEMORY:
            data = stream.read(size)
            pointer = lfs_pointer(data)
            if pointer is not None:
                return _lfs_item(ref, pointer[0], pointer[1], self._gitdir, origin)
            return ScanItem(ref.path, size, _bytes_opener(data), origin, ref.oid, ref.commit)
        import tempfile
        handle = tempfile.NamedTemporaryFile(prefix='pii-hooks-', delete=False)  # noqa: SIM115
        self._temp.append(handle.name)
        remaining = size
        with handle:
            while remaining:
                block = stream.read(min(remaining, 1 << 20))
                if not block:
                    break
                handle.write(block)
                remaining -= len(block)
        return ScanItem(ref.path, size, _path_opener(handle.name), origin, ref.oid, ref.commit)

    def close(self) -> None:
        if self._proc is not None:
            assert self._proc.stdin is not None and self._proc.stdout is not None
            self._proc.stdin.close()
            self._proc.stdout.close()
            self._proc.wait()
            self._proc = None
        self.release_temp()

    def release_temp(self) -> None:
        """Remove the temporary files of items already scanned."""
        while self._temp:
            with contextlib.suppress(OSError):
                os.unlink(self._temp.pop())


def blob_sizes(oids: Sequence[str]) -> list[int]:
    """Sizes of the given blobs in one ``git cat-file --batch-check`` (0 when missing)."""
    if not oids:
        return []
    out = git('cat-file', '--batch-check', input_bytes=''.join(f'{o}\n' for o in oids).encode())
    sizes = []
    for line in out.decode().splitlines():
        fields = line.split()
        sizes.append(int(fields[2]) if len(fields) >= 3 and fields[2].isdigit() else 0)
    return sizes
