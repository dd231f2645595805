"""The labelled corpus through the real pipeline: recall, false alarms, no crash.

A seeded subset of ``tests/corpus`` (about 140 files, a few seconds).  The full
corpus, the package datasets and the wild files are the benchmark's job
(``python -m benchmarks.accuracy``).
"""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from benchmarks.accuracy import Outcome, category_recall, evaluate_samples, figures, naive_scan

from pii_hooks.models import CATEGORIES
from pii_hooks.readers import is_data_file
from tests.corpus.generate import BLOCK, PASS, WARN, Sample, committed_negatives, corpus

RECALL_TARGET = 0.98
FPR_TARGET = 0.02


@functools.lru_cache(maxsize=1)
def _subset() -> tuple[Sample, ...]:
    return tuple(corpus(seed=2022, variants=7, id_variants=2))


@functools.lru_cache(maxsize=1)
def _outcomes() -> tuple[Outcome, ...]:
    return tuple(evaluate_samples(_subset()))


def _digest(samples: tuple[Sample, ...]) -> str:
    h = hashlib.sha256()
    for s in samples:
        h.update(s.path.encode() + b'\0' + s.data + b'\0' + s.expected.encode())
    return h.hexdigest()


def test_corpus_is_labelled_and_covers_every_kind() -> None:
    samples = _subset()
    expected = {s.expected for s in samples}
    assert expected == {BLOCK, WARN, PASS}
    assert len({s.path for s in samples}) == len(samples), 'paths must be unique'
    for s in samples:
        assert is_data_file(s.path), s.path
        assert set(s.categories) <= set(CATEGORIES), (s.path, s.categories)
        assert (s.expected == PASS) == (not s.categories), s.path
    kinds = {s.kind for s in samples if s.expected == BLOCK}
    assert {'detention-roster', 'hr-export', 'customers', 'patients', 'contacts', 'newsletter',
            'shipping', 'weblog'} <= kinds
    assert sum(k.startswith('national-id-') for k in kinds) >= 10
    layouts = {s.variant.split('/')[1] for s in samples if s.expected == BLOCK}
    assert {'title-rows', 'headerless', 'obfuscated', 'hidden-sheet', 'utf16'} <= layouts


def test_corpus_is_deterministic() -> None:
    again = tuple(corpus(seed=2022, variants=7, id_variants=2))
    assert _digest(again) == _digest(_subset())


def test_generated_identifiers_are_valid() -> None:
    """The national IDs are built by their schemes' own rules (python-stdnum validates them)."""
    import random

    from stdnum.br import cpf
    from stdnum.ca import sin
    from stdnum.de import idnr
    from stdnum.es import dni
    from stdnum.in_ import aadhaar
    from stdnum.nl import bsn
    from stdnum.us import itin, ssn

    from tests.corpus import generate as g

    rng = random.Random(5)
    for _ in range(20):
        assert ssn.is_valid(g.ssn(rng))
        assert itin.is_valid(g.itin(rng))
        assert cpf.is_valid(g.cpf(rng))
        assert sin.is_valid(g.sin(rng))
        assert idnr.is_valid(g.steuer_id(rng))
        assert bsn.is_valid(g.bsn(rng))
        assert aadhaar.is_valid(g.aadhaar(rng))
        value = g.dni(rng)
        assert dni.is_valid(value) or value[0] in 'XYZ'


def test_committed_negatives_are_small_and_labelled() -> None:
    samples = list(committed_negatives())
    assert len(samples) >= 20
    assert all(len(s.data) < 16_000 for s in samples)
    assert {s.path for s in samples if s.odd} >= {'data/empty.csv', 'feed.json',
                                                  'data/~$budget.xlsx'}


def test_every_file_scans_without_a_crash() -> None:
    """No reader or detector may throw on the corpus: an exception fails closed and hides misses.

    Odd files (a Liquid template named .json, an Office lock file, an empty CSV) may
    get a clear ``unreadable`` verdict, never a crash.
    """
    odd = {s.path for s in _subset() if s.odd}
    crashes = [(o.path, o.unreadable) for o in _outcomes()
               if any('reader failed' in r for r in o.unreadable)]
    unreadable = [(o.path, o.unreadable) for o in _outcomes()
                  if o.unreadable and o.path not in odd]
    assert not crashes, crashes
    assert not unreadable, unreadable


