"""Accuracy: recall on files that must block, false alarms on files that must pass.

Runs the real pipeline (``engine.scan_item`` then ``policy.decide.decide`` with
the default ``Config()``, every path published) on:

1. the synthetic labelled corpus (``tests/corpus/generate.py``): positives
   that must block, people in public roles that must warn, negatives that
   must pass (generated and committed under ``tests/corpus/negatives/``);
2. public non-personal datasets shipped inside PyPI packages, when installed
   (``tests/corpus/requirements.txt``; skipped with a note otherwise);
3. the real website files in ``../shared/wild/`` when present, each scanned
   under its original repository path, labelled in ``wild_labels.tsv``.

Beside every figure it prints a naive regex scanner's (e-mail, SSN, US phone
patterns; any hit blocks) run in the same script on the same bytes.  It never
prints a cell value: only paths, column headers, categories, rules and counts.

    python -m benchmarks.accuracy                 # everything available
    python -m benchmarks.accuracy --quick --no-wild
    python -m benchmarks.accuracy --json /tmp/accuracy.json
"""
from __future__ import annotations

import argparse
import csv
import gzip
import importlib.util
import io
import json
import re
import sys
import time
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from tests.corpus.generate import EQUIVALENT, PASS, Sample, corpus

from pii_hooks.detect.headers import classify_header
from pii_hooks.engine import ScanOptions, scan_item
from pii_hooks.mask import mask_label, mask_value
from pii_hooks.models import BLOCK, UNREADABLE, WARN, FileEvidence, Finding, ScanItem
from pii_hooks.policy.config import Config
from pii_hooks.policy.decide import Publish, decide
from pii_hooks.readers import is_data_file

ROOT = Path(__file__).resolve().parents[1]
WILD = ROOT.parent / 'shared' / 'wild'
WILD_LABELS = Path(__file__).resolve().parent / 'wild_labels.tsv'
DEFAULT = Config()                 # the defaults a new user gets: no .pii-hooks.yaml
_MAX_PACKAGE_FILE = 1_000_000      # bytes: keeps the package datasets to seconds


class Outcome(NamedTuple):
    """What the pipeline (and the naive peer) made of one labelled file."""

    path: str
    expected: str                      # 'block' | 'warn' | 'pass' ('none'... for wild labels)
    categories: tuple[str, ...]        # expected categories
    kind: str
    variant: str
    verdict: str                       # 'block' | 'warn' | 'pass'
    found: frozenset[str]              # categories with a block or warn finding
    rules: tuple[str, ...]             # 'category/rule/severity column' of every finding
    unreadable: tuple[str, ...]        # reasons of unreadable findings
    seen: str                          # what the reader saw, when nothing was found
    naive: str                         # the naive peer's verdict: 'block' | 'pass'
    naive_found: frozenset[str]
    seconds: float
    note: str = ''
    fail_closed: bool = False          # blocked only because a part could not be read

    @property
    def detected(self) -> bool:
        """Blocked by what a detector found, not only by failing closed."""
        return self.verdict == BLOCK and not self.fail_closed


# --- the pipeline ----------------------------------------------------------------

def scan_bytes(path: str, data: bytes, config: Config = DEFAULT) -> tuple[list[Finding],
                                                                           FileEvidence]:
    """One file through scan_item and decide, as the hook would see it at ``path``."""
    item = ScanItem(path, len(data), lambda: io.BytesIO(data), origin='index')
    evidence = scan_item(item, ScanOptions(limits=config.limits))
    return decide(evidence, config, Publish()), evidence


def _verdict(findings: Sequence[Finding]) -> str:
    if any(f.severity == BLOCK for f in findings):
        return BLOCK
    return WARN if findings else PASS


def _label(text: str, category: str, careful: bool) -> str:
    """A header or part name fit to print.

    A header can be a data row taken for one (a headerless CSV): value-shaped labels
    are always masked; in real files (``careful``) a name-like header that is no
    known header term is masked too.
    """
    text = mask_label(text)
    if careful and category == 'person_name' and text and classify_header(text) is None:
        return mask_value(text, 'person_name')
    return text


def _describe(f: Finding, careful: bool = False) -> str:
    column = _label(f.location.column, f.category, careful)
    where = f' "{column}"' if column else ''
    part = f' [{_label(f.location.part, "", careful)}]' if f.location.part else ''
    return f'{f.category}/{f.rule}/{f.severity}{where}{part}'


