"""Fuzz the readers and the CLI: whatever the bytes, the only outcomes are a verdict.

    python -m benchmarks.fuzz --minutes 10                      # mutation fuzzing (default)
    python -m benchmarks.fuzz --minutes 10 --engine hypothesis  # hypothesis, many examples
    python -m benchmarks.fuzz --minutes 10 --engine atheris     # coverage-guided (atheris)
    python -m benchmarks.fuzz --replay /tmp/pii-hooks-fuzz      # re-run saved crashers

Run from the repository root.  Every engine starts from valid seed files
(the synthetic fixtures of ``tests/fixtures_build.py``: CSV, JSON, JSONL,
YAML, XLSX with every hiding place, XLS, ODS, Parquet, Feather, SQLite, SQL,
zip, tar, gz, bz2, xz) and damages them: byte flips, overwrites, insertions,
deletions, truncations, repeated blocks, and, for zip-based files, the same
inside one member re-packed with a correct CRC, so the damage reaches the
XML and CSV parsers instead of stopping at the zip checksum.  Random bytes
find little; damaged valid files find the bugs.

A *bug* is any of:

* ``read_tables`` (all batches consumed) raising anything but ``Unreadable``;
* ``pii-hooks scan --format json FILE`` exiting with anything but 0 or 1,
  printing a traceback or invalid JSON, or blocking with the engine's catch-all
  reason ("the reader failed (...)"): an exception no reader expected;
* one file taking longer than ``--slow`` seconds.

Each bug is saved under ``--out`` (named by its signature: exception type and
the innermost pii_hooks frame) and printed once; nothing from an exception's
text is printed (it may quote a cell).  ``tests/fuzz_test.py`` runs the same
checks briefly on every commit; every bug found here becomes a regression
test there or in ``tests/hostile_test.py``.
"""
from __future__ import annotations

import argparse
import atexit
import contextlib
import hashlib
import io
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import time
import traceback
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import FrameType, TracebackType
from typing import NamedTuple

from pii_hooks.models import ReadProblem
from pii_hooks.readers import Limits, Unreadable, read_tables

#: Limits for fuzzing: low enough that a damaged size field cannot fill the disk.
FUZZ_LIMITS = Limits(max_file_bytes=64 * 1024**2, max_uncompressed_bytes=256 * 1024**2,
                     max_rows=1_000_000, max_seconds=20.0)
_GENERIC = 'the reader failed ('
_INTERESTING = (b'\x00', b'\xff', b'\x7f', b'\x80', b'\xff\xff\xff\xff', b'\x00\x00\x00\x80',
                b'"', b"'", b',', b'\n', b'\r', b'<', b'>', b'&', b'{', b'[', b'9' * 12,
                b'-1', b'\xef\xbb\xbf', b'\xff\xfe')


class Bug(NamedTuple):
    kind: str           # 'reader' | 'cli' | 'slow'
    signature: str      # exception type and innermost pii_hooks frame: no exception text


# --- seeds ---------------------------------------------------------------------------

def seeds() -> dict[str, bytes]:
    """Valid synthetic files of every format, by file name."""
    from tests import fixtures_build as fb
    people = fb.PEOPLE
    csv_text = fb.csv_text(people).encode()
    records = [dict(zip(people[0], row, strict=True)) for row in people[1:]]
    out: dict[str, bytes] = {
        'people.csv': csv_text,
        'titled.tsv': ('Detention report\n\n' + fb.csv_text(people, '\t')).encode('utf-16'),
        'people.json': json.dumps({'people': records, 'contact': {'email': 'a@example.com'}})
        .encode(),
        'people.jsonl': ''.join(json.dumps(r) + '\n' for r in records).encode(),
        'people.yaml': ('site: x\npeople:\n' + ''.join(
            f'  - {{name: "{r["Name"]}", ssn: "{r["SSN"]}"}}\n' for r in records)).encode(),
        'people.sql': ('CREATE TABLE p (name TEXT, ssn TEXT);\nINSERT INTO p VALUES '
                       + ', '.join(f"('{r[0]}', '{r[1]}')" for r in people[1:]) + ';\n'
                       'COPY q (name, email) FROM stdin;\nJane\tjane@example.com\n\\.\n').encode(),
        'people.xlsx': fb.xlsx_bytes([fb.Sheet('Summary', fb.FACILITIES),
                                      fb.Sheet('Data', people, 'hidden')]),
        'styled.xlsx': fb.xlsx_bytes(
            [fb.Sheet('People', people, row_attrs={3: ' hidden="1"'},
                      cols='<col min="2" max="2" hidden="1"/>', styles={(2, 1): 1, (3, 0): 4})],
            styles=fb.STYLES_HIDING),
        'people.xls': fb.xls_bytes([('Data', people, 0), ('Hidden', fb.FACILITIES, 1)]),
        'people.ods': fb.ods_bytes([fb.ods_table('People', [fb.ods_row(r) for r in people])],
                                   meta='<dc:creator>Jane Doe</dc:creator>'),
        'people.parquet': fb.parquet_bytes(people),
        'people.feather': fb.feather_bytes(people),
        'people.zip': fb.zip_bytes({'data/people.csv': csv_text,
                                    'nested.zip': fb.zip_bytes({'p.json': json.dumps(records)})}),
        'people.tar': fb.tar_bytes({'people.csv': csv_text}),
        'people.csv.gz': fb.compressed(csv_text, 'gz'),
        'people.csv.bz2': fb.compressed(csv_text, 'bz2'),
        'people.csv.xz': fb.compressed(csv_text, 'xz'),
    }
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        out['people.sqlite'] = fb.sqlite_bytes(base, {'people': people})
        for name, build in (('comments.xlsx', fb.comments_xlsx), ('pivot.xlsx', fb.pivot_xlsx),
                            ('chart.xlsx', fb.chart_xlsx), ('names.xlsx', fb.defined_names_xlsx),
                            ('props.xlsx', fb.properties_xlsx),
                            ('links.xlsx', fb.external_link_xlsx)):
            out[name] = build(base / name).read_bytes()
        out['embedded.xlsx'] = fb.embedded_xlsx(base / 'e.xlsx', out['people.xlsx']).read_bytes()
    return out


