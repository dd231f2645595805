"""`pii-hooks allow`: pin a file to its content hash, with a reason.

An entry holds the path, the whole file's SHA-256 and the reason (optionally
a sheet, a column, a category): never a digest of a single value, because
10^9 SSNs are enumerated in minutes.  The file's hash pins the entry: when the
allowed file changes it is scanned again.

Which content is pinned: what the commit holds.  When the file is staged as
it is on disk, that is the staged blob (after git's clean filters, such as
``core.autocrlf``); otherwise the working-tree bytes, and we say that the file
must be ``git add``-ed as it is.  If the staged blob then differs, the entry
does not match and the hook blocks again: it fails closed.  Git LFS files are
pinned by their content (the engine scans the LFS object, not the pointer).

The entry is appended to .pii-hooks.yaml as text, so comments and layout
survive; a configuration we cannot append to safely is rewritten whole
(and we say so).  A configuration in pyproject.toml gets an appended
``[[tool.pii-hooks.allow]]`` table.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from typing import IO, Any, NamedTuple

from pii_hooks.policy.config import CONFIG_FILE, ConfigError, load_config, parse_config

_LFS_POINTER = b'version https://git-lfs.github.com/spec/v1'


class Pin(NamedTuple):
    sha256: str
    note: str = ''           # what the user must know (unstaged changes, a filter)


def file_sha256(path: str) -> str:
    with open(path, 'rb') as handle:
        return _stream_sha256(handle)


def _stream_sha256(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: stream.read(1 << 20), b''):
        digest.update(block)
    return digest.hexdigest()


def _git(root: str, *args: str) -> str | None:
    # the environment as received: a hook's GIT_INDEX_FILE names the index being committed
    try:
        proc = subprocess.run(('git', *args), cwd=root, capture_output=True, check=False,
                              timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout.decode('utf-8', 'surrogateescape') if proc.returncode == 0 else None


def _blob_sha256(root: str, oid: str) -> tuple[str, bool] | None:
    """SHA-256 of a blob's content, and whether it is a Git LFS pointer."""
    try:
        proc = subprocess.Popen(('git', 'cat-file', 'blob', oid), cwd=root,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except OSError:
        return None
    out = proc.stdout
    assert out is not None
    head = out.read(len(_LFS_POINTER))
    digest = hashlib.sha256(head)
    for block in iter(lambda: out.read(1 << 20), b''):
        digest.update(block)
    if proc.wait() != 0:
        return None
    return digest.hexdigest(), head == _LFS_POINTER


def pin_for(root: str, path: str, rel: str) -> Pin:
    """The hash to pin for one file: the staged blob when it is the file as it is now."""
    worktree = file_sha256(path)
    staged = _git(root, 'ls-files', '-s', '-z', '--', rel)
    if staged is None:
        return Pin(worktree)                    # not a git repository: the file is the content
    if not staged:
        return Pin(worktree, f'{rel} is not staged: `git add {rel}` as it is now, or the hook '
                             'will scan it again')
    oid = staged.split(' ', 2)[1]
    on_disk = (_git(root, 'hash-object', '--', rel) or '').strip()
    if on_disk != oid:
        return Pin(worktree, f'{rel} has changes that are not staged: `git add {rel}` before '
                             'committing, or the hook will scan it again')
    blob = _blob_sha256(root, oid)
    if blob is None or blob[1] or blob[0] == worktree:
        return Pin(worktree)                    # LFS: the engine hashes the object, as on disk
    return Pin(blob[0], f'git rewrites {rel} when it is committed (a clean filter such as '
                        'core.autocrlf): pinned the staged content')


def _entry(rel: str, sha: str, reason: str, category: str, column: str,
           sheet: str) -> dict[str, str]:
    entry = {'path': rel, 'sha256': sha, 'reason': reason}
    for key, value in (('category', category), ('column', column), ('sheet', sheet)):
        if value:
            entry[key] = value
    return entry


def _same_scope(old: Any, new: dict[str, str]) -> bool:
    return isinstance(old, dict) and all(
        str(old.get(k, '')) == new.get(k, '') for k in ('path', 'category', 'column', 'sheet'))


def _yaml_items(entries: Sequence[dict[str, str]], indent: str) -> str:
    import yaml
    text = yaml.safe_dump(list(entries), sort_keys=False, allow_unicode=True, width=1000)
    return ''.join(indent + line + '\n' for line in text.splitlines())


def _append_yaml(text: str, raw: dict[str, Any], new: Sequence[dict[str, str]]) -> str | None:
    """The configuration with entries appended, keeping comments; None when unsafe."""
    if text and not text.endswith('\n'):
        text += '\n'
    if 'allow' not in raw:
        return text + 'allow:\n' + _yaml_items(new, '  ')
    keys = [m for m in re.finditer(r'^([A-Za-z_][\w-]*)\s*:(.*)$', text, re.M)]
    last = keys[-1] if keys else None
    if last is None or last.group(1) != 'allow' or last.group(2).split('#', 1)[0].strip():
        return None            # 'allow' is not the last block, or is written inline
    items = re.findall(r'^( *)- ', text[last.end():], re.M)
    return text + _yaml_items(new, items[0] if items else '  ')


def _write_yaml(target: str, entries: Sequence[dict[str, str]]) -> str:
    """Add entries to a YAML configuration; returns a note when comments could not be kept."""
    import yaml
    text = ''
    if os.path.exists(target):
        with open(target, encoding='utf-8') as handle:
            text = handle.read()
    raw = yaml.safe_load(text) if text.strip() else {}
    if not isinstance(raw, dict):
        raise ConfigError(f'{target}: expected a mapping at the top level')
    old = raw.get('allow') or []
    replaced = [e for e in old if any(_same_scope(e, n) for n in entries)]
    appended = None if replaced else _append_yaml(text, raw, entries)
    if appended is not None:
        merged = yaml.safe_load(appended)
        if isinstance(merged, dict) and merged.get('allow') == [*old, *entries]:
            parse_config(merged, target)
            _replace_file(target, appended)
            return ''
    raw['allow'] = [e for e in old if e not in replaced] + list(entries)
    parse_config(raw, target)      # refuse to write a configuration we could not read back
    _replace_file(target, yaml.safe_dump(raw, sort_keys=False, allow_unicode=True))
    return (f'{target}: rewritten (the entry replaces an older one for the same scope, or '
            'the allow list is not the last block): comments in it were not kept')


def _toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)     # a JSON string is a valid TOML basic string


