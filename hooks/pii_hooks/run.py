"""What the commands do: pick the source, scan, decide, report."""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Sequence

from pii_hooks.cli import EXIT_BLOCKED, EXIT_CLEAN, EXIT_ERROR
from pii_hooks.models import Finding, ScanItem
from pii_hooks.policy.config import Config, is_excluded, load_config
from pii_hooks.readers import is_data_file


def _root() -> str:
    from pii_hooks.sources.git import GitError, repo_root
    try:
        return repo_root()
    except (GitError, OSError):
        return os.getcwd()


def _wanted(config: Config, root: str) -> object:
    def wanted(path: str) -> bool:
        rel = os.path.relpath(os.path.abspath(path), root).replace(os.sep, '/') \
            if os.path.isabs(path) or os.path.exists(path) else path
        return is_data_file(path) and not is_excluded(config, rel)
    return wanted


def scan_items(items: Iterable[ScanItem], config: Config, *, full_report: bool = False,
               headers_only: bool = False) -> tuple[list[Finding], int]:
    """Scan, decide; return the findings and the number of files scanned."""
    from pii_hooks.engine import ScanOptions, scan_item
    from pii_hooks.policy.config import glob_match
    from pii_hooks.policy.decide import decide
    from pii_hooks.policy.publish import detect_publish

    publish = detect_publish(_root(), config)
    pinned = [e.path for e in config.allow if e.sha256]
    options = ScanOptions(limits=config.limits, full_report=full_report,
                          headers_only=headers_only,
                          want_hash=lambda p: any(glob_match(p, g) for g in pinned))
    findings: list[Finding] = []
    count = 0
    for item in items:
        count += 1
        evidence = scan_item(item, options)
        findings.extend(decide(evidence, config, publish, headers_only=headers_only))
    return findings, count


def emit(findings: Sequence[Finding], count: int, fmt: str, output: str | None) -> None:
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


def run_scan(args: argparse.Namespace) -> int:
    if args.show_values and os.environ.get('CI'):
        print('pii-hooks: --show-values is refused when CI is set (CI logs are public)',
              file=sys.stderr)
        return EXIT_ERROR
    root = _root()
    config = load_config(root, args.config)
    wanted = _wanted(config, root)
    items: Iterable[ScanItem]
    if args.staged:
        from pii_hooks.sources.git import read_blobs, staged_blobs
        items = read_blobs(staged_blobs(), lambda p: is_data_file(p) and not is_excluded(config, p))
    else:
        from pii_hooks.sources.files import walk_paths
        paths = args.paths or ['.']
        items = walk_paths(paths, wanted)  # type: ignore[arg-type]
    try:
        findings, count = scan_items(items, config, full_report=args.full_report,
                                     headers_only=args.headers_only)
    finally:
        from pii_hooks.sources.git import cleanup
        cleanup()
    emit(findings, count, args.format, args.output)
    return _exit_code(findings)


def run_hook(hook_type: str, hook_args: Sequence[str]) -> int:
    if hook_type in ('pre-commit', 'pre-merge-commit'):
        ns = argparse.Namespace(paths=[], staged=True, format='text', output=None, config=None,
                                full_report=False, headers_only=False, show_values=False)
        code = run_scan(ns)
        if code == EXIT_BLOCKED:
            print('pii-hooks: commit blocked. Fix the file, or allow it with '
                  '`pii-hooks allow PATH --reason "..."`.', file=sys.stderr)
        return code
    print(f'pii-hooks: {hook_type} is not supported yet', file=sys.stderr)
    return EXIT_ERROR


def run_allow(args: argparse.Namespace) -> int:
    from pii_hooks.policy.allowlist import add_allow_entries
    return add_allow_entries(_root(), args.paths, args.reason, category=args.category,
                             column=args.column, sheet=args.sheet, config_path=args.config)