# --- mutation ------------------------------------------------------------------------

def _byte_ops(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.choice((1, 1, 2, 3, 8))):
        op = rng.randrange(8)
        at = rng.randrange(len(buf) + 1)
        if op == 0 and buf:                                    # flip bits
            i = min(at, len(buf) - 1)
            buf[i] ^= 1 << rng.randrange(8)
        elif op == 1 and buf:                                  # random bytes over a run
            run = rng.randint(1, 16)
            buf[at:at + run] = bytes(rng.randrange(256) for _ in range(run))
        elif op == 2:                                          # interesting value
            buf[at:at] = rng.choice(_INTERESTING)
        elif op == 3 and buf:                                  # overwrite with one
            value = rng.choice(_INTERESTING)
            buf[at:at + len(value)] = value
        elif op == 4:                                          # delete a run
            del buf[at:at + rng.randint(1, 64)]
        elif op == 5:                                          # truncate
            del buf[at:]
        elif op == 6 and buf:                                  # repeat a block
            start = rng.randrange(len(buf))
            block = bytes(buf[start:start + rng.randint(1, 256)])
            buf[at:at] = block * rng.randint(1, 64)
        elif op == 7 and buf:                                  # copy a block elsewhere
            start = rng.randrange(len(buf))
            buf[at:at + 8] = buf[start:start + rng.randint(1, 64)]
    return bytes(buf)


def _mutate_member(data: bytes, rng: random.Random) -> bytes | None:
    """The zip re-packed with one member damaged: the CRC fits, the parser sees the damage."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as source:
            members = [(i, source.read(i)) for i in source.infolist()]
    except Exception:  # noqa: BLE001 - not a zip any more: byte mutation instead
        return None
    if not members:
        return None
    target = rng.randrange(len(members))
    out = io.BytesIO()
    with zipfile.ZipFile(out, 'w') as dest:
        for n, (info, content) in enumerate(members):
            if n == target:
                content = _byte_ops(content, rng)
            dest.writestr(info, content)
    return out.getvalue()


def mutate(data: bytes, rng: random.Random) -> bytes:
    if data[:4] == b'PK\x03\x04' and rng.random() < 0.6:
        inner = _mutate_member(data, rng)
        if inner is not None:
            return inner
    return _byte_ops(data, rng)


# --- checks --------------------------------------------------------------------------

def signature(exc: BaseException) -> str:
    """Exception type and the innermost pii_hooks frame: enough to tell bugs apart."""
    where = 'outside pii_hooks'
    for frame in traceback.extract_tb(exc.__traceback__):
        if 'pii_hooks' in frame.filename:
            rel = frame.filename.split('pii_hooks' + os.sep, 1)[-1]
            where = f'{rel}:{frame.lineno} in {frame.name}'
    return f'{type(exc).__name__} at {where}'


def read_everything(name: str, data: bytes, limits: Limits = FUZZ_LIMITS) -> int:
    """Every table of a file, every batch consumed; the number of cells seen."""
    cells = 0
    for found in read_tables(name, io.BytesIO(data), limits):
        if isinstance(found, ReadProblem):
            continue
        for batch in found.batches:
            cells += sum(len(column) for column in batch.columns)
    return cells


def check_reader(name: str, data: bytes, limits: Limits = FUZZ_LIMITS) -> Bug | None:
    try:
        read_everything(name, data, limits)
    except Unreadable:
        return None
    except Exception as exc:  # noqa: BLE001 - that is what we are looking for
        return Bug('reader', signature(exc))
    return None


class CliResult(NamedTuple):
    code: int
    stdout: str
    stderr: str


def run_cli(args: Sequence[str]) -> CliResult:
    from pii_hooks.cli import main
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return CliResult(code, out.getvalue(), err.getvalue())


def cli_problem(result: CliResult) -> str | None:
    """What is wrong with a scan's outcome, or None."""
    if result.code not in (0, 1):
        return f'exit code {result.code}'
    if 'Traceback' in result.stdout + result.stderr:
        return 'a traceback was printed'
    try:
        report = json.loads(result.stdout)
    except ValueError:
        return 'the report is not valid JSON'
    for finding in report.get('findings', []):
        if str(finding.get('reason', '')).startswith(_GENERIC):
            return f'unexpected exception: {finding["reason"]}'
    if result.code != (1 if report.get('blocked') else 0):
        return 'the exit code disagrees with the report'
    return None


