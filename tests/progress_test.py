"""The progress bar: drawn on a terminal after a delay, never in hooks, never a value.

Terminal runs go through a real pseudo-terminal; data is synthetic (conftest).
"""
from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from pii_hooks import progress
from pii_hooks.progress import Progress, batch_bytes, wanted
from tests.conftest import PEOPLE_CSV, PEOPLE_RAW_VALUES, run_git


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _on_a_terminal(args: list[str], cwd: Path, delay: str = '0') -> tuple[int, str]:
    """Run ``pii-hooks ARGS`` with stderr on a pseudo-terminal: (exit code, what it drew)."""
    leader, follower = pty.openpty()
    env = {**os.environ, 'PII_HOOKS_PROGRESS_DELAY': delay}
    env.pop('PII_HOOKS_PROGRESS', None)
    proc = subprocess.Popen([sys.executable, '-m', 'pii_hooks', *args], cwd=cwd, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    drawn = b''
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:         # the terminal closed with the process
            break
        if not chunk:
            break
        drawn += chunk
    os.close(leader)
    return proc.wait(timeout=60), drawn.decode('utf-8', 'replace')


def _people(tmp_path: Path, rows: int = 4000) -> Path:
    body = PEOPLE_CSV.splitlines()[1:]
    path = tmp_path / 'people.csv'
    path.write_text(PEOPLE_CSV.splitlines()[0] + '\n' + '\n'.join(
        body[i % len(body)] for i in range(rows)) + '\n')
    return path


def test_a_long_scan_draws_files_and_rows_never_values(tmp_path: Path) -> None:
    path = _people(tmp_path)
    code, drawn = _on_a_terminal(['scan', '--full-report', path.name], tmp_path)
    assert code == 1
    assert 'pii-hooks:' in drawn and '0/1 files, people.csv:' in drawn and 'rows' in drawn
    assert drawn.rstrip(' ').endswith('\r')        # the bar is cleared when the scan ends
    for value in PEOPLE_RAW_VALUES:
        assert value not in drawn


def test_no_bar_before_the_delay_or_when_asked(tmp_path: Path) -> None:
    path = _people(tmp_path, 10)
    assert 'pii-hooks:' not in _on_a_terminal(['scan', path.name], tmp_path, delay='30')[1]
    assert '%|' not in _on_a_terminal(['scan', '--no-progress', path.name], tmp_path)[1]


def test_no_bar_in_hook_modes(git_repo: Path) -> None:
    _people(git_repo)
    run_git(git_repo, 'add', 'people.csv')
    for args in (['scan', '--hook', 'people.csv'], ['hook', 'pre-commit'],
                 ['scan', '--staged', '--no-progress']):
        code, drawn = _on_a_terminal(args, git_repo)
        assert code == 1 and '%|' not in drawn, args


def test_wanted_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv('PII_HOOKS_PROGRESS', raising=False)
    assert wanted(False, False, _Terminal())
    assert not wanted(False, False, io.StringIO())          # a pipe, a CI log
    assert not wanted(True, False, _Terminal())             # a hook
    assert not wanted(False, True, _Terminal())             # --no-progress
    monkeypatch.setenv('PII_HOOKS_PROGRESS', '0')
    assert not wanted(False, False, _Terminal())

    class Closed(_Terminal):
        def isatty(self) -> bool:
            raise ValueError('I/O operation on closed file')
    monkeypatch.delenv('PII_HOOKS_PROGRESS')
    assert not wanted(False, False, Closed())


def test_bar_counts_bytes_files_and_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('PII_HOOKS_PROGRESS_DELAY', '0')
    monkeypatch.setattr(progress, '_EVERY', 0.0)
    monkeypatch.setattr('shutil.get_terminal_size', lambda fallback: os.terminal_size((200, 40)))
    screen = _Terminal()
    bar = Progress([1000, 3000, -1], stream=screen)
    bar.start_file('data/a-very-long-file-name-for-the-bar.csv', 1000)
    bar.rows_read(1500, 400)
    bar.rows_read(2_500_000, 10_000)         # an estimate never passes the file's size
    assert bar.current == 1000
    bar.end_file(1000)
    bar.start_file('b.csv', 3000)
    bar.end_file(3000)
    bar.close()
    bar.close()
    drawn = screen.getvalue()
    assert '0/3 files, ...-name-for-the-bar.csv: 1.5k rows' in drawn
    assert '...-name-for-the-bar.csv: 2.5M rows' in drawn and '1/3 files, b.csv: 0 rows' in drawn
    assert '2/3 files]' in drawn
    assert bar.done_files == 2 and bar.done_bytes == 4000


def test_bad_delay_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('PII_HOOKS_PROGRESS_DELAY', 'soon')
    assert Progress([1]).delay == progress.DELAY


def test_batch_bytes_estimates_arrow_and_lists() -> None:
    import pyarrow as pa
    assert batch_bytes([['ab', None, 'cde'], pa.array(['xyz', 'w'])]) == (5 + 3) + (4 + 2)
