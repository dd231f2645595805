"""Publish awareness: does this repository publish a website, and which paths does it serve?

``detect_publish(root, config)`` reads a few small files of the working tree
(and asks git whether a ``gh-pages`` branch exists and where ``origin``
points) and answers, for any repository path, whether a site serves it and
under which URL.  It is called once per run and imports no data library.

What counts as published (a path is published if any rule below says so):

* GitHub Pages: a ``docs/`` folder with ``index.*`` or ``_config.yml`` (Jekyll
  rules inside it), a site at the root (``_config.yml``, ``index.html`` or
  ``index.md``), the current branch being ``gh-pages``, or a workflow that
  deploys with ``actions/deploy-pages`` / ``upload-pages-artifact``,
  ``peaceiris/actions-gh-pages`` or ``JamesIves/github-pages-deploy-action``
  (its publish folder).  URL: ``CNAME``, else ``https://OWNER.github.io/REPO``.
* Jekyll: everything under the source except ``exclude``, ``_*`` and ``.*``
  (``.nojekyll`` turns that off); ``_data``, ``_posts`` and collections are
  rendered into pages: treated as published (a rendered people table is as
  public as a served CSV).  URL: ``url`` + ``baseurl``.
* Hugo: ``static/`` and ``content/`` served, ``data/`` and ``assets/`` rendered,
  a committed ``public/``; the same folders in themes.  URL: ``baseURL``.
* MkDocs: ``docs_dir`` (default ``docs``).  URL: ``site_url``.
* Sphinx: the source folder (rendered: ``csv-table`` pulls data in),
  ``html_extra_path`` and ``html_static_path`` served.  URL: ``html_baseurl``.
* Eleventy: the input folder and passthrough copies.
* Netlify ``[build] publish`` and Vercel ``outputDirectory``: that folder.
* ``publish: {paths, url}`` in .pii-hooks.yaml: added to the above (never
  narrows them); ``url`` replaces a detected site URL.

When in doubt we say "published": a JavaScript build (a ``build`` script
behind Netlify, Vercel or Eleventy) can bundle any file it imports, a
deploy folder that is not in the tree is built from sources we cannot see,
and a repository with no detected site may itself be public.  So those,
and a malformed site configuration, make every path published.
"""
from __future__ import annotations

import ast
import fnmatch
import functools
import json
import os
import re
import subprocess
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from pii_hooks.policy.config import Config, glob_match
from pii_hooks.policy.decide import Publish

_MAX_CONFIG_BYTES = 1 << 20       # site configs are small; a huge one is not read
_JEKYLL_DEFAULT_EXCLUDE = ('Gemfile', 'Gemfile.lock', 'node_modules', 'vendor/bundle/',
                           'vendor/cache/', 'vendor/gems/', 'vendor/ruby/', '_site')
_JEKYLL_RENDERED = ('_data', '_posts', '_drafts')
_INDEX_NAMES = ('index.html', 'index.md', 'index.markdown', 'index.htm')
_GITHUB_REMOTE = re.compile(r'github\.com[:/]+([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?/?$')


class Served(NamedTuple):
    """One folder a site publishes."""

    source: str                    # folder relative to the root ('' = the root), no slashes around
    url_path: str = ''             # where its files appear under the site URL
    rendered: bool = False         # rendered into pages rather than served as files
    exclude: tuple[str, ...] = ()  # patterns relative to source that are not published
    jekyll: bool = False           # Jekyll rules: '_x' and '.x' are not served
    include: tuple[str, ...] = ()  # Jekyll 'include': '_x' / '.x' names that are served


class Site(NamedTuple):
    generator: str
    served: tuple[Served, ...] = ()
    url: str = ''                  # the site's base URL ('' when unknown)
    everything: bool = False       # every path of the repository is published


class _Unparsable(Exception):
    """A site configuration we cannot read: fall back to "everything published"."""


# --- reading -------------------------------------------------------------------------------

