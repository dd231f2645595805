"""Archives: .zip (every member, nested archives), .tar, and single-stream .gz / .bz2 / .xz.

Members are never extracted: each is decompressed through a counting reader
into a private spool (memory, then an anonymous temporary file past 64 MiB)
and handed to the reader its name selects, one level deeper.  A member's
tables are named ``member data/people.csv`` (and ``member a.zip, member
b.csv, sheet "X"`` inside nested containers).  ``people.csv.gz`` is read as
``people.csv``; ``x.tar.gz`` and ``.tgz`` as a tar.

Limits (fail closed, naming the limit; sizes in headers are never trusted,
the bytes are counted as they are decompressed):

* ``max_file_bytes``: one member, uncompressed;
* ``max_uncompressed_bytes``: everything unpacked from one file, nested
  archives included;
* ``max_ratio``: uncompressed / compressed, per member and for the whole
  file, checked once a member has given more than 1 MiB (small files
  compress well and honestly);
* ``max_depth``: archives inside archives;
* ``max_members``: files in one archive.

Verdicts for members:

* a path that leaves the archive (``../x``, ``/etc/x``, ``C:\\x``) is
  reported and blocks (hidden_structure); its content is still read, in memory;
* an encrypted member, or one compressed with a method Python cannot read,
  blocks (unreadable);
* members whose names select no reader (images, PDFs, ...) are skipped: a
  zip of images is not data; so are macOS resource forks (``__MACOSX/``,
  ``._name``) and folders.
"""
from __future__ import annotations

import contextvars
import io
import posixpath
import re
import tarfile
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO

from pii_hooks.models import STRUCTURE, ReadProblem
from pii_hooks.readers import (
    Limits,
    TableOrProblem,
    Unreadable,
    check_depth,
    is_data_file,
    read_tables,
    within,
)

_SPOOL_MEMORY = 64 * 1024**2
_RATIO_FLOOR = 1024**2
_READ = 1 << 20
_GLOBAL_LIMITS = frozenset({'max_uncompressed_bytes', 'max_depth', 'max_members', 'max_seconds'})
_DRIVE = re.compile(r'^[A-Za-z]:')
_MAGIC = {'gz': b'\x1f\x8b', 'bz2': b'BZh', 'xz': b'\xfd7zXZ\x00'}


class MemberLimit(Unreadable):
    """One member is over a per-member limit: the member fails, the others are still read."""


class _Budget:
    """Bytes unpacked from one top-level file, shared by the archives nested in it."""

    def __init__(self, limits: Limits, compressed: int) -> None:
        self.limits = limits
        self.compressed = max(compressed, 1)
        self.total = 0

    def add(self, count: int) -> None:
        self.total += count
        limit = self.limits.max_uncompressed_bytes
        if self.total > limit:
            raise Unreadable(f'the archive unpacks to more than {limit:,} bytes '
                             '(limit max_uncompressed_bytes)',
                             'raise limits.max_uncompressed_bytes in .pii-hooks.yaml',
                             limit='max_uncompressed_bytes')
        if self.total > _RATIO_FLOOR and self.total > self.compressed * self.limits.max_ratio:
            raise Unreadable(f'the archive unpacks to over {self.limits.max_ratio} times its '
                             'size (limit max_ratio): a zip bomb?',
                             'raise limits.max_ratio if the file is genuine', limit='max_ratio')


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar('pii_hooks_archive',
                                                                         default=None)


def _size(stream: IO[bytes]) -> int:
    position = stream.tell()
    size = stream.seek(0, 2)
    stream.seek(position)
    return size


class _Scope:
    """Enter: the budget of the outermost archive, created if this one is it."""

    def __init__(self, stream: IO[bytes], limits: Limits) -> None:
        self.token: contextvars.Token[_Budget | None] | None = None
        budget = _BUDGET.get()
        if budget is None:
            budget = _Budget(limits, _size(stream))
            self.token = _BUDGET.set(budget)
        self.budget = budget

    def close(self) -> None:
        if self.token is not None:
            _BUDGET.reset(self.token)
            self.token = None


