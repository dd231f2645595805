"""`pii-hooks allow`: entries pin the whole file's hash, keep the config, fail closed."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
import yaml

from pii_hooks.cli import main
from pii_hooks.policy.allowlist import pin_for
from pii_hooks.policy.config import load_config
from tests.conftest import PEOPLE_CSV, PEOPLE_RAW_VALUES, run_git

COMMENTED = '# pii-hooks settings\nexclude: [build/]   # generated\n'


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stage(repo: Path, rel: str, text: str) -> None:
    path = repo / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    run_git(repo, 'add', rel)


def test_allow_then_commit_passes_and_change_blocks(git_repo: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    stage(git_repo, 'data/people.csv', PEOPLE_CSV)
    assert main(['scan', '--staged']) == 1
    assert main(['allow', 'data/people.csv', '--reason', 'synthetic fixture']) == 0
    captured = capsys.readouterr()
    assert 'allowed data/people.csv (sha256 ' in captured.out
    config = load_config(str(git_repo))
    assert len(config.allow) == 1
    entry = config.allow[0]
    assert entry.path == 'data/people.csv' and entry.reason == 'synthetic fixture'
    assert entry.sha256 == sha(PEOPLE_CSV.encode())
    assert main(['scan', '--staged']) == 0
    assert main(['scan', 'data/people.csv']) == 0
    # one more row: the file is scanned again
    stage(git_repo, 'data/people.csv', PEOPLE_CSV + 'Ann,Lee,345-67-8901,alee@gmail.com,'
                                                   '1970-01-01\n')
    assert main(['scan', '--staged']) == 1


def test_entry_holds_no_value_digest(git_repo: Path) -> None:
    stage(git_repo, 'people.csv', PEOPLE_CSV)
    assert main(['allow', 'people.csv', '--reason', 'synthetic']) == 0
    text = (git_repo / '.pii-hooks.yaml').read_text()
    assert re.findall(r'[0-9a-f]{32,}', text) == [sha(PEOPLE_CSV.encode())]
    for raw in PEOPLE_RAW_VALUES:
        assert raw not in text
    assert set(yaml.safe_load(text)['allow'][0]) == {'path', 'sha256', 'reason'}


def test_comments_survive_append(git_repo: Path) -> None:
    (git_repo / '.pii-hooks.yaml').write_text(COMMENTED)
    stage(git_repo, 'a.csv', PEOPLE_CSV)
    stage(git_repo, 'b.csv', PEOPLE_CSV + '\n')
    assert main(['allow', 'a.csv', '--reason', 'first']) == 0
    assert main(['allow', 'b.csv', '--reason', 'second: with "quotes"', '--category', 'ssn',
                 '--column', 'SSN']) == 0
    text = (git_repo / '.pii-hooks.yaml').read_text()
    assert text.startswith(COMMENTED)
    config = load_config(str(git_repo))
    assert [(e.path, e.reason, e.category, e.column) for e in config.allow] == [
        ('a.csv', 'first', '', ''), ('b.csv', 'second: with "quotes"', 'ssn', 'SSN')]


def test_same_scope_replaces_entry(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stage(git_repo, 'a.csv', PEOPLE_CSV)
    assert main(['allow', 'a.csv', '--reason', 'first']) == 0
    stage(git_repo, 'a.csv', PEOPLE_CSV + '\n')
    assert main(['allow', 'a.csv', '--reason', 'updated']) == 0
    config = load_config(str(git_repo))
    assert [(e.reason, e.sha256) for e in config.allow] == [
        ('updated', sha((PEOPLE_CSV + '\n').encode()))]
    assert 'comments in it were not kept' in capsys.readouterr().err


def test_allow_block_not_last_is_rewritten(git_repo: Path) -> None:
    (git_repo / '.pii-hooks.yaml').write_text('allow: []\nunpublished: warn\n')
    stage(git_repo, 'a.csv', PEOPLE_CSV)
    assert main(['allow', 'a.csv', '--reason', 'r']) == 0
    config = load_config(str(git_repo))
    assert config.unpublished == 'warn' and [e.path for e in config.allow] == ['a.csv']


def test_existing_allow_block_keeps_indentation(git_repo: Path) -> None:
    (git_repo / '.pii-hooks.yaml').write_text(
        'allow:\n    - path: old.csv  # kept\n      reason: older\n')
    stage(git_repo, 'a.csv', PEOPLE_CSV)
    assert main(['allow', 'a.csv', '--reason', 'r']) == 0
    text = (git_repo / '.pii-hooks.yaml').read_text()
    assert '# kept' in text and '    - path: a.csv' in text
    assert [e.path for e in load_config(str(git_repo)).allow] == ['old.csv', 'a.csv']


def test_pyproject_configuration_gets_the_entry(git_repo: Path) -> None:
    (git_repo / 'pyproject.toml').write_text('[tool.pii-hooks]\nunpublished = "warn"\n')
    stage(git_repo, 'a.csv', PEOPLE_CSV)
    assert main(['allow', 'a.csv', '--reason', 'synthetic "fixture"']) == 0
    assert not (git_repo / '.pii-hooks.yaml').exists()
    config = load_config(str(git_repo))
    assert config.unpublished == 'warn'
    assert [(e.path, e.reason) for e in config.allow] == [('a.csv', 'synthetic "fixture"')]
    assert main(['scan', '--staged']) == 0


def test_pyproject_inline_allow_is_refused(git_repo: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    original = '[tool.pii-hooks]\nallow = []\n'
    (git_repo / 'pyproject.toml').write_text(original)
    stage(git_repo, 'a.csv', PEOPLE_CSV)
    assert main(['allow', 'a.csv', '--reason', 'r']) == 2
    assert '[[tool.pii-hooks.allow]]' in capsys.readouterr().err
    assert (git_repo / 'pyproject.toml').read_text() == original


def test_unstaged_file_is_pinned_with_a_note(git_repo: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    (git_repo / 'a.csv').write_text(PEOPLE_CSV)
    assert main(['allow', 'a.csv', '--reason', 'r']) == 0
    assert '`git add a.csv`' in capsys.readouterr().err
    stage(git_repo, 'b.csv', PEOPLE_CSV)
    (git_repo / 'b.csv').write_text(PEOPLE_CSV + '\n')
    assert main(['allow', 'b.csv', '--reason', 'r']) == 0
    assert 'changes that are not staged' in capsys.readouterr().err
    # the staged blob differs from what was pinned: fail closed
    assert main(['scan', '--staged']) == 1


def test_autocrlf_pins_the_staged_content(git_repo: Path) -> None:
    run_git(git_repo, 'config', 'core.autocrlf', 'true')
    crlf = PEOPLE_CSV.replace('\n', '\r\n').encode()
    (git_repo / 'a.csv').write_bytes(crlf)
    run_git(git_repo, 'add', 'a.csv')
    pin = pin_for(str(git_repo), str(git_repo / 'a.csv'), 'a.csv')
    assert pin.sha256 == sha(PEOPLE_CSV.encode()) != sha(crlf)
    assert 'core.autocrlf' in pin.note
    assert main(['allow', 'a.csv', '--reason', 'r']) == 0
    assert main(['scan', '--staged']) == 0


def test_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv('GIT_CEILING_DIRECTORIES', str(tmp_path.parent))
    (tmp_path / 'a.csv').write_text(PEOPLE_CSV)
    assert pin_for(str(tmp_path), 'a.csv', 'a.csv').note == ''
    assert main(['allow', 'a.csv', '--reason', 'r']) == 0
    assert main(['scan', 'a.csv']) == 0


@pytest.mark.parametrize(('args', 'message'), [
    (['missing.csv', '--reason', 'r'], 'missing.csv: no such file'),
    (['a.csv', '--reason', '  '], '--reason must say why'),
    (['a.csv', '--reason', 'r', '--category', 'ssns'], "unknown category 'ssns'"),
    (['../outside.csv', '--reason', 'r'], 'outside the repository'),
])
def test_usage_errors_write_nothing(git_repo: Path, capsys: pytest.CaptureFixture[str],
                                    args: list[str], message: str) -> None:
    (git_repo / 'a.csv').write_text(PEOPLE_CSV)
    (git_repo.parent / 'outside.csv').write_text(PEOPLE_CSV)
    assert main(['allow', *args]) == 2
    assert message in capsys.readouterr().err
    assert not (git_repo / '.pii-hooks.yaml').exists()


def test_category_scoped_entry_allows_only_that_category(
        git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stage(git_repo, 'a.csv', PEOPLE_CSV)
    assert main(['allow', 'a.csv', '--reason', 'r', '--category', 'ssn']) == 0
    capsys.readouterr()
    main(['scan', '--format', 'json', '--staged'])
    out = capsys.readouterr().out
    assert '"category": "ssn"' not in out
