"""JSON: one object, ``findings`` a list of masked records."""
from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pii_hooks import __version__
from pii_hooks.models import BLOCK, Finding
from pii_hooks.report.text import safe_location


def finding_dict(f: Finding) -> dict[str, Any]:
    loc = safe_location(f.location, f.category)
    location: dict[str, Any] = {}
    if loc.part:
        location['part'] = loc.part
        location['state'] = loc.state or 'visible'
    if loc.column or loc.column_index >= 0:
        location['column'] = loc.column
        location['column_index'] = loc.column_index
    if loc.first_row:
        location['rows'] = [loc.first_row, loc.last_row]
    out: dict[str, Any] = {
        'path': f.path, 'category': f.category, 'severity': f.severity, 'location': location,
        'count': f.count, 'examples': list(f.examples), 'reason': f.reason, 'fix': f.fix,
        'rule': f.rule,
    }
    if f.commit:
        out['commit'] = f.commit
    if f.published_url:
        out['published_url'] = f.published_url
    return out


def render_json(findings: Sequence[Finding], files_scanned: int) -> str:
    doc = {
        'tool': 'pii-hooks', 'version': __version__, 'files_scanned': files_scanned,
        'blocked': any(f.severity == BLOCK for f in findings),
        'findings': [finding_dict(f) for f in findings],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + '\n'
