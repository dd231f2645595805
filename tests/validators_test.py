"""Validators: each confirms a valid value by its scheme's real rule and rejects a look-alike.

Every identifier here is synthetic: a made-up base whose check digits were
computed with python-stdnum (``complete``), never a real person's number.
"""
from __future__ import annotations

import importlib
import itertools
import random

import pytest
from stdnum import iban as stdnum_iban
from stdnum import luhn
from stdnum.us import rtn

from pii_hooks.detect import validators as v
from pii_hooks.detect.values import ValueContext

CTX = ValueContext()
DIGITS = '0123456789'


def complete(base: str, scheme: str, alphabet: str = DIGITS, n: int = 1,
             **options: object) -> str:
    """``base`` plus the first check characters python-stdnum's ``scheme`` accepts."""
    module = importlib.import_module('stdnum.' + scheme)
    for tail in itertools.product(alphabet, repeat=n):
        candidate = base + ''.join(tail)
        if module.is_valid(candidate, **options):
            return candidate
    raise AssertionError(f'no check digits complete {base} under {scheme}')


def card(prefix: str, length: int) -> str:
    """A synthetic card number: issuer prefix, filler, Luhn check digit from stdnum."""
    body = (prefix + '3141592653589793238')[:length - 1]
    return body + luhn.calc_check_digit(body)


def iban(country: str, bban: str) -> str:
    return country + stdnum_iban.calc_check_digits(country + '00' + bban) + bban


def wrong_last_digit(value: str) -> str:
    last = value[-1]
    return value[:-1] + str((int(last) + 1) % 10)


# --- e-mail ------------------------------------------------------------------

@pytest.mark.parametrize(('address', 'signal'), [
    ('jane.doe@gmail.com', 'webmail'),
    ('JANE.DOE@GMAIL.COM', 'webmail'),
    ('j.doe+newsletter@outlook.com', 'webmail'),
    ('jdoe@sub.agency.gov', 'org-mail'),
    ('info@agency.gov', 'role-mail'),
    ('press+2024@agency.gov', 'role-mail'),
    ('someone@example.org', 'example'),
    ('someone@mail.example.com', 'example'),
    ('josé@bücher.de', 'org-mail'),
    ('user@xn--bcher-kva.de', 'org-mail'),
])
def test_email_signals(address: str, signal: str) -> None:
    assert v.email(address, CTX) == signal


@pytest.mark.parametrize('address', [
    'logo@2x.png', 'icon@1.5x.webp', 'sprite@3x.jpg', 'user@localhost', 'a@b', 'jane.@agency.gov',
    'ja..ne@agency.gov', 'jane@agency..gov', '@agency.gov', 'bundle@main.js',
    'abc123@group.calendar.google.com',
])
def test_email_rejects_assets_and_broken_addresses(address: str) -> None:
    assert v.email(address, CTX) is None


# --- US identifiers ------------------------------------------------------------

@pytest.mark.parametrize('value', [
    '234-56-7890', '234 56 7890', '234567890', '234-56-7890-01', '234567890-01',
    '1234567',          # 001-23-4567 after a spreadsheet dropped the zeros
])
def test_ssn_valid(value: str) -> None:
    assert v.ssn(value, CTX) == ''


@pytest.mark.parametrize('value', [
    '000-12-3456', '666-12-3456', '900-12-3456', '987-65-4321',     # areas never issued
    '234-00-7890', '234-56-0000',                                   # group 00, serial 0000
    '078-05-1120', '219-09-9999',                                   # advertised numbers
    '111-11-1111', '1234-56-78',
])
def test_ssn_rejects_ssa_forbidden(value: str) -> None:
    assert v.ssn(value, CTX) is None


def test_ssn_rules_agree_with_stdnum() -> None:
    # every area, group and serial edge, and a seeded spread of the rest
    from stdnum.us import ssn as stdnum_ssn
    rng = random.Random(9)
    edges = [f'{a:03d}{g:02d}{s:04d}' for a in (0, 1, 78, 219, 457, 665, 666, 667, 899, 900, 999)
             for g in (0, 1, 5, 9, 55, 99) for s in (0, 1, 1120, 5462, 9999)]
    spread = [f'{rng.randrange(10 ** 9):09d}' for _ in range(20_000)]
    for digits in [*edges, '078051120', '457555462', '219099999', *spread]:
        assert v.ssn_issuable(digits) == stdnum_ssn.is_valid(digits), digits