def _seen(evidence: FileEvidence, careful: bool = False) -> str:
    """Headers and row counts the readers produced: why nothing matched (no values)."""
    if not evidence.tables:
        return 'no table read'
    bits = []
    for table in evidence.tables[:3]:
        cols = sorted({f'{_label(c.column, c.category, careful) or "#" + str(c.column_index + 1)}'
                       f':{c.category}({c.basis})' for c in table.columns})
        bits.append(f'{_label(table.part, "", careful) or "table"} {table.state}, '
                    f'{table.rows} rows'
                    + (f', evidence {"; ".join(cols[:6])}' if cols else ', no column evidence'))
    return ' | '.join(bits)


def evaluate(path: str, data: bytes, expected: str, categories: Sequence[str] = (),
             kind: str = '', variant: str = '', note: str = '',
             config: Config = DEFAULT, careful: bool = False) -> Outcome:
    start = time.perf_counter()
    findings, evidence = scan_bytes(path, data, config)
    seconds = time.perf_counter() - start
    naive_found = naive_scan(path, data)
    return Outcome(
        path=path, expected=expected, categories=tuple(categories), kind=kind, variant=variant,
        verdict=_verdict(findings),
        found=frozenset(f.category for f in findings if f.category != UNREADABLE),
        rules=tuple(_describe(f, careful) for f in findings),
        unreadable=tuple(f.reason for f in findings if f.category == UNREADABLE),
        seen=_seen(evidence, careful), naive=BLOCK if naive_found else PASS,
        naive_found=naive_found, seconds=seconds, note=note,
        fail_closed=all(f.rule == 'fail-closed' for f in findings if f.severity == BLOCK))


def evaluate_samples(samples: Iterable[Sample], config: Config = DEFAULT) -> list[Outcome]:
    return [evaluate(s.path, s.data, s.expected, s.categories, s.kind, s.variant, s.note, config)
            for s in samples]


# --- the naive peer --------------------------------------------------------------

NAIVE_PATTERNS = {
    'email': re.compile(r'[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}'),
    'ssn': re.compile(r'\b\d{3}-\d{2}-\d{4}\b'),
    'phone': re.compile(r'(?:\+?1[-.\s]?)?\(?\b\d{3}\)?[-.\s]?\d{3}[-.\s]?\d{4}\b'),
}


def _text_of(path: str, data: bytes) -> str:
    """The text a simple scanner reads: decoded bytes, or the XML inside an Office zip."""
    if data[:4] == b'PK\x03\x04':
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return '\n'.join(archive.read(n).decode('utf-8', 'replace')
                                 for n in archive.namelist() if n.endswith('.xml'))
        except (zipfile.BadZipFile, OSError, RuntimeError):
            pass
    if data[:2] in (b'\xff\xfe', b'\xfe\xff'):
        return data.decode('utf-16', 'replace')
    return data.decode('utf-8', 'replace')


def naive_scan(path: str, data: bytes) -> frozenset[str]:
    """Categories the naive regex scanner reports; any one blocks."""
    text = _text_of(path, data)
    return frozenset(name for name, pattern in NAIVE_PATTERNS.items() if pattern.search(text))


# --- figures -----------------------------------------------------------------------

def _share(part: int, whole: int) -> str:
    return f'{part / whole:.3f} ({part}/{whole})' if whole else 'n/a (0 files)'


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


class Figures(NamedTuple):
    recall: float                  # must-block files blocked by a detection (not fail-closed)
    fpr: float                     # must-pass files blocked, for any reason
    positives: int
    negatives: int
    blocked_positives: int
    blocked_negatives: int
    naive_recall: float
    naive_fpr: float
    fail_closed_positives: int     # must-block files blocked only because a reader failed


def figures(outcomes: Sequence[Outcome]) -> Figures:
    pos = [o for o in outcomes if o.expected == BLOCK]
    neg = [o for o in outcomes if o.expected == PASS]
    hit = sum(o.detected for o in pos)
    fa = sum(o.verdict == BLOCK for o in neg)
    return Figures(_ratio(hit, len(pos)), _ratio(fa, len(neg)), len(pos), len(neg), hit, fa,
                   _ratio(sum(o.naive == BLOCK for o in pos), len(pos)),
                   _ratio(sum(o.naive == BLOCK for o in neg), len(neg)),
                   sum(o.verdict == BLOCK and o.fail_closed for o in pos))


def category_found(outcome: Outcome, category: str) -> bool:
    return bool(outcome.found & EQUIVALENT.get(category, frozenset({category})))


def category_recall(outcomes: Sequence[Outcome]) -> dict[str, tuple[int, int]]:
    """category -> (files where found, files that hold it), over block-expected files."""
    table: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for o in outcomes:
        if o.expected != BLOCK:
            continue
        for cat in o.categories:
            table[cat][1] += 1
            table[cat][0] += category_found(o, cat)
    return {cat: (found, total) for cat, (found, total) in sorted(table.items())}


