"""Value detectors end to end: pattern, header gate, validator, whole-value rule, free text.

All values are synthetic (check digits computed with python-stdnum in
``validators_test.complete``); none is a real person's.
"""
from __future__ import annotations

import datetime as dt
import time
from importlib.resources import files

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.es import dni, nie
from stdnum.fr import nir
from stdnum.it import codicefiscale
from stdnum.us import rtn

from pii_hooks.detect import validators
from pii_hooks.detect.values import (
    ValueContext,
    ValueHit,
    candidate_prefilter,
    classify_value,
    detectors,
    find_in_text,
)
from pii_hooks.models import CATEGORIES
from tests.validators_test import DIGITS, card, complete, iban

NONE = ValueContext()
#: BNCLRA90A41H501 with every digit replaced by its omocodia letter: no digit left.
OMOCODIC_CF = 'BNCLRAVLAQMHRLM'


def under(header: str | None, region: str | None = None) -> ValueContext:
    return ValueContext(header_category=header, region=region)


def hit(value: str, ctx: ValueContext = NONE) -> tuple[str, str, str] | None:
    found = classify_value(value, ctx)
    return None if found is None else (found.category, found.detector, found.signal)


# --- the declarations --------------------------------------------------------

def test_every_detector_is_well_formed() -> None:
    names = set()
    for det in detectors():
        assert det.name not in names
        names.add(det.name)
        assert det.category in CATEGORIES
        assert det.pattern.groups == 0, f'{det.name}: capture groups break the joined pattern'
        assert det.min_len <= det.max_len
        assert set(det.needs_header) <= set(CATEGORIES)
        for sample in det.reject:
            assert sample.isalnum() and sample.upper() == sample


def test_every_validator_exists() -> None:
    raw = files('pii_hooks.detect').joinpath('data/patterns.yaml').read_text(encoding='utf-8')
    spec = yaml.safe_load(raw)
    for entry in spec['detectors']:
        assert callable(getattr(validators, entry.get('validator', 'accept')))
        for scheme in entry.get('args', {}).get('schemes', ()):
            assert validators._stdnum_module(scheme).is_valid


# --- matches, one list per detector -----------------------------------------

