"""`pii-hooks install` / `uninstall`: own hooks only, fail closed when the interpreter is gone."""
from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from pii_hooks import install
from pii_hooks.cli import main
from tests.git_helpers import commit_all, git, people_csv, write

FOREIGN = '#!/bin/sh\necho "someone else\'s hook"\n'


def _hook(repo: Path, name: str = 'pre-commit') -> Path:
    return repo / '.git' / 'hooks' / name


def test_install_writes_an_executable_hook(git_repo: Path) -> None:
    assert main(['install']) == 0
    path = _hook(git_repo)
    text = path.read_text()
    assert install.MARKER in text and sys.executable in text and ' pre-commit "$@"' in text
    assert path.stat().st_mode & stat.S_IXUSR


def test_install_is_idempotent_and_repeatable(git_repo: Path) -> None:
    assert main(['install', '-t', 'pre-commit', '-t', 'pre-push']) == 0
    assert main(['install', '-t', 'pre-commit', '-t', 'pre-push']) == 0
    assert _hook(git_repo, 'pre-push').exists()


def test_foreign_hook_is_refused_without_force(git_repo: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    write(git_repo, '.git/hooks/pre-commit', FOREIGN)
    assert main(['install']) == 2
    assert 'was not written by pii-hooks; use --force' in capsys.readouterr().err
    assert _hook(git_repo).read_text() == FOREIGN


def test_force_keeps_the_foreign_hook_and_uninstall_restores_it(git_repo: Path) -> None:
    write(git_repo, '.git/hooks/pre-commit', FOREIGN)
    assert main(['install', '--force']) == 0
    assert install.MARKER in _hook(git_repo).read_text()
    assert Path(str(_hook(git_repo)) + install.BACKUP_SUFFIX).read_text() == FOREIGN
    assert main(['uninstall']) == 0
    assert _hook(git_repo).read_text() == FOREIGN


def test_uninstall_removes_only_its_own(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(['install', '-t', 'pre-commit']) == 0
    write(git_repo, '.git/hooks/pre-push', FOREIGN)
    assert main(['uninstall', '-t', 'pre-commit', '-t', 'pre-push', '-t', 'pre-receive']) == 0
    assert not _hook(git_repo).exists()
    assert _hook(git_repo, 'pre-push').read_text() == FOREIGN
    assert 'left alone' in capsys.readouterr().err


def test_install_honours_core_hooks_path(git_repo: Path) -> None:
    git(git_repo, 'config', 'core.hooksPath', 'githooks')
    assert main(['install']) == 0
    assert (git_repo / 'githooks' / 'pre-commit').exists()


def test_install_outside_a_repository_exits_2(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv('GIT_CEILING_DIRECTORIES', str(tmp_path))
    assert main(['install']) == 2
    assert main(['uninstall']) == 2


def _install_with(repo: Path, python: str) -> None:
    path = _hook(repo)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(install.hook_script('pre-commit', python))
    path.chmod(0o755)


def test_hook_fails_closed_when_the_interpreter_is_gone(git_repo: Path) -> None:
    _install_with(git_repo, str(git_repo / 'no-such-venv' / 'bin' / 'python'))
    write(git_repo, 'README.md', 'only docs\n')
    git(git_repo, 'add', '-A')
    proc = git(git_repo, 'commit', '-q', '-m', 'x', check=False)
    assert proc.returncode != 0
    assert 'is gone, so nothing was checked' in proc.stderr


def test_hook_fails_closed_when_the_package_is_gone(git_repo: Path, tmp_path: Path) -> None:
    # an interpreter that cannot import pii_hooks: python in isolated mode without site-packages
    fake = tmp_path / 'python-without-pii-hooks'
    fake.write_text(f'#!/bin/sh\nexec {sys.executable} -I -S "$@"\n')
    fake.chmod(0o755)
    _install_with(git_repo, str(fake))
    write(git_repo, 'README.md', 'only docs\n')
    git(git_repo, 'add', '-A')
    proc = git(git_repo, 'commit', '-q', '-m', 'x', check=False)
    assert proc.returncode != 0
    assert 'cannot import pii_hooks, so nothing was checked' in proc.stderr


def test_internal_error_never_passes(git_repo: Path) -> None:
    assert main(['install']) == 0
    write(git_repo, 'people.csv', people_csv())
    git(git_repo, 'add', '-A')
    # a broken configuration is a usage error: exit 2, the commit does not happen
    write(git_repo, '.pii-hooks.yaml', 'categories: [this is not a mapping\n')
    proc = git(git_repo, 'commit', '-q', '-m', 'x', check=False)
    assert proc.returncode != 0 and 'pii-hooks:' in proc.stderr
    assert git(git_repo, 'rev-list', '--all').stdout == ''


def test_hook_in_a_worktree_uses_the_common_hooks(git_repo: Path, tmp_path: Path) -> None:
    write(git_repo, 'README.md', 'x\n')
    commit_all(git_repo, 'base')
    assert main(['install']) == 0
    worktree = tmp_path / 'wt'
    git(git_repo, 'worktree', 'add', '-q', '-b', 'wt', str(worktree))
    write(worktree, 'people.csv', people_csv())
    git(worktree, 'add', '-A')
    proc = git(worktree, 'commit', '-q', '-m', 'x', check=False)
    assert proc.returncode == 1 and 'people.csv: BLOCKED' in proc.stdout + proc.stderr
    assert os.path.exists(_hook(git_repo))