def check_cli(path: Path) -> Bug | None:
    problem = cli_problem(run_cli(['scan', '--format', 'json', str(path)]))
    return Bug('cli', problem) if problem else None


# --- driving -------------------------------------------------------------------------

class _Slow(BaseException):
    """A BaseException: no ``except Exception`` in a reader or the CLI may swallow it."""


def _alarm(_signum: int, _frame: FrameType | None) -> None:
    raise _Slow


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def check_case(name: str, data: bytes, workdir: Path, slow: float) -> list[Bug]:
    """The reader check, then the CLI check on the same bytes (a file in ``workdir``)."""
    bugs: list[Bug] = []
    try:
        with _time_limit(slow):
            bug = check_reader(name, data)
            if bug:
                bugs.append(bug)
            path = workdir / name
            path.write_bytes(data)
            bug = check_cli(path)
            if bug:
                bugs.append(bug)
    except _Slow:
        bugs.append(Bug('slow', f'{name}: over {slow:g} s'))
    return bugs


class Recorder:
    """Saves each new bug's input once and prints its signature."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.seen: dict[Bug, int] = {}
        out.mkdir(parents=True, exist_ok=True)

    def add(self, bug: Bug, name: str, data: bytes) -> None:
        count = self.seen.get(bug, 0)
        self.seen[bug] = count + 1
        if count:
            return
        tag = hashlib.sha256(f'{bug.kind} {bug.signature}'.encode()).hexdigest()[:10]
        (self.out / f'{bug.kind}-{tag}-{name}').write_bytes(data)
        print(f'NEW {bug.kind}: {bug.signature}  [{name} -> {self.out}/{bug.kind}-{tag}-{name}]',
              flush=True)


def _seed_names(seed_files: dict[str, bytes], only: str) -> list[str]:
    names = sorted(seed_files)
    return [n for n in names if only in n] if only else names


def run_mutation(minutes: float, rng_seed: int, out: Path, slow: float, only: str) -> Recorder:
    seed_files = seeds()
    names = _seed_names(seed_files, only)
    rng = random.Random(rng_seed)
    recorder = Recorder(out)
    stop = time.monotonic() + minutes * 60
    cases = 0
    with tempfile.TemporaryDirectory(prefix='pii-hooks-fuzz-') as tmp, contextlib.chdir(tmp):
        workdir = Path(tmp)
        while time.monotonic() < stop:
            name = names[cases % len(names)]
            data = seed_files[name]
            for _ in range(rng.choice((1, 1, 1, 2, 4))):      # stacked mutations now and then
                data = mutate(data, rng)
            # a crash that kills the process (a C++ abort in a library) leaves its input here
            (out / f'last-input-{name}').write_bytes(data)
            for bug in check_case(name, data, workdir, slow):
                recorder.add(bug, name, data)
            cases += 1
            if cases % 500 == 0:
                print(f'{cases} cases, {len(recorder.seen)} distinct bugs', flush=True)
    for name in names:
        (out / f'last-input-{name}').unlink(missing_ok=True)     # no crash: nothing to keep
    print(f'done: {cases} cases in {minutes:g} min, {len(recorder.seen)} distinct bugs')
    return recorder


def run_hypothesis(minutes: float, out: Path, slow: float, only: str) -> Recorder:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    seed_files = seeds()
    names = _seed_names(seed_files, only)
    recorder = Recorder(out)
    stop = time.monotonic() + minutes * 60
    tmp = Path(tempfile.mkdtemp(prefix='pii-hooks-fuzz-'))
    cases = [0]

    @settings(max_examples=10**9, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(names), st.randoms(use_true_random=True), st.integers(1, 4))
    def case(name: str, rng: random.Random, rounds: int) -> None:
        if time.monotonic() > stop:
            raise _Done
        cases[0] += 1
        data = seed_files[name]
        for _ in range(rounds):
            data = mutate(data, rng)
        for bug in check_case(name, data, tmp, slow):
            recorder.add(bug, name, data)

    with contextlib.chdir(tmp), contextlib.suppress(_Done):
        case()
    shutil.rmtree(tmp, ignore_errors=True)
    print(f'done: {cases[0]} cases in {minutes:g} min, {len(recorder.seen)} distinct bugs')
    return recorder


class _Done(Exception):
    pass


def run_atheris(minutes: float, out: Path, only: str) -> None:
    """Coverage-guided: input = one byte choosing the seed's format, then the file's bytes."""
    import atheris  # type: ignore[import-untyped, import-not-found, unused-ignore]
    seed_files = seeds()
    names = _seed_names(seed_files, only)
    corpus = Path(tempfile.mkdtemp(prefix='pii-hooks-atheris-corpus-'))
    for i, name in enumerate(names):
        (corpus / name).write_bytes(bytes([i]) + seed_files[name])
    with atheris.instrument_imports():
        import pii_hooks.readers  # noqa: F401 - instrumented for coverage
        for module in ('archive', 'columnar', 'delimited', 'grid', 'ods', 'ooxml', 'sql',
                       'sqlite', 'tree', 'xls', 'xlsx'):
            __import__(f'pii_hooks.readers.{module}')

    def one_input(raw: bytes) -> None:
        if not raw:
            return
        name = names[raw[0] % len(names)]
        read_everything(name, raw[1:])

    recorder = Recorder(out)

    def guarded(raw: bytes) -> None:
        # record and go on: libFuzzer would stop at the first exception
        try:
            one_input(raw)
        except Unreadable:
            pass
        except Exception as exc:  # noqa: BLE001 - that is what we are looking for
            recorder.add(Bug('reader', signature(exc)), names[raw[0] % len(names)], raw[1:])

    atexit.register(_summary, recorder)
    argv = [sys.argv[0], str(corpus), f'-max_total_time={int(minutes * 60)}',
            f'-artifact_prefix={out}/atheris-', '-rss_limit_mb=4096', '-timeout=30']
    atheris.Setup(argv, guarded)
    atheris.Fuzz()


def replay(folder: Path) -> int:
    """Re-run saved inputs; the number that still fail."""
    failing = 0
    with tempfile.TemporaryDirectory() as tmp, contextlib.chdir(tmp):
        for path in sorted(folder.iterdir()):
            if not path.is_file():
                continue
            name = path.name.split('-', 2)[-1]
            bugs = check_case(name, path.read_bytes(), Path(tmp), 60.0)
            failing += bool(bugs)
            print(f'{"FAIL" if bugs else "ok  "} {path.name}: '
                  + '; '.join(b.signature for b in bugs))
    return failing


def _summary(recorder: Recorder) -> None:
    for bug, count in sorted(recorder.seen.items(), key=lambda kv: -kv[1]):
        print(f'{count:6d}  {bug.kind:6s} {bug.signature}')


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0] if __doc__ else '')
    parser.add_argument('--minutes', type=float, default=5.0)
    parser.add_argument('--engine', choices=('mutate', 'hypothesis', 'atheris'), default='mutate')
    parser.add_argument('--seed', type=int, default=0, help='random seed (mutate engine)')
    parser.add_argument('--only', default='', help='seed files whose name contains this')
    parser.add_argument('--slow', type=float, default=30.0, help='seconds: a slower file is a bug')
    parser.add_argument('--out', type=Path, default=Path(tempfile.gettempdir(), 'pii-hooks-fuzz'))
    parser.add_argument('--replay', type=Path, help='re-run the inputs saved in this folder')
    args = parser.parse_args(argv)
    if args.replay:
        return 1 if replay(args.replay) else 0
    if args.engine == 'atheris':
        run_atheris(args.minutes, args.out, args.only)
        return 0
    if args.engine == 'hypothesis':
        recorder = run_hypothesis(args.minutes, args.out, args.slow, args.only)
    else:
        recorder = run_mutation(args.minutes, args.seed, args.out, args.slow, args.only)
    _summary(recorder)
    return 1 if recorder.seen else 0


def _excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    # the fuzzer itself must not print a cell either
    print(f'fuzz: {signature(exc)}', file=sys.stderr)


if __name__ == '__main__':
    sys.excepthook = _excepthook
    raise SystemExit(main())