@pytest.mark.parametrize(('value', 'ok'), [
    ('912-70-1234', True), ('912-88-1234', True), ('912-90-1234', True), ('912-92-1234', True),
    ('912-94-1234', True), ('912-99-1234', True),
    ('912-69-1234', False), ('912-89-1234', False), ('912-93-1234', False),
    ('812-70-1234', False), ('91270123', False),
])
def test_itin_groups(value: str, ok: bool) -> None:
    assert (v.itin(value, CTX) == '') is ok


@pytest.mark.parametrize(('value', 'ok'), [
    ('45-6789012', True), ('456789012', True), ('56789012', True), ('07-1234567', False),
    ('4567890', False), ('00-0000000', False),
])
def test_ein_prefixes(value: str, ok: bool) -> None:
    assert (v.ein(value, CTX) == 'ein') is ok


@pytest.mark.parametrize(('value', 'ok'), [
    ('A23456789', True), ('A234567890', True), ('A-234-567-890', True), ('A# 023-456-789', True),
    ('A1234567', False), ('A2345678901', False), ('A000000000', False), ('A11111111', False),
])
def test_a_number_shape(value: str, ok: bool) -> None:
    assert (v.a_number(value, CTX) == '') is ok


# --- payment -----------------------------------------------------------------

ISSUERS = [('4', 16), ('4', 13), ('4', 19), ('51', 16), ('55', 16), ('2221', 16), ('2720', 16),
           ('34', 15), ('37', 15), ('6011', 16), ('644', 16), ('649', 19), ('65', 16),
           ('3528', 16), ('3589', 19), ('36', 14), ('300', 14), ('305', 16), ('62', 16),
           ('62', 19)]


@pytest.mark.parametrize(('prefix', 'length'), ISSUERS)
def test_card_every_issuer(prefix: str, length: int) -> None:
    number = card(prefix, length)
    assert v.credit_card(number, CTX) == ''
    assert v.credit_card(wrong_last_digit(number), CTX) is None      # Luhn


@pytest.mark.parametrize(('prefix', 'length'), [
    ('34', 16), ('51', 15), ('4', 15), ('2721', 16), ('56', 16), ('1', 16), ('9', 16),
    ('36', 13), ('3527', 16), ('643', 16), ('306', 14),
])
def test_card_wrong_issuer_or_length(prefix: str, length: int) -> None:
    assert v.credit_card(card(prefix, length), CTX) is None


def test_card_one_digit_and_grouped() -> None:
    assert v.credit_card('0000000000000000', CTX) is None
    number = card('4', 16)
    grouped = ' '.join(number[i:i + 4] for i in range(0, 16, 4))
    assert v.credit_card(grouped, CTX) == ''


@pytest.mark.parametrize(('country', 'bban'), [
    ('DE', '500105170123456789'), ('GB', 'ABCD10203012345678'), ('NL', 'ABCD0123456789'),
    ('FR', '12345678901234567890123'), ('ES', '12345678061234567890'),
])
def test_iban(country: str, bban: str) -> None:
    number = iban(country, bban)
    assert v.iban(number, CTX) == ''
    assert v.iban(' '.join(number[i:i + 4] for i in range(0, len(number), 4)), CTX) == ''
    assert v.iban(number[:-1] + ('1' if number[-1] != '1' else '2'), CTX) is None   # mod 97
    assert v.iban(number[:-1], CTX) is None                                          # length


def test_aba_routing() -> None:
    number = '07123456' + rtn.calc_check_digit('07123456')
    assert v.aba_routing(number, CTX) == 'routing'
    assert v.aba_routing(wrong_last_digit(number), CTX) is None
    body = '44123456'       # checksum right, prefix no Federal Reserve district uses
    assert v.aba_routing(body + rtn.calc_check_digit(body), CTX) is None


@pytest.mark.parametrize(('value', 'ok'), [
    ('00123456789', True), ('4455-6677-88', True), ('123', False), ('1' * 12, False),
    ('123456789012345678', False), ('2021-03-04', False),
])
def test_bank_account_number(value: str, ok: bool) -> None:
    assert (v.bank_account_number(value, CTX) == 'account') is ok


# --- national and tax identifiers ----------------------------------------------