def _group_recall(outcomes: Sequence[Outcome], key: Callable[[Outcome], str]) -> list[str]:
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        if o.expected == BLOCK:
            groups[key(o)].append(o)
    return [f'  {name:<22} {_share(sum(o.detected for o in group), len(group))}'
            for name, group in sorted(groups.items())]


def _why(o: Outcome) -> str:
    if o.unreadable:
        return 'UNREADABLE: ' + '; '.join(o.unreadable)
    if o.rules:
        return 'findings: ' + ', '.join(o.rules[:6]) + (' ...' if len(o.rules) > 6 else '')
    return 'no finding; ' + o.seen


def report_corpus(outcomes: Sequence[Outcome], title: str, out: list[str]) -> None:
    pos = [o for o in outcomes if o.expected == BLOCK]
    warn = [o for o in outcomes if o.expected == WARN]
    neg = [o for o in outcomes if o.expected == PASS]
    fig = figures(outcomes)
    out.append(f'== {title}')
    out.append(f'files: {len(pos)} must block, {len(warn)} must warn, {len(neg)} must pass')
    out.append(f'{"":<34}{"pii-hooks":<22}naive regex')
    out.append(f'{"recall (must-block files blocked)":<34}'
               f'{_share(fig.blocked_positives, len(pos)):<22}'
               f'{_share(sum(o.naive == BLOCK for o in pos), len(pos))}')
    out.append(f'{"  blocked only by failing closed":<34}'
               f'{_share(fig.fail_closed_positives, len(pos))} (not counted as recall)')
    out.append(f'{"false-positive rate (negatives)":<34}'
               f'{_share(fig.blocked_negatives, len(neg)):<22}'
               f'{_share(sum(o.naive == BLOCK for o in neg), len(neg))}')
    out.append(f'{"negatives that warn":<34}'
               f'{_share(sum(o.verdict == WARN for o in neg), len(neg))}')
    if warn:
        out.append(f'{"public roles: block":<34}'
                   f'{_share(sum(o.verdict == BLOCK for o in warn), len(warn)):<22}'
                   f'{_share(sum(o.naive == BLOCK for o in warn), len(warn))}')
        for verdict in (WARN, PASS):
            out.append(f'{"public roles: " + verdict:<34}'
                       f'{_share(sum(o.verdict == verdict for o in warn), len(warn))}')
    if pos:
        out.append('per-category recall (a finding of the category, block or warn):')
        naive_cats = {'email', 'ssn', 'phone'}
        for cat, (found, total) in category_recall(outcomes).items():
            peer = ''
            if cat in naive_cats:
                peer = _share(sum(cat in o.naive_found for o in pos if cat in o.categories),
                              total)
            out.append(f'  {cat:<22} {_share(found, total):<22}{peer}')
        out.append('recall by kind:')
        out.extend(_group_recall(outcomes, lambda o: o.kind))
        out.append('recall by format/layout:')
        out.extend(_group_recall(outcomes, lambda o: '/'.join(o.variant.split('/')[:2])))
        out.append('recall by locale:')
        out.extend(_group_recall(outcomes, lambda o: o.variant.split('/')[2]
                                 if o.variant.count('/') >= 2 else '?'))
        out.append('recall by generator:')
        out.extend(_group_recall(outcomes, lambda o: o.variant.split('/')[-1]))
        missing: dict[str, Counter[str]] = defaultdict(Counter)
        for o in pos:
            for cat in o.categories:
                if not category_found(o, cat):
                    missing[cat][f'{o.kind} {"/".join(o.variant.split("/")[:2])}'] += 1
        if missing:
            out.append('categories not found, by kind and layout:')
            for cat, where in sorted(missing.items()):
                spots = ', '.join(f'{k} x{n}' for k, n in where.most_common(8))
                out.append(f'  {cat}: {sum(where.values())} files ({spots})')
    misses = [o for o in pos if not o.detected]
    out.append(f'misses ({len(misses)}): must block, no detection blocked it')
    for o in misses:
        out.append(f'  MISS {o.path} [{o.kind} {o.variant}] -> {o.verdict}; {_why(o)}')
    for o in warn:
        if o.verdict != WARN:
            out.append(f'  PUBLIC-ROLE {o.verdict.upper()} {o.path} [{o.kind} {o.variant}]; '
                       f'{_why(o)}')
    alarms = [o for o in neg if o.verdict == BLOCK]
    out.append(f'false alarms ({len(alarms)}): must pass, blocked')
    for o in alarms:
        out.append(f'  FALSE-ALARM {o.path} [{o.kind} {o.variant}] {o.note}; {_why(o)}')
    for o in neg:
        if o.verdict == WARN:
            out.append(f'  NEGATIVE-WARNS {o.path} [{o.kind} {o.variant}]; {_why(o)}')
    odd = [o for o in outcomes if o.unreadable and o not in alarms and o not in misses]
    for o in odd:
        out.append(f'  UNREADABLE {o.path} [{o.kind}]: {"; ".join(o.unreadable)}')
    out.append('')


