"""detect/vector.py: Arrow arrays give a column the same evidence as Python lists.

Every test data value is synthetic (Faker, seeded, or obviously fake).
"""
from __future__ import annotations

import random
import re
from collections.abc import Callable

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pii_hooks.detect import columns, secrets, values, vector
from pii_hooks.detect.columns import _Column

ASCII = st.characters(min_codepoint=32, max_codepoint=126)


def _faker() -> object:
    from faker import Faker
    fake = Faker(['en_US', 'de_DE'])
    Faker.seed(11)
    return fake


FAKE = _faker()
SPECIALS = ('XXX-XX-1234', '[redacted]', 'N/A', '***', '  ', ' x ', 'withheld',
            'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8',
            '$2b$12$' + 'R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW',
            '1.5e+12', '0.6392007985629049', '2024-03-01', '12:30', '$1,234.50', ' 512-44-6789')


def _kind(kind: str, rng: random.Random) -> Callable[[], str]:
    fake: object = FAKE
    makers: dict[str, Callable[[], str]] = {
        'ssn': lambda: fake.ssn(),  # type: ignore[attr-defined]
        'email': lambda: fake.email(),  # type: ignore[attr-defined]
        'phone': lambda: fake.phone_number(),  # type: ignore[attr-defined]
        'name': lambda: fake.name(),  # type: ignore[attr-defined]
        'date': lambda: fake.date(),  # type: ignore[attr-defined]
        'int': lambda: str(rng.randint(0, 10 ** rng.randint(1, 12))),
        'float': lambda: repr(rng.random() * 10 ** rng.randint(0, 6)),
        'text': lambda: fake.sentence(nb_words=rng.randint(3, 30)),  # type: ignore[attr-defined]
        'address': lambda: fake.street_address(),  # type: ignore[attr-defined]
        'mixed': lambda: rng.choice([
            fake.ssn(), fake.email(), fake.word(), fake.iban(),  # type: ignore[attr-defined]
            fake.credit_card_number(), fake.ipv4(), fake.city(),  # type: ignore[attr-defined]
            fake.postcode(), str(rng.random()), 'North', 'returned']),  # type: ignore[attr-defined]
    }
    return makers[kind]


def _values(kind: str, n: int, rng: random.Random) -> list[str | None]:
    make = _kind(kind, rng)
    out: list[str | None] = []
    for _ in range(n):
        r = rng.random()
        if r < 0.03:
            out.append(None)
        elif r < 0.05:
            out.append('')
        elif r < 0.09:
            out.append(rng.choice(SPECIALS))
        else:
            value = make()
            out.append(' ' + value if rng.random() < 0.03 else value)
    return out


def _state(col: _Column) -> tuple[object, ...]:
    """The evidence, and the counters and hits behind it."""
    present = col.present
    examples = present.examples if col.ctx.header_category is not None else None
    return (col.evidence(False), col.nonempty, col.words, col.name_checked, col.masked,
            present.count, present.first_row, present.last_row, present.rows_hidden,
            sorted(present.distinct), examples, list(getattr(col, 'sample', [])))


def _both_ways(header: str, batches: list[list[str | None]],
               hidden: frozenset[int] = frozenset()) -> tuple[_Column, _Column]:
    """The list path, and the Arrow path (string arrays; dictionary arrays, as
    readers/arrow_csv.py gives few-valued columns, must give the same)."""
    import pyarrow.compute as pc
    by_list, by_arrow = _Column(0, header, False), _Column(0, header, False)
    by_dict = _Column(0, header, False)
    row = 2
    for batch in batches:
        by_list.feed(row, batch, hidden)
        by_arrow.feed(row, pa.array(batch, pa.string()), hidden)
        by_dict.feed(row, pc.dictionary_encode(pa.array(batch, pa.string())), hidden)
        row += len(batch)
    assert _state(by_dict) == _state(by_arrow), header
    return by_list, by_arrow


KINDS = ('ssn', 'email', 'phone', 'name', 'date', 'int', 'float', 'text', 'address', 'mixed')
HEADERS = ('', 'col3', 'SSN', 'Email', 'Phone', 'Full Name', 'Date of Birth', 'zip', 'password',
           'Gender', 'Nationality', 'notes')


@pytest.mark.parametrize('kind', KINDS)
def test_same_evidence_as_the_list_path(kind: str) -> None:
    rng = random.Random(kind)
    for header in HEADERS:
        batches = [_values(kind, size, rng) for size in (40, 260, 90)]
        by_list, by_arrow = _both_ways(header, batches, frozenset({5, 77}))
        assert _state(by_arrow) == _state(by_list), (kind, header)


