"""Native hooks end to end: real `git commit`, `git merge`, `git push` to local bare repos."""
from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from pii_hooks.cli import main
from tests.git_helpers import (
    PRODUCTS,
    SSN_HEADER,
    SSN_ROWS,
    commit_all,
    git,
    init_repo,
    lfs_pointer,
    people_csv,
    sha,
    store_lfs_object,
    write,
)


@pytest.fixture
def hooked(git_repo: Path) -> Path:
    """A repository with pii-hooks' pre-commit, pre-merge-commit and pre-push hooks."""
    assert main(['install', '-t', 'pre-commit', '-t', 'pre-merge-commit', '-t', 'pre-push']) == 0
    write(git_repo, 'README.md', 'docs\n')
    commit_all(git_repo, 'base', verify=True)
    return git_repo


@pytest.fixture
def remote(hooked: Path, tmp_path: Path) -> Path:
    bare = init_repo(tmp_path / 'remote.git', bare=True)
    git(hooked, 'remote', 'add', 'origin', str(bare))
    git(hooked, 'push', '-q', 'origin', 'main')
    return bare


def _commit(repo: Path, *args: str) -> tuple[int, str]:
    proc = git(repo, 'commit', '-q', *args, check=False)
    return proc.returncode, proc.stdout + proc.stderr


def _raw_values_absent(text: str) -> None:
    for i in range(6):
        assert people_csv(1, i).splitlines()[1].split(',')[2] not in text


# --- pre-commit: what the commit holds, through whichever index git uses ------------

def test_staged_pii_cleaned_on_disk_still_blocks(hooked: Path) -> None:
    write(hooked, 'people.csv', people_csv())
    git(hooked, 'add', 'people.csv')
    write(hooked, 'people.csv', PRODUCTS)
    code, out = _commit(hooked, '-m', 'x')
    assert code == 1
    assert 'people.csv: BLOCKED' in out and 'commit blocked' in out
    _raw_values_absent(out)


def test_clean_staged_file_with_pii_only_on_disk_passes(hooked: Path) -> None:
    write(hooked, 'people.csv', PRODUCTS)
    git(hooked, 'add', 'people.csv')
    write(hooked, 'people.csv', people_csv())
    assert _commit(hooked, '-m', 'x') == (0, '')


def test_commit_only_other_path_leaves_staged_pii_for_the_next_commit(hooked: Path) -> None:
    write(hooked, 'people.csv', people_csv())
    write(hooked, 'notes.txt', 'a note\n')
    git(hooked, 'add', 'people.csv', 'notes.txt')
    write(hooked, 'notes.txt', 'a changed note\n')
    # `git commit -m x notes.txt` (--only): people.csv is staged but not in this commit
    code, _ = _commit(hooked, '-m', 'x', 'notes.txt')
    assert code == 0
    assert git(hooked, 'show', '--name-only', '--format=', 'HEAD').stdout.split() == ['notes.txt']
    code, out = _commit(hooked, '-m', 'y')
    assert code == 1 and 'people.csv' in out


@pytest.mark.parametrize('form', [['-a'], ['people.csv'], ['--only', 'people.csv'],
                                  ['--include', 'people.csv'], ['--amend', '-a']])
def test_commit_forms_that_take_pii_from_the_working_tree_block(hooked: Path,
                                                               form: list[str]) -> None:
    write(hooked, 'people.csv', PRODUCTS)
    commit_all(hooked, 'products', verify=True)
    write(hooked, 'people.csv', people_csv())       # modified, not staged
    code, out = _commit(hooked, '-m', 'x', *form)
    assert code == 1, out
    assert 'people.csv: BLOCKED' in out
    assert git(hooked, 'show', 'HEAD:people.csv').stdout == PRODUCTS


def test_rows_appended_under_an_existing_header_block(hooked: Path) -> None:
    write(hooked, 'cases.csv', SSN_HEADER)
    commit_all(hooked, 'header only', verify=True)
    with open(hooked / 'cases.csv', 'a', encoding='utf-8') as handle:
        handle.write(SSN_ROWS)
    added = [line for line in git(hooked, 'diff', '-U0').stdout.splitlines()
             if line.startswith('+')]
    assert added and not any('SSN' in line for line in added)   # the header is not in the diff
    git(hooked, 'add', 'cases.csv')
    code, out = _commit(hooked, '-m', 'append')
    assert code == 1 and 'column "SSN"' in out


def test_rename_is_scanned_under_its_new_name(hooked: Path) -> None:
    write(hooked, 'data/old.csv', people_csv())
    commit_all(hooked, 'smuggled in')
    (hooked / 'site').mkdir()
    git(hooked, 'mv', 'data/old.csv', 'site/people list.csv')
    code, out = _commit(hooked, '-m', 'move')
    assert code == 1 and 'site/people list.csv: BLOCKED' in out


