"""Helpers for the git, hook and framework tests: real repositories, synthetic people only."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

# Obviously fake people: the names are a test pattern, the SSNs are well formed
# (area 1-665, group and serial non-zero) and belong to nobody we know of.
_FIRST = ('Testa', 'Fakey', 'Sampla', 'Mocko', 'Dummo', 'Placeh', 'Exempl', 'Synthia')
_LAST = ('Fixture', 'Example', 'Testcase', 'Sample', 'Stubbs', 'Mockley', 'Fakerson', 'Dummit')


def ssn(i: int) -> str:
    return f'{101 + i % 500:03d}-{11 + i % 80:02d}-{1001 + i:04d}'


def people_csv(rows: int = 4, start: int = 0) -> str:
    lines = ['First Name,Last Name,SSN,Email']
    for i in range(start, start + rows):
        first, last = _FIRST[i % len(_FIRST)], _LAST[(i // 3) % len(_LAST)]
        lines.append(f'{first},{last},{ssn(i)},{first.lower()}.{last.lower()}{i}@gmail.com')
    return '\n'.join(lines) + '\n'


#: A header that names SSNs and rows whose bare 9-digit values are SSNs only under it:
#: the appended rows alone (a diff) do not block, the whole file does.
SSN_HEADER = 'Case,SSN,Amount\n'
SSN_ROWS = ''.join(f'C-{i},{ssn(i).replace("-", "")},{10 + i}\n' for i in range(1, 6))

PRODUCTS = 'sku,label,price\nA-1,Blue Widget,9.99\nA-2,Red Widget,11.50\n'


def clean_env(**extra: str) -> dict[str, str]:
    """The environment a user's shell has: no git or framework variables of the test runner."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(('GIT_', 'PRE_COMMIT_')) or k == 'PRE_COMMIT_HOME'}
    env['PATH'] = os.path.dirname(sys.executable) + os.pathsep + env.get('PATH', '')
    env.update(extra)
    return env


def git(cwd: Path, *args: str, check: bool = True,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(('git', *args), cwd=cwd, capture_output=True, text=True,
                          env=env or clean_env())
    if check and proc.returncode != 0:
        raise AssertionError(f'git {" ".join(args)} failed ({proc.returncode}):\n'
                             f'{proc.stdout}\n{proc.stderr}')
    return proc


def sha(cwd: Path, rev: str = 'HEAD') -> str:
    return git(cwd, 'rev-parse', rev).stdout.strip()


def write(repo: Path, rel: str, content: str | bytes) -> Path:
    path = repo / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding='utf-8')
    return path


def init_repo(path: Path, *, bare: bool = False) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, 'init', '-q', '-b', 'main', *(['--bare'] if bare else []))
    if not bare:
        git(path, 'config', 'user.email', 'dev@example.com')
        git(path, 'config', 'user.name', 'Dev Example')
        git(path, 'config', 'commit.gpgsign', 'false')
    return path


def commit_all(repo: Path, message: str, *, verify: bool = False) -> str:
    """Stage everything and commit (``--no-verify`` unless asked: a setup step, not the test)."""
    git(repo, 'add', '-A')
    git(repo, 'commit', '-q', '-m', message, *([] if verify else ['--no-verify']))
    return sha(repo)


def pii_hooks(cwd: Path, *args: str, stdin: str = '',
              env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The installed console script's code path, as a separate process."""
    return subprocess.run((sys.executable, '-m', 'pii_hooks', *args), cwd=cwd, input=stdin,
                          capture_output=True, text=True, env=env or clean_env())


def lfs_pointer(content: bytes) -> tuple[bytes, str]:
    oid = hashlib.sha256(content).hexdigest()
    pointer = (f'version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\n'
               f'size {len(content)}\n').encode()
    return pointer, oid


def store_lfs_object(repo: Path, content: bytes) -> None:
    """What ``git add`` through the git-lfs clean filter leaves behind, without git-lfs."""
    _pointer, oid = lfs_pointer(content)
    write(repo, f'.git/lfs/objects/{oid[:2]}/{oid[2:4]}/{oid}', content)
