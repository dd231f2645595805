"""sources/git.py against real repositories: what a commit, a push or a range holds."""
from __future__ import annotations

from pathlib import Path

import pytest

from pii_hooks.sources import git as g
from tests.git_helpers import (
    PRODUCTS,
    commit_all,
    git,
    lfs_pointer,
    people_csv,
    sha,
    store_lfs_object,
    write,
)


def _paths(changes: g.Changes) -> list[str]:
    return sorted(b.path for b in changes.blobs)


def test_staged_reads_the_index_not_the_working_tree(git_repo: Path) -> None:
    write(git_repo, 'people.csv', people_csv())
    git(git_repo, 'add', 'people.csv')
    write(git_repo, 'people.csv', PRODUCTS)          # cleaned on disk, not staged
    [ref] = g.staged_changes().blobs
    with g.BlobReader() as reader:
        item = reader.item(ref)
        assert item is not None
        assert item.open().read().decode() == people_csv()


def test_staged_names_with_spaces_and_non_ascii(git_repo: Path) -> None:
    names = ['data folder/people list.csv', 'données/élèves ü.csv', 'tab\there.csv']
    for name in names:
        write(git_repo, name, people_csv())
    git(git_repo, 'add', '-A')
    # one blob, three paths: scanned once
    assert len(g.staged_changes().blobs) == 1
    write(git_repo, names[1], people_csv(5))
    write(git_repo, names[2], people_csv(6))
    git(git_repo, 'add', '-A')
    assert _paths(g.staged_changes()) == sorted(names)


def test_rename_and_delete(git_repo: Path) -> None:
    write(git_repo, 'old.csv', people_csv())
    write(git_repo, 'gone.csv', PRODUCTS)
    commit_all(git_repo, 'base')
    git(git_repo, 'mv', 'old.csv', 'new name.csv')
    git(git_repo, 'rm', '-q', 'gone.csv')
    # a rename is the new path with the whole blob; a deletion adds nothing
    assert _paths(g.staged_changes()) == ['new name.csv']


def test_unborn_head(git_repo: Path) -> None:
    write(git_repo, 'a.csv', PRODUCTS)
    git(git_repo, 'add', 'a.csv')
    assert _paths(g.staged_changes()) == ['a.csv']


def test_submodule_is_skipped_with_a_note(git_repo: Path) -> None:
    write(git_repo, 'x.txt', 'x\n')
    head = commit_all(git_repo, 'base')
    git(git_repo, 'update-index', '--add', '--cacheinfo', f'160000,{head},vendor/lib')
    changes = g.staged_changes()
    assert changes.blobs == []
    assert [s.path for s in changes.skipped] == ['vendor/lib']
    assert 'submodule' in changes.skipped[0].reason


def test_symlink_is_not_read(git_repo: Path) -> None:
    write(git_repo, 'real.csv', PRODUCTS)
    (git_repo / 'link.csv').symlink_to('real.csv')
    git(git_repo, 'add', '-A')
    assert _paths(g.staged_changes()) == ['real.csv']


def test_lfs_pointer_resolves_to_the_stored_object(git_repo: Path) -> None:
    content = people_csv().encode()
    pointer, _oid = lfs_pointer(content)
    write(git_repo, 'big.csv', pointer)
    store_lfs_object(git_repo, content)
    git(git_repo, 'add', 'big.csv')
    [ref] = g.staged_changes().blobs
    with g.BlobReader() as reader:
        item = reader.item(ref)
        assert item is not None and item.size == len(content)
        assert item.open().read() == content


def test_lfs_pointer_without_object_cannot_be_opened(git_repo: Path) -> None:
    pointer, _oid = lfs_pointer(people_csv().encode())
    write(git_repo, 'big.csv', pointer)
    git(git_repo, 'add', 'big.csv')
    [ref] = g.staged_changes().blobs
    with g.BlobReader() as reader:
        item = reader.item(ref)
        assert item is not None and item.size == -1
        with pytest.raises(g.LfsObjectMissing):
            item.open()


def test_lfs_pointer_parsing_rejects_lookalikes() -> None:
    pointer, oid = lfs_pointer(b'x')
    assert g.lfs_pointer(pointer) == (oid, 1)
    assert g.lfs_pointer(pointer.replace(oid.encode(), b'../../../../etc/passwd')) is None
    assert g.lfs_pointer(b'version https://git-lfs.github.com/spec/v1\n' + b'x' * 2000) is None


