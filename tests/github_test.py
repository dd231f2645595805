"""GitHub Actions output: annotations, escaping that no file name can break, the step summary."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from pii_hooks.cli import main
from pii_hooks.models import BLOCK, WARN, Finding, Location
from pii_hooks.report.github import (
    MAX_ANNOTATIONS,
    escape_data,
    escape_markdown,
    escape_property,
    render_github,
    render_step_summary,
    write_step_summary,
)
from tests.conftest import PEOPLE_CSV, PEOPLE_RAW_VALUES


def finding(**changes: Any) -> Finding:
    base = Finding('data/people.csv', 'ssn', BLOCK, Location('', 'visible', 'SSN', 2, 2, 4), 3,
                   ('***-**-6789',), 'US social security numbers identify a person on their own',
                   'remove the column', 'validated-identifier')
    return base._replace(**changes)


_COMMAND = re.compile(r'^::(error|warning|notice)( [^:]*)?::')


def test_escaping() -> None:
    assert escape_data('50% done\r\nnext') == '50%25 done%0D%0Anext'
    assert escape_property('a:b,c%\n') == 'a%3Ab%2Cc%25%0A'


def test_annotation_format() -> None:
    out = render_github([finding(), finding(severity=WARN, category='email', examples=(
        'j***@g***.com',), location=Location('sheet "People"', 'visible', 'Email', 1, 2, 9))], 2)
    lines = out.splitlines()
    assert lines[0] == ('::error file=data/people.csv,line=2,title=pii-hooks%3A US social '
                        'security numbers::column "SSN", row 2-4: 3 US social security numbers '
                        '(e.g. ***-**-6789). US social security numbers identify a person on '
                        'their own. Fix: remove the column'.replace('row 2-4', 'rows 2-4'))
    assert lines[1].startswith('::warning file=data/people.csv,title=pii-hooks%3A e-mail '
                               'addresses::sheet "People", column "Email"')
    assert 'line=' not in lines[1]                   # a sheet's rows are not lines
    assert 'BLOCKED' in out                          # the full text report follows


def test_blocking_first_and_at_most_ten() -> None:
    findings = [finding(severity=WARN, path=f'w{i}.csv') for i in range(5)] + [
        finding(path=f'b{i}.csv') for i in range(12)]
    out = render_github(findings, 17)
    commands = [line for line in out.splitlines() if _COMMAND.match(line)]
    assert len(commands) == MAX_ANNOTATIONS + 1
    assert all(c.startswith('::error ') for c in commands[:MAX_ANNOTATIONS])
    assert commands[-1].startswith('::notice title=pii-hooks::7 more finding(s)')


def test_no_findings_no_commands() -> None:
    assert render_github([], 3) == ''


def runner_commands(out: str) -> list[str]:
    """The lines the Actions runner would execute, honouring ::stop-commands::."""
    commands: list[str] = []
    resume = ''
    for line in out.splitlines():
        stripped = line.strip()
        if resume:
            if stripped == f'::{resume}::':
                resume = ''
            continue
        if stripped.startswith(('::', '##[')):
            commands.append(stripped)
            if stripped.startswith('::stop-commands::'):
                resume = stripped.split('::')[2]
    return commands


@pytest.mark.parametrize('evil', [
    'x.csv\n::error file=fake.csv::injected',
    'x,line=1,title=forged:.csv',
    'x.csv\r::add-mask::secret',
    'x%0A::error::y.csv',
    'x.csv\n  ##[error]legacy',
])
def test_a_file_name_cannot_inject_a_command(evil: str) -> None:
    out = render_github([finding(path=evil, reason=f'reason mentioning {evil}',
                                 location=Location('', 'visible', evil, 2, 2, 4))], 1)
    commands = runner_commands(out)
    assert len(commands) == 2 and commands[1].startswith('::stop-commands::')
    annotation = commands[0]
    assert annotation == out.splitlines()[0]
    props = annotation[2:].split('::', 1)[0]
    kinds = [p.split('=', 1)[0] for p in props.split(' ', 1)[1].split(',')]
    assert kinds == ['file', 'line', 'title']     # nothing forged
    assert '\r' not in annotation and '\n' not in annotation


def test_stop_token_is_random() -> None:
    tokens = {runner_commands(render_github([finding()], 1))[1] for _ in range(3)}
    assert len(tokens) == 3


def test_markdown_escaping() -> None:
    assert escape_markdown('a|b') == r'a\|b'
    assert escape_markdown('***-**-6789') == r'\*\*\*\-\*\*\-6789'
    assert escape_markdown('<img src=x>') == r'\<img src=x\>'
    assert escape_markdown('two\nlines') == 'two lines'


def test_step_summary_table() -> None:
    text = render_step_summary([finding(), finding(path='a|b.csv', commit='c' * 40)], 2)
    assert text.startswith('## pii-hooks: 2 of 2 file(s) blocked')
    rows = [line for line in text.splitlines() if line.startswith('| error')]
    assert len(rows) == 2
    assert r'a\|b\.csv @ cccccccccccc' in rows[1]
    for row in rows:
        assert row.count(' | ') == 5     # six cells, no cell split by an escaped pipe
    assert render_step_summary([], 4) == '## pii-hooks: 4 file(s) scanned, no personal data found\n'
    assert 'warnings only' in render_step_summary([finding(severity=WARN)], 1)


def test_write_step_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / 'summary.md'
    monkeypatch.delenv('GITHUB_STEP_SUMMARY', raising=False)
    write_step_summary([finding()], 1)            # no summary file: nothing happens
    assert not target.exists()
    target.write_text('# earlier step\n')
    monkeypatch.setenv('GITHUB_STEP_SUMMARY', str(target))
    write_step_summary([finding()], 1)
    text = target.read_text()
    assert text.startswith('# earlier step\n## pii-hooks')   # appended, not replaced


def test_cli_github_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / 'people.csv').write_text(PEOPLE_CSV)
    assert main(['scan', '--format', 'github', 'people.csv']) == 1
    out = capsys.readouterr().out
    assert out.startswith('::error file=people.csv,')
    for raw in PEOPLE_RAW_VALUES:
        assert raw not in out
