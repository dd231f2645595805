"""What the commands do: pick the source, scan, decide, report.

A source (files on disk, the index, the commits of a push, a revision range,
the whole history) becomes a list of Jobs: picklable descriptions of one file
(a path on disk or a blob id), because ``ScanItem.open`` is a closure and
cannot cross into a worker process.  Large scans run in worker processes,
small ones in this one.

The cheap path stays cheap: a commit without data files runs one
``git diff`` and returns before the configuration, YAML or any reader is
imported.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from pii_hooks.cli import EXIT_BLOCKED, EXIT_CLEAN, EXIT_ERROR
from pii_hooks.models import FileEvidence, Finding, ReadProblem, ScanItem
from pii_hooks.readers import Limits, is_data_file

if TYPE_CHECKING:
    import argparse

    from pii_hooks.engine import ScanOptions
    from pii_hooks.policy.config import Config
    from pii_hooks.progress import Progress
    from pii_hooks.sources.git import BlobReader, Changes

#: A scan forks workers only when at least this many bytes can move off the
#: largest file's core.  Measured on 2 cores: a pool of 2 forked workers costs
#: 10-13 ms, CSV scans at 1-3 MB/s, so 256 KiB pays for the pool several times
#: over even on a busy machine; below it the commit stays in this process.
PARALLEL_MIN_BYTES = 256 * 1024
MAX_WORKERS = 8

_BLOCKED = {
    'commit': 'pii-hooks: commit blocked. Fix the file and `git add` it again, or allow it with '
              '`pii-hooks allow PATH --reason "..."`.',
    'push': 'pii-hooks: push blocked: a commit being pushed holds personal data. Rewrite it out '
            'of the unpushed history (git rebase -i, git commit --amend); a later commit that '
            'deletes the file is not enough, the earlier commit still carries it.',
    'receive': 'pii-hooks: push rejected: a pushed commit holds personal data. Rewrite it out of '
               'the history and push again; a later commit that deletes the file is not enough.',
}


class Job(NamedTuple):
    """One file to scan, in a form a worker process can receive."""

    path: str                       # shown in reports; repository-relative for git sources
    size: int = 0
    origin: str = 'worktree'
    blob_id: str | None = None      # read from git ...
    file: str | None = None         # ... or from disk
    commit: str | None = None


class Settings(NamedTuple):
    """What a worker needs to rebuild ScanOptions (lambdas do not pickle)."""

    limits: Limits = Limits()
    full_report: bool = False
    headers_only: bool = False
    pinned: tuple[str, ...] = ()    # allowlist globs pinned to a content hash
    audited: tuple[tuple[str, str], ...] = ()   # (file, hashed_secret): detect-secrets baseline
    show_values: bool = False


class Plan(NamedTuple):
    jobs: list[Job]
    notes: list[str]


class Output(NamedTuple):
    """How a scan reports (the scan command's options; the native hooks use the defaults)."""

    format: str = 'text'
    output: str | None = None
    config: str | None = None
    full_report: bool = False
    headers_only: bool = False
    show_values: bool = False
    ignore_allowlist: bool = False
    progress: bool = False          # a bar on stderr (progress.wanted)


def _root() -> str:
    from pii_hooks.sources.git import GitError, repo_root
    try:
        return repo_root()
    except (GitError, OSError):
        return os.getcwd()       # a bare repository (pre-receive) or no repository at all


def _note(text: str) -> None:
    print(f'pii-hooks: note: {text}', file=sys.stderr)


# --- sources become jobs ------------------------------------------------------

def _blob_plan(changes: Changes, origin: str = 'index') -> Plan:
    jobs = [Job(r.path, 0, origin, r.oid, None, r.commit) for r in changes.blobs
            if is_data_file(r.path)]
    notes = [f'{s.path}: skipped, {s.reason}' for s in changes.skipped]
    return Plan(jobs, notes)


def _disk_plan(paths: Sequence[str]) -> Plan:
    from pii_hooks.sources.files import walk_paths
    jobs = [Job(item.path, item.size, item.origin, None, item.path)
            for item in walk_paths(list(paths), is_data_file)]
    return Plan(jobs, [])


def _push_plan() -> Plan:
    """``scan --push`` under the pre-commit framework (stage pre-push).

    The framework passes only the first pushed ref, and on a first push to an
    empty remote no refs at all; so every local branch's commits that the
    remote lacks are scanned, plus the pushed tip.
    """
    from pii_hooks.sources.git import commit_blobs, existing_commits
    env = os.environ
    remote = env.get('PRE_COMMIT_REMOTE_NAME', '')
    tips = existing_commits(r for r in (env.get('PRE_COMMIT_TO_REF', ''),
                                        env.get('PRE_COMMIT_LOCAL_BRANCH', '')) if r)
    known = existing_commits([env.get('PRE_COMMIT_FROM_REF', '')])
    remotes = f'--remotes={remote}' if remote else '--remotes'
    return _blob_plan(commit_blobs(['--branches', *tips, '--not', remotes, *known]))


def _hook_plan(paths: Sequence[str]) -> Plan:
    """``scan --hook``: the framework's file names, from disk or from PRE_COMMIT_TO_REF.

    At the pre-commit stage the framework has stashed unstaged changes, so the
    disk holds what is staged.  With from/to refs (pre-push, --from-ref/--to-ref)
    the disk holds the checked-out branch, not the one being pushed: the blobs
    are read at PRE_COMMIT_TO_REF.
    """
    to_ref = os.environ.get('PRE_COMMIT_TO_REF')
    names = [p for p in paths if is_data_file(p)]
    if not to_ref:
        return _disk_plan(names)
    from pii_hooks.sources.git import tree_blobs
    return _blob_plan(tree_blobs(to_ref, [n.replace(os.sep, '/') for n in names]))


def _history_note(what: str) -> list[str]:
    from pii_hooks.sources.git import is_shallow
    if is_shallow():
        return [f'this is a shallow clone: {what} sees only the fetched commits '
                '(in CI, check out with fetch-depth: 0)']
    return []


def _plan(args: argparse.Namespace) -> Plan:
    from pii_hooks.sources import git as g
    if args.staged:
        return _blob_plan(g.staged_changes())
    if args.hook:
        return _hook_plan(args.paths)
    if args.push:
        return _push_plan()
    if args.all_files:
        return _blob_plan(g.index_blobs())
    if args.rev_range:
        revs, note = g.range_revs(args.rev_range)
        plan = _blob_plan(g.commit_blobs(revs))
        return Plan(plan.jobs, plan.notes + ([note] if note else []) + _history_note('the range'))
    if args.history:
        plan = _blob_plan(g.commit_blobs(['--all']))
        return Plan(plan.jobs, plan.notes + _history_note('--history'))
    return _disk_plan(args.paths or ['.'])


def _select(jobs: list[Job], config: Config, root: str) -> list[Job]:
    """Drop excluded paths; give blob jobs their sizes (they choose in- or out-of-process)."""
    from pii_hooks.policy.config import is_excluded

    def rel(job: Job) -> str:
        if job.file is None:
            return job.path
        return os.path.relpath(os.path.abspath(job.file), root).replace(os.sep, '/')

    kept = [j for j in jobs if not is_excluded(config, rel(j))]
    blobs = [i for i, j in enumerate(kept) if j.blob_id and not j.size]
    if len(kept) > 1 and blobs:
        from pii_hooks.sources.git import blob_sizes
        for i, size in zip(blobs, blob_sizes([kept[i].blob_id or '' for i in blobs]),
                           strict=True):
            kept[i] = kept[i]._replace(size=size)
    return kept


# --- jobs become evidence -----------------------------------------------------

def _options(settings: Settings) -> ScanOptions:
    from pii_hooks.engine import ScanOptions
    from pii_hooks.policy.baseline import audited_lookup
    from pii_hooks.policy.config import glob_match
    pinned = settings.pinned
    return ScanOptions(limits=settings.limits, full_report=settings.full_report,
                       headers_only=settings.headers_only,
                       want_hash=lambda p: any(glob_match(p, g) for g in pinned),
                       audited_secrets=audited_lookup(settings.audited),
                       show_values=settings.show_values)


def _item_evidence(item: ScanItem, options: ScanOptions) -> FileEvidence:
    from pii_hooks.engine import scan_item
    if item.size < 0:         # the source has no content for it: an LFS object not stored here
        from pii_hooks.sources.git import LFS_MISSING_FIX, LFS_MISSING_REASON
        problem = ReadProblem('', LFS_MISSING_REASON, LFS_MISSING_FIX)
        return FileEvidence(item.path, (), (problem,), item.origin, item.commit)
    return scan_item(item, options)


def _job_evidence(job: Job, reader: BlobReader, options: ScanOptions) -> FileEvidence:
    from pii_hooks.sources.git import BlobRef
    item: ScanItem | None
    if job.file is not None:
        from pii_hooks.sources.files import file_item
        try:
            item = file_item(job.file, display=job.path)
        except OSError as exc:
            problem = ReadProblem('', f'the file could not be opened ({type(exc).__name__})',
                                  'check that the file exists and is readable')
            return FileEvidence(job.path, (), (problem,), job.origin, job.commit)
    else:
        item = reader.item(BlobRef(job.path, job.blob_id or '', job.commit), job.origin)
    if item is None:
        problem = ReadProblem('', 'git could not read this blob', 'check the repository '
                              '(git fsck); a blob missing from a shallow clone: fetch-depth: 0')
        return FileEvidence(job.path, (), (problem,), job.origin, job.commit)
    try:
        return _item_evidence(item, options)
    finally:
        reader.release_temp()


_WORKER: tuple[BlobReader, ScanOptions] | None = None


def _worker_init(settings: Settings, threads: int) -> None:
    global _WORKER
    from pii_hooks import progress
    from pii_hooks.detect import columns
    from pii_hooks.sources.git import BlobReader
    progress.ACTIVE = None          # the parent draws; a forked copy of its bar must not
    columns.MAX_THREADS = threads   # the workers share the cores: no more threads than that
    _WORKER = (BlobReader(), _options(settings))


def _worker_scan(job: Job) -> FileEvidence:
    assert _WORKER is not None
    return _job_evidence(job, *_WORKER)


def _workers(jobs: Sequence[Job]) -> int:
    """How many worker processes pay for themselves (0: scan in this process)."""
    cores = os.cpu_count() or 1
    if len(jobs) < 2 or cores < 2:
        return 0
    total = sum(j.size for j in jobs)
    # one big file and a few small ones: the big one sets the pace wherever it runs
    movable = total - max(max(j.size for j in jobs), total // 2)
    if movable < PARALLEL_MIN_BYTES:
        return 0
    return min(len(jobs), cores, MAX_WORKERS)


def scan_jobs(jobs: Sequence[Job], settings: Settings,
              bar: Progress | None = None) -> list[FileEvidence]:
    """Evidence for every job, in the jobs' order; ``bar`` counts them off."""
    from pii_hooks import progress
    progress.ACTIVE = bar
    try:
        return _scan_jobs(jobs, settings, bar)
    finally:
        progress.ACTIVE = None
        if bar is not None:
            bar.close()


def _scan_jobs(jobs: Sequence[Job], settings: Settings,
               bar: Progress | None) -> list[FileEvidence]:
    workers = _workers(jobs)
    if not workers:
        from pii_hooks.sources.git import BlobReader
        options = _options(settings)
        out = []
        with BlobReader() as reader:
            for job in jobs:
                if bar is not None:
                    bar.start_file(job.path, job.size)
                out.append(_job_evidence(job, reader, options))
                if bar is not None:
                    bar.end_file(job.size)
        return out
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    # fork: workers inherit the imports and the hook's environment (GIT_INDEX_FILE,
    # the pre-receive quarantine) without paying for a fresh interpreter each
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context('fork' if sys.platform == 'linux'
                                          and 'fork' in methods else None)
    order = sorted(range(len(jobs)), key=lambda i: -jobs[i].size)   # largest first
    results: list[FileEvidence | None] = [None] * len(jobs)
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_init,
                             initargs=(settings, max(1, (os.cpu_count() or 1) // workers))
                             ) as pool:
        for i, evidence in zip(order, pool.map(_worker_scan, [jobs[i] for i in order]),
                               strict=True):
            results[i] = evidence
            if bar is not None:
                bar.end_file(jobs[i].size)
    return [r for r in results if r is not None]


def _settings(config: Config, full_report: bool, headers_only: bool,
              root: str = '') -> Settings:
    from pii_hooks.policy.baseline import audited_false_positives, baseline_path
    baseline = baseline_path(root or _root(), config.detect_secrets_baseline)
    audited = tuple(sorted(audited_false_positives(baseline))) if baseline else ()
    return Settings(config.limits, full_report, headers_only,
                    tuple(e.path for e in config.allow if e.sha256), audited)


def _decide(evidence: Iterable[FileEvidence], config: Config, root: str, headers_only: bool,
            branch: str = '') -> list[Finding]:
    from pii_hooks.policy.decide import decide
    from pii_hooks.policy.publish import detect_publish
    publish = detect_publish(root, config, branch)
    return [f for ev in evidence for f in decide(ev, config, publish, headers_only=headers_only)]


def scan_items(items: Iterable[ScanItem], config: Config, *, full_report: bool = False,
               headers_only: bool = False) -> tuple[list[Finding], int]:
    """Scan ScanItems in this process, decide; return the findings and the files scanned."""
    options = _options(_settings(config, full_report, headers_only))
    evidence = [_item_evidence(item, options) for item in items]
    return _decide(evidence, config, _root(), headers_only), len(evidence)


# --- commands -----------------------------------------------------------------

def emit(findings: Sequence[Finding], count: int, fmt: str, output: str | None) -> None:
    if os.environ.get('GITHUB_ACTIONS') == 'true':
        # Actions shows a few annotations per step: the whole masked report goes to the summary
        if fmt == 'text' and not output:
            fmt = 'github'
        if os.environ.get('GITHUB_STEP_SUMMARY') and findings:
            from pii_hooks.report.github import write_step_summary
            write_step_summary(findings, count)
    if fmt == 'json':
        from pii_hooks.report.json_report import render_json
        text = render_json(findings, count)
    elif fmt == 'sarif':
        from pii_hooks.report.sarif import render_sarif
        text = render_sarif(findings, count)
    elif fmt == 'github':
        from pii_hooks.report.github import render_github
        text = render_github(findings, count)
    else:
        from pii_hooks.report.text import render_text
        text = render_text(findings, count)
    if output:
        with open(output, 'w', encoding='utf-8') as handle:
            handle.write(text)
    elif text:
        sys.stdout.write(text)
        sys.stdout.flush()


def _exit_code(findings: Sequence[Finding]) -> int:
    from pii_hooks.models import BLOCK
    return EXIT_BLOCKED if any(f.severity == BLOCK for f in findings) else EXIT_CLEAN


def _scan_plan(plan: Plan, out: Output, branch: str = '') -> int:
    for note in plan.notes:
        _note(note)
    quiet = out.format == 'text' and not out.output
    if not plan.jobs and quiet:
        return EXIT_CLEAN        # nothing to scan: no configuration, no YAML, no reader
    from pii_hooks.policy.config import load_config
    root = _root()
    config = load_config(root, out.config)
    if out.ignore_allowlist:
        config = config._replace(allow=())      # an audit of what the allowlist lets through
    jobs = _select(plan.jobs, config, root)
    if not jobs and quiet:
        return EXIT_CLEAN
    settings = _settings(config, out.full_report, out.headers_only, root)
    bar = None
    if out.progress:
        from pii_hooks.progress import Progress
        bar = Progress([j.size for j in jobs])
    evidence = scan_jobs(jobs, settings._replace(show_values=out.show_values), bar)
    findings = _decide(evidence, config, root, out.headers_only, branch)
    emit(findings, len(evidence), out.format, out.output)
    return _exit_code(findings)


def run_scan(args: argparse.Namespace) -> int:
    if args.show_values and os.environ.get('CI'):
        print('pii-hooks: --show-values is refused when CI is set (CI logs are public)',
              file=sys.stderr)
        return EXIT_ERROR
    from pii_hooks.progress import wanted
    out = Output(args.format, args.output, args.config, args.full_report, args.headers_only,
                 args.show_values, args.ignore_allowlist,
                 wanted(args.hook or args.push, args.no_progress))
    code = _scan_plan(_plan(args), out)
    if code == EXIT_BLOCKED and args.push:
        print(_BLOCKED['push'], file=sys.stderr)
    return code


def _pushed_branch(refs: Sequence[str]) -> str:
    """The branch a push updates, when it is one branch (gh-pages publishes everything)."""
    heads = [r.removeprefix('refs/heads/') for r in refs if r.startswith('refs/heads/')]
    return heads[0] if len(heads) == 1 else ''


def _read_stdin() -> str:
    return sys.stdin.buffer.read().decode('utf-8', 'surrogateescape') if sys.stdin else ''


def run_hook(hook_type: str, hook_args: Sequence[str]) -> int:
    """The native git hooks that ``pii-hooks install`` writes."""
    from pii_hooks.sources import git as g
    args = Output()
    if hook_type in ('pre-commit', 'pre-merge-commit'):
        code = _scan_plan(_blob_plan(g.staged_changes()), args)
        kind = 'commit'
    elif hook_type == 'pre-push':
        remote = hook_args[0] if hook_args else ''
        updates = g.parse_pre_push(_read_stdin())
        revs = g.pushed_revs(updates, remote)
        plan = _blob_plan(g.commit_blobs(revs)) if revs else Plan([], [])
        code = _scan_plan(plan, args, _pushed_branch([u.ref for u in updates]))
        kind = 'push'
    elif hook_type == 'pre-receive':
        updates = g.parse_pre_receive(_read_stdin())
        revs = g.received_revs(updates)
        plan = _blob_plan(g.commit_blobs(revs)) if revs else Plan([], [])
        code = _scan_plan(plan, args, _pushed_branch([u.ref for u in updates]))
        kind = 'receive'
    else:
        print(f'pii-hooks: {hook_type} is not a hook pii-hooks runs', file=sys.stderr)
        return EXIT_ERROR
    if code == EXIT_BLOCKED:
        print(_BLOCKED[kind], file=sys.stderr)
    return code


def run_allow(args: argparse.Namespace) -> int:
    from pii_hooks.policy.allowlist import add_allow_entries
    return add_allow_entries(_root(), args.paths, args.reason, category=args.category,
                             column=args.column, sheet=args.sheet, config_path=args.config)