def test_large_blob_spools_to_a_temporary_file(git_repo: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(g, '_IN_MEMORY', 10)
    write(git_repo, 'a.csv', PRODUCTS)
    git(git_repo, 'add', 'a.csv')
    [ref] = g.staged_changes().blobs
    reader = g.BlobReader()
    item = reader.item(ref)
    assert item is not None
    with item.open() as stream:
        assert stream.read().decode() == PRODUCTS
    temp = list(reader._temp)
    reader.close()
    assert temp and not any(Path(t).exists() for t in temp)


def test_commit_blobs_sees_every_commit_and_the_introducing_one(git_repo: Path) -> None:
    write(git_repo, 'a.csv', PRODUCTS)
    base = commit_all(git_repo, 'base')
    write(git_repo, 'people.csv', people_csv())
    added = commit_all(git_repo, 'add people')
    git(git_repo, 'rm', '-q', 'people.csv')
    commit_all(git_repo, 'remove people')
    changes = g.commit_blobs([f'{base}..HEAD'])
    # added and removed inside the range: still found, with the commit that added it
    assert [(b.path, b.commit) for b in changes.blobs] == [('people.csv', added)]


def test_merge_contributes_only_what_it_introduces(git_repo: Path) -> None:
    write(git_repo, 'a.csv', PRODUCTS)
    commit_all(git_repo, 'base')
    git(git_repo, 'checkout', '-q', '-b', 'side')
    write(git_repo, 'side.csv', people_csv(3))
    side = commit_all(git_repo, 'side')
    git(git_repo, 'checkout', '-q', 'main')
    write(git_repo, 'main.csv', PRODUCTS + 'A-3,Green,1.00\n')
    commit_all(git_repo, 'main')
    git(git_repo, 'merge', '-q', '--no-ff', '--no-commit', 'side')
    write(git_repo, 'evil.csv', people_csv(2))       # added by the merge commit itself
    git(git_repo, 'add', 'evil.csv')
    git(git_repo, 'commit', '-q', '--no-verify', '-m', 'merge')
    merge = sha(git_repo)
    # the merge alone: side.csv came from a parent, evil.csv from the merge itself
    found = {b.path: b.commit for b in g.commit_blobs(['HEAD', '--not', 'HEAD^1', 'HEAD^2']).blobs}
    assert found == {'evil.csv': merge}
    found = {b.path: b.commit for b in g.commit_blobs(['HEAD~1..HEAD']).blobs}
    assert found == {'side.csv': side, 'evil.csv': merge}
    found = {b.path: b.commit for b in g.commit_blobs(['--all']).blobs}
    assert found['side.csv'] == side and found['evil.csv'] == merge


def test_range_with_zero_base_excludes_branches_cut_from(git_repo: Path,
                                                         tmp_path: Path) -> None:
    write(git_repo, 'a.csv', PRODUCTS)
    commit_all(git_repo, 'base')
    remote = tmp_path / 'remote.git'
    git(tmp_path, 'init', '-q', '--bare', str(remote))
    git(git_repo, 'remote', 'add', 'origin', str(remote))
    git(git_repo, 'push', '-q', 'origin', 'main', '--no-verify')
    git(git_repo, 'checkout', '-q', '-b', 'feature')
    write(git_repo, 'people.csv', people_csv())
    tip = commit_all(git_repo, 'feature')
    git(git_repo, 'push', '-q', 'origin', 'feature', '--no-verify')
    revs, note = g.range_revs(f'{g.ZERO}..{tip}')
    assert note == ''
    assert _paths(g.commit_blobs(revs)) == ['people.csv']      # not a.csv from main
    revs, note = g.range_revs(f'{"1" * 40}..{tip}')            # a base this clone lacks
    assert 'not in this clone' in note
    assert _paths(g.commit_blobs(revs)) == ['people.csv']


def test_range_rejects_a_single_revision(git_repo: Path) -> None:
    with pytest.raises(g.GitError):
        g.range_revs('HEAD')


def test_pushed_revs(git_repo: Path) -> None:
    write(git_repo, 'a.csv', PRODUCTS)
    head = commit_all(git_repo, 'base')
    update = g.parse_pre_push(f'refs/heads/main {head} refs/heads/main {g.ZERO}\n')
    assert g.pushed_revs(update, 'origin') == [head, '--not', '--remotes=origin']
    deleted = g.parse_pre_push(f'(delete) {g.ZERO} refs/heads/old {head}\n')
    assert g.pushed_revs(deleted, 'origin') == []
    missing = g.parse_pre_push(f'refs/heads/main {head} refs/heads/main {"2" * 40}\n')
    assert g.pushed_revs(missing, 'origin') == [head, '--not', '--remotes=origin']
    known = g.parse_pre_push(f'refs/heads/main {head} refs/heads/main {head}\n')
    assert g.pushed_revs(known, 'origin')[-1] == head


def test_received_revs() -> None:
    new = '3' * 40
    lines = f'{g.ZERO} {new} refs/heads/x\n{new} {g.ZERO} refs/heads/gone\n'
    assert g.received_revs(g.parse_pre_receive(lines)) == [new, '--not', '--all']
    assert g.received_revs(g.parse_pre_receive(f'{new} {g.ZERO} refs/heads/gone\n')) == []


def test_is_zero() -> None:
    assert g.is_zero(g.ZERO) and g.is_zero('0' * 64)
    assert not g.is_zero('') and not g.is_zero('0' * 39 + '1')