def _read_text(root: str, rel: str) -> str | None:
    path = os.path.join(root, rel)
    try:
        if not os.path.isfile(path) or os.path.getsize(path) > _MAX_CONFIG_BYTES:
            return None
        with open(path, encoding='utf-8', errors='replace') as handle:
            return handle.read()
    except OSError:
        return None


@functools.lru_cache(maxsize=1)
def _yaml_loader() -> type[Any]:
    """yaml.SafeLoader that reads unknown tags (mkdocs' ``!!python/name:``, ``!ENV``) as None."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def unknown(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
        return None

    Loader.add_multi_constructor('!', unknown)
    Loader.add_multi_constructor('tag:yaml.org,2002:python/', unknown)
    return Loader


def _load(root: str, rel: str) -> dict[str, Any] | None:
    """A YAML, TOML or JSON config as a mapping; None if absent; _Unparsable if broken."""
    text = _read_text(root, rel)
    if text is None:
        return None
    try:
        if rel.endswith('.toml'):
            import tomllib
            data: Any = tomllib.loads(text)
        elif rel.endswith('.json'):
            data = json.loads(text)
        else:
            import yaml
            data = yaml.load(text, Loader=_yaml_loader())
    except Exception:  # noqa: BLE001 - any parser failure means 'assume published'
        raise _Unparsable(rel) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise _Unparsable(rel)
    return data


def _get(data: dict[str, Any], *keys: str) -> Any:
    """A key, case-insensitively (Hugo's baseURL / baseurl)."""
    lowered = {str(k).lower(): v for k, v in data.items()}
    for key in keys:
        if key.lower() in lowered:
            return lowered[key.lower()]
    return None


def _str(value: Any, default: str = '') -> str:
    return value if isinstance(value, str) and value.strip() else default


def _strs(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str))
    return ()


def _folder(*parts: str) -> str:
    """Join and normalise to a root-relative folder ('' = the root)."""
    joined = os.path.normpath(os.path.join(*[p for p in parts if p] or ['.'])).replace(os.sep, '/')
    return '' if joined in ('.', '') else joined.strip('/')


def _exists(root: str, rel: str) -> bool:
    return os.path.exists(os.path.join(root, rel))