def spool(source: IO[bytes] | io.BufferedIOBase, member: str, compressed: int, limits: Limits,
          budget: _Budget) -> IO[bytes]:
    """A member's bytes, counted as they are decompressed, in a seekable private spool."""
    out = tempfile.SpooledTemporaryFile(max_size=_SPOOL_MEMORY)  # noqa: SIM115 - returned
    count = 0
    try:
        while block := source.read(_READ):
            count += len(block)
            if count > limits.max_file_bytes:
                # the member's name is the finding's part (masked when shaped like a value),
                # never part of the reason, which reports print as it is
                raise MemberLimit(f'the member unpacks to more than '
                                 f'{limits.max_file_bytes:,} bytes (limit max_file_bytes)',
                                 'raise limits.max_file_bytes in .pii-hooks.yaml',
                                 limit='max_file_bytes')
            if count > _RATIO_FLOOR and count > max(compressed, 1) * limits.max_ratio:
                raise MemberLimit(f'the member unpacks to over {limits.max_ratio} times its '
                                 'compressed size (limit max_ratio): a zip bomb?',
                                 'raise limits.max_ratio if the file is genuine',
                                 limit='max_ratio')
            budget.add(len(block))
            out.write(block)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


def escapes(name: str) -> bool:
    """A member path that would land outside the folder it is unpacked in."""
    path = name.replace('\\', '/')
    return (path.startswith('/') or bool(_DRIVE.match(path))
            or '..' in path.split('/'))


def _skipped(name: str) -> bool:
    base = posixpath.basename(name.replace('\\', '/'))
    return (not base or name.startswith('__MACOSX/') or base.startswith('._')
            or not is_data_file(name))


def _member_tables(label: str, name: str, data: IO[bytes], limits: Limits,
                   depth: int) -> Iterator[TableOrProblem]:
    """A member's tables; its own failures become a problem named by the member."""
    try:
        for found in read_tables(name, data, limits, depth + 1):
            yield within(label, found)
    except Unreadable as exc:
        if exc.limit in _GLOBAL_LIMITS:
            raise
        yield ReadProblem(label, exc.reason, exc.fix)
    except (zipfile.BadZipFile, zlib.error, EOFError, tarfile.TarError):
        yield ReadProblem(label, 'corrupt or truncated compressed data',
                          'rebuild the archive')


def _traversal(label: str) -> ReadProblem:
    return ReadProblem(label, 'the member path leaves the archive folder ("../" or an absolute '
                       'path): unpacking it writes outside the site', 'rebuild the archive '
                       'with relative paths', category=STRUCTURE, blocks=True)


def read_zip(name: str, stream: IO[bytes], limits: Limits,
             depth: int = 0) -> Iterator[TableOrProblem]:
    check_depth(depth, limits)
    if not stream.read(4):
        return
    stream.seek(0)
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise Unreadable('not a readable zip archive (corrupt or truncated)',
                         'rebuild the archive') from None
    scope = _Scope(stream, limits)
    try:
        with archive:
            members = archive.infolist()
            if len(members) > limits.max_members:
                raise Unreadable(f'{len(members):,} members in one archive (limit max_members)',
                                 'raise limits.max_members in .pii-hooks.yaml',
                                 limit='max_members')
            for info in members:
                yield from _zip_member(archive, info, limits, depth, scope.budget)
    finally:
        scope.close()


def _zip_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, depth: int,
                budget: _Budget) -> Iterator[TableOrProblem]:
    member = info.filename
    label = f'member {member}'
    if escapes(member):
        yield _traversal(label)
    if _skipped(member) or info.is_dir():     # in this order: is_dir fails on an empty name
        return
    if info.flag_bits & 0x1:
        yield ReadProblem(label, 'an encrypted archive member', 'commit it unencrypted, or '
                          'exclude the archive')
        return
    try:
        with archive.open(info) as source:
            data = spool(source, member, info.compress_size, limits, budget)
    except MemberLimit as exc:
        yield ReadProblem(label, exc.reason, exc.fix)
        return
    except NotImplementedError:
        yield ReadProblem(label, 'a member compressed with a method pii-hooks cannot read',
                          'rebuild the archive with deflate')
        return
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, ValueError):
        # ValueError: a local header offset that points before the file's start
        yield ReadProblem(label, 'corrupt member (bad data or checksum)', 'rebuild the archive')
        return
    except Exception as exc:
        if _is_lzma_error(exc):       # an LZMA-compressed member (lzma imported lazily)
            yield ReadProblem(label, 'corrupt member (bad data or checksum)',
                              'rebuild the archive')
            return
        raise
    with data:
        yield from _member_tables(label, member, data, limits, depth)


