"""Speed and memory of pii-hooks beside its peers, in one run: ``python -m benchmarks.perf``.

Every figure is a median of several runs, ours and the peer's taken in turn
(the machine may be busy with other work: turns spread the noise evenly), and
every command runs as its own process, the way a hook or CI step runs it.
The data is synthetic and seeded, generated into a scratch folder (``--workdir``
keeps it between runs).  ``--quick`` uses tiny sizes: a smoke test, not a
measurement.

Figures (targets from the brief):

1. clean mixed CSV (2 million rows, ~170 MB): ``pii-hooks scan`` against
   ``pyarrow.csv.read_csv`` parsing the same file -- target >= 0.5x its speed;
2. the same file against ``detect-secrets scan``, timed on its first 20 MB and
   extrapolated by size -- target >= 100x faster;
3. a 1 GB CSV of people, PII in the first rows: blocked in < 2x the time
   ``read_csv`` needs for its first 16 MB;
4. peak RSS (``wait4``) of ``pii-hooks scan`` on the 170 MB CSV, a 1 GB CSV
   and a 200 MB XLSX -- target < 500 MB, the same for both CSVs;
5. the native pre-commit hook with only a .md staged: < 2x ``python -c pass``
   + ``git diff --cached``, and which heavy modules it imports;
6. ``pii-hooks scan`` of one 1 KB CSV: < 0.5 s;
7. many files: one ``pii-hooks scan`` of a folder (worker processes) against
   the same scan forced into one process.

Also shown: a naive regex scanner (SSN, e-mail, phone, card patterns over every
line; what many hooks do) on the 170 MB file, and the in-process cost of the
scan beside ``read_csv`` (no interpreter start-up in either).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

PY = sys.executable
MB = 1024 * 1024


class Sizes(NamedTuple):
    mixed_rows: int         # the clean mixed CSV (~85 bytes a row)
    big_csv: int            # bytes of the big clean CSV (memory figure)
    people: int             # bytes of the people CSV (early decision)
    xlsx: int               # bytes of the XLSX (compressed)
    secrets_prefix: int     # bytes detect-secrets scans
    early_prefix: int       # bytes read_csv reads for figure 3
    many_files: int
    many_rows: int
    people_rows: int        # distinct synthetic people (the people CSV repeats them)
    reps: int


FULL = Sizes(2_000_000, 1024 * MB, 1024 * MB, 200 * MB, 20 * MB, 16 * MB, 8, 250_000, 2_000, 5)
QUICK = Sizes(4_000, 1 * MB, 1 * MB, 256 * 1024, 64 * 1024, 256 * 1024, 3, 2_000, 100, 1)


class Run(NamedTuple):
    seconds: float
    code: int
    max_rss_mb: float


def run(cmd: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run a command to completion: wall time, exit code, the child's peak RSS."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(time.perf_counter() - start, proc.returncode, usage.ru_maxrss / 1024)


def medians(commands: dict[str, Callable[[], Run]], reps: int) -> dict[str, Run]:
    """Each command ``reps`` times, in turns; the median run of each (by time)."""
    runs: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(reps):
        for name, command in commands.items():
            runs[name].append(command())
    return {name: sorted(found)[len(found) // 2] for name, found in runs.items()}


def scan(*args: str) -> list[str]:
    return [PY, '-m', 'pii_hooks', 'scan', *args]


def arrow_read(path: Path) -> list[str]:
    return [PY, '-c', 'import sys, pyarrow.csv as c; c.read_csv(sys.argv[1])', str(path)]


# --- data ---------------------------------------------------------------------

REGIONS = ('North', 'South', 'East', 'West', 'Central', 'Northeast', 'Pacific')
PRODUCTS = ('Blue Widget', 'Red Widget', 'Green Gadget', 'Steel Bolt', 'Copper Pipe',
            'Oak Plank', 'Glass Jar', 'Paper Roll')
STATUS = ('shipped', 'pending', 'returned', 'cancelled', 'delivered')
MIXED_HEADER = 'order_id,order_date,region,product,qty,unit_price,score,status,lat\n'


def mixed_rows(rng: random.Random, start: int, count: int) -> str:
    """Orders: ids, dates, categories, counts, prices, long floats, coordinates."""
    lines = []
    for i in range(start, start + count):
        lines.append(f'{i},{2015 + i % 10}-{1 + i % 12:02d}-{1 + i % 28:02d},'
                     f'{rng.choice(REGIONS)},{rng.choice(PRODUCTS)} {i % 50},'
                     f'{rng.randint(1, 500)},{rng.randint(100, 99999) / 100},{rng.random()!r},'
                     f'{rng.choice(STATUS)},{rng.uniform(-90, 90):.6f}\n')
    return ''.join(lines)


def write_mixed(path: Path, rows: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    with open(path, 'w', encoding='utf-8', newline='') as out:
        out.write(MIXED_HEADER)
        for start in range(1, rows + 1, 20_000):
            out.write(mixed_rows(rng, start, min(20_000, rows + 1 - start)))


def write_repeated(path: Path, source: Path, size: int) -> None:
    """A big CSV: the source's rows again and again (one header) up to ``size`` bytes."""
    with open(source, 'rb') as handle:
        header = handle.readline()
        body = handle.read()
    with open(path, 'wb') as out:
        out.write(header)
        written = len(header)
        while written < size:
            out.write(body)
            written += len(body)


