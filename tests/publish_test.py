"""Publish awareness: real site layouts in tmp folders and real git repositories."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from pii_hooks.cli import main
from pii_hooks.models import BLOCK, WARN, ColumnEvidence, FileEvidence, TableEvidence
from pii_hooks.policy.config import parse_config
from pii_hooks.policy.decide import Publish, decide
from pii_hooks.policy.publish import detect_publish
from tests.conftest import PEOPLE_CSV, run_git

NO_CONFIG = parse_config(None)


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def site(root: Path, files: dict[str, str], **config: object) -> Publish:
    write(root, files)
    return detect_publish(str(root), parse_config(config or None))


def test_no_site_publishes_everything(tmp_path: Path) -> None:
    publish = site(tmp_path, {'data/people.csv': ''})
    assert publish.generator == ''
    assert publish.is_published('data/people.csv')
    assert publish.url_for('data/people.csv') is None


def test_configured_paths_and_url(tmp_path: Path) -> None:
    publish = site(tmp_path, {}, publish={'paths': ['site/**'], 'url': 'https://data.example.gov/'})
    assert publish.generator == 'configured'
    assert publish.is_published('site/a/people.csv')
    assert not publish.is_published('raw/people.csv')
    assert publish.url_for('site/a/people.csv') == 'https://data.example.gov/site/a/people.csv'
    assert publish.url_for('raw/people.csv') is None


def test_configured_url_without_site(tmp_path: Path) -> None:
    publish = site(tmp_path, {}, publish={'url': 'https://data.example.gov'})
    assert publish.url_for('people.csv') == 'https://data.example.gov/people.csv'


JEKYLL = {
    '_config.yml': 'url: https://agency.example.gov\nbaseurl: /stats\n'
                   'exclude: [private, "*.xlsx"]\ncollections: {cases: {output: true}}\n',
    'index.md': '# hi\n',
}


@pytest.mark.parametrize(('path', 'published', 'url'), [
    ('data/people.csv', True, 'https://agency.example.gov/stats/data/people.csv'),
    ('_data/people.yml', True, 'https://agency.example.gov/stats/'),      # rendered
    ('_posts/2022-11-01-stats.md', True, 'https://agency.example.gov/stats/'),
    ('_cases/case1.json', True, 'https://agency.example.gov/stats/'),      # a collection
    ('_includes/table.csv', False, None),
    ('.github/data.json', False, None),
    ('private/people.csv', False, None),
    ('data/people.xlsx', False, None),
    ('node_modules/pkg/data.json', False, None),
    ('vendor/bundle/x.json', False, None),
])
def test_jekyll(tmp_path: Path, path: str, published: bool, url: str | None) -> None:
    publish = site(tmp_path, JEKYLL)
    assert publish.generator == 'jekyll'
    assert publish.is_published(path) is published
    assert publish.url_for(path) == url


def test_jekyll_exclude_is_anchored_at_the_source(tmp_path: Path) -> None:
    # 'README.csv' excludes the root file only: when unsure, published
    publish = site(tmp_path, {'_config.yml': 'exclude: [README.csv]\n'})
    assert not publish.is_published('README.csv')
    assert publish.is_published('sub/README.csv')


def test_nojekyll_serves_underscore_folders(tmp_path: Path) -> None:
    publish = site(tmp_path, {'index.html': '', '.nojekyll': ''})
    assert publish.generator == 'github-pages'
    assert publish.is_published('_includes/people.csv')


def test_pages_docs_folder_with_cname(tmp_path: Path) -> None:
    publish = site(tmp_path, {'docs/index.md': '# hi', 'docs/CNAME': 'stats.example.gov\n',
                              'data/raw.csv': ''})
    assert publish.generator == 'github-pages (docs/)'
    assert publish.url_for('docs/data/people.csv') == 'https://stats.example.gov/data/people.csv'
    assert publish.is_published('docs/data/people.csv')
    assert not publish.is_published('data/raw.csv')
    assert not publish.is_published('docs/_data2/x.csv')


def test_pages_url_from_remote_never_keeps_credentials(git_repo: Path) -> None:
    run_git(git_repo, 'remote', 'add', 'origin',
            'https://someone:ghp_SYNTHETICTOKEN@github.com/Agency/stats-site.git')
    publish = site(git_repo, {'docs/index.md': '# hi'})
    url = publish.url_for('docs/people.csv')
    assert url == 'https://agency.github.io/stats-site/people.csv'
    assert 'SYNTHETIC' not in url


def test_user_site_url(git_repo: Path) -> None:
    run_git(git_repo, 'remote', 'add', 'origin', 'git@github.com:agency/agency.github.io.git')
    publish = site(git_repo, {'index.html': ''})
    assert publish.url_for('people.csv') == 'https://agency.github.io/people.csv'


def test_gh_pages_checked_out_publishes_everything(git_repo: Path) -> None:
    write(git_repo, {'README.md': 'x'})
    run_git(git_repo, 'add', '.')
    run_git(git_repo, 'commit', '-qm', 'init')
    run_git(git_repo, 'checkout', '-qb', 'gh-pages')
    run_git(git_repo, 'remote', 'add', 'origin', 'https://github.com/agency/stats')
    publish = detect_publish(str(git_repo), NO_CONFIG)
    assert publish.generator == 'github-pages (gh-pages branch)'
    assert publish.is_published('_private/people.csv')
    assert publish.url_for('a/people.csv') == 'https://agency.github.io/stats/a/people.csv'


def test_gh_pages_branch_elsewhere_publishes_everything(git_repo: Path) -> None:
    write(git_repo, {'README.md': 'x'})
    run_git(git_repo, 'add', '.')
    run_git(git_repo, 'commit', '-qm', 'init')
    run_git(git_repo, 'branch', 'gh-pages')
    publish = detect_publish(str(git_repo), NO_CONFIG)
    assert publish.generator == 'github-pages'
    assert publish.is_published('anything/people.csv')


def test_push_to_gh_pages_publishes_everything(git_repo: Path) -> None:
    publish = site(git_repo, {'docs/index.md': ''})
    assert not publish.is_published('data/people.csv')
    publish = detect_publish(str(git_repo), NO_CONFIG, branch='gh-pages')
    assert publish.is_published('data/people.csv')
    publish = detect_publish(str(git_repo), NO_CONFIG, branch='refs/heads/gh-pages')
    assert publish.is_published('data/people.csv')


PEACEIRIS = '''
on: {push: {branches: [main]}}
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: peaceiris/actions-gh-pages@v4
        with: {github_token: "${{ secrets.GITHUB_TOKEN }}", publish_dir: ./site}
'''
UPLOAD = '''
jobs:
  build:
    steps:
      - run: npm run build
      - uses: actions/upload-pages-artifact@v3
        with: {path: dist}
  deploy:
    steps:
      - uses: actions/deploy-pages@v4
'''
JEKYLL_ACTION = '''
jobs:
  build:
    steps:
      - uses: actions/jekyll-build-pages@v1
        with: {source: ./pages}
      - uses: actions/upload-pages-artifact@v3
'''


def test_workflow_publish_dir_in_tree(tmp_path: Path) -> None:
    publish = site(tmp_path, {'.github/workflows/pages.yml': PEACEIRIS, 'site/index.html': '',
                              'raw/people.csv': ''})
    assert publish.generator == 'github-pages (workflow)'
    assert publish.is_published('site/people.csv')
    assert not publish.is_published('raw/people.csv')


def test_workflow_built_folder_publishes_everything(tmp_path: Path) -> None:
    publish = site(tmp_path, {'.github/workflows/pages.yml': UPLOAD, 'src/app.js': ''})
    assert publish.is_published('src/data/people.json')


def test_workflow_jekyll_source(tmp_path: Path) -> None:
    publish = site(tmp_path, {'.github/workflows/pages.yml': JEKYLL_ACTION,
                              'pages/data/people.csv': '', 'raw/people.csv': ''})
    assert publish.is_published('pages/data/people.csv')
    assert not publish.is_published('raw/people.csv')


def test_hugo(tmp_path: Path) -> None:
    publish = site(tmp_path, {'hugo.toml': 'baseURL = "https://stats.example.org/"\n'
                                           'staticDir = ["static", "files"]\n',
                              'themes/plain/static/x.css': ''})
    assert publish.generator == 'hugo'
    assert publish.url_for('static/people.csv') == 'https://stats.example.org/people.csv'
    assert publish.url_for('files/people.csv') == 'https://stats.example.org/people.csv'
    assert publish.url_for('content/post/people.csv') == 'https://stats.example.org/post/people.csv'
    assert publish.url_for('data/people.yaml') == 'https://stats.example.org/'
    assert publish.is_published('assets/people.json')
    assert publish.is_published('themes/plain/static/people.csv')
    assert not publish.is_published('scripts/people.csv')


def test_hugo_legacy_config_needs_hugo_signs(tmp_path: Path) -> None:
    publish = site(tmp_path, {'config.toml': 'title = "x"\n'})
    assert publish.generator == ''           # just some config.toml: no site
    publish = site(tmp_path, {'layouts/index.html': ''})
    assert publish.generator == 'hugo'


def test_mkdocs_with_python_tags(tmp_path: Path) -> None:
    publish = site(tmp_path, {'mkdocs.yml': 'site_url: https://docs.example.org/proj/\n'
                                            'docs_dir: handbook\n'
                                            'markdown_extensions:\n'
                                            '  - pymdownx.emoji:\n'
                                            '      emoji_index: !!python/name:mat.twemoji\n'
                                            'exclude_docs: |\n  drafts/\n'})
    assert publish.generator == 'mkdocs'
    assert publish.url_for('handbook/data/people.csv') == \
        'https://docs.example.org/proj/data/people.csv'
    assert not publish.is_published('handbook/drafts/people.csv')
    assert not publish.is_published('docs/people.csv')


def test_sphinx(tmp_path: Path) -> None:
    conf = ("project = 'x'\nextensions = []\nhtml_static_path = ['_static']\n"
            "html_extra_path = ['_extra']\nhtml_baseurl = 'https://x.readthedocs.io/en/latest/'\n"
            "exclude_patterns = ['_build', 'drafts']\nimport os\nversion = os.environ['X']\n")
    publish = site(tmp_path, {'docs/conf.py': conf})
    assert publish.generator == 'sphinx'
    base = 'https://x.readthedocs.io/en/latest'
    assert publish.url_for('docs/_extra/people.csv') == f'{base}/people.csv'
    assert publish.url_for('docs/_static/people.csv') == f'{base}/_static/people.csv'
    assert publish.url_for('docs/tables/people.csv') == f'{base}/'   # csv-table pulls it in
    assert not publish.is_published('docs/drafts/people.csv')
    assert not publish.is_published('data/people.csv')


def test_eleventy(tmp_path: Path) -> None:
    cfg = ('module.exports = function(cfg) {\n  cfg.addPassthroughCopy("downloads");\n'
           '  return {dir: {input: "src", output: "_site"}};\n};\n')
    publish = site(tmp_path, {'.eleventy.js': cfg})
    assert publish.is_published('src/_data/people.json')
    assert publish.is_published('downloads/people.csv')
    assert not publish.is_published('raw/people.csv')
    publish = site(tmp_path / 'b', {'eleventy.config.js': 'export default function() {}\n'})
    assert publish.is_published('raw/people.csv')        # input '.': everything


def test_netlify_and_vercel(tmp_path: Path) -> None:
    publish = site(tmp_path / 'n', {'netlify.toml': '[build]\npublish = "site"\n',
                                    'site/index.html': ''})
    assert publish.is_published('site/people.csv')
    assert not publish.is_published('raw/people.csv')
    publish = site(tmp_path / 'b', {'netlify.toml': '[build]\ncommand = "npm run build"\n'
                                                    'publish = "dist"\n'})
    assert publish.is_published('raw/people.csv')       # a bundler can import anything
    publish = site(tmp_path / 'v', {'vercel.json': '{"outputDirectory": "out"}',
                                    'out/index.html': ''})
    assert publish.generator == 'vercel'
    assert not publish.is_published('raw/people.csv')
    publish = site(tmp_path / 'w', {'vercel.json': '{}', 'package.json':
                                    '{"scripts": {"build": "next build"}}'})
    assert publish.is_published('raw/people.csv')


@pytest.mark.parametrize('files', [
    {'_config.yml': 'url: [unclosed\n'},
    {'hugo.toml': 'baseURL = \n'},
    {'docs/conf.py': 'html_theme = (\n'},
    {'netlify.toml': '[build\n'},
    {'vercel.json': '{"outputDirectory": '},
    {'mkdocs.yml': '- a list, not a mapping\n'},
    {'.github/workflows/p.yml': 'uses: peaceiris/actions-gh-pages\n  bad: [\n', 'site/x': ''},
])
def test_malformed_config_means_everything(tmp_path: Path, files: dict[str, str]) -> None:
    publish = site(tmp_path, files)
    assert publish.is_published('any/where/people.csv')


def _ssn_evidence(path: str) -> FileEvidence:
    col = ColumnEvidence('SSN', 0, 'ssn', 'validated', 3, 3, 2, 4, ('***-**-6789',))
    return FileEvidence(path, (TableEvidence('', 'visible', 3, (col,)),))


def test_unpublished_warn_never_weakens_published_paths(tmp_path: Path) -> None:
    config = parse_config({'unpublished': 'warn',
                           'rules': [{'paths': ['docs/**'], 'unpublished': 'warn'}]})
    write(tmp_path, {'docs/index.md': '', 'docs/CNAME': 'stats.example.gov'})
    publish = detect_publish(str(tmp_path), config)
    inside = decide(_ssn_evidence('docs/people.csv'), config, publish)
    outside = decide(_ssn_evidence('raw/people.csv'), config, publish)
    assert [f.severity for f in inside] == [BLOCK]
    assert inside[0].published_url == 'https://stats.example.gov/people.csv'
    assert 'will be published at https://stats.example.gov/people.csv' in inside[0].reason
    assert [f.severity for f in outside] == [WARN]
    default = decide(_ssn_evidence('raw/people.csv'), parse_config(None), publish)
    assert [f.severity for f in default] == [BLOCK]     # unpublished blocks by default


def test_cli_end_to_end(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(git_repo, {'docs/index.md': '', 'docs/CNAME': 'stats.example.gov',
                     '.pii-hooks.yaml': 'unpublished: warn\n',
                     'docs/people.csv': PEOPLE_CSV, 'raw/people.csv': PEOPLE_CSV})
    assert main(['scan', 'raw/people.csv']) == 0
    assert main(['scan', 'docs/people.csv']) == 1
    out = capsys.readouterr().out
    assert 'will be published at https://stats.example.gov/people.csv' in out


def test_detect_publish_is_cheap(tmp_path: Path) -> None:
    write(tmp_path, {**JEKYLL, 'docs/conf.py': 'html_theme = "x"\n', 'hugo.toml': '',
                     'mkdocs.yml': 'site_name: x\n'})
    start = time.perf_counter()
    for _ in range(10):
        detect_publish(str(tmp_path), NO_CONFIG)
    assert (time.perf_counter() - start) / 10 < 0.2
    code = ('import sys; from pii_hooks.policy.publish import detect_publish; '
            'from pii_hooks.policy.config import Config; '
            f'detect_publish({str(tmp_path)!r}, Config()); '
            'heavy = {"pandas", "pyarrow", "openpyxl", "numpy"} & set(sys.modules); '
            'print(sorted(heavy))')
    out = subprocess.run((sys.executable, '-c', code), capture_output=True, text=True, check=True)
    assert out.stdout.strip() == '[]'
