"""Load: thousands of files in one call, with bounded memory and nothing left behind.

Three ways a big change reaches pii-hooks: ``pii-hooks scan folder/`` on a
site's data folder, the pre-commit framework's ``scan --hook`` with every file
name on one command line, and the native ``pre-commit`` hook reading 2,000
staged blobs through ``git cat-file``.  Each run is a process of its own,
measured from inside (peak RSS of the process and of its children, which
include the worker pool and git), and after each one:

* no child process is left (workers, ``git cat-file``): none alive under the
  process when its command returns, none in the repository after it exits;
* the temporary folder it was given is empty again;
* the report covers every file, and the 20 files with people block.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from pii_hooks.cli import main
from tests.conftest import run_git
from tests.fixtures_build import FACILITIES, PEOPLE, Sheet, csv_text, sqlite_bytes, write
from tests.fixtures_build import xlsx_bytes as build_xlsx
from tests.fixtures_build import zip_bytes as build_zip

FILES = 2000
WITH_PEOPLE = 20                    # every 100th file
#: Measured on the 2-core reference machine: ~50 MiB for the process, ~90 MiB for a worker.
MAX_RSS_MIB = 400
MAX_SECONDS = 30

_RUNNER = r'''
import json, os, resource, sys, time
from pii_hooks.cli import main
started = time.monotonic()
code = main(sys.argv[1:])
seconds = time.monotonic() - started
children = []
for entry in os.listdir('/proc'):
    if entry.isdigit():
        try:
            with open(f'/proc/{entry}/stat') as handle:
                fields = handle.read().rsplit(')', 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid():
            children.append(entry)
# VmHWM, not ru_maxrss: a process started by vfork+exec inherits its parent's high-water
# mark in ru_maxrss (under pytest, the test runner's ~500 MiB)
with open('/proc/self/status') as handle:
    peak = next(int(line.split()[1]) for line in handle if line.startswith('VmHWM:'))
sys.stderr.write('\nMEASURED ' + json.dumps({
    'code': code, 'seconds': seconds, 'children': children, 'rss_self': peak // 1024,
    'rss_children': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024}) + '\n')
sys.exit(code)
'''


class Measured(NamedTuple):
    code: int
    report: dict[str, Any]
    seconds: float
    children: list[str]
    rss_self: int               # MiB
    rss_children: int           # MiB: the largest child (a worker, git)
    temp_left: list[str]


def build_folder(root: Path) -> list[str]:
    """2,000 small files of every common format; every 100th holds people."""
    names = []
    data: str | bytes
    sqlite = sqlite_bytes(root, {'sites': FACILITIES})
    xlsx = build_xlsx([Sheet('Sites', FACILITIES)])
    archive = build_zip({'sites.csv': csv_text(FACILITIES)})
    for i in range(FILES):
        base = f'data/{i // 500}/f{i:04d}'
        kind = i % 20
        if i % 100 == 0:
            name, data = f'{base}.csv', csv_text([*PEOPLE, [f'batch {i}', '', '', '']])
        elif kind < 14:
            name, data = f'{base}.csv', csv_text([*FACILITIES, [f'Site {i}', str(i), '3']])
        elif kind < 16:
            name, data = f'{base}.json', json.dumps([{'facility': f'Site {i}', 'count': i}])
        elif kind == 16:
            name, data = f'{base}.xlsx', xlsx
        elif kind == 17:
            name, data = f'{base}.sqlite', sqlite
        elif kind == 18:
            name, data = f'{base}.zip', archive
        else:
            name, data = f'{base}.yaml', f'site: {i}\ncount: {i}\n'
        write(root / name, data)
        names.append(name)
    return names


def _repo_processes(repo: Path) -> list[str]:
    """Processes (other than this one) whose working folder is inside the repository."""
    found = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            cwd = os.readlink(f'/proc/{entry}/cwd')
        except OSError:
            continue
        if cwd == str(repo) or cwd.startswith(f'{repo}/'):
            found.append(entry)
    return found


def run_measured(repo: Path, *args: str) -> Measured:
    temp = Path(tempfile.mkdtemp(prefix='pii-hooks-load-'))
    env = {**os.environ, 'TMPDIR': str(temp)}
    for name in ('CI', 'GITHUB_ACTIONS', 'GIT_INDEX_FILE', 'GIT_DIR', 'PRE_COMMIT_TO_REF'):
        env.pop(name, None)
    proc = subprocess.run([sys.executable, '-c', _RUNNER, *args], cwd=repo, env=env,
                          capture_output=True, text=True, check=False, timeout=120)
    assert 'Traceback' not in proc.stderr, proc.stderr[-2000:]
    measured = json.loads(proc.stderr.rsplit('MEASURED ', 1)[1])
    left = os.listdir(temp)
    if not left:
        os.rmdir(temp)
    report = json.loads(proc.stdout) if proc.stdout.startswith('{') else {}
    return Measured(measured['code'], report,
                    measured['seconds'], measured['children'], measured['rss_self'],
                    measured['rss_children'], left)


def assert_clean_run(run: Measured, repo: Path) -> None:
    print(f'{run.seconds:.1f} s, peak RSS {run.rss_self} MiB (largest child '
          f'{run.rss_children} MiB)')
    assert run.code == 1
    assert run.seconds < MAX_SECONDS
    assert run.rss_self < MAX_RSS_MIB and run.rss_children < MAX_RSS_MIB
    assert run.children == [], 'a worker or git process outlived the command'
    assert run.temp_left == [], 'temporary files left behind'
    deadline = time.monotonic() + 5
    while _repo_processes(repo) and time.monotonic() < deadline:
        time.sleep(0.1)                # orphans of dead workers would linger here
    assert _repo_processes(repo) == []


@pytest.fixture(scope='module')
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[str]]]:
    repo = tmp_path_factory.mktemp('load') / 'site'
    repo.mkdir()
    run_git(repo, 'init', '-q', '-b', 'main')
    run_git(repo, 'config', 'user.email', 'dev@example.com')
    run_git(repo, 'config', 'user.name', 'Dev Example')
    names = build_folder(repo)
    run_git(repo, 'add', 'data')
    yield repo, names


def blocked_paths(report: dict[str, Any]) -> set[str]:
    return {f['path'] for f in report['findings'] if f['severity'] == 'block'}


def test_scan_of_a_folder_of_two_thousand_files(site: tuple[Path, list[str]]) -> None:
    repo, names = site
    run = run_measured(repo, 'scan', '--format', 'json', 'data')
    assert_clean_run(run, repo)
    assert run.report['files_scanned'] == FILES
    assert blocked_paths(run.report) == {n for i, n in enumerate(names) if i % 100 == 0}


def test_pre_commit_framework_passes_every_name_at_once(site: tuple[Path, list[str]]) -> None:
    repo, names = site
    run = run_measured(repo, 'scan', '--hook', '--format', 'json', *names)
    assert_clean_run(run, repo)
    assert run.report['files_scanned'] == FILES
    assert len(blocked_paths(run.report)) == WITH_PEOPLE


def test_native_hook_reads_two_thousand_staged_blobs(site: tuple[Path, list[str]]) -> None:
    repo, names = site
    run = run_measured(repo, 'scan', '--staged', '--format', 'json')
    assert_clean_run(run, repo)
    # a blob is read once, however many paths hold it (the XLSX, SQLite and zip copies)
    assert run.report['files_scanned'] == len({(repo / n).read_bytes() for n in names})
    assert len(blocked_paths(run.report)) == WITH_PEOPLE
    run = run_measured(repo, 'hook', 'pre-commit')
    assert run.code == 1 and run.children == [] and run.temp_left == []


def test_temporary_files_are_private_and_removed(git_repo: Path,
                                                 capfd: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Every temporary file (large blobs, SQLite copies) is 0600 and gone afterwards."""
    import pii_hooks.sources.git as git_source
    temp = git_repo.parent / 'tmp'
    temp.mkdir()
    monkeypatch.setattr(tempfile, 'tempdir', str(temp))
    monkeypatch.setattr(git_source, '_IN_MEMORY', 0)      # every blob through a temp file
    modes: dict[str, int] = {}
    real_named, real_mkstemp = tempfile.NamedTemporaryFile, tempfile.mkstemp

    def named(*args: Any, **kwargs: Any) -> Any:
        handle = real_named(*args, **kwargs)
        modes[handle.name] = os.stat(handle.name).st_mode & 0o777
        return handle

    def mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
        fd, path = real_mkstemp(*args, **kwargs)
        modes[path] = os.stat(path).st_mode & 0o777
        return fd, path

    monkeypatch.setattr(tempfile, 'NamedTemporaryFile', named)
    monkeypatch.setattr(tempfile, 'mkstemp', mkstemp)
    write(git_repo / 'people.csv', csv_text(PEOPLE))
    write(git_repo / 'sites.sqlite', sqlite_bytes(git_repo.parent, {'sites': FACILITIES}))
    write(git_repo / 'sites.zip', build_zip({'sites.csv': csv_text(FACILITIES)}))
    run_git(git_repo, 'add', '.')
    before = set(os.listdir('/proc'))
    assert main(['scan', '--staged']) == 1
    capfd.readouterr()
    assert len(modes) >= 4                 # three blobs, one SQLite copy
    assert set(modes.values()) == {0o600}
    assert os.listdir(temp) == []
    children = [p for p in set(os.listdir('/proc')) - before if p.isdigit()
                and _parent(p) == os.getpid()]
    assert children == []


def _parent(pid: str) -> int:
    try:
        with open(f'/proc/{pid}/stat', encoding='utf-8') as handle:
            return int(handle.read().rsplit(')', 1)[1].split()[1])
    except OSError:
        return -1
