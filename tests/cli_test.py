from __future__ import annotations

import json
from pathlib import Path

import pytest

from pii_hooks.cli import main
from tests.conftest import PEOPLE_CSV, PEOPLE_RAW_VALUES, PRODUCTS_CSV


def test_scan_blocks_people_and_masks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / 'people.csv').write_text(PEOPLE_CSV)
    assert main(['scan', str(tmp_path / 'people.csv')]) == 1
    out = capsys.readouterr().out
    assert 'BLOCKED' in out and '***-**-6789' in out
    for raw in PEOPLE_RAW_VALUES:
        assert raw not in out


def test_scan_passes_products(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / 'products.csv').write_text(PRODUCTS_CSV)
    assert main(['scan', '--format', 'json', str(tmp_path / 'products.csv')]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc['findings'] == [] and doc['blocked'] is False


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(['scan', '--format', 'nope']) == 2


def test_github_actions_annotations_and_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / 'summary.md'
    monkeypatch.setenv('GITHUB_ACTIONS', 'true')
    monkeypatch.setenv('GITHUB_STEP_SUMMARY', str(summary))
    (tmp_path / 'people.csv').write_text(PEOPLE_CSV)
    assert main(['scan', str(tmp_path / 'people.csv')]) == 1
    out = capsys.readouterr().out
    assert '::error file=' in out
    written = summary.read_text()
    assert 'ssn' in written.lower()
    for raw in PEOPLE_RAW_VALUES:
        assert raw not in out and raw not in written


def test_show_values_reveals_locally_and_is_refused_in_ci(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / 'people.csv').write_text(PEOPLE_CSV)
    monkeypatch.delenv('CI', raising=False)
    assert main(['scan', '--show-values', str(tmp_path / 'people.csv')]) == 1
    assert '512-44-6789' in capsys.readouterr().out
    monkeypatch.setenv('CI', 'true')
    assert main(['scan', '--show-values', str(tmp_path / 'people.csv')]) == 2
    captured = capsys.readouterr()
    assert '512-44-6789' not in captured.out + captured.err
    assert 'refused' in captured.err


def test_ignore_allowlist_audits_allowed_files(git_repo: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    (git_repo / 'people.csv').write_text(PEOPLE_CSV)
    assert main(['allow', 'people.csv', '--reason', 'synthetic fixture']) == 0
    assert main(['scan', 'people.csv']) == 0
    assert main(['scan', '--ignore-allowlist', 'people.csv']) == 1
    out = capsys.readouterr().out
    for raw in PEOPLE_RAW_VALUES:
        assert raw not in out