MATCHES: list[tuple[str, str | None, str, str]] = [
    # value, header category, expected category, expected detector
    ('jane.doe@gmail.com', None, 'email', 'email'),
    ('j.doe+news@sub.agency.gov', None, 'email', 'email'),
    ('josé@bücher.de', None, 'email', 'email'),
    ('Jane Doe <jane.doe@gmail.com>', None, 'email', 'email'),
    ('81.2.69.160', None, 'ip_address', 'ipv4'),
    ('2606:4700::1111', None, 'ip_address', 'ipv6'),
    ('234-56-7890', None, 'ssn', 'ssn'),
    ('234 56 7890', None, 'ssn', 'ssn'),
    ('234-56-7890-01', None, 'ssn', 'ssn'),
    ('234567890', 'ssn', 'ssn', 'ssn-plain'),
    ('234567890-01', 'ssn', 'ssn', 'ssn-plain'),
    ('1234567', 'ssn', 'ssn', 'ssn-plain'),
    ('234567890.0', 'ssn', 'ssn', 'ssn-plain'),
    ('912-70-1234', None, 'itin', 'itin'),
    ('912 94 1234', None, 'itin', 'itin'),
    ('912701234', 'itin', 'itin', 'itin-plain'),
    ('912701234', 'ssn', 'itin', 'itin-plain'),
    ('A23456789', None, 'a_number', 'a-number'),
    ('A234567890', None, 'a_number', 'a-number'),
    ('A-234-567-890', None, 'a_number', 'a-number'),
    ('A 234 567 890', None, 'a_number', 'a-number'),
    ('A# 023-456-789', None, 'a_number', 'a-number'),
    ('a23456789', None, 'a_number', 'a-number'),
    ('234567890', 'a_number', 'a_number', 'a-number-bare'),
    ('23456789', 'a_number', 'a_number', 'a-number-bare'),
    ('234-567-890', 'a_number', 'a_number', 'a-number-bare'),
    (card('4', 16), None, 'credit_card', 'credit-card'),
    (card('37', 15), None, 'credit_card', 'credit-card'),
    (card('2221', 16), None, 'credit_card', 'credit-card'),
    (iban('DE', '500105170123456789'), None, 'iban', 'iban'),
    (complete('11010119900307123', 'cn.ric', DIGITS + 'X'), None, 'national_id', 'cn-ric'),
    ('JK246813B', None, 'national_id', 'uk-nino'),
    ('JK 24 68 13 B', None, 'national_id', 'uk-nino'),
    (complete('BAXW900307HDFRRN0', 'mx.curp'), None, 'national_id', 'mx-curp'),
    (complete('BAXW900307H2', 'mx.rfc', DIGITS + 'A', validate_check_digits=True), None,
     'tax_id', 'mx-rfc'),
    ('BNCLRA90A41H501' + codicefiscale.calc_check_digit('BNCLRA90A41H501'), None, 'national_id',
     'it-codice-fiscale'),
    (OMOCODIC_CF + codicefiscale.calc_check_digit(OMOCODIC_CF), None, 'national_id',
     'it-codice-fiscale'),
    ('23456789' + dni.calc_check_digit('23456789'), None, 'national_id', 'es-dni'),
    ('X2345678' + nie.calc_check_digit('X2345678'), None, 'national_id', 'es-nie'),
    ('BNZPM2501F', None, 'tax_id', 'in-pan'),
    (complete('070390-234', 'fi.hetu', DIGITS + 'ABCDEFHJKLMNPRSTUVWXY'), None, 'national_id',
     'fi-hetu'),
    (complete('900307-123456', 'kr.rrn'), None, 'national_id', 'kr-rrn'),
    (complete('756.2345.6789.0', 'ch.ssn'), None, 'national_id', 'ch-ahv'),
    (complete('90.03.07-000.', 'be.nn', n=2), None, 'national_id', 'be-nn'),
    (complete('234.567.890-', 'br.cpf', n=2), None, 'national_id', 'br-cpf'),
    (complete('12.345.678-', 'cl.rut', DIGITS + 'K'), None, 'national_id', 'cl-rut'),
    (complete('20-23456789-', 'ar.cuit'), None, 'tax_id', 'ar-cuit'),
    (complete('35202-2345678-', 'pk.cnic'), None, 'national_id', 'pk-cnic'),
    ('1 90 03 75 123 456 ' + nir.calc_check_digits('1900375123456'), None, 'national_id',
     'fr-nir'),
    (complete('900307/234', 'cz.rc'), None, 'national_id', 'cz-rc'),
    (complete('900307-14-567', 'my.nric'), None, 'national_id', 'my-nric'),
    (complete('130-692-54', 'ca.sin'), None, 'national_id', 'ca-sin'),
    (complete('2345 6789 012', 'in_.aadhaar'), None, 'national_id', 'in-aadhaar'),
    ('S7654321F', None, 'national_id', 'sg-nric'),
    ('K741852(3)', None, 'national_id', 'hk-id'),
    ('K7418523', 'national_id', 'national_id', 'hk-id-plain'),
    ('7KT5-CX2-PA48', 'national_id', 'national_id', 'us-mbi'),
    (complete('23456789', 'nl.bsn'), 'national_id', 'national_id', 'national-number'),
    ('45-6789012', 'tax_id', 'tax_id', 'us-ein'),
    ('456789012', 'tax_id', 'tax_id', 'us-ein'),
    ('56789012', 'tax_id', 'tax_id', 'us-ein'),         # 05-6789012 without its zero
    ('912701234', 'tax_id', 'tax_id', 'us-ein'),        # EIN prefix 91, not an ITIN
    (complete('1234567891', 'de.idnr'), 'tax_id', 'tax_id', 'national-number'),
    (complete('9003071234', 'pl.pesel'), 'national_id', 'national_id', 'national-number'),
    (complete('943476591', 'gb.nhs'), 'health', 'national_id', 'nhs-number'),
    ('C23456789', 'passport', 'passport', 'passport'),
    ('234567891', 'passport', 'passport', 'passport'),
    ('D2345-67890-12345', 'drivers_license', 'drivers_license', 'drivers-license'),
    ('07123456' + rtn.calc_check_digit('07123456'), 'bank_account', 'bank_account',
     'aba-routing'),
    ('00234567890', 'bank_account', 'bank_account', 'bank-account-number'),
    ('+44 7911 123456', None, 'phone', 'phone-intl'),
    ('(202) 555-0243', None, 'phone', 'phone'),
    ('202.555.0243', None, 'phone', 'phone'),
    ('1 (202) 555-0243 ext. 12', None, 'phone', 'phone'),
    ('2025550243', 'phone', 'phone', 'phone-plain'),
    ('2025550243.0', 'phone', 'phone', 'phone-plain'),
]