def test_repeated_values_probe_once_and_stay_exact() -> None:
    # 'returned' looks like a mask word to the shapes; dates fit a phone pattern
    rng = random.Random(3)
    batch: list[str | None] = [rng.choice(['returned', 'shipped', '2021-03-04', 'Ärger', ' x1'])
                               for _ in range(3000)]
    by_list, by_arrow = _both_ways('status', [batch, batch, batch])
    assert _state(by_arrow) == _state(by_list)


def test_first_values_found_past_a_repetitive_start() -> None:
    # the first distinct values (examples, distinct hashes) are looked for in a prefix of
    # the batch first; a start of one repeated value sends the search further
    rng = random.Random(8)
    batch: list[str | None] = ['42'] * 6000 + [str(rng.randrange(10 ** 6)) for _ in range(14_000)]
    for header in ('count', 'zip'):
        by_list, by_arrow = _both_ways(header, [batch, batch[::-1]])
        assert _state(by_arrow) == _state(by_list)
        assert len(by_arrow.present.distinct) == columns._DISTINCT_CAP


def test_decimals_whole_and_not() -> None:
    # only whole decimals ('150.00', '5551234567.0') can be candidates: the others are
    # skipped by their last digit, and must come out as the list path has them
    rng = random.Random(12)
    def price() -> str:
        return rng.choice([f'{rng.randint(1, 999)}.{rng.randint(0, 99):02d}',
                           f'{rng.randint(1, 999)}.00', f'{rng.randint(1, 999)}.50',
                           f'{rng.randint(10 ** 8, 10 ** 10)}.0', f'{rng.random():.17f}',
                           f'-{rng.randint(1, 99)}.{rng.randint(0, 999999):06d}'])
    batch: list[str | None] = [price() for _ in range(6000)]
    for header in ('unit_price', 'phone', 'lat'):
        by_list, by_arrow = _both_ways(header, [batch, batch[::-1]])
        assert _state(by_arrow) == _state(by_list), header


def test_sliced_chunked_large_and_typed_arrays() -> None:
    data: list[str | None] = ['512-44-6789', None, '', 'Jane Doe', '4539 5787 6362 1487'] * 40
    reference = _Column(0, 'notes', False)
    reference.feed(7, data[3:], frozenset())
    for array in (pa.array(data, pa.string()).slice(3),
                  pa.chunked_array([pa.array(data[3:100]), pa.array(data[100:])]),
                  pa.array(data, pa.large_string()).slice(3)):
        col = _Column(0, 'notes', False)
        col.feed(7, array, frozenset())
        assert _state(col) == _state(reference)
    numbers = _Column(0, 'count', False)
    numbers.feed(2, pa.array([123456789, 5, None]), frozenset())
    expected = _Column(0, 'count', False)
    expected.feed(2, ['123456789', '5', None], frozenset())
    assert _state(numbers) == _state(expected)


def test_a_clean_column_barely_reaches_python(monkeypatch: pytest.MonkeyPatch) -> None:
    fed: dict[int, int] = {}
    original = _Column.feed

    def spy(self: _Column, first_row: int, vals: object, hidden: frozenset[int],
            rows: object = None) -> None:
        if isinstance(vals, list):
            fed[id(self)] = fed.get(id(self), 0) + len(vals)
        original(self, first_row, vals, hidden, rows)  # type: ignore[arg-type]

    monkeypatch.setattr(_Column, 'feed', spy)
    rng = random.Random(5)
    prices = [f'{rng.randint(100, 99999) / 100}' for _ in range(20_000)]
    dates = [f'20{rng.randint(10, 24)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}'
             for _ in range(20_000)]
    for header, data in (('unit_price', prices), ('order_date', dates)):
        col = _Column(0, header, False)
        col.feed(2, pa.array(data), frozenset())
        assert col.nonempty == 20_000
        # the first distinct values and examples, and the whole-number prices: no more
        assert fed.get(id(col), 0) <= 300, header


def test_fast_path_is_active_for_the_shipped_patterns() -> None:
    """If this fails, a twin could not be written: big CSVs still scan right, slowly.

    See which: ``vector.rules(None, '')`` holds a Twin per pattern; a None re2 or
    shape is the one to look at (KNOWN_SUBSET_TWINS for _NOT_AN_IDENTIFIER).
    """
    for category, header in ((None, ''), ('ssn', 'SSN'), ('phone', 'Phone'),
                             ('date_of_birth', 'DOB')):
        assert vector.fast_path_active(category, header), (category, header)


