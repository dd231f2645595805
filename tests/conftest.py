"""Shared fixtures: real git repositories in tmp paths, synthetic data only."""
from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_git(cwd: Path, *args: str, check: bool = True,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(('git', *args), cwd=cwd, capture_output=True, text=True, check=check,
                          env=env)


@pytest.fixture
def git_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty git repository with an identity, as the current directory."""
    repo = tmp_path / 'repo'
    repo.mkdir()
    run_git(repo, 'init', '-q', '-b', 'main')
    run_git(repo, 'config', 'user.email', 'dev@example.com')
    run_git(repo, 'config', 'user.name', 'Dev Example')
    run_git(repo, 'config', 'commit.gpgsign', 'false')
    monkeypatch.chdir(repo)
    for var in ('GIT_INDEX_FILE', 'GIT_DIR', 'GIT_WORK_TREE', 'PRE_COMMIT_FROM_REF',
                'PRE_COMMIT_TO_REF'):
        monkeypatch.delenv(var, raising=False)
    yield repo


PEOPLE_CSV = (
    'First Name,Last Name,SSN,Email,DOB\n'
    'Jane,Doe,512-44-6789,jane.doe@gmail.com,1985-03-12\n'
    'John,Smith,321-54-9876,jsmith@yahoo.com,1990-11-02\n'
    'Maria,Garcia,234-56-7890,mgarcia@hotmail.com,1979-06-30\n'
)
PEOPLE_RAW_VALUES = ('512-44-6789', '321-54-9876', '234-56-7890', 'jane.doe@gmail.com',
                     'jsmith@yahoo.com', 'mgarcia@hotmail.com', '1985-03-12', '1990-11-02')
PRODUCTS_CSV = 'sku,name,price,qty\nA-100,Blue Widget,9.99,12\nA-101,Red Widget,11.50,7\n'


@pytest.fixture
def people_csv() -> str:
    return PEOPLE_CSV


@pytest.fixture
def products_csv() -> str:
    return PRODUCTS_CSV


def env_without(*names: str) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in names}