# --- public datasets inside packages (negatives) -----------------------------------

def _package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _data_files(folder: Path, patterns: Sequence[str]) -> Iterator[Path]:
    for pattern in patterns:
        yield from sorted(folder.glob(pattern))


#: (package, folder inside it, globs, files to leave out and why)
_PACKAGE_SOURCES: tuple[tuple[str, str, tuple[str, ...], dict[str, str]], ...] = (
    ('vega_datasets', '_data', ('*.csv', '*.json'),
     {'la-riots.csv': 'names, ages, race and addresses of people killed in 1992 (real people)'}),
    ('sklearn', 'datasets/data', ('*.csv', '*.csv.gz'), {}),
    ('statsmodels', 'datasets', ('*/*.csv',), {}),
    ('plotly', 'package_data/datasets', ('*.csv.gz',), {}),
    ('pycountry', 'databases', ('iso3166-1.json', 'iso3166-3.json', 'iso4217.json',
                                'iso15924.json', 'iso639-5.json'), {}),
)


def package_negatives(notes: list[str]) -> list[Sample]:
    """Public non-personal datasets that ship in PyPI packages; a missing package is a note."""
    samples = []
    for package, sub, globs, leave_out in _PACKAGE_SOURCES:
        base = _package_dir(package)
        if base is None:
            notes.append(f'package datasets: {package} not installed, skipped '
                         '(pip install -r tests/corpus/requirements.txt)')
            continue
        for reason_file, reason in leave_out.items():
            notes.append(f'package datasets: left out {package} {reason_file}: {reason}')
        for file in _data_files(base / sub, globs):
            if file.name in leave_out or file.stat().st_size > _MAX_PACKAGE_FILE:
                continue
            data = file.read_bytes()
            name = file.relative_to(base / sub).as_posix()
            if name.endswith('.gz'):
                data = gzip.decompress(data)
                name = name[:-3]
            samples.append(Sample(f'data/{package}/{name}', data, PASS, (),
                                  f'package-{package}', name))
    return samples


# --- wild files ------------------------------------------------------------------------

class WildFile(NamedTuple):
    file: str          # path under files/
    repo: str
    path: str          # original path in its repository
    label: str         # 'none' | 'public-role' | 'hard-case' | '?' (unlabelled)
    note: str


def wild_files(wild: Path, labels_file: Path = WILD_LABELS) -> list[WildFile]:
    labels: dict[str, tuple[str, str]] = {}
    if labels_file.exists():
        with open(labels_file, encoding='utf-8') as handle:
            for cells in csv.reader(handle, delimiter='\t'):
                if cells and not cells[0].startswith('#') and len(cells) >= 2:
                    labels[cells[0]] = (cells[1], cells[2] if len(cells) > 2 else '')
    out = []
    with open(wild / 'SOURCES.tsv', encoding='utf-8') as handle:
        for row in csv.DictReader(handle, delimiter='\t'):
            label, note = labels.get(row['file'], ('?', ''))
            out.append(WildFile(row['file'], row['repo'], row['path'], label, note))
    return out


def evaluate_wild(wild: Path, files: Sequence[WildFile]) -> tuple[list[Outcome], list[WildFile]]:
    """Scan each wild file the hook would be offered; return outcomes and skipped files."""
    outcomes, skipped = [], []
    for wf in files:
        if not is_data_file(wf.path):
            skipped.append(wf)
            continue
        data = (wild / 'files' / wf.file).read_bytes()
        outcomes.append(evaluate(wf.path, data, wf.label, (), wf.repo, wf.file, wf.note,
                                 careful=True))
    return outcomes, skipped


