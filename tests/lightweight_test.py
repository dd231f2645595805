"""The cheap path stays cheap: a commit without data files loads no data library.

Real git repositories in tmp paths; the hook runs as ``pii-hooks install``
writes it.  Synthetic data only.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pii_hooks import quick, readers
from pii_hooks.install import _LAUNCHER
from tests.conftest import PEOPLE_CSV, ROOT, run_git

HEAVY = ('pandas', 'pyarrow', 'numpy', 'regex', 'yaml', 'detect_secrets', 'phonenumbers',
         'stdnum', 'openpyxl', 'python_calamine', 'xlrd')
#: Prints, at exit, the modules among HEAVY (and pii_hooks' own) that were loaded.
_REPORT = ('import atexit, sys\n'
           'atexit.register(lambda: print(" ".join(sorted(m for m in sys.modules '
           f'if m.split(".")[0] in {HEAVY!r} or m.startswith("pii_hooks")))))\n')


def _loaded(code: str, cwd: Path, *args: str) -> tuple[int, set[str]]:
    done = subprocess.run([sys.executable, '-c', _REPORT + code, *args], cwd=cwd,
                          capture_output=True, text=True)
    return done.returncode, set(done.stdout.split())


def test_installed_hook_with_only_docs_staged_imports_nothing(git_repo: Path) -> None:
    (git_repo / 'README.md').write_text('# notes\n', encoding='utf-8')
    run_git(git_repo, 'add', 'README.md')
    code, modules = _loaded(_LAUNCHER, git_repo, 'pre-commit')
    assert code == 0
    assert modules == {'pii_hooks', 'pii_hooks.quick'}


def test_cli_hook_path_with_only_docs_staged_imports_no_data_library(git_repo: Path) -> None:
    (git_repo / 'notes.md').write_text('# notes\n', encoding='utf-8')
    run_git(git_repo, 'add', 'notes.md')
    code, modules = _loaded('from pii_hooks.cli import main\n'
                            'raise SystemExit(main(["hook", "pre-commit"]))\n', git_repo)
    assert code == 0
    assert not {m.split('.')[0] for m in modules} & set(HEAVY), modules
    assert 'pii_hooks.detect.values' not in modules and 'pii_hooks.engine' not in modules


def test_installed_hook_still_blocks_data(git_repo: Path) -> None:
    done = subprocess.run([sys.executable, '-m', 'pii_hooks', 'install'], cwd=git_repo,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    (git_repo / 'README.md').write_text('# notes\n', encoding='utf-8')
    run_git(git_repo, 'add', 'README.md')
    assert run_git(git_repo, 'commit', '-q', '-m', 'docs', check=False).returncode == 0
    (git_repo / 'people.csv').write_text(PEOPLE_CSV, encoding='utf-8')
    run_git(git_repo, 'add', 'people.csv')
    blocked = run_git(git_repo, 'commit', '-q', '-m', 'data', check=False)
    assert blocked.returncode != 0 and 'SSN' in blocked.stdout + blocked.stderr


def test_fast_path_reads_the_temporary_index(git_repo: Path) -> None:
    """``git commit <path>`` commits through GIT_INDEX_FILE: the quick check must see it."""
    subprocess.run([sys.executable, '-m', 'pii_hooks', 'install'], cwd=git_repo, check=True,
                   capture_output=True)
    (git_repo / 'README.md').write_text('# notes\n', encoding='utf-8')
    run_git(git_repo, 'add', 'README.md')
    run_git(git_repo, 'commit', '-q', '-m', 'docs')
    (git_repo / 'people.csv').write_text(PEOPLE_CSV, encoding='utf-8')
    run_git(git_repo, 'add', '-N', 'people.csv')       # known to git, nothing staged yet
    (git_repo / 'README.md').write_text('# more notes\n', encoding='utf-8')
    run_git(git_repo, 'add', 'README.md')
    blocked = run_git(git_repo, 'commit', '-q', '-m', 'data', '--', 'people.csv', check=False)
    assert blocked.returncode != 0


def test_nothing_staged_answers(git_repo: Path, tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    assert quick.nothing_staged()                       # an empty index
    (git_repo / 'a.md').write_text('x\n', encoding='utf-8')
    run_git(git_repo, 'add', 'a.md')
    assert quick.nothing_staged()
    (git_repo / 'data.JSON').write_text('{}\n', encoding='utf-8')
    run_git(git_repo, 'add', 'data.JSON')
    assert not quick.nothing_staged()
    run_git(git_repo, 'rm', '-q', '--cached', 'data.JSON')
    assert quick.nothing_staged()
    outside = tmp_path / 'not-a-repo'
    outside.mkdir()
    monkeypatch.chdir(outside)
    monkeypatch.setenv('GIT_CEILING_DIRECTORIES', str(tmp_path))
    assert not quick.nothing_staged()                   # git fails: the full hook decides


def test_a_staged_submodule_is_left_to_the_full_hook(git_repo: Path) -> None:
    oid = run_git(git_repo, 'hash-object', '-w', '--stdin').stdout.strip() or '0' * 40
    run_git(git_repo, 'update-index', '--add', '--cacheinfo', f'160000,{oid},vendor/lib')
    assert not quick.nothing_staged()


def test_quick_mirrors_the_readers() -> None:
    assert quick.DATA_EXTENSIONS == readers.DATA_EXTENSIONS
    for name in ('a.csv', 'dir.v2/A.CSV', '.csv', 'x.tar.gz', 'README', 'a.b/c', 'x.', '~$b.xlsx'):
        assert quick.extension(name) == readers.extension(name), name


@pytest.mark.slow
def test_perf_benchmark_smoke(tmp_path: Path) -> None:
    """benchmarks/perf.py runs end to end with tiny sizes (figures are not checked)."""
    env = {**os.environ, 'PYTHONPATH': str(ROOT)}
    done = subprocess.run([sys.executable, '-m', 'benchmarks.perf', '--quick', '--only', '1,5,6',
                           '--workdir', str(tmp_path / 'work')], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert '1. scan clean CSV' in done.stdout and '5. pre-commit hook' in done.stdout