def test_stdnum_scheme_single_and_many() -> None:
    bsn = complete('23456789', 'nl.bsn')
    assert v.stdnum_scheme(bsn, CTX, schemes=['nl.bsn']) == ''
    assert v.stdnum_scheme(bsn, CTX, schemes=['ca.sin', 'nl.bsn']) == 'nl.bsn'
    assert v.stdnum_scheme(wrong_last_digit(bsn), CTX, schemes=['nl.bsn']) is None
    assert v.stdnum_scheme('000000000', CTX, schemes=['nl.bsn']) is None


def test_stdnum_scheme_options() -> None:
    rfc = complete('BAXW900307H2', 'mx.rfc', DIGITS + 'A', validate_check_digits=True)
    options = {'validate_check_digits': True}
    assert v.stdnum_scheme(rfc, CTX, schemes=['mx.rfc'], options=options) == ''
    wrong = rfc[:-1] + ('A' if rfc[-1] != 'A' else '0')
    assert v.stdnum_scheme(wrong, CTX, schemes=['mx.rfc'], options=options) is None


@pytest.mark.parametrize(('value', 'ok'), [
    ('JK246813B', True), ('JK 24 68 13 B', True), ('CE135792A', True), ('TR246813D', True),
    ('DA246813A', False),       # D never a first letter
    ('AO246813A', False),       # O never a second letter
    ('GB246813A', False), ('NK246813A', False), ('TN246813A', False), ('ZZ246813A', False),
    ('JK000000B', False),
])
def test_uk_nino(value: str, ok: bool) -> None:
    assert (v.uk_nino(value, CTX) == '') is ok


def test_in_pan_individuals_only() -> None:
    assert v.in_pan('BNZPM2501F', CTX) == ''
    assert v.in_pan('BNZCM2501F', CTX) is None      # a company
    assert v.in_pan('BNZPM25011', CTX) is None


# --- documents ---------------------------------------------------------------

@pytest.mark.parametrize(('value', 'ok'), [
    ('2021-03-04', True), ('20210304', True), ('04/03/2021', True), ('12.31.1999', True),
    ('2021-13-40', False), ('123456789', False), ('31/31/2021', False),
])
def test_looks_like_date(value: str, ok: bool) -> None:
    assert v.looks_like_date(value) is ok


@pytest.mark.parametrize(('value', 'ok'), [
    ('234567891', True), ('C23456789', True), ('X4K7Q2P9', True), ('AB 123456', True),
    ('PASSPORT', False), ('12345', False), ('AAAAAAA', False), ('1111111', False),
    ('20210304', False), ('1234567890', False),
])
def test_passport(value: str, ok: bool) -> None:
    assert (v.passport(value, CTX) == '') is ok


@pytest.mark.parametrize(('value', 'ok'), [
    ('D2345-67890-12345', True), ('F2345678', True), ('S530 460 72 4570', True),
    ('NONE', False), ('D1', False), ('Y', False), ('2021-03-04', False), ('A1BCDEF', False),
])
def test_drivers_license(value: str, ok: bool) -> None:
    assert (v.drivers_license(value, CTX) == '') is ok


# --- IP addresses ------------------------------------------------------------

@pytest.mark.parametrize(('address', 'signal'), [
    ('81.2.69.160', 'public-ip'), ('2606:4700::1111', 'public-ip'),
    ('192.0.2.17', 'doc-ip'), ('198.51.100.7', 'doc-ip'), ('203.0.113.250', 'doc-ip'),
    ('2001:db8::42', 'doc-ip'), ('3fff:1::1', 'doc-ip'),
    ('10.20.30.40', 'private-ip'), ('192.168.10.1', 'private-ip'), ('127.0.0.1', 'private-ip'),
    ('169.254.10.20', 'private-ip'), ('100.64.10.1', 'private-ip'), ('fe80::1%eth0', 'private-ip'),
    ('::1', 'private-ip'), ('fd12:3456::1', 'private-ip'),
])
def test_ip_signals(address: str, signal: str) -> None:
    assert v.ip_address(address, CTX) == signal


@pytest.mark.parametrize('value', ['1.2.3.4', '4.0.1.2', '2.5.4.97', '::', 'bad::dec', '12:30:45',
                                   '00:1a:2b:3c:4d:5e', '256.1.1.1'])
