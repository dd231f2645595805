"""Configuration: every error names the file and the key; nothing is ignored silently."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pii_hooks.cli import main
from pii_hooks.policy.config import (
    AllowEntry,
    Config,
    ConfigError,
    PathRule,
    Thresholds,
    glob_match,
    is_excluded,
    load_config,
    parse_config,
)
from pii_hooks.readers import Limits
from tests.conftest import PEOPLE_CSV

SHA = 'a' * 64


def test_defaults() -> None:
    config = parse_config(None)
    assert config == Config(source='.pii-hooks.yaml')
    assert config.unpublished == 'block' and config.public_roles == 'warn'
    assert config.thresholds == Thresholds(1, 0.0)


def test_full_configuration() -> None:
    config = parse_config({
        'exclude': 'tests/fixtures/',
        'categories': {'gender': False, 'email': 'block', 'unreadable': 'warn'},
        'public_roles': 'block', 'unpublished': 'warn',
        'limits': {'max_file_bytes': 10, 'max_seconds': 1.5},
        'publish': {'paths': ['site/**'], 'url': 'https://data.example.gov'},
        'rules': [{'paths': '_data/team/**', 'public_roles': 'block',
                   'categories': {'phone': 'off'}}],
        'allow': [{'path': 'data/x.csv', 'sha256': SHA.upper(), 'reason': 'synthetic',
                   'sheet': 'People', 'column': 'SSN', 'category': 'ssn'}],
        'thresholds': {'min_count': 3, 'min_share': 0.05},
        'detect_secrets_baseline': '.secrets.baseline',
    })
    assert config.exclude == ('tests/fixtures/',)
    assert config.categories == {'gender': 'off', 'email': 'block', 'unreadable': 'warn'}
    assert config.limits == Limits(max_file_bytes=10, max_seconds=1.5)
    assert config.publish_paths == ('site/**',)
    assert config.site_url == 'https://data.example.gov'
    assert config.rules == (PathRule(('_data/team/**',), {'phone': 'off'}, 'block', ''),)
    assert config.allow == (AllowEntry('data/x.csv', 'synthetic', SHA, 'People', 'SSN', 'ssn'),)
    assert config.thresholds == Thresholds(3, 0.05)
    assert config.detect_secrets_baseline == '.secrets.baseline'


@pytest.mark.parametrize(('raw', 'message'), [
    (['a list'], "cfg.yaml: expected a mapping at the top level, got list"),
    ({'categorie': {}}, "cfg.yaml: unknown key 'categorie' (did you mean 'categories'?)"),
    ({'x': 1, 'y': 2}, "cfg.yaml: unknown keys 'x', 'y'"),
    ({'exclude': 5}, 'cfg.yaml: exclude: expected a list of strings'),
    ({'exclude': ['a', 3]}, 'cfg.yaml: exclude: expected a list of strings'),
    ({'categories': ['ssn']}, 'cfg.yaml: categories: expected a mapping of category'),
    ({'categories': {'ssns': 'off'}}, "cfg.yaml: categories: unknown category 'ssns' "
                                      "(did you mean 'ssn'?)"),
    ({'categories': {'ssn': True}}, "cfg.yaml: categories.ssn: expected one of off, warn, "
                                    "block, got True"),
    ({'public_roles': 'off'}, "cfg.yaml: public_roles: expected one of warn, block, got 'off'"),
    ({'unpublished': 'ignore'}, "cfg.yaml: unpublished: expected one of warn, block"),
    ({'limits': 5}, 'cfg.yaml: limits: expected a mapping, got int'),
    ({'limits': {'max_size': 1}}, "cfg.yaml: limits: unknown key 'max_size'"),
    ({'limits': {'max_rows': 0}}, 'cfg.yaml: limits.max_rows: expected a positive whole number'),
    ({'limits': {'max_rows': 1.5}}, 'cfg.yaml: limits.max_rows: expected a positive whole'),
    ({'limits': {'max_seconds': True}}, 'cfg.yaml: limits.max_seconds: expected a positive '
                                        'number'),
    ({'publish': ['site']}, 'cfg.yaml: publish: expected a mapping with paths and url'),
    ({'publish': {'path': 'x'}}, "cfg.yaml: publish: unknown key 'path' (did you mean "
                                 "'paths'?)"),
    ({'publish': {'url': 'data.example.gov'}}, 'cfg.yaml: publish.url: expected an http(s) URL'),
    ({'publish': {'paths': {'a': 1}}}, 'cfg.yaml: publish.paths: expected a list of strings'),
    ({'rules': {'paths': ['a']}}, 'cfg.yaml: rules: expected a list'),
    ({'rules': ['x']}, 'cfg.yaml: rules[0]: expected a mapping, got str'),
    ({'rules': [{'categories': {}}]}, 'cfg.yaml: rules[0]: paths is required'),
    ({'rules': [{'paths': 'a', 'unpublish': 'warn'}]}, "cfg.yaml: rules[0]: unknown key "
                                                       "'unpublish' (did you mean "
                                                       "'unpublished'?)"),
    ({'rules': [{'paths': 'a', 'public_roles': 'off'}]}, 'cfg.yaml: rules[0].public_roles: '
                                                         'expected one of , warn, block'),
    ({'rules': [{'paths': 'a', 'unpublished': 'x'}]}, 'cfg.yaml: rules[0].unpublished:'),
    ({'rules': [{'paths': 'a', 'categories': {'emial': 'off'}}]},
     "cfg.yaml: rules[0].categories: unknown category 'emial' (did you mean 'email'?)"),
    ({'allow': {'path': 'a'}}, 'cfg.yaml: allow: expected a list'),
    ({'allow': ['a.csv']}, 'cfg.yaml: allow[0]: expected a mapping'),
    ({'allow': [{'path': 'a.csv'}]}, 'cfg.yaml: allow[0].reason: required'),
    ({'allow': [{'reason': 'r'}]}, 'cfg.yaml: allow[0].path: required'),
    ({'allow': [{'path': 'a', 'reason': '  '}]}, 'cfg.yaml: allow[0].reason: required'),
    ({'allow': [{'path': 'a', 'reason': 'r', 'hash': SHA}]}, "cfg.yaml: allow[0]: unknown key "
                                                             "'hash'"),
    ({'allow': [{'path': 'a', 'reason': 'r', 'sha256': 'abc'}]},
     'cfg.yaml: allow[0].sha256: expected 64 hex digits'),
    ({'allow': [{'path': 'a', 'reason': 'r', 'sha256': 12}]}, 'cfg.yaml: allow[0].sha256:'),
    ({'allow': [{'path': 'a', 'reason': 'r', 'category': 'ssns'}]},
     "cfg.yaml: allow[0].category: unknown category 'ssns' (did you mean 'ssn'?)"),
    ({'allow': [{'path': 'a', 'reason': 'r', 'column': ['x']}]}, 'cfg.yaml: allow[0].column:'),
    ({'thresholds': {'min_rows': 2}}, "cfg.yaml: thresholds: unknown key 'min_rows'"),
    ({'thresholds': {'min_count': 0}}, 'cfg.yaml: thresholds.min_count: expected a whole '
                                       'number of at least 1'),
    ({'thresholds': {'min_share': 5}}, 'cfg.yaml: thresholds.min_share: expected a share '
                                       'between 0 and 1'),
    ({'detect_secrets_baseline': 3}, 'cfg.yaml: detect_secrets_baseline: expected a path'),
])
def test_errors_name_file_and_key(raw: Any, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(raw, 'cfg.yaml')
    assert str(info.value).startswith(message), str(info.value)


def test_yaml_off_is_off() -> None:
    # YAML 1.1 reads an unquoted off as False
    import yaml
    assert parse_config(yaml.safe_load('categories: {gender: off}')).categories == {
        'gender': 'off'}


def test_load_yaml_file(tmp_path: Path) -> None:
    (tmp_path / '.pii-hooks.yaml').write_text('unpublished: warn\n')
    config = load_config(str(tmp_path))
    assert config.unpublished == 'warn' and config.source == '.pii-hooks.yaml'


def test_invalid_yaml_names_line(tmp_path: Path) -> None:
    (tmp_path / '.pii-hooks.yaml').write_text('exclude: [a\nunpublished: warn\n')
    with pytest.raises(ConfigError, match=r'\.pii-hooks\.yaml: invalid YAML at line \d+'):
        load_config(str(tmp_path))


def test_not_utf8(tmp_path: Path) -> None:
    (tmp_path / '.pii-hooks.yaml').write_bytes(b'exclude: ["\xff"]\n')
    with pytest.raises(ConfigError, match='not UTF-8'):
        load_config(str(tmp_path))


def test_explicit_missing(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r'nope\.yaml: no such configuration file'):
        load_config(str(tmp_path), str(tmp_path / 'nope.yaml'))


def test_pyproject_section(tmp_path: Path) -> None:
    (tmp_path / 'pyproject.toml').write_text(
        '[project]\nname = "x"\n\n[tool.pii-hooks]\nunpublished = "warn"\n'
        '[[tool.pii-hooks.allow]]\npath = "a.csv"\nreason = "synthetic"\n')
    config = load_config(str(tmp_path))
    assert config.unpublished == 'warn'
    assert config.allow == (AllowEntry('a.csv', 'synthetic'),)
    assert config.source == 'pyproject.toml [tool.pii-hooks]'


def test_pyproject_errors_name_section(tmp_path: Path) -> None:
    (tmp_path / 'pyproject.toml').write_text('[tool.pii-hooks]\nunpublishd = "warn"\n')
    with pytest.raises(ConfigError, match=r"pyproject.toml \[tool.pii-hooks\]: unknown key "
                                          r"'unpublishd'"):
        load_config(str(tmp_path))
    (tmp_path / 'pyproject.toml').write_text('[tool.pii-hooks\n')
    with pytest.raises(ConfigError, match=r'pyproject\.toml: invalid TOML'):
        load_config(str(tmp_path))


def test_pyproject_without_section(tmp_path: Path) -> None:
    (tmp_path / 'pyproject.toml').write_text('[tool.ruff]\nline-length = 100\n')
    assert load_config(str(tmp_path)) == Config()
    (tmp_path / 'pyproject.toml').write_text('# mentions pii-hooks\n[tool.ruff]\n')
    assert load_config(str(tmp_path)) == Config()


def test_yaml_wins_over_pyproject(tmp_path: Path) -> None:
    (tmp_path / 'pyproject.toml').write_text('[tool.pii-hooks]\nunpublished = "warn"\n')
    (tmp_path / '.pii-hooks.yaml').write_text('public_roles: block\n')
    config = load_config(str(tmp_path))
    assert config.unpublished == 'block' and config.public_roles == 'block'


@pytest.mark.parametrize(('path', 'pattern', 'expected'), [
    ('data/people.csv', 'people.csv', True),
    ('data/people.csv', '*.csv', True),
    ('data/people.csv', 'data/*.csv', True),
    ('data/sub/people.csv', 'data/*.csv', False),
    ('data/sub/people.csv', 'data/**', True),
    ('data/sub/people.csv', '**/people.csv', True),
    ('people.csv', '**/people.csv', True),
    ('tests/fixtures/a.csv', 'tests/fixtures/', True),
    ('tests/fixtures2/a.csv', 'tests/fixtures/', False),
    ('other/tests/fixtures/a.csv', 'tests/fixtures/', False),
    ('data/people.csv', '/data/people.csv', True),
])
def test_glob_match(path: str, pattern: str, expected: bool) -> None:
    assert glob_match(path, pattern) is expected


def test_exclude_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / 'fixtures').mkdir()
    (tmp_path / 'fixtures' / 'people.csv').write_text(PEOPLE_CSV)
    (tmp_path / '.pii-hooks.yaml').write_text('exclude: [fixtures/]\n')
    assert is_excluded(load_config(str(tmp_path)), 'fixtures/people.csv')
    assert main(['scan', 'fixtures']) == 0


def test_config_error_exits_2_with_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / 'people.csv').write_text(PEOPLE_CSV)
    (tmp_path / '.pii-hooks.yaml').write_text('categories: {ssn: maybe}\n')
    assert main(['scan', 'people.csv']) == 2
    err = capsys.readouterr().err
    assert ".pii-hooks.yaml: categories.ssn: expected one of off, warn, block, got 'maybe'" in err


def test_category_off_and_rules_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / 'people.csv').write_text('Email\nsomeone.synthetic@gmail.com\n')
    (tmp_path / '.pii-hooks.yaml').write_text('rules:\n  - paths: [people.csv]\n'
                                              '    categories: {email: off}\n')
    assert main(['scan', '--format', 'json', 'people.csv']) == 0
    assert '"category": "email"' not in capsys.readouterr().out


def test_column_and_member_limits_are_whole_numbers() -> None:
    import pytest as _pytest

    from pii_hooks.policy.config import ConfigError, parse_config
    limits = parse_config({'limits': {'max_columns': 100, 'max_members': 10}}).limits
    assert limits.max_columns == 100
    with _pytest.raises(ConfigError):
        parse_config({'limits': {'max_columns': 1.5}})
