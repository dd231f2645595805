"""`.pii-hooks.yaml` (or `[tool.pii-hooks]` in pyproject.toml): validated, with clear errors.

Example::

    exclude: ['tests/fixtures/**']
    categories: {gender: off, email: block}     # off | warn | block
    public_roles: warn                            # or block
    unpublished: block                            # or warn: PII outside published paths only warns
    limits: {max_file_bytes: 4294967296}
    publish: {paths: ['site/**'], url: 'https://data.example.gov'}
    rules:                                        # per path glob overrides
      - {paths: ['_data/team/**'], public_roles: block}
    allow:
      - {path: data/people.csv, sha256: <whole-file hash>, reason: synthetic fixture}
"""
from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from pii_hooks.models import CATEGORIES, STRUCTURE, UNREADABLE
from pii_hooks.readers import Limits

CONFIG_FILE = '.pii-hooks.yaml'
_LEVELS = ('off', 'warn', 'block')
_TOP_KEYS = {'exclude', 'categories', 'public_roles', 'unpublished', 'limits', 'publish', 'rules',
             'allow', 'thresholds', 'detect_secrets_baseline'}
_RULE_KEYS = {'paths', 'categories', 'public_roles', 'unpublished'}
_ALLOW_KEYS = {'path', 'sha256', 'sheet', 'column', 'category', 'reason'}
_SHA256 = re.compile(r'^[0-9a-f]{64}$')


class ConfigError(Exception):
    """The configuration is wrong: exit 2 with this message."""


class AllowEntry(NamedTuple):
    path: str
    reason: str
    sha256: str = ''          # the whole file's content hash; '' = any content (discouraged)
    sheet: str = ''
    column: str = ''
    category: str = ''


class PathRule(NamedTuple):
    paths: tuple[str, ...]
    categories: Mapping[str, str]
    public_roles: str
    unpublished: str


class Config(NamedTuple):
    exclude: tuple[str, ...] = ()
    categories: Mapping[str, str] = {}
    public_roles: str = 'warn'
    unpublished: str = 'block'
    limits: Limits = Limits()
    publish_paths: tuple[str, ...] = ()
    site_url: str = ''
    rules: tuple[PathRule, ...] = ()
    allow: tuple[AllowEntry, ...] = ()
    detect_secrets_baseline: str = ''
    source: str = ''          # where the configuration came from, for messages


def glob_match(path: str, pattern: str) -> bool:
    """gitignore-like: 'data/*.csv', '**/people.csv', 'fixtures/' (a folder and below)."""
    pattern = pattern.strip()
    if pattern.endswith('/'):
        pattern += '**'
    if '/' not in pattern.rstrip('/'):
        return fnmatch.fnmatchcase(path.rsplit('/', 1)[-1], pattern) or fnmatch.fnmatchcase(
            path, pattern)
    regex = _glob_regex(pattern.lstrip('/'))
    return regex.fullmatch(path) is not None


def _glob_regex(pattern: str) -> re.Pattern[str]:
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith('**/', i):
            out.append('(?:.*/)?')
            i += 3
        elif pattern.startswith('**', i):
            out.append('.*')
            i += 2
        elif pattern[i] == '*':
            out.append('[^/]*')
            i += 1
        elif pattern[i] == '?':
            out.append('[^/]')
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile(''.join(out))


def _level(value: Any, where: str, allowed: Sequence[str] = _LEVELS) -> str:
    if value is False:
        value = 'off'
    if not isinstance(value, str) or value not in allowed:
        raise ConfigError(f'{where}: expected one of {", ".join(allowed)}, got {value!r}')
    return value


def _categories(raw: Any, where: str) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ConfigError(f'{where}: expected a mapping of category to off/warn/block')
    known = set(CATEGORIES) | {UNREADABLE, STRUCTURE}
    out = {}
    for key, value in raw.items():
        if key not in known:
            raise ConfigError(f'{where}: unknown category {key!r} '
                              f'(known: {", ".join(sorted(known))})')
        out[key] = _level(value, f'{where}.{key}')
    return out


