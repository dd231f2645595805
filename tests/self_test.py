"""The repository eats its own cooking: its committed data files pass its own hooks."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from pii_hooks.cli import main
from pii_hooks.readers import DATA_EXTENSIONS

ROOT = Path(__file__).resolve().parents[1]


def test_repository_passes_its_own_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    if not (ROOT / '.git').exists():
        pytest.skip('not a git checkout')
    monkeypatch.chdir(ROOT)
    assert main(['scan', '--all-files']) == 0


def test_own_config_offers_every_supported_extension() -> None:
    config = yaml.safe_load((ROOT / '.pre-commit-config.yaml').read_text())
    hook = next(h for repo in config['repos'] for h in repo['hooks'] if h['id'] == 'pii-hooks')
    pattern = re.compile(hook['files'])
    missing = [ext for ext in DATA_EXTENSIONS if not pattern.search('x' + ext)]
    assert not missing
