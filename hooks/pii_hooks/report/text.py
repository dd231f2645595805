"""The terminal report: one block per file, readable at a glance.

Every report (text, JSON, SARIF, GitHub) shows locations through
``safe_location``: a column or sheet name shaped like a value (a reader that
took a data row or a JSON key for a header) is masked like a value.
"""
from __future__ import annotations

from collections.abc import Sequence

from pii_hooks.mask import mask_label
from pii_hooks.models import BLOCK, Finding, Location
from pii_hooks.policy.decide import label


def safe_location(loc: Location, category: str = '') -> Location:
    return loc._replace(part=mask_label(loc.part), column=mask_label(loc.column, category))


def where(f: Finding) -> str:
    """The part, column and rows of a finding ('' for the whole file)."""
    return safe_location(f.location, f.category).describe()


def what(f: Finding) -> str:
    """How many of what, with masked examples."""
    count = f'{f.count:,} {label(f.category)}' if f.count else label(f.category)
    examples = f' (e.g. {", ".join(f.examples)})' if f.examples else ''
    return count + examples


def summary(f: Finding) -> str:
    """One line: where, how many of what, masked examples."""
    place = where(f)
    return f'{place + ": " if place else ""}{what(f)}'


def _line(f: Finding) -> str:
    mark = 'x' if f.severity == BLOCK else '!'
    lines = [f'  {mark} {summary(f)}', f'      why: {f.reason}']
    if f.commit:
        lines.append(f'      commit: {f.commit[:12]}')
    return '\n'.join(lines)


def _fixes(group: Sequence[Finding]) -> list[str]:
    """Each distinct way forward once, after the file's findings: readable at a glance."""
    seen: list[str] = []
    for f in group:
        if f.fix and f.fix not in seen:
            seen.append(f.fix)
    return [f'  fix: {fix}' for fix in seen]


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
        out.extend(_fixes(group))
        out.append('')
    total_block = sum(f.severity == BLOCK for f in findings)
    files_blocked = len({f.path for f in findings if f.severity == BLOCK})
    if total_block:
        out.append(f'pii-hooks: {files_blocked} of {files_scanned} file(s) blocked: personal data '
                   'would be committed.')
    elif findings:
        out.append(f'pii-hooks: {files_scanned} file(s) scanned, warnings only: not blocking.')
    return '\n'.join(out) + ('\n' if out else '')
