"""`pii-hooks allow`: pin a file to its content hash, with a reason.

The entry holds the path, the whole file's SHA-256 and the reason: never a
digest of a single value (10^9 SSNs are enumerated in minutes).
"""
from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Sequence
from typing import Any

from pii_hooks.policy.config import CONFIG_FILE, parse_config


def file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, 'rb') as handle:
        for block in iter(lambda: handle.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


def add_allow_entries(root: str, paths: Sequence[str], reason: str, *, category: str = '',
                      column: str = '', sheet: str = '', config_path: str | None = None) -> int:
    import yaml
    target = config_path or os.path.join(root, CONFIG_FILE)
    raw: dict[str, Any] = {}
    if os.path.exists(target):
        with open(target, encoding='utf-8') as handle:
            raw = yaml.safe_load(handle) or {}
    entries = [e for e in raw.get('allow') or []]
    for path in paths:
        if not os.path.isfile(path):
            print(f'pii-hooks: {path}: no such file', file=sys.stderr)
            return 2
        rel = os.path.relpath(os.path.abspath(path), root).replace(os.sep, '/')
        entry: dict[str, str] = {'path': rel, 'sha256': file_sha256(path), 'reason': reason}
        if category:
            entry['category'] = category
        if column:
            entry['column'] = column
        if sheet:
            entry['sheet'] = sheet
        entries = [e for e in entries if not (isinstance(e, dict) and e.get('path') == rel
                                              and e.get('category', '') == category
                                              and e.get('column', '') == column)]
        entries.append(entry)
        print(f'pii-hooks: allowed {rel} (sha256 {entry["sha256"][:12]}...): {reason}')
    raw['allow'] = entries
    parse_config(raw, target)       # refuse to write a configuration we could not read back
    with open(target, 'w', encoding='utf-8') as handle:
        yaml.safe_dump(raw, handle, sort_keys=False, allow_unicode=True)
    return 0
