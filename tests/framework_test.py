"""pii-hooks under the pre-commit framework: the manifest's filters, stages and the traps.

The fast tests use the repository's own .pre-commit-hooks.yaml with one change,
``language: unsupported``, so the framework runs the ``pii-hooks`` of this test
environment instead of building a virtualenv: file selection, stages,
``require_serial``, ``pass_filenames`` and the exported refs are the real
manifest's.  One slow test installs the hook with ``language: python`` from this
repository's HEAD commit, as users get it.  Every test shares one PRE_COMMIT_HOME.
"""
from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

from pii_hooks.readers import DATA_EXTENSIONS
from tests.git_helpers import (
    PRODUCTS,
    SSN_HEADER,
    SSN_ROWS,
    clean_env,
    commit_all,
    git,
    init_repo,
    people_csv,
    sha,
    write,
)

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / '.pre-commit-hooks.yaml'
SKIPPED = '(no files to check)Skipped'
pytestmark = pytest.mark.skipif(shutil.which('pre-commit', path=str(Path(sys.executable).parent))
                                is None, reason='pre-commit is not installed')


# --- one fixture builder per format: add an extension here when a reader lands -----------

def _records(rows: int = 4) -> list[dict[str, str]]:
    header, *lines = people_csv(rows).splitlines()
    keys = header.split(',')
    return [dict(zip(keys, line.split(','), strict=True)) for line in lines]


def _delimited(sep: str) -> Callable[[], bytes]:
    return lambda: people_csv().replace(',', sep).encode()


def _xlsx() -> bytes:
    from openpyxl import Workbook
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in people_csv().splitlines():
        sheet.append(line.split(','))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


BUILDERS: dict[str, Callable[[], bytes]] = {
    '.csv': _delimited(','), '.tsv': _delimited('\t'), '.tab': _delimited('\t'),
    '.psv': _delimited('|'), '.txt': _delimited(','),
    '.json': lambda: json.dumps(_records()).encode(),
    '.geojson': lambda: json.dumps({'type': 'FeatureCollection', 'features': [
        {'type': 'Feature', 'geometry': None, 'properties': r} for r in _records()]}).encode(),
    '.jsonl': lambda: ''.join(json.dumps(r) + '\n' for r in _records()).encode(),
    '.ndjson': lambda: ''.join(json.dumps(r) + '\n' for r in _records()).encode(),
    '.yaml': lambda: yaml.safe_dump(_records()).encode(),
    '.yml': lambda: yaml.safe_dump(_records()).encode(),
    '.xlsx': _xlsx,
}


def _manifest_regex() -> re.Pattern[str]:
    hooks = yaml.safe_load(MANIFEST.read_text())
    by_id = {h['id']: h for h in hooks}
    assert by_id['pii-hooks']['files'] == by_id['pii-headers']['files']
    return re.compile(by_id['pii-hooks']['files'])


# --- fixtures -----------------------------------------------------------------------------

@pytest.fixture(scope='session')
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp('pre-commit-home')


@pytest.fixture(scope='session')
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The manifest in a repository of its own, run with this environment's pii-hooks."""
    repo = init_repo(tmp_path_factory.mktemp('hook-repo'))
    text = MANIFEST.read_text().replace('language: python', 'language: unsupported')
    write(repo, '.pre-commit-hooks.yaml', text)
    return repo, commit_all(repo, 'manifest')


class Project:
    """A repository using the hooks through the framework, with a bare remote."""

    def __init__(self, path: Path, env: dict[str, str]) -> None:
        self.path, self.env = path, env

    def git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return git(self.path, *args, check=check, env=self.env)

    def run(self, *args: str) -> tuple[int, str]:
        proc = self.git(*args, check=False)
        return proc.returncode, proc.stdout + proc.stderr


