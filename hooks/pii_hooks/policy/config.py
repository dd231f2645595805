"""`.pii-hooks.yaml` (or `[tool.pii-hooks]` in pyproject.toml): validated, with clear errors.

Example::

    exclude: ['tests/fixtures/**']
    categories: {gender: off, email: block}     # off | warn | block
    public_roles: warn                            # or block
    unpublished: block                            # or warn: PII outside published paths only warns
    limits: {max_file_bytes: 4294967296}
    thresholds: {min_count: 3, min_share: 0.05}   # quieter: see Thresholds
    publish: {paths: ['site/**'], url: 'https://data.example.gov'}
    rules:                                        # per path glob overrides
      - {paths: ['_data/team/**'], public_roles: block}
    allow:
      - {path: data/people.csv, sha256: <whole-file hash>, reason: synthetic fixture}
"""
from __future__ import annotations

import difflib
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
_THRESHOLD_KEYS = {'min_count', 'min_share'}
_INT_LIMITS = {'max_columns', 'max_members', 'max_file_bytes', 'max_uncompressed_bytes',
               'max_ratio', 'max_depth', 'max_rows', 'max_nesting'}
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


class Thresholds(NamedTuple):
    """When a column of values is worth a finding (``thresholds:`` in the configuration).

    A column with fewer matching values than ``min_count``, or whose matches
    are a smaller share of its non-empty values than ``min_share``, is not
    reported.  Validated identifiers and secrets ignore both: one social
    security number is one too many.  The defaults report everything.
    """

    min_count: int = 1
    min_share: float = 0.0


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
    thresholds: Thresholds = Thresholds()


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
    raw = _mapping(raw, where, 'a mapping of category to off/warn/block')
    known = (*CATEGORIES, UNREADABLE, STRUCTURE)
    out = {}
    for key, value in raw.items():
        if key not in known:
            raise ConfigError(f'{where}: unknown category {key!r}{_did_you_mean(str(key), known)}'
                              f' (known: {", ".join(known)})')
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


def _did_you_mean(word: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, known, n=1)
    return f' (did you mean {close[0]!r}?)' if close else ''


def _unknown(keys: Any, allowed: set[str], where: str) -> None:
    extra = sorted(map(str, set(keys) - allowed))
    if len(extra) == 1:
        raise ConfigError(f'{where}: unknown key {extra[0]!r}'
                          f'{_did_you_mean(extra[0], sorted(allowed))} '
                          f'(known: {", ".join(sorted(allowed))})')
    if extra:
        raise ConfigError(f'{where}: unknown keys {", ".join(map(repr, extra))} '
                          f'(known: {", ".join(sorted(allowed))})')


def _mapping(raw: Any, where: str, what: str = 'a mapping') -> dict[Any, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ConfigError(f'{where}: expected {what}, got {type(raw).__name__}')
    return raw


def _list(raw: Any, where: str) -> list[Any]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ConfigError(f'{where}: expected a list (one "- ..." item per entry), '
                          f'got {type(raw).__name__}')
    return raw


def _limits(raw: Any, where: str) -> Limits:
    raw = _mapping(raw, where)
    _unknown(raw, set(Limits._fields), where)
    for key, value in raw.items():
        number = (int,) if key in _INT_LIMITS else (int, float)
        if not isinstance(value, number) or isinstance(value, bool) or value <= 0:
            kind = 'a positive whole number' if key in _INT_LIMITS else 'a positive number'
            raise ConfigError(f'{where}.{key}: expected {kind}, got {value!r}')
    return Limits()._replace(**raw)


def _thresholds(raw: Any, where: str) -> Thresholds:
    raw = _mapping(raw, where)
    _unknown(raw, _THRESHOLD_KEYS, where)
    count = raw.get('min_count', 1)
    share = raw.get('min_share', 0.0)
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise ConfigError(f'{where}.min_count: expected a whole number of at least 1, '
                          f'got {count!r}')
    if not isinstance(share, (int, float)) or isinstance(share, bool) or not 0 <= share <= 1:
        raise ConfigError(f'{where}.min_share: expected a share between 0 and 1, got {share!r}')
    return Thresholds(count, float(share))


def _url(raw: Any, where: str) -> str:
    if raw is None or raw == '':
        return ''
    if not isinstance(raw, str) or not re.match(r'https?://[^\s/]+', raw):
        raise ConfigError(f'{where}: expected an http(s) URL, got {raw!r}')
    return raw


def parse_config(raw: Any, source: str = CONFIG_FILE) -> Config:
    """Validate a configuration; every error names the file and the key."""
    if raw is None:
        return Config(source=source)
    if not isinstance(raw, dict):
        raise ConfigError(f'{source}: expected a mapping at the top level, '
                          f'got {type(raw).__name__}')
    _unknown(raw, _TOP_KEYS, source)
    publish = _mapping(raw.get('publish'), f'{source}: publish', 'a mapping with paths and url')
    _unknown(publish, {'paths', 'url'}, f'{source}: publish')
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
        limits=_limits(raw.get('limits'), f'{source}: limits'),
        publish_paths=_strings(publish.get('paths'), f'{source}: publish.paths'),
        site_url=_url(publish.get('url'), f'{source}: publish.url'),
        rules=tuple(_rule(rule, f'{source}: rules[{i}]')
                    for i, rule in enumerate(_list(raw.get('rules'), f'{source}: rules'))),
        allow=tuple(_allow_entry(entry, f'{source}: allow[{i}]')
                    for i, entry in enumerate(_list(raw.get('allow'), f'{source}: allow'))),
        detect_secrets_baseline=baseline, source=source,
        thresholds=_thresholds(raw.get('thresholds'), f'{source}: thresholds'))


