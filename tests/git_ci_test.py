"""CI scans (`--rev-range`, `--all-files`, `--history`), the framework entry points
(`--hook`, `--push`) driven by their environment, exit codes, and the parallel path."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pii_hooks import run
from pii_hooks.cli import main
from pii_hooks.sources.git import ZERO
from tests.git_helpers import (
    PRODUCTS,
    SSN_HEADER,
    SSN_ROWS,
    commit_all,
    git,
    init_repo,
    people_csv,
    sha,
    write,
)


def _scan(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object]]:
    code = main(['scan', '--format', 'json', *args])
    out = capsys.readouterr().out
    return code, json.loads(out)


def _blocked_paths(doc: dict[str, object]) -> set[tuple[str, str | None]]:
    findings = doc['findings']
    assert isinstance(findings, list)
    return {(f['path'], f.get('commit')) for f in findings if f['severity'] == 'block'}


@pytest.fixture
def history(git_repo: Path) -> dict[str, str]:
    """base (clean) -> leak (adds people.csv) -> cleanup (removes it) -> rows (appends SSNs)."""
    write(git_repo, 'products.csv', PRODUCTS)
    write(git_repo, 'cases.csv', SSN_HEADER)
    base = commit_all(git_repo, 'base')
    write(git_repo, 'people.csv', people_csv())
    leak = commit_all(git_repo, 'leak')
    git(git_repo, 'rm', '-q', 'people.csv')
    cleanup = commit_all(git_repo, 'cleanup')
    write(git_repo, 'cases.csv', SSN_HEADER + SSN_ROWS)
    rows = commit_all(git_repo, 'rows')
    return {'base': base, 'leak': leak, 'cleanup': cleanup, 'rows': rows}


def test_rev_range_finds_pii_added_and_removed_inside_it(
        history: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = _scan(capsys, '--rev-range', f'{history["base"]}..{history["cleanup"]}')
    assert code == 1
    assert _blocked_paths(doc) == {('people.csv', history['leak'])}


def test_rev_range_sees_rows_appended_under_an_existing_header(
        history: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = _scan(capsys, '--rev-range', f'{history["cleanup"]}..{history["rows"]}')
    assert code == 1
    assert _blocked_paths(doc) == {('cases.csv', history['rows'])}


def test_rev_range_with_zero_base_scans_the_new_branch(
        history: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    # no remote-tracking branches at all: all of B's history
    code, doc = _scan(capsys, '--rev-range', f'{ZERO}..{history["rows"]}')
    assert code == 1
    assert {p for p, _ in _blocked_paths(doc)} == {'people.csv', 'cases.csv'}


def test_rev_range_clean_and_text_output(history: dict[str, str],
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(['scan', '--rev-range', f'{history["leak"]}..{history["cleanup"]}']) == 0
    assert capsys.readouterr().out == ''


def test_rev_range_errors_exit_2(history: dict[str, str],
                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(['scan', '--rev-range', 'HEAD']) == 2
    assert main(['scan', '--rev-range', 'nosuchref..HEAD']) == 2
    assert main(['scan', '--rev-range', 'HEAD~1..nosuchref']) == 2
    assert main(['scan', '--staged', 'people.csv']) == 2       # names with a git source
    err = capsys.readouterr().err
    assert 'expects A..B' in err and 'file names go with' in err


def test_all_files_scans_the_index(history: dict[str, str],
                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = _scan(capsys, '--all-files')
    assert code == 1
    assert _blocked_paths(doc) == {('cases.csv', None)}
    assert doc['files_scanned'] == 2


def test_history_reports_each_blob_once_with_its_commit(
        history: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    git(Path.cwd(), 'checkout', '-q', '-b', 'other', history['base'])
    write(Path.cwd(), 'copy.csv', people_csv())        # the same blob as people.csv
    commit_all(Path.cwd(), 'copy')
    code, doc = _scan(capsys, '--history')
    assert code == 1
    blocked = _blocked_paths(doc)
    assert ('cases.csv', history['rows']) in blocked
    people = {p for p, _ in blocked} & {'people.csv', 'copy.csv'}
    assert len(people) == 1                           # one blob, scanned once


def test_history_in_parallel_matches_in_process(history: dict[str, str],
                                                capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run, 'PARALLEL_MIN_BYTES', 10 ** 12)
    serial = _scan(capsys, '--history')
    monkeypatch.setattr(run, 'PARALLEL_MIN_BYTES', 0)
    monkeypatch.setattr(run.os, 'cpu_count', lambda: 2)
    calls: list[int] = []
    workers = run._workers
    monkeypatch.setattr(run, '_workers', lambda jobs: calls.append(workers(jobs)) or calls[-1])
    parallel = _scan(capsys, '--history')
    assert calls == [2]
    assert parallel == serial


def test_staged_scan_and_exit_codes(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(git_repo, 'products.csv', PRODUCTS)
    git(git_repo, 'add', '-A')
    assert main(['scan', '--staged']) == 0
    write(git_repo, 'people.csv', people_csv())
    git(git_repo, 'add', '-A')
    assert main(['scan', '--staged']) == 1
    capsys.readouterr()


def test_json_output_even_when_nothing_to_scan(git_repo: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    write(git_repo, 'README.md', 'x\n')
    git(git_repo, 'add', '-A')
    code, doc = _scan(capsys, '--staged')
    assert code == 0 and doc['files_scanned'] == 0


def test_hook_reads_blobs_at_to_ref(git_repo: Path, capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    write(git_repo, 'people.csv', PRODUCTS)
    base = commit_all(git_repo, 'base')
    git(git_repo, 'checkout', '-q', '-b', 'leak')
    write(git_repo, 'people.csv', people_csv())
    leak = commit_all(git_repo, 'leak')
    git(git_repo, 'checkout', '-q', 'main')           # the disk holds the clean version
    assert main(['scan', '--hook', 'people.csv']) == 0
    monkeypatch.setenv('PRE_COMMIT_FROM_REF', base)
    monkeypatch.setenv('PRE_COMMIT_TO_REF', leak)
    code, doc = _scan(capsys, '--hook', 'people.csv', 'gone.csv')
    assert code == 1 and _blocked_paths(doc) == {('people.csv', leak)}


def test_push_covers_every_branch_the_remote_lacks(git_repo: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    write(git_repo, 'products.csv', PRODUCTS)
    commit_all(git_repo, 'base')
    bare = init_repo(tmp_path / 'remote.git', bare=True)
    git(git_repo, 'remote', 'add', 'origin', str(bare))
    git(git_repo, 'push', '-q', 'origin', 'main')
    git(git_repo, 'checkout', '-q', '-b', 'leak')
    write(git_repo, 'people.csv', people_csv())
    leak = commit_all(git_repo, 'leak')
    git(git_repo, 'checkout', '-q', 'main')
    write(git_repo, 'more.csv', PRODUCTS + 'A-9,Grey,2.00\n')
    main_tip = commit_all(git_repo, 'more')
    # `git push origin main leak`: the framework reports only main
    monkeypatch.setenv('PRE_COMMIT_REMOTE_NAME', 'origin')
    monkeypatch.setenv('PRE_COMMIT_FROM_REF', sha(git_repo, 'origin/main'))
    monkeypatch.setenv('PRE_COMMIT_TO_REF', main_tip)
    code, doc = _scan(capsys, '--push')
    assert code == 1 and _blocked_paths(doc) == {('people.csv', leak)}
    # first push to an empty remote: no refs, only the local branch
    for var in ('PRE_COMMIT_FROM_REF', 'PRE_COMMIT_TO_REF'):
        monkeypatch.delenv(var)
    monkeypatch.setenv('PRE_COMMIT_REMOTE_NAME', 'empty')
    monkeypatch.setenv('PRE_COMMIT_LOCAL_BRANCH', 'refs/heads/main')
    git(git_repo, 'branch', '-q', '-D', 'leak')
    code, doc = _scan(capsys, '--push')
    assert code == 0 and doc['files_scanned'] == 2


def test_show_values_refused_in_ci(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('CI', 'true')
    assert main(['scan', '--all-files', '--show-values']) == 2


def test_workers_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run.os, 'cpu_count', lambda: 2)
    size = run.PARALLEL_MIN_BYTES
    small = [run.Job('a.csv', 1000), run.Job('b.csv', 1000)]
    even = [run.Job('a.csv', size), run.Job('b.csv', size)]
    lopsided = [run.Job('a.csv', 100 * size), run.Job('b.csv', size // 2)]
    assert run._workers(small) == 0
    assert run._workers(even[:1]) == 0
    assert run._workers(even) == 2
    assert run._workers(lopsided) == 0      # the big file sets the pace anyway
    assert run._workers([*lopsided, *even]) == 2
    monkeypatch.setattr(run.os, 'cpu_count', lambda: 1)
    assert run._workers(even) == 0