def _is_lzma_error(exc: BaseException) -> bool:
    return any(c.__name__ == 'LZMAError' for c in type(exc).__mro__)


def read_tar(name: str, stream: IO[bytes], limits: Limits,
             depth: int = 0) -> Iterator[TableOrProblem]:
    check_depth(depth, limits)
    if not stream.read(1):
        return
    stream.seek(0)
    try:
        archive = tarfile.open(fileobj=stream, mode='r:*')  # noqa: SIM115 - closed below
    except (tarfile.TarError, OSError, EOFError, zlib.error):
        raise Unreadable('not a readable tar archive (corrupt or truncated)',
                         'rebuild the archive') from None
    scope = _Scope(stream, limits)
    count = 0
    try:
        with archive:
            for info in archive:
                count += 1
                if count > limits.max_members:
                    raise Unreadable(f'more than {limits.max_members:,} members in one archive '
                                     '(limit max_members)',
                                     'raise limits.max_members in .pii-hooks.yaml',
                                     limit='max_members')
                label = f'member {info.name}'
                if escapes(info.name) or ((info.issym() or info.islnk()) and escapes(
                        posixpath.join(posixpath.dirname(info.name), info.linkname))):
                    yield _traversal(label)
                if not info.isfile() or _skipped(info.name):
                    continue
                source = archive.extractfile(info)
                if source is None:
                    continue
                try:
                    with source:
                        data = spool(source, info.name, info.size, limits, scope.budget)
                except MemberLimit as exc:
                    yield ReadProblem(label, exc.reason, exc.fix)
                    continue
                with data:
                    yield from _member_tables(label, info.name, data, limits, depth)
    except (tarfile.TarError, EOFError, zlib.error):
        raise Unreadable('corrupt or truncated tar archive', 'rebuild the archive') from None
    finally:
        scope.close()


def _decompressor(name: str, stream: IO[bytes]) -> io.BufferedIOBase:
    suffix = name.rsplit('.', 1)[-1].lower()
    if suffix == 'gz':
        import gzip
        return gzip.GzipFile(fileobj=stream, mode='rb')
    if suffix == 'bz2':
        import bz2
        return bz2.BZ2File(stream, mode='rb')
    import lzma
    return lzma.LZMAFile(stream, mode='rb')


def read_compressed(name: str, stream: IO[bytes], limits: Limits,
                    depth: int = 0) -> Iterator[TableOrProblem]:
    """people.csv.gz is people.csv; the member's name is the file's name minus its suffix."""
    check_depth(depth, limits)
    if not stream.read(1):
        return
    stream.seek(0)
    inner = name.rsplit('/', 1)[-1].rsplit('.', 1)[0]
    suffix = name.rsplit('.', 1)[-1].lower()
    if stream.read(len(_MAGIC[suffix])) != _MAGIC[suffix]:
        # not even the format its name says: nothing tells what it holds
        raise Unreadable(f'not a valid .{suffix} file (corrupt, or another format)',
                         'rebuild it, or exclude the file')
    stream.seek(0)
    if not is_data_file(inner):
        return                   # backup.gz, site.gz: not a data file once unpacked
    scope = _Scope(stream, limits)
    try:
        try:
            with _decompressor(name, stream) as source:
                data = spool(source, inner, _size(stream), limits, scope.budget)
        except (OSError, EOFError, zlib.error, ValueError):
            raise Unreadable('corrupt or truncated compressed file', 'compress it again') from None
        except Exception as exc:
            if _is_lzma_error(exc):
                raise Unreadable('corrupt or truncated compressed file',
                                 'compress it again') from None
            raise
        with data:
            for found in read_tables(inner, data, limits, depth + 1):
                yield within(f'member {inner}', found)
    finally:
        scope.close()