@pytest.fixture(scope='session')
def framework_hooks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The scripts `pre-commit install` writes (they name no repository): made once."""
    repo = init_repo(tmp_path_factory.mktemp('template'))
    subprocess.run((sys.executable, '-m', 'pre_commit', 'install', '-t', 'pre-commit',
                    '-t', 'pre-push'), cwd=repo, env=clean_env(), check=True,
                   capture_output=True)
    return {name: (repo / '.git' / 'hooks' / name).read_text()
            for name in ('pre-commit', 'pre-push')}


def _project(path: Path, home: Path, repo: str, rev: str,
             hooks: dict[str, str]) -> Project:
    init_repo(path)
    env = clean_env(PRE_COMMIT_HOME=str(home))
    config = {'repos': [{'repo': repo, 'rev': rev, 'hooks': [
        {'id': 'pii-hooks'}, {'id': 'pii-headers'}, {'id': 'pii-hooks-push'}]}]}
    write(path, '.pre-commit-config.yaml', yaml.safe_dump(config))
    project = Project(path, env)
    for name, text in hooks.items():
        write(path, f'.git/hooks/{name}', text).chmod(0o755)
    write(path, 'README.md', '# project\n')
    project.git('add', '-A')
    project.git('commit', '-q', '--no-verify', '-m', 'base')
    remote = init_repo(path.parent / 'remote.git', bare=True)
    project.git('remote', 'add', 'origin', str(remote))
    return project


@pytest.fixture
def project(tmp_path: Path, pre_commit_home: Path, hook_repo: tuple[Path, str],
            framework_hooks: dict[str, str]) -> Iterator[Project]:
    yield _project(tmp_path / 'project', pre_commit_home, str(hook_repo[0]), hook_repo[1],
                   framework_hooks)


# --- the manifest ---------------------------------------------------------------------------

def test_every_supported_extension_is_in_the_manifest() -> None:
    regex = _manifest_regex()
    for ext in sorted(DATA_EXTENSIONS):
        assert regex.search(f'data/file{ext}'), ext
        assert regex.search(f'DATA/FILE{ext.upper()}'), ext
    for name in ('README.md', 'app.py', 'docs/index.html', 'style.css', 'logo.png'):
        assert not regex.search(name), name


def test_manifest_shape() -> None:
    hooks = {h['id']: h for h in yaml.safe_load(MANIFEST.read_text())}
    assert hooks['pii-hooks']['entry'] == 'pii-hooks scan --hook'
    assert hooks['pii-headers']['entry'] == 'pii-hooks scan --hook --headers-only'
    push = hooks['pii-hooks-push']
    assert (push['entry'], push['stages'], push['always_run'], push['pass_filenames']) == (
        'pii-hooks scan --push', ['pre-push'], True, False)
    for hook in hooks.values():
        assert hook['language'] == 'python'
        assert hook.get('types', ['file']) == ['file']


# --- pre-commit stage -------------------------------------------------------------------------

def test_docs_only_commit_skips_the_hooks(project: Project) -> None:
    write(project.path, 'docs/guide.md', '# Guide\n')
    write(project.path, 'app.py', 'print("hello")\n')
    project.git('add', '-A')
    code, out = project.run('commit', '-m', 'docs')
    assert code == 0
    lines = [line for line in out.splitlines() if line.startswith('pii-')]
    assert len(lines) == 2 and all(line.endswith(SKIPPED) for line in lines), out


def test_every_format_reaches_the_hook_and_blocks(project: Project) -> None:
    formats = sorted(set(BUILDERS) & DATA_EXTENSIONS)
    assert {'.csv', '.tsv', '.json', '.jsonl', '.yaml', '.xlsx'} <= set(formats)
    for ext in formats:
        write(project.path, f'data/people{ext}', BUILDERS[ext]())
    project.git('add', '-A')
    code, out = project.run('commit', '-m', 'all formats')
    assert code == 1
    for ext in formats:
        assert f'data/people{ext}: BLOCKED' in out, ext
    assert '***-**-1001' in out and '101-11-1001' not in out


def test_staged_pii_cleaned_on_disk_is_blocked(project: Project) -> None:
    write(project.path, 'people.csv', people_csv())
    project.git('add', 'people.csv')
    write(project.path, 'people.csv', PRODUCTS)        # the framework stashes this change
    code, out = project.run('commit', '-m', 'x')
    assert code == 1 and 'people.csv: BLOCKED' in out
    assert (project.path / 'people.csv').read_text() == PRODUCTS   # and restores it


def test_commit_forms_through_the_framework(project: Project) -> None:
    write(project.path, 'people.csv', PRODUCTS)
    project.git('add', '-A')
    project.git('commit', '-q', '--no-verify', '-m', 'products')
    write(project.path, 'people.csv', people_csv())          # modified, not staged
    code, out = project.run('commit', '-a', '-m', 'x')
    assert code == 1 and 'people.csv: BLOCKED' in out
    code, out = project.run('commit', '-m', 'x', 'people.csv')
    assert code == 1 and 'people.csv: BLOCKED' in out
    # staged, but the commit takes only notes.txt
    project.git('add', 'people.csv')
    write(project.path, 'notes.md', 'a note\n')
    project.git('add', 'notes.md')
    code, out = project.run('commit', '-m', 'notes only', 'notes.md')
    assert code == 0, out
    code, out = project.run('commit', '-m', 'the rest')
    assert code == 1 and 'people.csv: BLOCKED' in out


def test_rows_appended_under_an_existing_header(project: Project) -> None:
    write(project.path, 'cases.csv', SSN_HEADER)
    project.git('add', '-A')
    project.git('commit', '-q', '--no-verify', '-m', 'header')
    write(project.path, 'cases.csv', SSN_HEADER + SSN_ROWS)
    project.git('add', '-A')
    code, out = project.run('commit', '-m', 'rows')
    assert code == 1 and 'column "SSN"' in out


def test_manual_run_with_refs_reads_the_to_ref_not_the_disk(project: Project) -> None:
    write(project.path, 'people.csv', PRODUCTS)
    project.git('add', '-A')
    project.git('commit', '-q', '--no-verify', '-m', 'products')
    project.git('checkout', '-q', '-b', 'leak')
    write(project.path, 'people.csv', people_csv())
    project.git('commit', '-q', '-a', '--no-verify', '-m', 'leak')
    project.git('checkout', '-q', 'main')
    proc = subprocess.run((sys.executable, '-m', 'pre_commit', 'run', 'pii-hooks',
                           '--hook-stage', 'manual', '--from-ref', 'main', '--to-ref', 'leak'),
                          cwd=project.path, env=project.env, capture_output=True, text=True)
    assert proc.returncode == 1 and 'people.csv: BLOCKED' in proc.stdout, proc.stdout


# --- pre-push stage ------------------------------------------------------------------------

def test_push_of_a_branch_that_is_not_checked_out(project: Project) -> None:
    project.git('push', '-q', '--no-verify', 'origin', 'main')
    project.git('checkout', '-q', '-b', 'leak')
    write(project.path, 'people.csv', people_csv())
    project.git('add', '-A')
    project.git('commit', '-q', '--no-verify', '-m', 'leak')
    leak = sha(project.path)
    project.git('checkout', '-q', 'main')
    code, out = project.run('push', 'origin', 'leak')
    assert code != 0 and 'people.csv: BLOCKED' in out and f'commit: {leak[:12]}' in out
    assert 'push blocked' in out


def test_first_push_to_an_empty_remote(project: Project) -> None:
    write(project.path, 'people.csv', people_csv())
    project.git('add', '-A')
    project.git('commit', '-q', '--no-verify', '-m', 'leak')
    write(project.path, 'later.md', 'x\n')
    project.git('add', '-A')
    project.git('commit', '-q', '--no-verify', '-m', 'later')
    code, out = project.run('push', 'origin', 'main')
    assert code != 0 and 'people.csv: BLOCKED' in out


def test_multi_ref_push_checks_every_ref(project: Project) -> None:
    project.git('push', '-q', '--no-verify', 'origin', 'main')
    project.git('checkout', '-q', '-b', 'leak')
    write(project.path, 'people.csv', people_csv())
    project.git('add', '-A')
    project.git('commit', '-q', '--no-verify', '-m', 'leak')
    project.git('checkout', '-q', 'main')
    write(project.path, 'more.md', 'x\n')
    project.git('add', '-A')
    project.git('commit', '-q', '--no-verify', '-m', 'more')
    # the framework looks only at the first ref (main); --push covers leak too
    code, out = project.run('push', 'origin', 'main', 'leak')
    assert code != 0 and 'people.csv: BLOCKED' in out


def test_rows_appended_are_blocked_at_push(project: Project) -> None:
    write(project.path, 'cases.csv', SSN_HEADER)
    project.git('add', '-A')
    project.git('commit', '-q', '--no-verify', '-m', 'header')
    project.git('push', '-q', '--no-verify', 'origin', 'main')
    write(project.path, 'cases.csv', SSN_HEADER + SSN_ROWS)
    project.git('commit', '-q', '-a', '--no-verify', '-m', 'rows')
    code, out = project.run('push', 'origin', 'main')
    assert code != 0 and 'column "SSN"' in out


def test_clean_push_passes(project: Project) -> None:
    write(project.path, 'products.csv', PRODUCTS)
    project.git('add', '-A')
    project.git('commit', '-q', '-m', 'products')
    code, out = project.run('push', 'origin', 'main')
    assert code == 0, out


# --- the real thing: language: python, installed from this repository's HEAD ------------

@pytest.mark.slow
def test_language_python_install_from_this_repository(
        tmp_path: Path, pre_commit_home: Path, framework_hooks: dict[str, str]) -> None:
    head = git(ROOT, 'rev-parse', 'HEAD').stdout.strip()
    project = _project(tmp_path / 'project', pre_commit_home, str(ROOT), head, framework_hooks)
    write(project.path, 'docs/guide.md', '# Guide\n')
    project.git('add', '-A')
    code, out = project.run('commit', '-m', 'docs')
    assert code == 0 and out.count(SKIPPED) == 2, out
    write(project.path, 'people.csv', people_csv())
    project.git('add', '-A')
    code, out = project.run('commit', '-m', 'leak')
    assert code == 1 and 'people.csv: BLOCKED' in out, out