def test_reviewed_fingerprints() -> None:
    """The twins mirror these functions.  When one changes, check that every cell it
    treats specially is still flagged by vector.rules / feed_arrow (and add a case to
    test_same_evidence_as_the_list_path), then paste the new fingerprint into REVIEWED."""
    assert vector.fingerprints() == vector.REVIEWED


# --- the twins themselves ------------------------------------------------------

def _ascii(text: str) -> bool:
    return text.isascii() and text == text.strip()


def _corpus() -> list[str]:
    """Identifier-like strings: Faker's, in several locales, and random ones."""
    from faker import Faker
    fake = Faker(['en_US', 'en_GB', 'de_DE', 'fr_FR', 'es_ES', 'it_IT', 'pt_BR', 'nl_NL'])
    Faker.seed(2)
    makers = ('ssn', 'phone_number', 'msisdn', 'email', 'iban', 'bban', 'credit_card_number',
              'ipv4', 'ipv6', 'postcode', 'license_plate', 'passport_number', 'date')
    out = [str(getattr(fake, m)()) for m in makers for _ in range(60)]
    rng = random.Random(9)
    alphabet = '0123456789' * 4 + 'ABCDEFGHXYZabcxyz' + ' -./()+@:#'
    out += [''.join(rng.choice(alphabet) for _ in range(rng.randint(5, 26))) for _ in range(3000)]
    out += [''.join(rng.choice('0123456789') for _ in range(rng.randint(5, 20)))
            for _ in range(500)]
    return [t for t in out if _ascii(t)]


CORPUS = _corpus()


@pytest.mark.parametrize('det', values.detectors(), ids=lambda d: d.name)
def test_detector_twins_match_at_least_what_python_matches(det: values.Detector) -> None:
    re2 = f'^(?:{vector.re2_twin(det.pattern)})$'
    shape = vector.shape_twin(det.pattern)

    def check(texts: list[str]) -> None:
        assert vector._matches(pa.array(texts, pa.string()), re2).all(), texts
        assert all(shape.fullmatch(t.translate(_SHAPES)) for t in texts), texts

    texts = [t for t in CORPUS if det.pattern.fullmatch(t)]
    if texts:
        check(texts)
        return

    @settings(max_examples=10, deadline=None, database=None,
              suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
    @given(st.from_regex(det.pattern, fullmatch=True,
                         alphabet=st.characters(codec='ascii')).filter(_ascii))
    def generated(text: str) -> None:        # schemes the corpus has no sample of
        check([text])

    generated()


_SHAPES = {code: vector.SHAPE_TABLE[code] for code in range(128)}


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='0123456789.-+eE%,$:/ TZUCAPM()', min_size=1, max_size=24))
def test_exclusion_twin_is_exact(text: str) -> None:
    """candidate_prefilter's exclusions (numbers, dates, times): RE2 twin == Python."""
    python = values._NOT_AN_IDENTIFIER.match(text) is not None
    twin = vector.KNOWN_SUBSET_TWINS[values._NOT_AN_IDENTIFIER.pattern]
    assert bool(vector._matches(pa.array([text]), twin)[0]) == python, text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=ASCII, max_size=30))
def test_masked_and_gate_twins_cover_python(text: str) -> None:
    text = text.strip()
    cases = ((columns._MASKED, 'match'), (secrets._GATE, 'search'))
    for pattern, how in cases:
        if getattr(pattern, how)(text):
            twin = vector.re2_twin(pattern)
            assert vector._matches(pa.array([text]), twin)[0], (pattern.pattern, text)
            shape = vector.shape_twin(pattern)
            assert getattr(shape, how)(text.translate(_SHAPES)), (pattern.pattern, text)


@pytest.mark.parametrize('pattern, text', [
    (r'(?i:ab)c', 'ABc'), (r'[^\W_]+', 'ab9'), (r'(\d)-\1', '1-2'), (r'\bx(?=y)', 'x'),
    (r'a{2,1200}', 'a' * 1100), (r'[\s\S]', '\x1c'),
])
def test_translator_handles_python_syntax(pattern: str, text: str) -> None:
    twin = vector.re2_twin(pattern)
    assert vector.re2_compiles(twin)
    assert vector._matches(pa.array([text]), f'^{twin}$')[0]


def test_exact_twins_refuse_to_widen() -> None:
    with pytest.raises(vector.Untranslatable):
        vector.re2_twin(r'a(?!b)', exact=True)
    twin = vector.re2_subset_twin(re.compile(r'(?:\d+|x(?=y))$'))
    assert vector._matches(pa.array(['12', 'xy', 'x']), twin).tolist() == [True, False, False]