@pytest.mark.parametrize(('value', 'header', 'category', 'detector'), MATCHES)
def test_matches(value: str, header: str | None, category: str, detector: str) -> None:
    found = classify_value(value, under(header))
    assert found is not None, value
    assert (found.category, found.detector) == (category, detector)


def test_every_detector_has_a_match() -> None:
    tested = {detector for *_, detector in MATCHES}
    assert tested == {det.name for det in detectors()}


# --- near misses -------------------------------------------------------------

NEAR_MISSES: list[tuple[str, str | None]] = [
    # decimals, counts, dates: one value each, never an identifier
    ('0.6392007985629049', None), ('0.6392007985629049', 'credit_card'), ('1.5e+12', None),
    ('123456789', None), ('2147483647', None), ('1234567890123456', None), ('12345', None),
    ('$1,234,567.89', None), ('2021-03-04', None), ('2021-03-04T12:30:00Z', None),
    ('03/04/2021', None), ('12:30:45', None), ('1990-2000', None), ('1 234 567 890', None),
    # SSN: forbidden areas, groups, serials; published samples; plain without a header
    ('000-12-3456', None), ('666-12-3456', None), ('234-00-7890', None), ('234-56-0000', None),
    ('123-45-6789', None), ('078-05-1120', None), ('078051120', 'ssn'), ('234567890', None),
    ('1234567-01', 'ssn'), ('234567890', 'phone'),
    # ITIN outside its groups
    ('912-93-1234', None), ('912-89-1234', None),
    # A-numbers: wrong length, fillers, samples, bare without a header
    ('A1234567', None), ('A000000000', None), ('A123456789', None), ('a 23456789', None),
    ('234567890', 'passport_x'),
    # cards: Luhn, issuer, length, test numbers, one digit
    (card('4', 16)[:-1] + '0' if card('4', 16)[-1] != '0' else card('4', 16)[:-1] + '1', None),
    (card('34', 16), None), (card('9', 16), None), ('4111 1111 1111 1111', None),
    ('4444444444444444', None), ('4539.5787.6362.1486', None),
    # IBAN: check digits
    ('DE00500105170123456789', None),
    # national ids: checksums, bare digit schemes without a header
    ('JK246813E', None), ('GB246813A', None), ('AB123456C', None),
    ('23456789A', None), (complete('23456789', 'nl.bsn'), None),
    (complete('234.567.890-', 'br.cpf', n=2).replace('.', '').replace('-', ''), None),
    (complete('130-692-54', 'ca.sin').replace('-', ' '), None),
    ('BNZCM2501F', None), ('45-6789012', None),
    # documents without their header
    ('C23456789', None), ('D2345-67890-12345', None),
    # IP: leading zeros, versions, inside longer dotted strings
    ('01.02.03.04', None), ('1.2.3.4', None), ('1.2.3.4.5', None), ('10.0.0.0/8', None),
    # phones: fictional, bare digits, dates
    ('(202) 555-0143', None), ('2025550243', None), ('555-0243', None),
    # phones: digits that are not written as a North American number
    ('2 12345.6789', None), ('Res 1310-2008', None), ('b8 51 62 66 30 45 be e5 0c 57', None),
    ('https://doi.org/10.3389/fncir.2022.983323', None),
    ('2023-06-12 21:45:51 -0400', None), ('ocd-division/country:ca/ed:310-2017', None),
    # e-mail look-alikes
    ('logo@2x.png', None), ('user@localhost', None), ('lodash@4.17.21', None),
    ('@jdoe@mastodon.example.social', None), ('https://jdoe@bitbucket.org/jdoe/repo.git', None),
    ('https://calendar.google.com/calendar/embed?src=abc123@group.calendar.google.com', None),
    # IPv4-shaped object identifiers
    ('2.5.4.97', None), ('CN = Test CA, 2.5.4.97 = VATXX-1234', None),
    # C++ scopes are not IPv6
    ('bad::dec', None), ('Cafe::Bead', None),
    # digit groups are one number, not several phones
    ('4539 5787 6362 1487', None),
]