def test_reports_never_quote_a_value() -> None:
    """What the benchmark prints (rules, reasons, what was seen) holds no raw cell value."""
    by_path = {s.path: s for s in _subset()}
    for o in _outcomes():
        sample = by_path[o.path]
        if sample.expected != BLOCK or sample.variant.startswith('xlsx'):
            continue
        text = ' '.join((*o.rules, *o.unreadable, o.seen))
        lines = sample.data.decode('utf-8', 'ignore').splitlines()
        for line in lines[:1] + lines[5:8]:     # line 1 is data when there is no header
            for cell in line.replace('\t', ',').replace(';', ',').split(','):
                cell = cell.strip().strip('"')
                if len(cell) >= 8 and any(ch.isdigit() for ch in cell):
                    assert cell not in text, o.path


def test_naive_peer_is_measured_on_the_same_bytes() -> None:
    assert naive_scan('a.csv', b'email\njane.doe@gmail.com\n') == frozenset({'email'})
    assert naive_scan('a.csv', b'n\n0.6392007985629049\n') == frozenset()
    utf16 = b'\xff\xfe' + 'ssn\t512-44-6789\r\n'.encode('utf-16-le')
    assert naive_scan('a.csv', utf16) == frozenset({'ssn'})


def test_recall_and_false_positive_rate_meet_the_targets() -> None:
    fig = figures(_outcomes())
    misses = [(o.path, o.kind, o.variant, o.verdict) for o in _outcomes()
              if o.expected == BLOCK and not o.detected]
    alarms = [(o.path, o.rules) for o in _outcomes() if o.expected == PASS and o.verdict == BLOCK]
    assert fig.recall >= RECALL_TARGET, (fig.recall, misses)
    assert fig.fpr <= FPR_TARGET, (fig.fpr, alarms)


def test_public_roles_warn() -> None:
    outcomes = [o for o in _outcomes() if o.expected == WARN]
    assert outcomes
    assert [(o.path, o.verdict, o.rules) for o in outcomes if o.verdict != WARN] == []


def test_per_category_recall_is_reported_for_every_expected_category() -> None:
    table = category_recall(_outcomes())
    expected = {c for s in _subset() if s.expected == BLOCK for c in s.categories}
    assert set(table) == expected
    assert all(0 <= found <= total for found, total in table.values())


def test_asian_ids_block_and_look_alike_codes_pass(tmp_path: Path) -> None:
    import random

    from pii_hooks.engine import ScanOptions, scan_item
    from pii_hooks.sources.files import file_item
    from tests.validators_test import _hkid, _nric
    rng = random.Random(31)
    people = tmp_path / 'residents.csv'
    people.write_text('Ref,NRIC,HKID,Medicare Beneficiary Identifier\n' + ''.join(
        f'{i},{_nric(rng.choice("STFG"), f"{rng.randrange(10 ** 7):07d}")},'
        f'{_hkid("K", f"{rng.randrange(10 ** 6):06d}")},{rng.randint(1, 9)}KT5-CX2-PA48\n'
        for i in range(40)))
    found = {c.category for t in scan_item(file_item(str(people)), ScanOptions()).tables
             for c in t.columns}
    assert found == {'national_id'}
    # stock codes of the same shapes: one in 26 passes a check letter by chance
    codes = tmp_path / 'stock.csv'
    codes.write_text('sku,bin,qty\n' + ''.join(
        f'{rng.choice("STFG")}{rng.randrange(10 ** 7):07d}{chr(65 + rng.randrange(26))},'
        f'K{rng.randrange(10 ** 6):06d}{rng.randrange(10)},{rng.randint(1, 90)}\n'
        for _ in range(400)))
    assert not [c for t in scan_item(file_item(str(codes)), ScanOptions()).tables
                for c in t.columns]