def test_non_ascii_path(hooked: Path) -> None:
    write(hooked, 'données/élèves.csv', people_csv())
    git(hooked, 'add', '-A')
    code, out = _commit(hooked, '-m', 'x')
    assert code == 1 and 'données/élèves.csv' in out


def test_deletion_and_docs_pass(hooked: Path) -> None:
    write(hooked, 'people.csv', people_csv())
    commit_all(hooked, 'smuggled in')
    git(hooked, 'rm', '-q', 'people.csv')
    write(hooked, 'docs/guide.md', '# Guide\n')
    git(hooked, 'add', '-A')
    assert _commit(hooked, '-m', 'clean up') == (0, '')


def test_lfs_pointer_with_object_is_scanned(hooked: Path) -> None:
    content = people_csv().encode()
    pointer, _ = lfs_pointer(content)
    write(hooked, 'big.csv', pointer)
    store_lfs_object(hooked, content)
    git(hooked, 'add', 'big.csv')
    code, out = _commit(hooked, '-m', 'x')
    assert code == 1 and 'column "SSN"' in out


def test_lfs_pointer_without_object_fails_closed(hooked: Path) -> None:
    pointer, _ = lfs_pointer(PRODUCTS.encode())
    write(hooked, 'big.csv', pointer)
    git(hooked, 'add', 'big.csv')
    code, out = _commit(hooked, '-m', 'x')
    assert code == 1
    assert 'git-LFS pointer whose object is not in .git/lfs/objects' in out
    assert 'git lfs fetch' in out


def test_submodule_is_noted_not_scanned(hooked: Path) -> None:
    head = sha(hooked)
    git(hooked, 'update-index', '--add', '--cacheinfo', f'160000,{head},vendor/lib')
    code, out = _commit(hooked, '-m', 'x')
    assert code == 0
    assert 'vendor/lib: skipped, a submodule' in out


# --- pre-merge-commit -------------------------------------------------------------------

def test_merge_bringing_a_no_verify_commit_is_blocked(hooked: Path) -> None:
    git(hooked, 'checkout', '-q', '-b', 'side')
    write(hooked, 'people.csv', people_csv())
    commit_all(hooked, 'smuggled in with --no-verify')
    git(hooked, 'checkout', '-q', 'main')
    write(hooked, 'other.txt', 'x\n')
    commit_all(hooked, 'main moves on', verify=True)
    proc = git(hooked, 'merge', '--no-ff', '--no-edit', 'side', check=False)
    assert proc.returncode != 0
    assert 'people.csv: BLOCKED' in proc.stdout + proc.stderr
    assert sha(hooked, 'HEAD^{tree}') == sha(hooked, 'main^{tree}')
    assert git(hooked, 'rev-list', '--count', 'HEAD').stdout.strip() == '2'


def test_clean_merge_passes(hooked: Path) -> None:
    git(hooked, 'checkout', '-q', '-b', 'side')
    write(hooked, 'products.csv', PRODUCTS)
    commit_all(hooked, 'products')
    git(hooked, 'checkout', '-q', 'main')
    write(hooked, 'other.txt', 'x\n')
    commit_all(hooked, 'main moves on', verify=True)
    assert git(hooked, 'merge', '--no-ff', '--no-edit', 'side', check=False).returncode == 0


# --- pre-push -----------------------------------------------------------------------------

def _push(repo: Path, *args: str) -> tuple[int, str]:
    proc = git(repo, 'push', *args, check=False)
    return proc.returncode, proc.stdout + proc.stderr


def test_no_verify_commit_is_stopped_at_push(hooked: Path, remote: Path) -> None:
    write(hooked, 'people.csv', people_csv())
    bad = commit_all(hooked, 'smuggled in')
    git(hooked, 'rm', '-q', 'people.csv')
    commit_all(hooked, 'deleted again: the earlier commit still carries it')
    code, out = _push(hooked, 'origin', 'main')
    assert code != 0
    assert 'people.csv: BLOCKED' in out and f'commit: {bad[:12]}' in out
    assert 'push blocked' in out
    _raw_values_absent(out)
    assert sha(remote, 'main') != sha(hooked, 'main')


def test_branch_that_is_not_checked_out_is_blocked(hooked: Path, remote: Path) -> None:
    git(hooked, 'checkout', '-q', '-b', 'leak')
    write(hooked, 'people.csv', people_csv())
    commit_all(hooked, 'leak')
    git(hooked, 'checkout', '-q', 'main')
    assert not (hooked / 'people.csv').exists()
    code, out = _push(hooked, 'origin', 'leak')
    assert code != 0 and 'people.csv: BLOCKED' in out
    assert git(remote, 'branch', '--list', 'leak').stdout == ''