@pytest.mark.parametrize(('value', 'header'), NEAR_MISSES)
def test_near_misses(value: str, header: str | None) -> None:
    assert classify_value(value, under(header)) is None, value


@pytest.mark.parametrize(('value', 'signal'), [
    ('192.0.2.17', 'doc-ip'), ('2001:db8::42', 'doc-ip'), ('10.20.30.40', 'private-ip'),
    ('81.2.69.160', 'public-ip'), ('info@agency.gov', 'role-mail'),
    ('jane@example.org', 'example'), ('+44 7911 123456', 'mobile'), ('1-800-273-8255', 'office'),
    ('+44 20 7123 4567', 'fixed'), ('(202) 555-0243', ''), ('10.0.0.1', 'private-ip'),
])
def test_signals(value: str, signal: str) -> None:
    found = classify_value(value)
    assert found is not None and found.signal == signal


def test_ein_says_it_is_an_employer_number() -> None:
    assert hit('45-6789012', under('tax_id')) == ('tax_id', 'us-ein', 'ein')


def test_national_number_names_its_scheme() -> None:
    bsn = complete('23456789', 'nl.bsn')
    assert hit(bsn, under('national_id')) == ('national_id', 'national-number', 'nl.bsn')


def test_phone_region_from_context() -> None:
    assert hit('07911 123456', under(None, 'GB')) == ('phone', 'phone', 'mobile')
    assert classify_value('07911 123456') is None        # not a US number


def test_stronger_scheme_wins_over_card() -> None:
    # a Chinese resident ID that also starts like a UnionPay card is judged as the ID first
    value = complete('62010219900307123', 'cn.ric', DIGITS + 'X')
    assert hit(value) == ('national_id', 'cn-ric', '')


# --- short notes and free text -------------------------------------------------

@pytest.mark.parametrize(('cell', 'category'), [
    ('SSN 234-56-7890 (verified)', 'ssn'),
    ('Jane Doe <jane.doe@gmail.com>', 'email'),
    ('cell: (202) 555-0243', 'phone'),
    ('234-56-7890; 345-67-8901', 'ssn'),
    ('ref A-234-567-890, pending', 'a_number'),
])
def test_short_notes_are_searched(cell: str, category: str) -> None:
    found = classify_value(cell)
    assert found is not None and found.category == category


@pytest.mark.parametrize('cell', [
    'Order 1234567890123456 shipped', 'version 1.2.3.4.5', 'Suite 200, 1600 Main St, IL 62701',
    'ID234-56-7890', 'total 2021-03-04 12:30',
])
def test_short_notes_without_tokens(cell: str) -> None:
    assert classify_value(cell) is None


def test_find_in_text_standalone_tokens() -> None:
    text = ('Jane called from (202) 555-0243 about SSN 234-56-7890 and wrote from '
            'jane.doe@gmail.com; server 81.2.69.160 logged it. Build 1.2.3.4.5, '
            'ratio 0.6392007985629049, id x234-56-7890, doc IP 192.0.2.1.')
    found = {(h.category, h.signal): span for h, span in find_in_text(text)}
    assert found == {
        ('phone', ''): '(202) 555-0243',
        ('ssn', ''): '234-56-7890',
        ('email', 'webmail'): 'jane.doe@gmail.com',
        ('ip_address', 'public-ip'): '81.2.69.160',
        ('ip_address', 'doc-ip'): '192.0.2.1',
    }


def test_find_in_text_claims_spans_once() -> None:
    number = card('4', 16)
    grouped = ' '.join(number[i:i + 4] for i in range(0, 16, 4))
    hits = list(find_in_text(f'paid with {grouped} yesterday'))
    assert [h.category for h, _ in hits] == ['credit_card']


