"""GitHub Actions: annotations for the first findings, the full report in the step summary.

GitHub shows about ten annotations of a kind per step, so the first ten
findings (blocking ones first) become ``::error``/``::warning`` commands, a
notice says how many more there are, and the whole masked report follows as
plain text.  ``write_step_summary`` appends a markdown table of every finding
to ``$GITHUB_STEP_SUMMARY``.

Everything a file or a cell can influence (paths, column names, reasons) is
escaped: ``%``, CR and LF in messages, and also ``:`` and ``,`` in
properties, so no file name can end a command and start another one; the
plain report is wrapped in ``::stop-commands::`` with a random token.  CI
logs of public repositories are public: only masked text is written.
"""
from __future__ import annotations

import os
import re
import secrets
from collections.abc import Sequence

from pii_hooks.models import BLOCK, Finding
from pii_hooks.policy.decide import label
from pii_hooks.report.text import render_text, summary, what, where

#: GitHub shows at most this many annotations of one kind per step.
MAX_ANNOTATIONS = 10
#: The step summary is capped by GitHub at 1 MiB; stay well below it.
MAX_SUMMARY_ROWS = 1000
_MARKDOWN_SPECIAL = re.compile(r'([\\`*_{}\[\]<>()#+\-.!|~])')


def escape_data(text: str) -> str:
    """A workflow command's message: %, CR and LF cannot end the command."""
    return text.replace('%', '%25').replace('\r', '%0D').replace('\n', '%0A')


def escape_property(text: str) -> str:
    """A workflow command's property value: also ':' and ','."""
    return escape_data(text).replace(':', '%3A').replace(',', '%2C')


def _ordered(findings: Sequence[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: f.severity != BLOCK)     # stable: file order kept


def annotation(f: Finding) -> str:
    kind = 'error' if f.severity == BLOCK else 'warning'
    props = [f'file={escape_property(f.path)}']
    if not f.location.part and f.location.first_row > 0:
        props.append(f'line={f.location.first_row}')
    props.append(f'title={escape_property(f"pii-hooks: {label(f.category)}")}')
    message = f'{summary(f)}. {f.reason.rstrip(".")}.'
    if f.fix:
        message += f' Fix: {f.fix}'
    return f'::{kind} {",".join(props)}::{escape_data(message)}'


def render_github(findings: Sequence[Finding], files_scanned: int) -> str:
    ordered = _ordered(findings)
    lines = [annotation(f) for f in ordered[:MAX_ANNOTATIONS]]
    hidden = len(ordered) - MAX_ANNOTATIONS
    if hidden > 0:
        lines.append(f'::notice title=pii-hooks::{hidden} more finding(s) are not shown as '
                     'annotations: see the job summary or the report below.')
    text = render_text(findings, files_scanned)
    if text:
        # a path or a header with a newline could start a line with '::' in the plain report:
        # stop command processing around it, with a token no file can guess
        token = secrets.token_hex(16)
        lines += [f'::stop-commands::{token}', text.rstrip('\n'), f'::{token}::']
    return '\n'.join(lines) + ('\n' if lines else '')


def escape_markdown(text: str) -> str:
    """A table cell: markdown and HTML characters escaped, one line."""
    return _MARKDOWN_SPECIAL.sub(r'\\\1', ' '.join(text.split()))


def render_step_summary(findings: Sequence[Finding], files_scanned: int) -> str:
    blocked_files = len({f.path for f in findings if f.severity == BLOCK})
    if blocked_files:
        head = (f'## pii-hooks: {blocked_files} of {files_scanned} file(s) blocked\n\n'
                'Personal data would be committed or published. Examples are masked.\n')
    elif findings:
        head = f'## pii-hooks: {files_scanned} file(s) scanned, warnings only\n'
    else:
        return f'## pii-hooks: {files_scanned} file(s) scanned, no personal data found\n'
    rows = ['| | File | Where | What | Why | Fix |', '|---|---|---|---|---|---|']
    ordered = _ordered(findings)
    for f in ordered[:MAX_SUMMARY_ROWS]:
        mark = 'error' if f.severity == BLOCK else 'warning'
        cells = [mark, f.path + (f' @ {f.commit[:12]}' if f.commit else ''), where(f) or '-',
                 what(f), f.reason, f.fix]
        rows.append('| ' + ' | '.join(escape_markdown(c) for c in cells) + ' |')
    more = len(ordered) - MAX_SUMMARY_ROWS
    tail = f'\n{more} more finding(s) not listed.\n' if more > 0 else ''
    return head + '\n' + '\n'.join(rows) + '\n' + tail


def write_step_summary(findings: Sequence[Finding], files_scanned: int) -> None:
    """Append the masked report to $GITHUB_STEP_SUMMARY, when the step has one."""
    target = os.environ.get('GITHUB_STEP_SUMMARY')
    if not target:
        return
    with open(target, 'a', encoding='utf-8') as handle:
        handle.write(render_step_summary(findings, files_scanned))
