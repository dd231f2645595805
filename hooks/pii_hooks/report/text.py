"""The terminal report: one block per file, readable at a glance."""
from __future__ import annotations

from collections.abc import Sequence

from pii_hooks.models import BLOCK, Finding
from pii_hooks.policy.decide import label


def _line(f: Finding) -> str:
    where = f.location.describe()
    what = label(f.category)
    count = f'{f.count:,} {what}' if f.count else what
    examples = f' (e.g. {", ".join(f.examples)})' if f.examples else ''
    mark = 'x' if f.severity == BLOCK else '!'
    head = f'  {mark} {where + ": " if where else ""}{count}{examples}'
    lines = [head, f'      why: {f.reason}']
    if f.commit:
        lines.append(f'      commit: {f.commit[:12]}')
    if f.fix:
        lines.append(f'      fix: {f.fix}')
    return '\n'.join(lines)


def render_text(findings: Sequence[Finding], files_scanned: int) -> str:
    by_path: dict[str, list[Finding]] = {}
    for f in findings:
        by_path.setdefault(f.path, []).append(f)
    out = []
    for path, group in by_path.items():
        blocked = sum(f.severity == BLOCK for f in group)
        verdict = 'BLOCKED' if blocked else 'warning'
        out.append(f'{path}: {verdict} ({blocked} blocking, {len(group) - blocked} warning)')
        out.extend(_line(f) for f in group)
        out.append('')
    total_block = sum(f.severity == BLOCK for f in findings)
    files_blocked = len({f.path for f in findings if f.severity == BLOCK})
    if total_block:
        out.append(f'pii-hooks: {files_blocked} of {files_scanned} file(s) blocked: personal data '
                   'would be committed. Nothing was printed unmasked.')
    elif findings:
        out.append(f'pii-hooks: {files_scanned} file(s) scanned, warnings only: not blocking.')
    return '\n'.join(out) + ('\n' if out else '')