def test_find_in_text_skips_header_gated_and_samples() -> None:
    assert list(find_in_text('counts 234567890 and 2025550243, sample 123-45-6789')) == []


def test_find_in_text_plain_prose() -> None:
    assert list(find_in_text('No numbers here, only words and a decimal 3.14.')) == []


# --- the prefilter and the cost ------------------------------------------------

@pytest.mark.parametrize('value', [value for value, *_ in MATCHES])
def test_prefilter_lets_every_candidate_through(value: str) -> None:
    assert candidate_prefilter(value.strip())


def test_prefilter_passes_all_letter_codice_fiscale() -> None:
    assert candidate_prefilter('MRTMTTLNLPMLRSNU')


@pytest.mark.parametrize('value', [
    'Springfield', 'North Carolina Department of Health', '12.5', '0.6392007985629049', '-3.2e-5',
    '$1,234,567.89', '2021-03-04', '2021-03-04 12:30:00', '03/04/2021', '12:30', '45.5%',
])
def test_prefilter_rejects_words_decimals_dates(value: str) -> None:
    assert not candidate_prefilter(value)


def _per_call(values: list[str], ctx: ValueContext = NONE) -> float:
    for value in values:
        classify_value(value, ctx)          # warm the plans
    best = float('inf')
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(20):
            for value in values:
                classify_value(value, ctx)
        best = min(best, (time.perf_counter() - start) / (20 * len(values)))
    return best * 1e6


def test_clean_cells_are_cheap() -> None:
    clean = ['Springfield', '12.5', '0.6392007985629049', '2021-03-04', '1234', 'Yes',
             '$1,234.00', 'North Carolina', '123456789', '2147483647']
    # measured ~0.3-2.5 us; the bound leaves room for a loaded CI machine
    assert _per_call(clean) < 25


def test_hits_carry_no_more_than_the_interface() -> None:
    found = classify_value('234-56-7890')
    assert isinstance(found, ValueHit) and found == ValueHit('ssn', 'ssn', '')


# --- properties: whole numbers stay whole ----------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: x != int(x)),
       st.sampled_from([None, 'ssn', 'phone', 'credit_card', 'national_id', 'a_number']))
def test_no_decimal_is_an_identifier(number: float, header: str | None) -> None:
    assert classify_value(repr(number), under(header)) is None


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10 ** 12 - 1))
def test_no_count_is_an_identifier_without_a_header(number: int) -> None:
    assert classify_value(str(number)) is None
    assert list(find_in_text(f'a total of {number} cases')) == []


@settings(max_examples=200, deadline=None)
@given(st.dates())
def test_no_date_is_an_identifier(day: dt.date) -> None:
    for text in (day.isoformat(), day.strftime('%m/%d/%Y'), day.strftime('%d.%m.%Y'),
                 day.strftime('%Y%m%d')):
        assert classify_value(text) is None, text


# --- Singapore, Hong Kong, Medicare --------------------------------------------

def test_asian_identity_numbers_in_cells_and_text() -> None:
    from tests.validators_test import _hkid, _nric
    nric, hkid = _nric('T', '0412345'), _hkid('K', '741852')
    assert hit(nric) == ('national_id', 'sg-nric', '')
    assert hit(hkid) == ('national_id', 'hk-id', '')
    assert hit(hkid.replace('(', '').replace(')', '')) is None          # bare: needs a header
    assert hit(hkid.replace('(', '').replace(')', ''), under('national_id')) == \
        ('national_id', 'hk-id-plain', '')
    found = [h.detector for h, _ in find_in_text(f'Applicant {nric}, HKID {hkid}, ref 12')]
    assert found == ['sg-nric', 'hk-id']
    assert hit('S1234567D') is None and hit('A123456(3)') is None       # published samples


def test_medicare_beneficiary_identifier_only_under_its_header() -> None:
    assert hit('7KT5-CX2-PA48') is None
    assert hit('7KT5-CX2-PA48', under('national_id')) == ('national_id', 'us-mbi', '')
    assert hit('7KT5CX2PA48', under('health')) == ('national_id', 'us-mbi', '')
    assert hit('1EG4-TE5-MK73', under('national_id')) is None           # CMS's own example
