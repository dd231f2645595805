"""detect-secrets baselines: secrets a team already audited as false positives.

A ``.secrets.baseline`` lists, per file, the ``hashed_secret`` (unsalted SHA-1)
of every secret detect-secrets found, and ``is_secret: false`` for the ones a
person audited as harmless.  pii-hooks skips the same secrets in the same
files, so a team does not audit them twice.  Only ``secret`` candidates are
hashed, in memory, at scan time (``pii_hooks.detect.secrets``); nothing here
stores or prints a value, and PII never gets a per-value digest: entries of
our own detect-secrets plugin (``pii_hooks.detect_secrets_plugin``) are
ignored, since their hashes are of masked values, not of secrets.

Wiring: the runner loads ``audited_false_positives(baseline_path(root, config))``
once, and gives ``ScanOptions(audited_secrets=audited_lookup(pairs))`` to the
engine, which scans each file inside ``skipping_audited(lookup(path))``.
"""
from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable

from pii_hooks.detect.secrets import PII_TYPE_SUFFIX
from pii_hooks.policy.config import ConfigError

#: detect-secrets' default baseline name, used when the configuration names none.
DEFAULT_BASELINE = '.secrets.baseline'

AuditedPair = tuple[str, str]          # (repository-relative filename, hashed_secret)


def baseline_path(root: str, configured: str = '') -> str | None:
    """The baseline to read: the configured one (must exist), else ``.secrets.baseline`` if any."""
    if configured:
        path = configured if os.path.isabs(configured) else os.path.join(root, configured)
        if not os.path.isfile(path):
            raise ConfigError(f'detect_secrets_baseline: {configured}: no such file')
        return path
    default = os.path.join(root, DEFAULT_BASELINE)
    return default if os.path.isfile(default) else None


def _filename(name: str) -> str:
    name = name.replace('\\', '/')
    while name.startswith('./'):
        name = name[2:]
    return name


def audited_false_positives(path: str) -> set[AuditedPair]:
    """(filename, hashed_secret) of every secret the baseline marks ``is_secret: false``."""
    where = os.path.basename(path)
    try:
        with open(path, encoding='utf-8') as handle:
            data = json.load(handle)
    except OSError as exc:
        raise ConfigError(f'{where}: cannot read the detect-secrets baseline '
                          f'({exc.strerror or type(exc).__name__})') from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        # position only: a decoder's message can quote the text it choked on
        line = getattr(exc, 'lineno', 0)
        raise ConfigError(f'{where}: not a detect-secrets baseline (invalid JSON'
                          f'{f" at line {line}" if line else ""})') from None
    results = data.get('results') if isinstance(data, dict) else None
    if not isinstance(results, dict):
        raise ConfigError(f'{where}: not a detect-secrets baseline (no "results" mapping)')
    pairs: set[AuditedPair] = set()
    for filename, entries in results.items():
        if not isinstance(entries, list):
            continue
        for entry in entries:
            if not isinstance(entry, dict) or entry.get('is_secret') is not False:
                continue
            digest = entry.get('hashed_secret')
            kind = str(entry.get('type', ''))
            if not isinstance(digest, str) or kind.endswith(PII_TYPE_SUFFIX):
                continue
            pairs.add((_filename(str(entry.get('filename') or filename)), digest.lower()))
    return pairs


def audited_lookup(pairs: Iterable[AuditedPair]) -> Callable[[str], frozenset[str]]:
    """A function from a scanned path to the hashes audited as false positives in it."""
    by_file: dict[str, set[str]] = {}
    for filename, digest in pairs:
        by_file.setdefault(filename, set()).add(digest)
    frozen = {name: frozenset(digests) for name, digests in by_file.items()}
    empty: frozenset[str] = frozenset()

    def lookup(path: str) -> frozenset[str]:
        return frozen.get(_filename(path), empty)
    return lookup