def test_first_push_to_an_empty_remote_is_blocked(hooked: Path, tmp_path: Path) -> None:
    write(hooked, 'people.csv', people_csv())
    commit_all(hooked, 'smuggled in')
    write(hooked, 'more.txt', 'x\n')
    commit_all(hooked, 'later')
    empty = init_repo(tmp_path / 'empty.git', bare=True)
    code, out = _push(hooked, str(empty), 'main')
    assert code != 0 and 'people.csv: BLOCKED' in out


def test_new_branch_is_compared_with_the_remote_not_the_whole_history(
        hooked: Path, remote: Path) -> None:
    # PII that is already on the remote is not this push's doing: it is not reported again
    write(hooked, 'old.csv', people_csv())
    commit_all(hooked, 'old leak')
    git(remote, 'fetch', '-q', str(hooked), 'main:main')      # the remote has it already
    git(hooked, 'fetch', '-q', 'origin')
    git(hooked, 'checkout', '-q', '-b', 'feature')
    write(hooked, 'products.csv', PRODUCTS)
    commit_all(hooked, 'clean work')
    code, out = _push(hooked, 'origin', 'feature')
    assert code == 0, out


def test_rows_appended_under_existing_header_block_at_push(hooked: Path, remote: Path) -> None:
    write(hooked, 'cases.csv', SSN_HEADER)
    commit_all(hooked, 'header only', verify=True)
    git(hooked, 'push', '-q', 'origin', 'main')
    write(hooked, 'cases.csv', SSN_HEADER + SSN_ROWS)
    commit_all(hooked, 'append rows')
    code, out = _push(hooked, 'origin', 'main')
    assert code != 0 and 'column "SSN"' in out


def test_deleting_a_remote_branch_sends_nothing(hooked: Path, remote: Path) -> None:
    git(hooked, 'push', '-q', 'origin', 'main:old')
    assert _push(hooked, 'origin', '--delete', 'old')[0] == 0


def test_clean_push_passes(hooked: Path, remote: Path) -> None:
    write(hooked, 'products.csv', PRODUCTS)
    commit_all(hooked, 'products', verify=True)
    assert _push(hooked, 'origin', 'main')[0] == 0
    assert sha(remote, 'main') == sha(hooked, 'main')


# --- pre-receive (server side) -------------------------------------------------------

@pytest.fixture
def guarded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    bare = init_repo(tmp_path / 'server.git', bare=True)
    monkeypatch.chdir(bare)
    assert main(['install', '--hook-type', 'pre-receive']) == 0
    assert (bare / 'hooks' / 'pre-receive').exists()
    return bare


def test_pre_receive_rejects_a_push(guarded: Path, tmp_path: Path) -> None:
    client = init_repo(tmp_path / 'client')
    write(client, 'products.csv', PRODUCTS)
    commit_all(client, 'clean')
    git(client, 'remote', 'add', 'origin', str(guarded))
    assert _push(client, 'origin', 'main')[0] == 0
    write(client, 'cases.csv', SSN_HEADER + SSN_ROWS)
    bad = commit_all(client, 'leak')
    write(client, 'x.txt', 'x\n')
    commit_all(client, 'later')
    code, out = _push(client, 'origin', 'main')
    assert code != 0
    assert 'remote: cases.csv: BLOCKED' in out and f'commit: {bad[:12]}' in out
    assert 'pre-receive hook declined' in out
    assert sha(guarded, 'main') == sha(client, 'main~2')
    # a new branch with the same commits is rejected too; a clean one passes
    assert _push(client, 'origin', 'main:other')[0] != 0
    code, out = _push(client, 'origin', 'main~2:refs/heads/clean')
    assert code == 0, out


def test_pre_receive_reads_the_configuration_in_the_bare_repository(
        guarded: Path, tmp_path: Path) -> None:
    write(guarded, '.pii-hooks.yaml', "exclude: ['fixtures/**']\n")
    client = init_repo(tmp_path / 'client')
    write(client, 'fixtures/people.csv', people_csv())
    commit_all(client, 'synthetic fixtures, excluded on the server')
    git(client, 'remote', 'add', 'origin', str(guarded))
    code, out = _push(client, 'origin', 'main')
    assert code == 0, out


def test_hook_entry_point_edge_cases(git_repo: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, 'stdin', io.TextIOWrapper(io.BytesIO(b'')))
    assert main(['hook', 'post-commit']) == 2                # not a hook pii-hooks runs
    assert main(['hook', 'pre-receive']) == 0                # no stdin lines: nothing received
    assert main(['hook', 'pre-push', 'origin']) == 0         # nothing pushed
    capsys.readouterr()