def _strings(raw: Any, where: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise ConfigError(f'{where}: expected a list of strings')
    return tuple(raw)


def _unknown(keys: Any, allowed: set[str], where: str) -> None:
    extra = sorted(set(keys) - allowed)
    if extra:
        raise ConfigError(f'{where}: unknown key{"s" if len(extra) > 1 else ""} '
                          f'{", ".join(map(repr, extra))} (known: {", ".join(sorted(allowed))})')


def parse_config(raw: Any, source: str = CONFIG_FILE) -> Config:
    if raw is None:
        return Config(source=source)
    if not isinstance(raw, dict):
        raise ConfigError(f'{source}: expected a mapping at the top level')
    _unknown(raw, _TOP_KEYS, source)
    limits = Limits()
    raw_limits = raw.get('limits') or {}
    if not isinstance(raw_limits, dict):
        raise ConfigError(f'{source}: limits: expected a mapping')
    _unknown(raw_limits, set(Limits._fields), f'{source}: limits')
    for key, value in raw_limits.items():
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
            raise ConfigError(f'{source}: limits.{key}: expected a positive number')
    limits = limits._replace(**raw_limits)
    publish = raw.get('publish') or {}
    if not isinstance(publish, dict):
        raise ConfigError(f'{source}: publish: expected a mapping with paths and url')
    _unknown(publish, {'paths', 'url'}, f'{source}: publish')
    rules = []
    for i, rule in enumerate(raw.get('rules') or []):
        where = f'{source}: rules[{i}]'
        if not isinstance(rule, dict):
            raise ConfigError(f'{where}: expected a mapping')
        _unknown(rule, _RULE_KEYS, where)
        if 'paths' not in rule:
            raise ConfigError(f'{where}: paths is required')
        rules.append(PathRule(
            paths=_strings(rule['paths'], f'{where}.paths'),
            categories=_categories(rule.get('categories'), f'{where}.categories'),
            public_roles=_level(rule.get('public_roles', ''), f'{where}.public_roles',
                                ('', 'warn', 'block')),
            unpublished=_level(rule.get('unpublished', ''), f'{where}.unpublished',
                               ('', 'warn', 'block'))))
    allow = []
    for i, entry in enumerate(raw.get('allow') or []):
        where = f'{source}: allow[{i}]'
        if not isinstance(entry, dict):
            raise ConfigError(f'{where}: expected a mapping')
        _unknown(entry, _ALLOW_KEYS, where)
        if not entry.get('path') or not entry.get('reason'):
            raise ConfigError(f'{where}: path and reason are required')
        sha = str(entry.get('sha256', '')).lower()
        if sha and not _SHA256.match(sha):
            raise ConfigError(f'{where}: sha256 must be 64 hex digits (the whole file\'s hash)')
        category = str(entry.get('category', ''))
        if category and category not in CATEGORIES and category not in (UNREADABLE, STRUCTURE):
            raise ConfigError(f'{where}: unknown category {category!r}')
        allow.append(AllowEntry(str(entry['path']), str(entry['reason']), sha,
                                str(entry.get('sheet', '')), str(entry.get('column', '')),
                                category))
    baseline = raw.get('detect_secrets_baseline', '')
    if not isinstance(baseline, str):
        raise ConfigError(f'{source}: detect_secrets_baseline: expected a path')
    return Config(
        exclude=_strings(raw.get('exclude'), f'{source}: exclude'),
        categories=_categories(raw.get('categories'), f'{source}: categories'),
        public_roles=_level(raw.get('public_roles', 'warn'), f'{source}: public_roles',
                            ('warn', 'block')),
        unpublished=_level(raw.get('unpublished', 'block'), f'{source}: unpublished',
                           ('warn', 'block')),
        limits=limits,
        publish_paths=_strings(publish.get('paths'), f'{source}: publish.paths'),
        site_url=str(publish.get('url', '')),
        rules=tuple(rules), allow=tuple(allow), detect_secrets_baseline=baseline, source=source)


def load_config(root: str, explicit: str | None = None) -> Config:
    """The configuration for a repository root; defaults when there is none."""
    import yaml
    path = explicit or os.path.join(root, CONFIG_FILE)
    if os.path.exists(path):
        try:
            with open(path, encoding='utf-8') as handle:
                raw = yaml.safe_load(handle)
        except yaml.YAMLError as exc:
            raise ConfigError(f'{path}: invalid YAML ({str(exc).splitlines()[0]})') from None
        return parse_config(raw, os.path.relpath(path, root) if not explicit else path)
    if explicit:
        raise ConfigError(f'{explicit}: no such configuration file')
    pyproject = os.path.join(root, 'pyproject.toml')
    if os.path.exists(pyproject):
        try:
            import tomllib
        except ImportError:  # pragma: no cover - Python 3.10
            return Config()
        with open(pyproject, 'rb') as handle:
            try:
                data = tomllib.load(handle)
            except tomllib.TOMLDecodeError as exc:
                raise ConfigError(f'pyproject.toml: {exc}') from None
        section = data.get('tool', {}).get('pii-hooks')
        if section is not None:
            return parse_config(section, 'pyproject.toml [tool.pii-hooks]')
    return Config()


def is_excluded(config: Config, path: str) -> bool:
    return any(glob_match(path, pattern) for pattern in config.exclude)