def report_wild(outcomes: Sequence[Outcome], skipped: Sequence[WildFile], out: list[str]) -> None:
    out.append(f'== wild: real website files (../shared/wild), {len(outcomes)} scanned')
    by_ext = Counter(Path(wf.path).suffix.lower() or wf.path for wf in skipped)
    out.append(f'not offered to the hook (no reader for the extension): {len(skipped)} '
               f'({", ".join(f"{e} x{n}" for e, n in by_ext.most_common())})')
    out.append(f'{"":<46}{"pii-hooks":<22}naive regex')
    for label, name in (('none', 'no personal data'), ('public-role', 'people in public roles'),
                        ('hard-case', 'hard cases'), ('?', 'unlabelled')):
        group = [o for o in outcomes if o.expected == label]
        if not group:
            continue
        out.append(f'{name + ": hard-block":<46}'
                   f'{_share(sum(o.verdict == BLOCK for o in group), len(group)):<22}'
                   f'{_share(sum(o.naive == BLOCK for o in group), len(group))}')
        closed = sum(o.verdict == BLOCK and o.fail_closed for o in group)
        out.append(f'{name + ": of which fail-closed":<46}{_share(closed, len(group))}')
        for verdict in (WARN, PASS):
            out.append(f'{name + ": " + verdict:<46}'
                       f'{_share(sum(o.verdict == verdict for o in group), len(group))}')
    hard = [o for o in outcomes if o.expected == 'hard-case']
    if hard:
        out.append('hard cases (no single right answer; the verdict each got):')
        for o in hard:
            out.append(f'  {o.verdict.upper():<5} {o.path} ({o.kind}): {o.note}'
                       + (f'; {_why(o)}' if o.verdict != PASS else ''))
    errors = [o for o in outcomes if o.unreadable]
    out.append(f'errors (unreadable findings): {len(errors)}')
    for o in errors:
        out.append(f'  UNREADABLE {o.path} ({o.kind}): {"; ".join(o.unreadable)}')
    blocked = [o for o in outcomes if o.verdict == BLOCK]
    out.append(f'blocked wild files: {len(blocked)}')
    for o in blocked:
        cats = ','.join(sorted(o.found)) or '-'
        out.append(f'  BLOCK [{o.expected}] {o.path} ({o.kind}) {cats}: '
                   f'{"; ".join(r for r in o.rules if r.endswith("/block") or "/block " in r)}'
                   + (f'  -- label note: {o.note}' if o.note else ''))
    slow = sorted(outcomes, key=lambda o: -o.seconds)[:5]
    out.append('slowest: ' + ', '.join(f'{o.path} {o.seconds:.2f}s' for o in slow))
    out.append('')


# --- main ------------------------------------------------------------------------------

def _jsonable(o: Outcome) -> dict[str, Any]:
    d = o._asdict()
    d['found'] = sorted(o.found)
    d['naive_found'] = sorted(o.naive_found)
    return d


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0] if __doc__ else '')
    parser.add_argument('--quick', action='store_true', help='a third of the synthetic corpus')
    parser.add_argument('--seed', type=int, default=2022)
    parser.add_argument('--no-packages', action='store_true', help='skip package datasets')
    parser.add_argument('--no-wild', action='store_true', help='skip ../shared/wild')
    parser.add_argument('--wild', type=Path, default=WILD, help='the wild folder')
    parser.add_argument('--json', type=Path, help='write every outcome to this JSON file')
    args = parser.parse_args(argv)
    started = time.perf_counter()
    out: list[str] = []
    notes: list[str] = []
    samples = corpus(args.seed, variants=7 if args.quick else 20,
                     id_variants=2 if args.quick else 5)
    synthetic = evaluate_samples(samples)
    report_corpus(synthetic, 'synthetic corpus (tests/corpus)', out)
    packaged: list[Outcome] = []
    if not args.no_packages:
        packaged = evaluate_samples(package_negatives(notes))
        report_corpus(packaged, 'public datasets shipped in PyPI packages (negatives)', out)
    wild: list[Outcome] = []
    if args.no_wild:
        notes.append('wild: skipped (--no-wild)')
    elif not (args.wild / 'SOURCES.tsv').exists():
        notes.append(f'wild: {args.wild} not found, skipped')
    else:
        files = wild_files(args.wild)
        unlabelled = sum(f.label == '?' for f in files)
        if unlabelled:
            notes.append(f'wild: {unlabelled} files have no label in {WILD_LABELS.name}')
        wild, skipped = evaluate_wild(args.wild, files)
        report_wild(wild, skipped, out)
    out.extend(f'note: {n}' for n in notes)
    out.append(f'total time {time.perf_counter() - started:.1f}s')
    sys.stdout.write('\n'.join(out) + '\n')
    if args.json:
        args.json.write_text(json.dumps({
            'synthetic': [_jsonable(o) for o in synthetic],
            'packages': [_jsonable(o) for o in packaged],
            'wild': [_jsonable(o) for o in wild], 'notes': notes}, indent=1))
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