def _write_pyproject(target: str, entries: Sequence[dict[str, str]]) -> str:
    import tomllib
    with open(target, encoding='utf-8') as handle:
        text = handle.read()
    tables = ''.join('\n[[tool.pii-hooks.allow]]\n' + ''.join(
        f'{k} = {_toml_string(v)}\n' for k, v in e.items()) for e in entries)
    updated = text + ('' if text.endswith('\n') else '\n') + tables
    try:
        section = tomllib.loads(updated)['tool']['pii-hooks']
        parse_config(section, target)
        ok = section.get('allow', [])[-len(entries):] == list(entries)
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ConfigError):
        ok = False
    if not ok:
        raise ConfigError(f'{target}: cannot add [[tool.pii-hooks.allow]] tables (is "allow" '
                          f'written inline?); add these by hand:\n{tables}')
    _replace_file(target, updated)
    return ''


def _replace_file(target: str, text: str) -> None:
    tmp = target + '.pii-hooks.tmp'
    with open(tmp, 'w', encoding='utf-8') as handle:
        handle.write(text)
    os.replace(tmp, target)


def _target(root: str, config_path: str | None) -> str:
    if config_path:
        return config_path
    yaml_path = os.path.join(root, CONFIG_FILE)
    pyproject = os.path.join(root, 'pyproject.toml')
    # a new .pii-hooks.yaml would silently hide a pyproject section: add to that instead
    if not os.path.exists(yaml_path) and os.path.exists(pyproject) and load_config(
            root).source.startswith('pyproject.toml'):
        return pyproject
    return yaml_path


def add_allow_entries(root: str, paths: Sequence[str], reason: str, *, category: str = '',
                      column: str = '', sheet: str = '', config_path: str | None = None) -> int:
    """Write one entry per path; 0 when written, 2 on a usage error (nothing written)."""
    if not reason.strip():
        print('pii-hooks: --reason must say why the file may hold personal data',
              file=sys.stderr)
        return 2
    entries: list[dict[str, str]] = []
    notes: list[str] = []
    for path in paths:
        if not os.path.isfile(path):
            print(f'pii-hooks: {path}: no such file', file=sys.stderr)
            return 2
        rel = os.path.relpath(os.path.abspath(path), root).replace(os.sep, '/')
        if rel.startswith('../'):
            print(f'pii-hooks: {path}: outside the repository ({root})', file=sys.stderr)
            return 2
        pin = pin_for(root, path, rel)
        entries.append(_entry(rel, pin.sha256, reason.strip(), category, column, sheet))
        notes += [pin.note] if pin.note else []
    target = _target(root, config_path)
    try:
        if target.endswith('.toml'):
            note = _write_pyproject(target, entries)
        else:
            note = _write_yaml(target, entries)
    except ConfigError as exc:
        print(f'pii-hooks: {exc}', file=sys.stderr)
        return 2
    for entry in entries:
        print(f'pii-hooks: allowed {entry["path"]} (sha256 {entry["sha256"][:12]}...): '
              f'{entry["reason"]}')
    for line in [*notes, note]:
        if line:
            print(f'pii-hooks: note: {line}', file=sys.stderr)
    print(f'pii-hooks: commit {os.path.relpath(target, root)} with it; the entry stops '
          'matching when the file changes.', file=sys.stderr)
    return 0
