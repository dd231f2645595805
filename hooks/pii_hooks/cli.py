"""The ``pii-hooks`` command.

Exit codes: 0 clean (warnings allowed), 1 blocked, 2 usage or internal error.
The cheap path stays cheap: this module imports no data library, and a run
with no data file among its inputs returns before any reader is loaded.
"""
from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from pii_hooks import __version__

if TYPE_CHECKING:
    import argparse

EXIT_CLEAN, EXIT_BLOCKED, EXIT_ERROR = 0, 1, 2
HOOK_TYPES = ('pre-commit', 'pre-merge-commit', 'pre-push', 'pre-receive')


def _add_scan(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser('scan', help='scan files, the index or a revision range')
    p.add_argument('paths', nargs='*', help='files or folders (default: the current folder)')
    where = p.add_mutually_exclusive_group()
    where.add_argument('--staged', action='store_true',
                       help='scan the blobs staged in the index (what a commit will hold)')
    where.add_argument('--hook', action='store_true',
                       help='pre-commit framework: scan the given files (at PRE_COMMIT_TO_REF '
                            'when the framework sets it)')
    where.add_argument('--push', action='store_true',
                       help='pre-commit framework, pre-push stage: scan every local commit '
                            'the remote lacks')
    where.add_argument('--rev-range', metavar='A..B',
                       help='CI: every blob added or modified by every commit in A..B '
                            '(an all-zero A: a new branch)')
    where.add_argument('--all-files', action='store_true',
                       help='every tracked data file in the index')
    where.add_argument('--history', action='store_true',
                       help='every blob reachable from any ref, once, with the commit that '
                            'introduced it')
    p.add_argument('--format', choices=('text', 'json', 'sarif', 'github'), default='text')
    p.add_argument('--output', '-o', help='write the report to this file instead of stdout')
    p.add_argument('--config', help='configuration file (default: .pii-hooks.yaml at the root)')
    p.add_argument('--full-report', action='store_true',
                   help='read every row even after the verdict is certain')
    p.add_argument('--headers-only', action='store_true',
                   help='the cheap check: block a PII header with values under it')
    p.add_argument('--show-values', action='store_true',
                   help='print raw example values instead of masked ones, to check a finding '
                        'locally (refused when CI is set); never use in public logs')
    p.add_argument('--no-progress', action='store_true',
                   help='no progress bar (otherwise drawn on a terminal after 2 s; never in '
                        'hooks; PII_HOOKS_PROGRESS=0 also turns it off)')
    p.add_argument('--ignore-allowlist', action='store_true',
                   help="report allowlisted files too: an audit of what the allowlist lets "
                        'through')


def _add_install(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    hook_types = HOOK_TYPES
    for name in ('install', 'uninstall'):
        p = sub.add_parser(name, help=f'{name} the native git hook')
        p.add_argument('--hook-type', '-t', action='append', choices=hook_types,
                       help='hook to (un)install (default: pre-commit); repeatable')
        if name == 'install':
            p.add_argument('--force', '-f', action='store_true',
                           help='replace a hook that pii-hooks did not write')
    p = sub.add_parser('hook', help='run as a native git hook (called by installed hooks)')
    p.add_argument('hook_type', choices=hook_types)
    p.add_argument('hook_args', nargs='*')


def _add_allow(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser('allow', help='allowlist a file (pinned to its content hash)')
    p.add_argument('paths', nargs='+')
    p.add_argument('--reason', required=True, help='why this file may hold personal data')
    p.add_argument('--category', default='', help='allow only this category')
    p.add_argument('--column', default='', help='allow only this column')
    p.add_argument('--sheet', default='', help='allow only this sheet')
    p.add_argument('--config', help='configuration file to write (default: .pii-hooks.yaml)')


def build_parser() -> argparse.ArgumentParser:
    import argparse
    parser = argparse.ArgumentParser(prog='pii-hooks', description=(
        'Stop personal data in data files before it is committed, pushed or published.'))
    parser.add_argument('--version', action='version', version=f'%(prog)s {__version__}')
    sub = parser.add_subparsers(dest='command', required=True)
    _add_scan(sub)
    _add_install(sub)
    _add_allow(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if len(args_list) >= 2 and args_list[0] == 'hook' and args_list[1] in HOOK_TYPES:
        # the installed hooks' path, on every commit: building the parser would cost
        # as much as the whole check of a commit without data files
        from pii_hooks.run import run_hook
        return _guarded(lambda: run_hook(args_list[1], args_list[2:]))
    parser = build_parser()
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:
        return EXIT_CLEAN if exc.code == 0 else EXIT_ERROR
    return _guarded(lambda: _dispatch(args))


def _guarded(command: Callable[[], int]) -> int:
    """Run a command; any failure exits 2 with a message that quotes no data."""
    try:
        return command()
    except KeyboardInterrupt:
        print('pii-hooks: interrupted', file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # noqa: BLE001 - a crash must never pass a commit
        from pii_hooks.policy.config import ConfigError
        from pii_hooks.sources.git import GitError
        if isinstance(exc, (ConfigError, GitError)):
            print(f'pii-hooks: {exc}', file=sys.stderr)
        else:
            # the type only: an exception's text may quote the value it failed on
            print(f'pii-hooks: internal error ({type(exc).__name__}); nothing was let through. '
                  'Please report it.', file=sys.stderr)
        return EXIT_ERROR


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == 'scan':
        if args.paths and not args.hook and any(
                (args.staged, args.push, args.rev_range, args.all_files, args.history)):
            print('pii-hooks: file names go with a plain scan or --hook, not with --staged, '
                  '--push, --rev-range, --all-files or --history', file=sys.stderr)
            return EXIT_ERROR
        from pii_hooks.run import run_scan
        return run_scan(args)
    if args.command in ('install', 'uninstall'):
        from pii_hooks import install
        types = args.hook_type or ['pre-commit']
        if args.command == 'install':
            return install.install(types, force=args.force)
        return install.uninstall(types)
    if args.command == 'hook':
        from pii_hooks.run import run_hook
        return run_hook(args.hook_type, args.hook_args)
    if args.command == 'allow':
        from pii_hooks.run import run_allow
        return run_allow(args)
    return EXIT_ERROR  # pragma: no cover - argparse enforces the choices


if __name__ == '__main__':
    raise SystemExit(main())