def people_block(rows: int, seed: int = 7) -> str:
    from faker import Faker
    fake = Faker('en_US')
    Faker.seed(seed)
    lines = []
    for _ in range(rows):
        lines.append(f'{fake.first_name()},{fake.last_name()},{fake.ssn()},{fake.email()},'
                     f'{fake.phone_number()},{fake.date_of_birth(minimum_age=18):%Y-%m-%d},'
                     f'"{fake.street_address()}",{fake.city()},{fake.postcode()}\n')
    return ''.join(lines)


def write_people(path: Path, size: int, rows: int) -> None:
    block = people_block(rows).encode()
    with open(path, 'wb') as out:
        out.write(b'first_name,last_name,ssn,email,phone,date_of_birth,street,city,zip\n')
        written = 0
        while written < size:
            out.write(block)
            written += len(block)


_XLSX_PARTS = {
    '[Content_Types].xml': (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
        'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/></Types>'),
    '_rels/.rels': (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    'xl/workbook.xml': (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Orders" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    'xl/_rels/workbook.xml.rels': (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
}


def write_xlsx(path: Path, size: int, seed: int = 3) -> None:
    """A one-sheet workbook of the mixed rows, written straight as XML into the zip
    (openpyxl would take an hour for 200 MB).  Rows repeat in blocks of 10,000,
    further apart than deflate's window, so the file compresses like real data."""
    rng = random.Random(seed)
    text = mixed_rows(rng, 1, 10_000).splitlines()

    def cell(value: str) -> str:
        try:
            float(value)
            return f'<c><v>{value}</v></c>'
        except ValueError:
            return f'<c t="inlineStr"><is><t>{value}</t></is></c>'

    block = ''.join('<row>' + ''.join(cell(v) for v in line.split(',')) + '</row>'
                    for line in text).encode()
    header = '<row>' + ''.join(cell(v) for v in MIXED_HEADER.strip().split(',')) + '</row>'
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        for name, content in _XLSX_PARTS.items():
            package.writestr(name, content)
        with package.open('xl/worksheets/sheet1.xml', 'w', force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet '
                        b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                        b'<sheetData>' + header.encode())
            raw = package.fp
            assert raw is not None
            while raw.tell() < size:
                sheet.write(block)
            sheet.write(b'</sheetData></worksheet>')


def write_prefix(path: Path, source: Path, size: int) -> None:
    """The first ``size`` bytes of a file, cut at a line end."""
    with open(source, 'rb') as handle:
        data = handle.read(size)
    with open(path, 'wb') as out:
        out.write(data[:data.rfind(b'\n') + 1])


def prepare(work: Path, sizes: Sizes) -> dict[str, Path]:
    """Generate what is missing; a stamp file says which sizes a file was made for."""
    files = {
        'mixed': work / 'mixed.csv', 'big': work / 'big.csv', 'people': work / 'people.csv',
        'xlsx': work / 'orders.xlsx', 'secrets': work / 'mixed-prefix.csv',
        'early': work / 'people-prefix.csv', 'small': work / 'small.csv', 'many': work / 'many',
    }
    stamp = work / 'sizes.json'
    if stamp.exists() and json.loads(stamp.read_text()) == list(sizes):
        return files
    print('generating data ...', file=sys.stderr, flush=True)
    write_mixed(files['mixed'], sizes.mixed_rows)
    write_repeated(files['big'], files['mixed'], sizes.big_csv)
    write_people(files['people'], sizes.people, sizes.people_rows)
    write_xlsx(files['xlsx'], sizes.xlsx)
    write_prefix(files['secrets'], files['mixed'], sizes.secrets_prefix)
    write_prefix(files['early'], files['people'], sizes.early_prefix)
    files['small'].write_text(MIXED_HEADER + mixed_rows(random.Random(5), 1, 12),
                              encoding='utf-8')
    shutil.rmtree(files['many'], ignore_errors=True)
    files['many'].mkdir()
    for i in range(sizes.many_files):
        write_mixed(files['many'] / f'part-{i}.csv', sizes.many_rows, seed=100 + i)
    stamp.write_text(json.dumps(list(sizes)))
    return files


# --- figures ------------------------------------------------------------------

class Figure(NamedTuple):
    name: str
    ours: str
    peer: str
    ratio: str
    target: str
    met: bool | None


def fig_full_scan(files: dict[str, Path], work: Path, reps: int) -> tuple[Figure, Run]:
    path = files['mixed']
    found = medians({'ours': lambda: run(scan(path.name), work),
                     'arrow': lambda: run(arrow_read(path), work)}, reps)
    size = path.stat().st_size / MB
    ours, arrow = found['ours'], found['arrow']
    speed = arrow.seconds / ours.seconds
    return Figure(f'1. scan clean CSV ({size:.0f} MB)', f'{ours.seconds:.2f} s '
                  f'({size / ours.seconds:.0f} MB/s)', f'read_csv {arrow.seconds:.2f} s '
                  f'({size / arrow.seconds:.0f} MB/s)', f'{speed:.2f}x its speed', '>= 0.5x',
                  speed >= 0.5), ours


def fig_detect_secrets(files: dict[str, Path], work: Path, ours: Run) -> Figure:
    prefix = files['secrets']
    # detect-secrets skips paths outside the current folder: run it inside, by name
    found = run([PY, '-m', 'detect_secrets', 'scan', prefix.name], work)
    scale = files['mixed'].stat().st_size / prefix.stat().st_size
    estimate = found.seconds * scale
    faster = estimate / ours.seconds
    return Figure('2. same file vs detect-secrets', f'{ours.seconds:.2f} s',
                  f'{found.seconds:.1f} s for {prefix.stat().st_size / MB:.0f} MB '
                  f'-> ~{estimate:.0f} s (x{scale:.1f}, extrapolated)', f'{faster:.0f}x faster',
                  '>= 100x', faster >= 100)


def fig_early(files: dict[str, Path], work: Path, reps: int) -> Figure:
    people, prefix = files['people'], files['early']
    found = medians({'ours': lambda: run(scan(people.name), work),
                     'read': lambda: run(arrow_read(prefix), work)}, reps)
    ours, read = found['ours'], found['read']
    ratio = ours.seconds / read.seconds
    return Figure(f'3. people CSV ({people.stat().st_size / MB:.0f} MB), PII first',
                  f'{ours.seconds:.2f} s, exit {ours.code}',
                  f'read_csv of first {prefix.stat().st_size / MB:.0f} MB {read.seconds:.2f} s',
                  f'{ratio:.2f}x its time', '< 2x, exit 1', ratio < 2 and ours.code == 1)


def fig_memory(files: dict[str, Path], work: Path, mixed: Run) -> list[Figure]:
    out = []
    big = run(scan(files['big'].name), work)
    xlsx = run(scan(files['xlsx'].name), work)
    for label, path, found in (('CSV', files['mixed'], mixed), ('CSV', files['big'], big),
                               ('XLSX', files['xlsx'], xlsx)):
        size = path.stat().st_size / MB
        out.append(Figure(f'4. peak RSS, {size:.0f} MB {label}', f'{found.max_rss_mb:.0f} MB',
                          f'scan {found.seconds:.1f} s, exit {found.code}', '', '< 500 MB',
                          found.max_rss_mb < 500 and found.code in (0, 1)))
    return out


_HEAVY = ('pandas', 'pyarrow', 'numpy', 'regex', 'yaml', 'detect_secrets', 'phonenumbers',
          'stdnum', 'openpyxl', 'python_calamine', 'pii_hooks.detect', 'pii_hooks.engine',
          'pii_hooks.readers', 'pii_hooks.cli', 'typing', 'subprocess')
#: The installed hook's own code, reporting at exit which of _HEAVY it loaded.
_REPORT_MODULES = ('import atexit, sys\n'
                   'atexit.register(lambda: print(",".join(sorted(m for m in sys.modules '
                   f'if m in {_HEAVY!r}))))\n')


def fig_hook(work: Path, reps: int) -> list[Figure]:
    """The native hook as ``pii-hooks install`` writes it, in a repository with a .md staged."""
    from pii_hooks.install import _LAUNCHER
    repo = work / 'hook-repo'
    if not repo.exists():
        repo.mkdir()
        for args in (('init', '-q'), ('config', 'user.email', 'dev@example.com'),
                     ('config', 'user.name', 'Dev')):
            subprocess.run(('git', *args), cwd=repo, check=True)
        subprocess.run((PY, '-m', 'pii_hooks', 'install'), cwd=repo, check=True,
                       capture_output=True)
    (repo / 'README.md').write_text(f'notes {time.time()}\n', encoding='utf-8')
    subprocess.run(('git', 'add', 'README.md'), cwd=repo, check=True)
    hook = repo / '.git' / 'hooks' / 'pre-commit'
    found = medians({
        'hook': lambda: run([str(hook)], repo),
        'pass': lambda: run([PY, '-c', 'pass'], repo),
        'diff': lambda: run(['git', 'diff', '--cached', '--name-only'], repo),
    }, max(reps, 3) * 3)
    took, base = found['hook'], found['pass'].seconds + found['diff'].seconds
    loaded = subprocess.run([PY, '-c', _REPORT_MODULES + _LAUNCHER, 'pre-commit'], cwd=repo,
                            capture_output=True, text=True)
    heavy = loaded.stdout.strip() or 'none'
    ratio = took.seconds / base
    return [Figure('5. pre-commit hook, only a .md staged', f'{took.seconds * 1000:.0f} ms, '
                   f'exit {took.code}', f'python -c pass + git diff {base * 1000:.0f} ms',
                   f'{ratio:.2f}x', '< 2x', ratio < 2 and took.code == 0),
            Figure('5. ... modules it imported', heavy, '', '', 'none heavy',
                   not set(heavy.split(',')) & set(_HEAVY[:12]))]


def fig_small(files: dict[str, Path], work: Path, reps: int) -> Figure:
    found = medians({'ours': lambda: run(scan(files['small'].name), work)}, max(reps, 3))
    ours = found['ours']
    size = files['small'].stat().st_size
    return Figure(f'6. scan one {size / 1024:.1f} KB CSV', f'{ours.seconds:.2f} s', '', '',
                  '< 0.5 s', ours.seconds < 0.5 and ours.code == 0)


_SERIAL = ('import sys\nimport pii_hooks.run as run\nrun._workers = lambda jobs: 0\n'
           'from pii_hooks.cli import main\nraise SystemExit(main(["scan", *sys.argv[1:]]))\n')


def fig_many(files: dict[str, Path], work: Path, reps: int) -> Figure:
    folder = files['many']
    found = medians({'parallel': lambda: run(scan(folder.name), work),
                     'serial': lambda: run([PY, '-c', _SERIAL, folder.name], work)}, reps)
    count = len(list(folder.iterdir()))
    total = sum(p.stat().st_size for p in folder.iterdir()) / MB
    par, ser = found['parallel'], found['serial']
    return Figure(f'7. {count} files, {total:.0f} MB in one scan', f'{par.seconds:.2f} s',
                  f'one process {ser.seconds:.2f} s', f'{ser.seconds / par.seconds:.2f}x faster',
                  f'> 1x on {os.cpu_count()} cores', ser.seconds / par.seconds > 1)


_NAIVE = r'''
import re, sys
pattern = re.compile(rb'\b\d{3}-\d{2}-\d{4}\b|[\w.+-]+@[\w-]+\.[\w.]+'
                     rb'|\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}|\b(?:\d[ -]?){13,16}\b')
hits = 0
with open(sys.argv[1], 'rb') as handle:
    for line in handle:
        hits += len(pattern.findall(line))
print(hits)
'''

_IN_PROCESS = r'''
import sys, time
import pyarrow.csv as c
from pii_hooks.engine import ScanOptions, scan_item
from pii_hooks.sources.files import file_item
path, reps = sys.argv[1], int(sys.argv[2])
scan_item(file_item(path), ScanOptions())           # warm: imports, vocabularies
ours, arrow = [], []
for _ in range(reps):
    t = time.perf_counter()
    scan_item(file_item(path), ScanOptions())
    ours.append(time.perf_counter() - t)
    t = time.perf_counter()
    c.read_csv(path)
    arrow.append(time.perf_counter() - t)
ours.sort(); arrow.sort()
print(ours[len(ours) // 2], arrow[len(arrow) // 2])
'''


def fig_naive(files: dict[str, Path], work: Path, ours: Run) -> Figure:
    found = run([PY, '-c', _NAIVE, files['mixed'].name], work)
    size = files['mixed'].stat().st_size / MB
    return Figure('   naive regex scanner, same file', f'{ours.seconds:.2f} s',
                  f'{found.seconds:.1f} s ({size / found.seconds:.0f} MB/s)',
                  f'{found.seconds / ours.seconds:.1f}x faster', '', None)


def fig_in_process(files: dict[str, Path], work: Path, reps: int) -> Figure:
    done = subprocess.run([PY, '-c', _IN_PROCESS, str(files['mixed']), str(reps)], cwd=work,
                          capture_output=True, text=True, check=True)
    ours, arrow = (float(x) for x in done.stdout.split())
    size = files['mixed'].stat().st_size / MB
    return Figure('   in-process (no start-up), same file', f'{ours:.2f} s '
                  f'({size / ours:.0f} MB/s)', f'read_csv {arrow:.2f} s ({size / arrow:.0f} MB/s)',
                  f'{arrow / ours:.2f}x its speed', '', None)


def report(figures: Sequence[Figure]) -> str:
    rows = [('figure', 'pii-hooks', 'peer', 'ratio', 'target', 'met')]
    rows += [(f.name, f.ours, f.peer, f.ratio, f.target,
              '' if f.met is None else ('yes' if f.met else 'NO')) for f in figures]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return '\n'.join('  '.join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip()
                     for r in rows)


def bytecode() -> None:
    """Compile pii_hooks' bytecode, as ``pip install`` does: an editable checkout run
    with PYTHONDONTWRITEBYTECODE=1 would otherwise compile 40 modules on every start
    (~50 ms), which no installed hook pays."""
    import compileall

    import pii_hooks
    package = Path(pii_hooks.__file__).parent
    if os.access(package, os.W_OK):
        compileall.compile_dir(str(package), quiet=1)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--quick', action='store_true', help='tiny sizes: a smoke test')
    parser.add_argument('--workdir', help='keep the generated data here (default: a temp dir)')
    parser.add_argument('--reps', type=int, help='repetitions per timed command')
    parser.add_argument('--json', help='also write the figures to this file')
    parser.add_argument('--only', help='figures to run, e.g. 1,5,6 (default: all)')
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    reps = args.reps or sizes.reps
    only = {int(x) for x in args.only.split(',')} if args.only else set(range(1, 8))
    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix='pii-perf-'))
    work.mkdir(parents=True, exist_ok=True)
    figures: list[Figure] = []
    bytecode()
    try:
        files = prepare(work, sizes)
        ours = None
        if only & {1, 2, 4}:
            full, ours = fig_full_scan(files, work, reps)
            figures.append(full)
            if 1 in only:
                figures.append(fig_in_process(files, work, reps))
                figures.append(fig_naive(files, work, ours))
        if 2 in only and ours is not None:
            figures.append(fig_detect_secrets(files, work, ours))
        if 3 in only:
            figures.append(fig_early(files, work, reps))
        if 4 in only and ours is not None:
            figures.extend(fig_memory(files, work, ours))
        if 5 in only:
            figures.extend(fig_hook(work, reps))
        if 6 in only:
            figures.append(fig_small(files, work, reps))
        if 7 in only:
            figures.append(fig_many(files, work, reps))
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    print(report(figures))
    if args.json:
        Path(args.json).write_text(json.dumps([f._asdict() for f in figures], indent=1),
                                   encoding='utf-8')
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