def _rule(rule: Any, where: str) -> PathRule:
    rule = _mapping(rule, where)
    _unknown(rule, _RULE_KEYS, where)
    if 'paths' not in rule:
        raise ConfigError(f'{where}: paths is required (the globs this rule applies to)')
    return PathRule(
        paths=_strings(rule['paths'], f'{where}.paths'),
        categories=_categories(rule.get('categories'), f'{where}.categories'),
        public_roles=_level(rule.get('public_roles', ''), f'{where}.public_roles',
                            ('', 'warn', 'block')),
        unpublished=_level(rule.get('unpublished', ''), f'{where}.unpublished',
                           ('', 'warn', 'block')))


def _allow_entry(entry: Any, where: str) -> AllowEntry:
    entry = _mapping(entry, where)
    _unknown(entry, _ALLOW_KEYS, where)
    for key in ('path', 'reason'):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise ConfigError(f'{where}.{key}: required, a non-empty text '
                              '(pii-hooks allow PATH --reason "..." writes both)')
    sha = entry.get('sha256', '')
    if not isinstance(sha, str) or (sha and not _SHA256.match(sha.lower())):
        raise ConfigError(f'{where}.sha256: expected 64 hex digits, the whole file\'s SHA-256 '
                          '(never a hash of a single value)')
    category = entry.get('category', '')
    known = (*CATEGORIES, UNREADABLE, STRUCTURE)
    if not isinstance(category, str) or (category and category not in known):
        raise ConfigError(f'{where}.category: unknown category {category!r}'
                          f'{_did_you_mean(str(category), known)}')
    for key in ('sheet', 'column'):
        if not isinstance(entry.get(key, ''), (str, int)) or isinstance(entry.get(key), bool):
            raise ConfigError(f'{where}.{key}: expected a name')
    return AllowEntry(entry['path'], entry['reason'], sha.lower(), str(entry.get('sheet', '')),
                      str(entry.get('column', '')), category)


def load_config(root: str, explicit: str | None = None) -> Config:
    """The configuration for a repository root; defaults when there is none."""
    path = explicit or os.path.join(root, CONFIG_FILE)
    if os.path.exists(path):
        return parse_config(_read_yaml(path), os.path.relpath(path, root) if not explicit
                            else path)
    if explicit:
        raise ConfigError(f'{explicit}: no such configuration file')
    pyproject = os.path.join(root, 'pyproject.toml')
    if not os.path.exists(pyproject):
        return Config()
    try:
        with open(pyproject, 'rb') as handle:
            data = handle.read()
    except OSError as exc:
        raise ConfigError(f'pyproject.toml: cannot read it ({type(exc).__name__})') from None
    if b'pii-hooks' not in data:
        return Config()
    try:
        import tomllib
    except ImportError:  # pragma: no cover - Python 3.10
        # never ignore a configuration silently: that could turn blocks into passes
        raise ConfigError('pyproject.toml: [tool.pii-hooks] needs Python 3.11 or later to be '
                          f'read; move it to {CONFIG_FILE}') from None
    try:
        parsed = tomllib.loads(data.decode('utf-8'))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f'pyproject.toml: invalid TOML ({exc})') from None
    tool = parsed.get('tool')
    section = tool.get('pii-hooks') if isinstance(tool, dict) else None
    if section is None:
        return Config()
    return parse_config(section, 'pyproject.toml [tool.pii-hooks]')


def _read_yaml(path: str) -> Any:
    import yaml
    try:
        with open(path, encoding='utf-8') as handle:
            return yaml.safe_load(handle)
    except yaml.YAMLError as exc:
        mark = getattr(exc, 'problem_mark', None)
        where = f' at line {mark.line + 1}, column {mark.column + 1}' if mark else ''
        problem = getattr(exc, 'problem', None) or 'cannot be parsed'
        raise ConfigError(f'{path}: invalid YAML{where}: {problem}') from None
    except UnicodeDecodeError:
        raise ConfigError(f'{path}: not UTF-8 text') from None
    except OSError as exc:
        raise ConfigError(f'{path}: cannot read it ({type(exc).__name__})') from None


def is_excluded(config: Config, path: str) -> bool:
    return any(glob_match(path, pattern) for pattern in config.exclude)