def _git(root: str, *args: str) -> str:
    try:
        proc = subprocess.run(('git', *args), cwd=root, capture_output=True, text=True,
                              check=False, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return ''
    return proc.stdout.strip() if proc.returncode == 0 else ''


# --- generators ----------------------------------------------------------------------------

def _jekyll(root: str, source: str, generator: str = 'jekyll') -> Site:
    cfg = _load(root, _folder(source, '_config.yml')) or _load(
        root, _folder(source, '_config.yaml')) or {}
    src = _folder(source, _str(cfg.get('source')))
    url = _str(cfg.get('url')).rstrip('/') + _str(cfg.get('baseurl')).rstrip('/')
    no_jekyll = _exists(root, _folder(src, '.nojekyll'))
    exclude = _JEKYLL_DEFAULT_EXCLUDE + _strs(cfg.get('exclude'))
    collections = cfg.get('collections')
    names = list(collections) if isinstance(collections, (dict, list)) else []
    rendered = _JEKYLL_RENDERED + tuple('_' + str(n) for n in names if isinstance(n, str))
    served = [Served(src, '', exclude=exclude, jekyll=not no_jekyll,
                     include=_strs(cfg.get('include')))]
    served += [Served(_folder(src, r), '', rendered=True) for r in rendered]
    return Site(generator, tuple(served), url)


def _hugo_config(root: str) -> tuple[str, dict[str, Any]] | None:
    for rel in ('hugo.toml', 'hugo.yaml', 'hugo.yml', 'hugo.json', 'config/_default/hugo.toml',
                'config/_default/config.toml', 'config/_default/hugo.yaml',
                'config/_default/config.yaml'):
        data = _load(root, rel)
        if data is not None:
            return rel, data
    for rel in ('config.toml', 'config.yaml', 'config.yml', 'config.json'):
        data = _load(root, rel)
        hugo_dirs = any(_exists(root, d) for d in ('archetypes', 'layouts', 'content', 'themes'))
        if data is not None and (_get(data, 'baseURL', 'theme') is not None or hugo_dirs):
            return rel, data
    return None


def _hugo(root: str, data: dict[str, Any]) -> Site:
    url = _str(_get(data, 'baseURL')).rstrip('/')
    static = _strs(_get(data, 'staticDir')) or ('static',)
    content = _str(_get(data, 'contentDir'), 'content')
    data_dir = _str(_get(data, 'dataDir'), 'data')
    assets = _str(_get(data, 'assetDir'), 'assets')
    public = _str(_get(data, 'publishDir'), 'public')
    served = [Served(_folder(s)) for s in static]
    served += [Served(_folder(content)), Served(_folder(public))]
    served += [Served(_folder(data_dir), rendered=True), Served(_folder(assets), rendered=True)]
    themes = _str(_get(data, 'themesDir'), 'themes')
    try:
        theme_names = sorted(os.listdir(os.path.join(root, themes)))
    except OSError:
        theme_names = []
    for name in theme_names:
        served += [Served(_folder(themes, name, 'static')),
                   Served(_folder(themes, name, 'data'), rendered=True),
                   Served(_folder(themes, name, 'assets'), rendered=True)]
    return Site('hugo', tuple(served), url)


def _mkdocs(root: str, rel: str) -> Site:
    cfg = _load(root, rel) or {}
    base = os.path.dirname(rel)
    docs = _folder(base, _str(cfg.get('docs_dir'), 'docs'))
    raw_exclude = cfg.get('exclude_docs')
    exclude = tuple(line.strip() for line in raw_exclude.splitlines()
                    if line.strip() and not line.strip().startswith(('#', '!'))) \
        if isinstance(raw_exclude, str) else ()
    # MkDocs skips dot-files, and '_' names are copied: no Jekyll underscore rule
    return Site('mkdocs', (Served(docs, exclude=(*exclude, '.*')),),
                _str(cfg.get('site_url')).rstrip('/'))


def _sphinx_values(text: str) -> dict[str, Any]:
    """Literal assignments of conf.py, read with ast: conf.py is never executed."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        raise _Unparsable('conf.py') from None
    values: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], ast.Name):
            try:
                values[node.targets[0].id] = ast.literal_eval(node.value)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                values[node.targets[0].id] = None
    return values


def _sphinx(root: str, conf: str) -> Site:
    text = _read_text(root, conf) or ''
    values = _sphinx_values(text)
    src = _folder(os.path.dirname(conf))
    exclude = (*_strs(values.get('exclude_patterns')), '_build')
    # files copied as they are come first: they have URLs of their own
    served = [Served(_folder(src, p)) for p in _strs(values.get('html_extra_path'))]
    served += [Served(_folder(src, p), '_static') for p in _strs(values.get('html_static_path'))]
    served += [Served(src, rendered=True, exclude=exclude)]
    return Site('sphinx', tuple(served), _str(values.get('html_baseurl')).rstrip('/'))


def _is_sphinx_conf(text: str) -> bool:
    return bool(re.search(r'^(html_\w+|extensions|master_doc|root_doc)\s*=', text, re.M))


def _sphinx_confs(root: str) -> list[str]:
    found = []
    for rel in ('conf.py', 'docs/conf.py', 'doc/conf.py', 'docs/source/conf.py',
                'doc/source/conf.py', 'source/conf.py'):
        text = _read_text(root, rel)
        if text is not None and _is_sphinx_conf(text):
            found.append(rel)
    rtd = _load(root, '.readthedocs.yaml') or _load(root, '.readthedocs.yml') or {}
    sphinx = rtd.get('sphinx')
    conf = _str(sphinx.get('configuration')) if isinstance(sphinx, dict) else ''
    if conf and _folder(conf) not in found and _read_text(root, _folder(conf)) is not None:
        found.append(_folder(conf))
    return found


_ELEVENTY_CONFIGS = ('.eleventy.js', 'eleventy.config.js', 'eleventy.config.cjs',
                     'eleventy.config.mjs', 'eleventy.config.ts')


def _eleventy(root: str, rel: str) -> Site:
    text = _read_text(root, rel) or ''
    match = re.search(r'\binput\s*:\s*[\'"`]([^\'"`]+)', text)
    passthrough = re.findall(r'addPassthroughCopy\(\s*[\'"`]([^\'"`*]+)', text)
    passthrough += re.findall(r'addPassthroughCopy\(\s*\{\s*[\'"`]([^\'"`*]+)', text)
    if not match or _folder(match.group(1)) == '':
        return Site('eleventy', everything=True)
    served = [Served(_folder(p)) for p in passthrough]
    served += [Served(_folder(match.group(1)), rendered=True, exclude=('node_modules',))]
    return Site('eleventy', tuple(served))


def _has_build_script(root: str) -> bool:
    try:
        package = _load(root, 'package.json') or {}
    except _Unparsable:
        return True
    scripts = package.get('scripts')
    return isinstance(scripts, dict) and 'build' in scripts


def _netlify(root: str) -> Site:
    cfg = _load(root, 'netlify.toml') or {}
    build = cfg.get('build')
    if not isinstance(build, dict):
        build = {}
    base = _str(build.get('base'))
    publish = _folder(base, _str(build.get('publish')))
    if not publish or (_str(build.get('command')) and not _exists(root, publish)):
        return Site('netlify', everything=True)
    return Site('netlify', (Served(publish),))


def _vercel(root: str) -> Site:
    cfg = _load(root, 'vercel.json') or {}
    output = _folder(_str(cfg.get('outputDirectory')))
    built = bool(_str(cfg.get('buildCommand'))) or _has_build_script(root)
    if not output or (built and not _exists(root, output)):
        return Site('vercel', everything=True)
    return Site('vercel', (Served(output),))


_PAGES_ACTIONS = {
    'actions/upload-pages-artifact': ('path', '_site'),
    'peaceiris/actions-gh-pages': ('publish_dir', 'public'),
    'jamesives/github-pages-deploy-action': ('folder', ''),
}
_JEKYLL_ACTION = 'actions/jekyll-build-pages'


class _Workflows(NamedTuple):
    deploys: bool = False                  # some workflow deploys GitHub Pages
    folders: tuple[str, ...] = ()          # the folders deployed ('.' = the root or unknown)
    jekyll_sources: tuple[str, ...] = ()   # sources built by actions/jekyll-build-pages


def _pages_workflows(root: str) -> _Workflows:
    folder = os.path.join(root, '.github', 'workflows')
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return _Workflows()
    found = _Workflows()
    for name in names:
        if not name.endswith(('.yml', '.yaml')):
            continue
        rel = f'.github/workflows/{name}'
        lowered = (_read_text(root, rel) or '').lower()
        if not any(a in lowered for a in (*_PAGES_ACTIONS, 'actions/deploy-pages')):
            continue
        try:
            data = _load(root, rel) or {}
        except _Unparsable:
            data = {'jobs': {'unknown': {'steps': [{'uses': 'peaceiris/actions-gh-pages',
                                                    'with': {'publish_dir': '.'}}]}}}
        folders, sources = _deploy_steps(data)
        found = _Workflows(True, found.folders + folders, found.jekyll_sources + sources)
    return found


def _steps(data: dict[str, Any]) -> Iterable[dict[str, Any]]:
    jobs = data.get('jobs')
    for job in (jobs.values() if isinstance(jobs, dict) else ()):
        steps = job.get('steps') if isinstance(job, dict) else None
        for step in steps if isinstance(steps, list) else ():
            if isinstance(step, dict):
                yield step


def _with(step: dict[str, Any], key: str, default: str) -> str:
    args = step.get('with')
    value = args.get(key, default) if isinstance(args, dict) else default
    text = str(value) if value is not None else ''
    # an expression (${{ ... }}) names a folder we cannot know: assume the root
    return '.' if '${{' in text or not text.strip() else text


def _deploy_steps(data: dict[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    folders: list[str] = []
    sources: list[str] = []
    for step in _steps(data):
        uses = _str(step.get('uses')).lower().split('@', 1)[0]
        if uses == _JEKYLL_ACTION:
            sources.append(_with(step, 'source', '.'))
        elif uses in _PAGES_ACTIONS:
            key, default = _PAGES_ACTIONS[uses]
            folders.append(_with(step, key, default))
    return tuple(folders), tuple(sources)


def _github_pages_url(root: str, cname_folders: Sequence[str]) -> str:
    for folder in cname_folders:
        text = _read_text(root, _folder(folder, 'CNAME'))
        host = (text or '').strip().splitlines()[0].strip() if (text or '').strip() else ''
        if host and re.fullmatch(r'[A-Za-z0-9.-]+', host):
            return f'https://{host}'
    remote = _git(root, 'config', '--get', 'remote.origin.url')
    match = _GITHUB_REMOTE.search(remote)     # only owner/repo survive: never the credentials
    if not match:
        return ''
    owner, repo = match.group(1), match.group(2)
    if repo.lower() == f'{owner.lower()}.github.io':
        return f'https://{owner.lower()}.github.io'
    return f'https://{owner.lower()}.github.io/{repo}'


def _has_index(root: str, folder: str) -> bool:
    return any(_exists(root, _folder(folder, n)) for n in _INDEX_NAMES)


def _github_pages(root: str, branch: str, claimed: set[str]) -> list[Site]:
    """GitHub Pages sources that no generator above claimed."""
    current = branch.removeprefix('refs/heads/') or _git(root, 'rev-parse', '--abbrev-ref', 'HEAD')
    if current == 'gh-pages':
        return [Site('github-pages (gh-pages branch)', everything=True,
                     url=_github_pages_url(root, ('',)))]
    sites: list[Site] = []
    workflows = _pages_workflows(root)
    for source in workflows.jekyll_sources:
        sites.append(_jekyll(root, _folder(source), 'github-pages (jekyll workflow)'))
        claimed.add(_folder(source))
    for folder in workflows.folders:
        rel = _folder(folder)
        if rel and _exists(root, rel):
            sites.append(Site('github-pages (workflow)', (Served(rel),)))
        elif rel == '' or not claimed:
            # the root, or a folder built from sources that no generator here explains
            sites.append(Site('github-pages (workflow)', everything=True))
    if 'docs' not in claimed and (_has_index(root, 'docs') or _exists(root, 'docs/_config.yml')):
        sites.append(_jekyll(root, 'docs', 'github-pages (docs/)'))
    if '' not in claimed and (_exists(root, '_config.yml') or _has_index(root, '')):
        sites.append(_jekyll(root, '', 'jekyll' if _exists(root, '_config.yml')
                             else 'github-pages'))
    if not sites and (workflows.deploys or _has_pages_branch(root)):
        # a gh-pages branch or a Pages deploy, fed from this branch in ways we cannot see
        sites.append(Site('github-pages', everything=True))
    if any(not s.url for s in sites):
        url = _github_pages_url(root, ('docs', '', 'static', 'public'))
        sites = [s if s.url else s._replace(url=url) for s in sites]
    return sites


def _has_pages_branch(root: str) -> bool:
    return bool(_git(root, 'rev-parse', '--verify', '--quiet', 'refs/heads/gh-pages')
                or _git(root, 'for-each-ref', '--count=1', 'refs/remotes/*/gh-pages'))


def detect_sites(root: str, branch: str = '') -> list[Site]:
    """Every site this repository builds or serves.  Raises _Unparsable on a broken config."""
    sites: list[Site] = []
    claimed: set[str] = set()
    hugo = _hugo_config(root)
    if hugo is not None:
        sites.append(_hugo(root, hugo[1]))
        claimed.add('')
    for rel in ('mkdocs.yml', 'mkdocs.yaml'):
        if _exists(root, rel):
            site = _mkdocs(root, rel)
            sites.append(site)
            claimed.update(s.source for s in site.served)
            break
    for conf in _sphinx_confs(root):
        site = _sphinx(root, conf)
        sites.append(site)
        claimed.update(s.source for s in site.served)
    for rel in _ELEVENTY_CONFIGS:
        if _exists(root, rel):
            sites.append(_eleventy(root, rel))
            claimed.add('')
            break
    if _exists(root, 'netlify.toml'):
        sites.append(_netlify(root))
    if _exists(root, 'vercel.json'):
        sites.append(_vercel(root))
    sites += _github_pages(root, branch, claimed)     # Jekyll at the root is found there
    return sites


# --- answering -----------------------------------------------------------------------------

def _under(path: str, folder: str) -> str | None:
    """path relative to folder, or None when it is outside."""
    if folder == '':
        return path
    return path[len(folder) + 1:] if path.startswith(folder + '/') else None


def _tree_match(rel: str, pattern: str) -> bool:
    """The pattern names rel or one of its folders, anchored at the source (Jekyll's rule).

    Anchoring errs towards "published": 'README.md' excludes the root one only.
    """
    pattern = pattern.strip().lstrip('/').rstrip('/')
    if not pattern:
        return False
    parts = rel.split('/')
    return any(fnmatch.fnmatchcase('/'.join(parts[:i]), pattern) for i in range(1, len(parts) + 1))


def _served_rel(entry: Served, path: str) -> str | None:
    rel = _under(path, entry.source)
    if rel is None or any(_tree_match(rel, p) for p in entry.exclude):
        return None
    if entry.jekyll:
        hidden = [p for p in rel.split('/') if p.startswith(('_', '.'))]
        if any(p not in entry.include for p in hidden):
            return None
    return rel


def _join_url(*parts: str) -> str:
    return '/'.join(p.strip('/') for p in parts if p.strip('/'))


def _publish_for(sites: Sequence[Site], config: Config) -> Publish:
    configured_url = config.site_url.rstrip('/')
    everything = any(s.everything for s in sites)

    def url_for(path: str) -> str | None:
        for site in sites:
            base = configured_url or site.url
            if not base:
                continue
            for entry in site.served:
                rel = _served_rel(entry, path)
                if rel is not None:
                    # a rendered file has no URL of its own: name the site that shows it
                    return base + '/' if entry.rendered else _join_url(base, entry.url_path, rel)
            if site.everything:
                return _join_url(base, path)
        if configured_url and (everything or is_published(path)):
            return _join_url(configured_url, path)
        return None

    def is_published(path: str) -> bool:
        if everything or any(glob_match(path, p) for p in config.publish_paths):
            return True
        return any(_served_rel(e, path) is not None for s in sites for e in s.served)

    names = [s.generator for s in sites] + (['configured'] if config.publish_paths else [])
    return Publish(url_for=url_for, is_published=is_published,
                   generator=', '.join(dict.fromkeys(names)))


def detect_publish(root: str, config: Config, branch: str = '') -> Publish:
    """Which paths the repository's site serves, and their URLs.

    ``branch`` is the branch being committed or pushed to, when known (a push
    to ``gh-pages`` publishes everything); the checked-out branch otherwise.
    No site at all, or a site configuration we cannot parse, means every
    path is published.
    """
    try:
        sites = detect_sites(root, branch)
    except _Unparsable as exc:
        sites = [Site(f'unknown (cannot parse {exc.args[0]})', everything=True)]
    if not sites and not config.publish_paths:
        # a repository without a site may still be public: everything is published
        return _publish_for([Site('', everything=True)], config)._replace(generator='')
    return _publish_for(sites, config)