def test_ip_rejects_versions_and_look_alikes(value: str) -> None:
    assert v.ip_address(value, CTX) is None


# --- phones ------------------------------------------------------------------

@pytest.mark.parametrize(('number', 'region', 'signal'), [
    ('(202) 555-0243', None, ''),               # US/CA: fixed line or mobile, nobody can tell
    ('+1 202 555 0243', None, ''),
    ('1-800-273-8255', None, 'office'),         # toll free
    ('+44 7911 123456', None, 'mobile'),
    ('07911 123456', 'GB', 'mobile'),
    ('+44 20 7123 4567', None, 'fixed'),
    ('+33 6 12 34 56 78', None, 'mobile'),
    ('202-555-0243 x123', None, ''),
])
def test_phone_signals(number: str, region: str | None, signal: str) -> None:
    assert v.phone(number, ValueContext(region=region)) == signal


@pytest.mark.parametrize(('number', 'region'), [
    ('(202) 555-0143', None), ('+1 800 555 0199', None),       # US fictional 555-01xx
    ('+44 20 7946 0123', None), ('07700 900123', 'GB'),        # Ofcom drama numbers
    ('2021-03-04', None), ('04.03.2021', 'DE'), ('1990-2000', None), ('1990-99', 'DE'),
    ('1 234 567 890', None), ('2.345.678.901', None),          # thousands separators
    ('123-456-7890', None), ('555-0243', None), ('1111111111', None),
    ('2 12345.6789', None), ('20-2555-0243', None), ('+1 20 2555 0243', None),   # not NANP-shaped
])
def test_phone_rejects_fictional_dates_and_numbers(number: str, region: str | None) -> None:
    assert v.phone(number, ValueContext(region=region)) is None


def _nric(series: str, digits: str) -> str:
    """A Singapore NRIC/FIN with its check letter (the published algorithm, spelt out)."""
    total = sum(int(d) * w for d, w in zip(digits, (2, 7, 6, 5, 4, 3, 2), strict=True))
    total += 4 if series in 'TG' else 0
    return series + digits + ('JZIHGFEDCBA' if series in 'ST' else 'XWUTRQPNMLK')[total % 11]


def _hkid(letters: str, digits: str) -> str:
    codes = ([36] if len(letters) == 1 else []) + [ord(c) - 55 for c in letters]
    total = sum(c * w for c, w in zip([*codes, *map(int, digits)], range(9, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return f'{letters}{digits}({"A" if check == 10 else check})'


def test_singapore_nric_and_fin() -> None:
    assert v.sg_nric('S1234567D', CTX) == '' and v.sg_nric('S0000001I', CTX) == ''  # published
    rng = random.Random(21)
    for series in 'STFG':
        for _ in range(50):
            good = _nric(series, f'{rng.randrange(10 ** 7):07d}')
            assert v.sg_nric(good, CTX) == '', good
            wrong = good[:-1] + ('A' if good[-1] != 'A' else 'B')
            assert v.sg_nric(wrong, CTX) is None, wrong
    assert v.sg_nric('M1234567K', CTX) is None          # the M series is not checked here
    assert v.sg_nric('S1111111A', CTX) is None


def test_hong_kong_identity_card() -> None:
    assert v.hk_id('A123456(3)', CTX) == '' and v.hk_id('C668668(9)', CTX) == ''  # published
    assert v.hk_id('C6686689', CTX) == ''                   # the bracket-less form
    rng = random.Random(22)
    for letters in ('A', 'K', 'XA', 'WX'):
        for _ in range(50):
            good = _hkid(letters, f'{rng.randrange(10 ** 6):06d}')
            assert v.hk_id(good, CTX) == '', good
            check = good[-2]
            assert v.hk_id(good[:-2] + ('1' if check != '1' else '2') + ')', CTX) is None
    assert v.hk_id('A111111(1)', CTX) is None


@pytest.mark.parametrize(('value', 'ok'), [
    ('1EG4-TE5-MK73', True), ('1EG4TE5MK73', True), ('9AA0AA0AA00', True),
    ('0EG4TE5MK73', False),         # starts with 0
    ('1SG4TE5MK73', False),         # S is never used
    ('1EG4TE5MK7', False), ('1EGATE5MK73', False),
])
def test_medicare_beneficiary_identifier(value: str, ok: bool) -> None:
    assert (v.us_mbi(value, CTX) == '') is ok
