"""The labelled evaluation corpus: synthetic files with the verdict they must get.

Every value here is made up at run time by Faker or mimesis (seeded, so the
corpus is the same on every machine) or is a check-digit-valid identifier
built with python-stdnum's own rules.  No file holds a real person.

* positives: files of private individuals that must block (detention
  rosters, HR exports, customer and patient lists, contact and newsletter
  exports, shipping labels, web logs, national ID lists), in many locales,
  formats and layouts (header not on row 1, no header, ``col3`` headers,
  hidden sheets, UTF-16 "Unicode Text" CSV...);
* warn-expected: people in public roles (team pages, speakers, legislators);
* negatives: non-personal data that must pass, generated here (numeric hard
  cases, look-alike column names) and committed under ``negatives/``.

``corpus()`` returns them all as ``Sample``s; the benchmark
(``benchmarks/accuracy.py``) and ``tests/corpus_test.py`` scan them.
"""
from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import random
import string
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import yaml

BLOCK, WARN, PASS = 'block', 'warn', 'pass'
NEGATIVES_DIR = Path(__file__).resolve().parent / 'negatives'

#: Categories that stand for each other when a scheme is both (a CPF is a tax and a national ID).
EQUIVALENT = {'national_id': frozenset({'national_id', 'tax_id'}),
              'tax_id': frozenset({'national_id', 'tax_id'})}

LOCALES = ('en_US', 'en_GB', 'es_ES', 'es_MX', 'fr_FR', 'de_DE', 'pt_BR', 'it_IT', 'nl_NL',
           'pl_PL', 'hi_IN', 'vi_VN', 'ja_JP', 'en_CA')
_REGION = {loc: loc[-2:] for loc in LOCALES}
#: mimesis locales, for the second generator (so we do not overfit Faker's lists).
_MIMESIS = {'en_US': 'EN', 'en_GB': 'EN_GB', 'es_ES': 'ES', 'es_MX': 'ES_MX', 'fr_FR': 'FR',
            'de_DE': 'DE', 'pt_BR': 'PT_BR', 'it_IT': 'IT', 'nl_NL': 'NL', 'pl_PL': 'PL',
            'ja_JP': 'JA', 'en_CA': 'EN_CA'}

#: (format, layout): how one table becomes one file.
LAYOUTS = (
    ('csv', 'plain'), ('csv', 'title-rows'), ('csv', 'headerless'), ('csv', 'obfuscated'),
    ('tsv', 'plain'), ('json', 'records'), ('json', 'nested'), ('json', 'arrays'),
    ('jsonl', 'records'), ('yaml', 'records'), ('xlsx', 'plain'), ('xlsx', 'multi-sheet'),
    ('xlsx', 'hidden-sheet'), ('xlsx', 'title-rows'), ('csv', 'semicolon'), ('csv', 'utf16'),
)
#: Layouts whose headers say nothing: only categories a value shows on its own count.
_NO_HEADER = frozenset({'headerless', 'obfuscated', 'arrays'})


class Sample(NamedTuple):
    """One labelled file, as it would sit in a repository."""

    path: str                        # repository-relative path (the extension picks the reader)
    data: bytes
    expected: str                    # BLOCK | WARN | PASS
    categories: tuple[str, ...]      # categories a scan should report (block or warn)
    kind: str                        # 'detention-roster', 'negative-numeric', ...
    variant: str = ''                # 'csv/title-rows/de_DE/faker'
    note: str = ''
    odd: bool = False                # a file that is not what its name says (lock file, ...)


class Field(NamedTuple):
    header: str
    category: str | None             # the category it holds (None: not personal)
    by_value: bool                   # a scan can see the category without the header
    make: Callable[[Person], str]


# --- people ------------------------------------------------------------------

_WEBMAIL = ('gmail.com', 'yahoo.com', 'hotmail.com', 'outlook.com', 'icloud.com', 'aol.com')
_LOCAL_WEBMAIL = {'de': ('gmx.de', 'web.de', 't-online.de'), 'fr': ('orange.fr', 'free.fr',
                  'laposte.net'), 'it': ('libero.it', 'virgilio.it'), 'pt': ('uol.com.br',
                  'bol.com.br'), 'en': ('comcast.net', 'btinternet.com')}


class Person(NamedTuple):
    first: str
    last: str
    email_local: str
    birth: dt.date
    street: str
    city: str
    postcode: str
    username: str
    mobile: str
    sex: str


class Gen:
    """One locale's fake people and values, from Faker or mimesis, seeded."""

    def __init__(self, locale: str, seed: int, engine: str = 'faker') -> None:
        from faker import Faker
        self.locale = locale
        self.lang = locale[:2]
        self.region = _REGION[locale]
        self.rng = random.Random(seed)
        self.engine = engine if locale in _MIMESIS and _have_mimesis() else 'faker'
        self.fake = Faker(locale)
        self.fake.seed_instance(seed)
        self.m_person: Any = None
        self.m_address: Any = None
        if self.engine == 'mimesis':
            from mimesis import Address
            from mimesis import Person as MPerson
            from mimesis.locales import Locale
            loc = getattr(Locale, _MIMESIS[locale])
            self.m_person = MPerson(loc, seed=seed)
            self.m_address = Address(loc, seed=seed)

    def person(self) -> Person:
        rng = self.rng
        sex = rng.choice('FM')
        if self.engine == 'mimesis':
            from mimesis.enums import Gender
            gender = Gender.FEMALE if sex == 'F' else Gender.MALE
            first = self.m_person.first_name(gender=gender)
            last = self.m_person.last_name(gender=gender)
            street = self.m_address.address()
            city = self.m_address.city()
            postcode = self.m_address.postal_code()
            username = self.m_person.username(mask='l_d')
        else:
            first = (self.fake.first_name_female() if sex == 'F' else self.fake.first_name_male())
            last = self.fake.last_name()
            street = self.fake.street_address().replace('\n', ', ')
            city = self.fake.city()
            postcode = self.fake.postcode()
            username = self.fake.user_name()
        birth = dt.date(1990, 1, 1) - dt.timedelta(days=rng.randint(-365 * 45, 365 * 14))
        ascii_first = _ascii(first) or 'user'
        ascii_last = _ascii(last) or str(rng.randint(10, 999))
        local = rng.choice((f'{ascii_first}.{ascii_last}', f'{ascii_first[0]}{ascii_last}',
                            f'{ascii_first}{ascii_last}{rng.randint(1, 99)}',
                            f'{ascii_last}.{ascii_first}{birth.year % 100:02d}'))
        return Person(first, last, local.lower(), birth, street, city, postcode, username,
                      self.mobile(), sex)

    def webmail(self, p: Person) -> str:
        domains = _WEBMAIL + _LOCAL_WEBMAIL.get(self.lang, ())
        return f'{p.email_local}@{self.rng.choice(domains)}'

    def mobile(self) -> str:
        return _phone(self.region, self.rng, mobile=True)

    def office_phone(self) -> str:
        return _phone(self.region, self.rng, mobile=False)

    def public_ip(self) -> str:
        return str(self.fake.ipv4_public())

    def card(self) -> str:
        number = str(self.fake.credit_card_number(card_type=self.rng.choice(
            ('visa16', 'mastercard', 'amex', 'discover'))))
        if self.rng.random() < 0.4 and len(number) == 16:
            number = ' '.join(number[i:i + 4] for i in range(0, 16, 4))
        return number

    def iban(self) -> str:
        from stdnum import iban
        fake = self.fake
        if self.region not in ('GB', 'ES', 'FR', 'DE', 'IT', 'NL', 'PL', 'BR'):
            fake = _faker('de_DE', self.rng.randint(0, 10**9))   # a SEPA account abroad
        value = str(fake.iban())
        assert iban.is_valid(value), value
        return iban.format(value) if self.rng.random() < 0.5 else value

    def date(self, value: dt.date, style: int) -> str:
        fmt = ('%Y-%m-%d', '%m/%d/%Y', '%d/%m/%Y', '%d.%m.%Y')[style % 4]
        if self.region == 'US' and fmt in ('%d/%m/%Y', '%d.%m.%Y'):
            fmt = '%m/%d/%Y'
        return value.strftime(fmt)


@functools.lru_cache(maxsize=1)
def _have_mimesis() -> bool:
    """mimesis is a dev extra (tests/corpus/requirements.txt): without it, Faker makes all."""
    try:
        import mimesis  # noqa: F401
    except ImportError:
        return False
    return True


def _ascii(text: str) -> str:
    import unicodedata
    flat = unicodedata.normalize('NFKD', text).encode('ascii', 'ignore').decode()
    return ''.join(c for c in flat if c.isalnum()).lower()


def _phone(region: str, rng: random.Random, *, mobile: bool) -> str:
    import phonenumbers
    from phonenumbers import PhoneNumberFormat as Fmt
    from phonenumbers import PhoneNumberType as Type
    wanted = (Type.MOBILE, Type.FIXED_LINE_OR_MOBILE) if mobile else (
        Type.FIXED_LINE, Type.FIXED_LINE_OR_MOBILE)
    example = phonenumbers.example_number_for_type(region, wanted[0])
    assert example is not None
    base = str(example.national_number)
    for _ in range(200):
        digits = base[:-6] + ''.join(rng.choice(string.digits) for _ in range(6))
        number = phonenumbers.parse('+' + str(example.country_code) + digits)
        if phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in wanted:
            style = rng.choice((Fmt.INTERNATIONAL, Fmt.INTERNATIONAL, Fmt.NATIONAL, Fmt.E164))
            return phonenumbers.format_number(number, style)
    raise AssertionError(f'no valid {region} number')  # pragma: no cover


def _faker(locale: str, seed: int) -> Any:
    from faker import Faker
    fake = Faker(locale)
    fake.seed_instance(seed)
    return fake


def _digits(rng: random.Random, n: int) -> str:
    return ''.join(rng.choice(string.digits) for _ in range(n))


# --- identifiers, built by their schemes' rules --------------------------------

def ssn(rng: random.Random) -> str:
    from stdnum.us import ssn as us_ssn
    while True:
        area = rng.choice([a for a in range(1, 900) if a != 666])
        value = f'{area:03d}{rng.randint(1, 99):02d}{rng.randint(1, 9999):04d}'
        if us_ssn.is_valid(value):
            return value


def _ssn_text(value: str, plain: bool) -> str:
    return value if plain else f'{value[:3]}-{value[3:5]}-{value[5:]}'


def itin(rng: random.Random) -> str:
    from stdnum.us import itin as us_itin
    while True:
        group = rng.choice([*range(50, 66), *range(70, 89), 90, 91, 92, *range(94, 100)])
        value = f'9{rng.randint(0, 99):02d}{group:02d}{rng.randint(0, 9999):04d}'
        if us_itin.is_valid(value):
            return us_itin.format(value)


def a_number(rng: random.Random, style: int) -> str:
    digits = f'{rng.randint(10_000_000, 249_999_999):09d}'
    return (f'A{digits}', f'A-{digits}', f'A{digits[:3]}-{digits[3:6]}-{digits[6:]}',
            digits)[style % 4]


def _complete(prefix: str, valid: Callable[[str], bool], tail: int = 1) -> str:
    for n in range(10 ** tail):
        value = prefix + f'{n:0{tail}d}'
        if valid(value):
            return value
    raise ValueError(prefix)


def nino(rng: random.Random) -> str:
    """UK National Insurance number (no check digit: the prefix rules are the scheme)."""
    first = [c for c in string.ascii_uppercase if c not in 'DFIQUV']
    second = [c for c in first if c != 'O']
    while True:
        prefix = rng.choice(first) + rng.choice(second)
        if prefix not in ('BG', 'GB', 'NK', 'KN', 'TN', 'NT', 'ZZ'):
            break
    digits = _digits(rng, 6)
    suffix = rng.choice('ABCD')
    if rng.random() < 0.5:
        return f'{prefix} {digits[:2]} {digits[2:4]} {digits[4:]} {suffix}'
    return f'{prefix}{digits}{suffix}'


def dni(rng: random.Random) -> str:
    from stdnum.es import dni as es_dni
    from stdnum.es import nie as es_nie
    if rng.random() < 0.25:
        body = rng.choice('XYZ') + _digits(rng, 7)
        value = body + es_nie.calc_check_digit(body)
        assert es_nie.is_valid(value)
        return value
    body = _digits(rng, 8)
    value = body + es_dni.calc_check_digit(body)
    assert es_dni.is_valid(value)
    return value


def nir(rng: random.Random, p: Person) -> str:
    from stdnum.fr import nir as fr_nir
    body = (('2' if p.sex == 'F' else '1') + f'{p.birth.year % 100:02d}{p.birth.month:02d}'
            + f'{rng.randint(1, 95):02d}' + f'{rng.randint(1, 999):03d}'
            + f'{rng.randint(1, 999):03d}')
    value = body + fr_nir.calc_check_digits(body)
    assert fr_nir.is_valid(value), value
    return fr_nir.format(value) if rng.random() < 0.5 else value


def cpf(rng: random.Random) -> str:
    from stdnum.br import cpf as br_cpf
    value = _complete(_digits(rng, 9), br_cpf.is_valid, tail=2)
    return br_cpf.format(value) if rng.random() < 0.7 else value


def curp(rng: random.Random, p: Person) -> str:
    from stdnum.mx import curp as mx_curp
    consonants = 'BCDFGHJKLMNPQRSTVWXYZ'
    vowels = 'AEIOU'
    states = ('AS', 'BC', 'CH', 'DF', 'JC', 'MC', 'NL', 'OC', 'PL', 'VZ', 'YN', 'GT')
    while True:
        head = (rng.choice(consonants) + rng.choice(vowels) + rng.choice(consonants)
                + rng.choice(consonants + vowels))
        body = (head + p.birth.strftime('%y%m%d') + ('M' if p.sex == 'F' else 'H')
                + rng.choice(states) + rng.choice(consonants) + rng.choice(consonants)
                + rng.choice(consonants) + ('0' if p.birth.year < 2000 else 'A'))
        value = body + mx_curp.calc_check_digit(body)
        try:
            if mx_curp.is_valid(value):
                return value
        except Exception:  # noqa: BLE001 - an inconvenient word: draw again
            continue


def sin(rng: random.Random) -> str:
    from stdnum.ca import sin as ca_sin
    value = _complete(str(rng.randint(1, 7)) + _digits(rng, 7), ca_sin.is_valid)
    return ca_sin.format(value) if rng.random() < 0.6 else value


def steuer_id(rng: random.Random) -> str:
    from stdnum.de import idnr
    while True:
        head = str(rng.randint(1, 9)) + _digits(rng, 9)
        try:
            return _complete(head, idnr.is_valid)
        except ValueError:
            continue


def bsn(rng: random.Random) -> str:
    from stdnum.nl import bsn as nl_bsn
    while True:
        try:
            return _complete(str(rng.randint(1, 6)) + _digits(rng, 7), nl_bsn.is_valid)
        except ValueError:
            continue


def pesel(rng: random.Random, p: Person) -> str:
    from stdnum.pl import pesel as pl_pesel
    month = p.birth.month + (20 if p.birth.year >= 2000 else 0)
    digit = rng.choice('02468' if p.sex == 'F' else '13579')
    body = f'{p.birth.year % 100:02d}{month:02d}{p.birth.day:02d}{_digits(rng, 3)}{digit}'
    value = body + pl_pesel.calc_check_digit(body)
    assert pl_pesel.is_valid(value), value
    return value


def codice_fiscale(rng: random.Random, p: Person) -> str:
    from stdnum.it import codicefiscale
    months = 'ABCDEHLMPRST'
    day = p.birth.day + (40 if p.sex == 'F' else 0)
    body = (''.join(rng.choice('BCDFGLMNPRSTVZ') for _ in range(6)) + f'{p.birth.year % 100:02d}'
            + months[p.birth.month - 1] + f'{day:02d}' + rng.choice('ABCDEFGHILM')
            + f'{rng.randint(1, 999):03d}')
    value = body + codicefiscale.calc_check_digit(body)
    assert codicefiscale.is_valid(value), value
    return value


def aadhaar(rng: random.Random) -> str:
    from stdnum.in_ import aadhaar as in_aadhaar
    while True:
        try:
            value = _complete(str(rng.randint(2, 9)) + _digits(rng, 10), in_aadhaar.is_valid)
        except ValueError:
            continue
        return in_aadhaar.format(value) if rng.random() < 0.6 else value


# --- the kinds of file ---------------------------------------------------------

_NATIONALITIES = ('Guatemala', 'Honduras', 'El Salvador', 'Mexico', 'Venezuela', 'Haiti', 'Cuba',
                  'Ecuador', 'Colombia', 'Nicaragua', 'India', 'Brazil', 'Peru', 'Romania',
                  'Senegal', 'Mauritania', 'Afghanistan', 'Ukraine', 'China', 'Russia')
_CASE_STATUS = ('Removal proceedings', 'Credible fear pending', 'Released on parole',
                'Final order of removal', 'Asylum claim pending', 'In custody',
                'Alternatives to detention', 'Withholding granted')
_FACILITIES = ('Sample County Processing Center', 'Northfield Detention Facility',
               'Fictional Valley Service Processing Center', 'Example Correctional Annex')
_DIAGNOSES = ('Type 2 diabetes mellitus (E11.9)', 'Major depressive disorder (F32.9)',
              'HIV disease (B20)', 'Asthma, unspecified (J45.909)', 'Essential hypertension (I10)',
              'Generalized anxiety disorder (F41.1)', 'Opioid dependence (F11.20)',
              'Chronic kidney disease, stage 3 (N18.3)', 'Schizophrenia, unspecified (F20.9)',
              'Malignant neoplasm of breast (C50.919)')
_DEPARTMENTS = ('Finance', 'Facilities', 'Human Resources', 'IT', 'Outreach', 'Legal', 'Records')
_PAGES = ('/', '/login', '/account/settings', '/reports/2023', '/search?q=permits', '/apply',
          '/api/v1/status', '/contact')


def _fields_detention(g: Gen) -> list[Field]:
    style = g.rng.randint(0, 3)
    return [
        Field('A-Number', 'a_number', style != 3, lambda p: a_number(g.rng, style)),
        Field('Last Name', 'person_name', True, lambda p: p.last),
        Field('First Name', 'person_name', True, lambda p: p.first),
        Field('Date of Birth', 'date_of_birth', False, lambda p: g.date(p.birth, style)),
        Field('Gender', 'gender', False, lambda p: 'Female' if p.sex == 'F' else 'Male'),
        Field('Nationality', 'nationality', False, lambda p: g.rng.choice(_NATIONALITIES)),
        Field('Case Status', 'immigration_status', False, lambda p: g.rng.choice(_CASE_STATUS)),
        Field('Facility', None, False, lambda p: g.rng.choice(_FACILITIES)),
        Field('Book-in Date', None, False,
              lambda p: g.date(dt.date(2022, 1, 1) + dt.timedelta(g.rng.randint(0, 300)), style)),
    ]


def _fields_hr(g: Gen) -> list[Field]:
    plain = g.rng.random() < 0.3
    return [
        Field('Employee ID', None, False, lambda p: f'E{g.rng.randint(1000, 99999)}'),
        Field('First Name', 'person_name', True, lambda p: p.first),
        Field('Last Name', 'person_name', True, lambda p: p.last),
        Field('SSN', 'ssn', not plain, lambda p: _ssn_text(ssn(g.rng), plain)),
        Field('Date of Birth', 'date_of_birth', False, lambda p: g.date(p.birth, 0)),
        Field('Department', None, False, lambda p: g.rng.choice(_DEPARTMENTS)),
        Field('Salary', None, False, lambda p: str(g.rng.randint(38, 160) * 1000)),
        Field('Home Address', 'street_address', False, lambda p: p.street),
        Field('Personal Email', 'email', True, lambda p: g.webmail(p)),
    ]


def _fields_customers(g: Gen) -> list[Field]:
    fields = [
        Field('Customer', 'person_name', True, lambda p: f'{p.first} {p.last}'),
        Field('Email', 'email', True, lambda p: g.webmail(p)),
        Field('City', None, False, lambda p: p.city),
    ]
    if g.region in ('US', 'CA', 'JP', 'IN', 'VN', 'MX') or g.rng.random() < 0.4:
        fields += [Field('Card Number', 'credit_card', True, lambda p: g.card()),
                   Field('Expiry', None, False,
                         lambda p: f'{g.rng.randint(1, 12):02d}/{g.rng.randint(25, 31)}')]
    else:
        fields += [Field('IBAN', 'iban', True, lambda p: g.iban())]
    return fields


def _fields_patients(g: Gen) -> list[Field]:
    return [
        Field('MRN', None, False, lambda p: f'MRN{g.rng.randint(100000, 999999)}'),
        Field('Patient Name', 'person_name', True, lambda p: f'{p.last}, {p.first}'),
        Field('DOB', 'date_of_birth', False, lambda p: g.date(p.birth, 1)),
        Field('Diagnosis', 'health', False, lambda p: g.rng.choice(_DIAGNOSES)),
        Field('Admitted', None, False,
              lambda p: g.date(dt.date(2023, 1, 1) + dt.timedelta(g.rng.randint(0, 365)), 0)),
    ]


def _fields_contacts(g: Gen) -> list[Field]:
    return [
        Field('Name', 'person_name', True, lambda p: f'{p.first} {p.last}'),
        Field('E-mail', 'email', True, lambda p: g.webmail(p)),
        Field('Mobile', 'phone', True, lambda p: p.mobile),
        Field('City', None, False, lambda p: p.city),
    ]


def _fields_newsletter(g: Gen) -> list[Field]:
    return [
        Field('email', 'email', True, lambda p: g.webmail(p)),
        Field('subscribed', None, False,
              lambda p: (dt.date(2021, 1, 1) + dt.timedelta(g.rng.randint(0, 900))).isoformat()),
        Field('opt_in', None, False, lambda p: g.rng.choice(('yes', 'yes', 'no'))),
    ]


def _fields_shipping(g: Gen) -> list[Field]:
    return [
        Field('Order', None, False, lambda p: f'#{g.rng.randint(10000, 99999)}'),
        Field('Recipient', 'person_name', True, lambda p: f'{p.first} {p.last}'),
        Field('Street Address', 'street_address', False, lambda p: p.street),
        Field('City', None, False, lambda p: p.city),
        Field('Postal Code', 'postal_code', False, lambda p: p.postcode),
        Field('Phone', 'phone', True, lambda p: p.mobile),
    ]


def _fields_weblog(g: Gen) -> list[Field]:
    start = dt.datetime(2024, 3, 1, 8, 0, 0)
    return [
        Field('timestamp', None, False,
              lambda p: (start + dt.timedelta(seconds=g.rng.randint(0, 86400))).isoformat()),
        Field('client_ip', 'ip_address', True, lambda p: g.public_ip()),
        Field('username', 'username', False, lambda p: p.username),
        Field('path', None, False, lambda p: g.rng.choice(_PAGES)),
        Field('status', None, False, lambda p: g.rng.choice(('200', '200', '302', '404'))),
    ]


class _IdScheme(NamedTuple):
    locale: str
    header: str
    category: str
    make: Callable[[Gen, Person], str]
    by_value: bool               # distinctive enough to be seen without a header


_ID_SCHEMES = (
    _IdScheme('en_GB', 'NI Number', 'national_id', lambda g, p: nino(g.rng), True),
    _IdScheme('es_ES', 'DNI', 'national_id', lambda g, p: dni(g.rng), True),
    _IdScheme('fr_FR', 'NIR', 'national_id', lambda g, p: nir(g.rng, p), True),
    _IdScheme('pt_BR', 'CPF', 'tax_id', lambda g, p: cpf(g.rng), True),
    _IdScheme('es_MX', 'CURP', 'national_id', lambda g, p: curp(g.rng, p), True),
    _IdScheme('en_CA', 'SIN', 'national_id', lambda g, p: sin(g.rng), False),
    _IdScheme('de_DE', 'Steuer-ID', 'tax_id', lambda g, p: steuer_id(g.rng), False),
    _IdScheme('nl_NL', 'BSN', 'national_id', lambda g, p: bsn(g.rng), False),
    _IdScheme('pl_PL', 'PESEL', 'national_id', lambda g, p: pesel(g.rng, p), False),
    _IdScheme('it_IT', 'Codice Fiscale', 'tax_id', lambda g, p: codice_fiscale(g.rng, p), True),
    _IdScheme('hi_IN', 'Aadhaar', 'national_id', lambda g, p: aadhaar(g.rng), False),
    _IdScheme('en_US', 'ITIN', 'itin', lambda g, p: itin(g.rng), True),
)


def _fields_national(g: Gen, scheme: _IdScheme) -> list[Field]:
    return [
        Field('Name', 'person_name', True, lambda p: f'{p.first} {p.last}'),
        Field(scheme.header, scheme.category, scheme.by_value, lambda p: scheme.make(g, p)),
        Field('City', None, False, lambda p: p.city),
    ]


class _Kind(NamedTuple):
    name: str
    folder: str
    stem: str
    title: str
    fields: Callable[[Gen], list[Field]]


_KINDS = (
    _Kind('detention-roster', 'data/detention', 'roster', 'Detention statistics FY2023',
          _fields_detention),
    _Kind('hr-export', 'assets/hr', 'employees', 'Staff export (HRIS)', _fields_hr),
    _Kind('customers', 'data/sales', 'customers', 'Customer list', _fields_customers),
    _Kind('patients', 'data/clinic', 'patients', 'Admissions register', _fields_patients),
    _Kind('contacts', 'static/exports', 'contacts', 'Contacts export', _fields_contacts),
    _Kind('newsletter', '_data', 'subscribers', 'Newsletter subscribers', _fields_newsletter),
    _Kind('shipping', 'data/orders', 'labels', 'Shipping labels', _fields_shipping),
    _Kind('weblog', 'logs', 'access', 'Access log export', _fields_weblog),
)

#: Local-language headers, so the header vocabulary is measured beyond English.
_I18N = {
    'es': {'First Name': 'Nombre', 'Last Name': 'Apellidos', 'Date of Birth': 'Fecha de nacimiento',
           'Nationality': 'Nacionalidad', 'E-mail': 'Correo electrónico', 'Mobile': 'Móvil',
           'Name': 'Nombre completo', 'Phone': 'Teléfono', 'Street Address': 'Dirección',
           'Postal Code': 'Código postal', 'City': 'Ciudad', 'Recipient': 'Destinatario',
           'Email': 'Correo', 'Customer': 'Cliente', 'Patient Name': 'Paciente',
           'Diagnosis': 'Diagnóstico', 'DOB': 'Fecha nac.'},
    'fr': {'First Name': 'Prénom', 'Last Name': 'Nom de famille', 'Date of Birth':
           'Date de naissance', 'Nationality': 'Nationalité', 'E-mail': 'Courriel',
           'Mobile': 'Portable', 'Name': 'Nom complet', 'Phone': 'Téléphone',
           'Street Address': 'Adresse', 'Postal Code': 'Code postal', 'City': 'Ville',
           'Diagnosis': 'Diagnostic', 'Patient Name': 'Nom du patient'},
    'de': {'First Name': 'Vorname', 'Last Name': 'Nachname', 'Date of Birth': 'Geburtsdatum',
           'Nationality': 'Staatsangehörigkeit', 'E-mail': 'E-Mail', 'Mobile': 'Handy',
           'Name': 'Name', 'Phone': 'Telefon', 'Street Address': 'Straße', 'Postal Code': 'PLZ',
           'City': 'Ort', 'Recipient': 'Empfänger', 'Diagnosis': 'Diagnose',
           'DOB': 'Geb.-Datum'},
    'pt': {'First Name': 'Nome', 'Last Name': 'Sobrenome', 'Date of Birth': 'Data de nascimento',
           'E-mail': 'E-mail', 'Mobile': 'Celular', 'Name': 'Nome completo',
           'Phone': 'Telefone', 'Street Address': 'Endereço', 'Postal Code': 'CEP',
           'City': 'Cidade'},
    'it': {'First Name': 'Nome', 'Last Name': 'Cognome', 'Date of Birth': 'Data di nascita',
           'Mobile': 'Cellulare', 'Name': 'Nominativo', 'Street Address': 'Indirizzo',
           'Postal Code': 'CAP', 'City': 'Città'},
    'nl': {'First Name': 'Voornaam', 'Last Name': 'Achternaam', 'Date of Birth':
           'Geboortedatum', 'Mobile': 'Mobiel', 'Name': 'Naam', 'Street Address': 'Adres',
           'Postal Code': 'Postcode', 'City': 'Plaats'},
    'pl': {'First Name': 'Imię', 'Last Name': 'Nazwisko', 'Date of Birth': 'Data urodzenia',
           'Mobile': 'Telefon komórkowy', 'Name': 'Imię i nazwisko', 'Street Address': 'Adres',
           'Postal Code': 'Kod pocztowy', 'City': 'Miasto'},
}


# --- rendering -------------------------------------------------------------------

class _Table(NamedTuple):
    title: str
    header: list[str]
    rows: list[list[str]]


def _render(table: _Table, fmt: str, layout: str, seed: int) -> bytes:
    header = table.header
    if layout in ('obfuscated', 'arrays'):
        header = [f'col{i + 1}' for i in range(len(header))]
    if fmt in ('csv', 'tsv'):
        return _render_delimited(table._replace(header=header), fmt, layout)
    if fmt == 'json':
        records = [dict(zip(header, row, strict=True)) for row in table.rows]
        doc: Any = records
        if layout == 'nested':
            doc = {'meta': {'title': table.title, 'generated': '2024-01-15'},
                   'data': {'records': records}}
        elif layout == 'arrays':
            doc = [list(row) for row in table.rows]
        return json.dumps(doc, ensure_ascii=False, indent=1).encode()
    if fmt == 'jsonl':
        return ''.join(json.dumps(dict(zip(header, row, strict=True)), ensure_ascii=False) + '\n'
                       for row in table.rows).encode()
    if fmt == 'yaml':
        text = yaml.safe_dump([dict(zip(header, row, strict=True)) for row in table.rows],
                              allow_unicode=True, sort_keys=False)
        return text.encode()
    if fmt == 'xlsx':
        return _render_xlsx(table, layout, seed)
    raise ValueError(fmt)


def _render_delimited(table: _Table, fmt: str, layout: str) -> bytes:
    out = io.StringIO()
    delimiter = '\t' if fmt == 'tsv' or layout == 'utf16' else (';' if layout == 'semicolon'
                                                                else ',')
    writer = csv.writer(out, delimiter=delimiter, lineterminator='\r\n' if layout == 'utf16'
                        else '\n')
    if layout == 'title-rows':
        writer.writerow([table.title])
        writer.writerow(['Source: internal system export; figures as of 2024-01-15'])
        writer.writerow([])
    if layout != 'headerless':
        writer.writerow(table.header)
    writer.writerows(table.rows)
    text = out.getvalue()
    if layout == 'utf16':
        return b'\xff\xfe' + text.encode('utf-16-le')     # Excel's "Unicode Text" export
    if layout == 'semicolon':
        return b'\xef\xbb\xbf' + text.encode()           # Excel's "CSV UTF-8" in Europe
    return text.encode()


def _render_xlsx(table: _Table, layout: str, seed: int) -> bytes:
    from openpyxl import Workbook
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    if layout in ('multi-sheet', 'hidden-sheet'):
        sheet.title = 'Summary'
        sheet.append(['Category', 'Count'])
        rng = random.Random(seed)
        for label in ('Open', 'Closed', 'Pending'):
            sheet.append([label, rng.randint(10, 900)])
        sheet = book.create_sheet('Data' if layout == 'multi-sheet' else 'Sheet3')
        if layout == 'hidden-sheet':
            sheet.sheet_state = 'hidden'
    else:
        sheet.title = 'Export'
    if layout == 'title-rows':
        sheet.append([table.title])
        sheet.append([])
    sheet.append(table.header)
    for row in table.rows:
        sheet.append(row)
    return _saved(book)


def _saved(book: Any) -> bytes:
    """The workbook's bytes, the same on every run: openpyxl stamps the clock into them."""
    import re
    import zipfile
    out = io.BytesIO()
    book.save(out)
    stamped = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    fixed = io.BytesIO()
    with zipfile.ZipFile(fixed, 'w', zipfile.ZIP_DEFLATED) as target:
        for info in stamped.infolist():
            data = stamped.read(info)
            if info.filename == 'docProps/core.xml':
                data = re.sub(rb'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ', b'2024-01-15T00:00:00Z', data)
            target.writestr(zipfile.ZipInfo(info.filename, (2024, 1, 15, 0, 0, 0)), data,
                            zipfile.ZIP_DEFLATED)
    return fixed.getvalue()


def _extension(fmt: str) -> str:
    return {'tsv': 'tsv', 'yaml': 'yml'}.get(fmt, fmt)


def _make_table(g: Gen, fields: Sequence[Field], rows: int, title: str,
                localise: bool) -> _Table:
    names = _I18N.get(g.lang, {}) if localise else {}
    header = [names.get(f.header, f.header) for f in fields]
    body = []
    for _ in range(rows):
        person = g.person()
        body.append([f.make(person) for f in fields])
    return _Table(title, header, body)


def _expected(fields: Sequence[Field], layout: str) -> tuple[str, ...]:
    cats = []
    for f in fields:
        if f.category and (layout not in _NO_HEADER or f.by_value) and f.category not in cats:
            cats.append(f.category)
    return tuple(cats)


def positives(seed: int = 2022, variants: int = 20, id_variants: int = 5) -> Iterator[Sample]:
    """Files of private individuals: every one must block."""
    for k, kind in enumerate(_KINDS):
        for i in range(variants):
            fmt, layout = LAYOUTS[(i + 2 * k) % len(LAYOUTS)]   # a small subset sees them all
            locale = LOCALES[(i * 5 + k) % len(LOCALES)]
            engine = 'mimesis' if i % 3 == 2 else 'faker'
            file_seed = seed * 1000 + k * 100 + i
            g = Gen(locale, file_seed, engine)
            fields = kind.fields(g)
            table = _make_table(g, fields, g.rng.randint(12, 40), kind.title,
                                localise=i % 2 == 1)
            yield Sample(f'{kind.folder}/{kind.stem}-{i:02d}.{_extension(fmt)}',
                         _render(table, fmt, layout, file_seed), BLOCK,
                         _expected(fields, layout), kind.name,
                         f'{fmt}/{layout}/{locale}/{g.engine}')
    id_layouts = (('csv', 'plain'), ('xlsx', 'plain'), ('json', 'records'), ('csv', 'obfuscated'),
                  ('yaml', 'records'), ('csv', 'title-rows'))
    for s, scheme in enumerate(_ID_SCHEMES):
        for i in range(id_variants):
            fmt, layout = id_layouts[(i + s) % len(id_layouts)]
            file_seed = seed * 1000 + 900 + s * 10 + i
            g = Gen(scheme.locale, file_seed, 'mimesis' if i % 2 else 'faker')
            fields = _fields_national(g, scheme)
            table = _make_table(g, fields, g.rng.randint(10, 30), f'{scheme.header} register',
                                localise=i % 2 == 0)
            slug = scheme.header.lower().replace(' ', '-')
            yield Sample(f'data/registry/{slug}-{i}.{_extension(fmt)}',
                         _render(table, fmt, layout, file_seed), BLOCK,
                         _expected(fields, layout), f'national-id-{scheme.locale}',
                         f'{fmt}/{layout}/{scheme.locale}/{g.engine}')
    yield from _special_positives(seed)


def _special_positives(seed: int) -> Iterator[Sample]:
    """Shapes the matrix does not make: one e-mail a line, people in a comment-free text."""
    g = Gen('en_US', seed + 7)
    lines = [g.webmail(g.person()) for _ in range(30)]
    yield Sample('_data/mailing-list.txt', ('\n'.join(lines) + '\n').encode(), BLOCK, ('email',),
                 'newsletter', 'txt/one-per-line/en_US/faker')
    g = Gen('es_MX', seed + 8)
    rows = [[f'{p.first} {p.last}', a_number(g.rng, 0), g.rng.choice(_NATIONALITIES),
             g.date(p.birth, 2)] for p in (g.person() for _ in range(25))]
    keys = ('name', 'anumber', 'country', 'dob')
    doc = {'report': 'weekly', 'detainees': [dict(zip(keys, r, strict=True)) for r in rows]}
    yield Sample('assets/data/weekly.json', json.dumps(doc).encode(), BLOCK,
                 ('person_name', 'a_number', 'nationality', 'date_of_birth'),
                 'detention-roster', 'json/lowercase-keys/es_MX/faker')


# --- warn-expected: people in public roles ---------------------------------------

def _org_domain(g: Gen) -> str:
    return str(g.fake.domain_name())


def warn_expected(seed: int = 2022) -> Iterator[Sample]:
    """Directories of people in public roles: warn (exit 0), never block by default."""
    for i, locale in enumerate(('en_US', 'en_GB', 'de_DE', 'fr_FR', 'es_ES', 'pt_BR')):
        g = Gen(locale, seed * 7 + i)
        domain = _org_domain(g)
        team = []
        for _ in range(g.rng.randint(6, 18)):
            p = g.person()
            handle = _ascii(p.first)[:1] + _ascii(p.last)
            team.append({'name': f'{p.first} {p.last}', 'title': g.fake.job(),
                         'email': f'{_ascii(p.first)}.{_ascii(p.last)}@{domain}',
                         'github': handle, 'photo': f'/assets/img/team/{handle}.jpg',
                         'bio': str(g.fake.paragraph(nb_sentences=2))})
        yield Sample(f'_data/team-{i}.yml', yaml.safe_dump(team, allow_unicode=True,
                                                             sort_keys=False).encode(), WARN,
                     ('person_name', 'email'), 'team-page', f'yaml/{locale}')
        speakers = []
        for _ in range(g.rng.randint(5, 15)):
            p = g.person()
            speakers.append({'name': f'{p.first} {p.last}', 'affiliation': g.fake.company(),
                             'talk': str(g.fake.catch_phrase()),
                             'twitter': '@' + _ascii(p.first) + _ascii(p.last)[:6],
                             'bio': str(g.fake.sentence(nb_words=14))})
        yield Sample(f'data/speakers-{i}.json', json.dumps(speakers, ensure_ascii=False,
                                                           indent=2).encode(), WARN,
                     ('person_name',), 'speakers', f'json/{locale}')
        out = io.StringIO()
        writer = csv.writer(out, lineterminator='\n')
        writer.writerow(['Name', 'Party', 'District', 'Office Phone', 'Office Address',
                         'Website'])
        for d in range(g.rng.randint(10, 30)):
            p = g.person()
            writer.writerow([f'{p.first} {p.last}', g.rng.choice(('Green', 'Labour', 'Liberal',
                                                                    'Conservative', 'Independent')),
                             f'District {d + 1}', g.office_phone(),
                             f'Room {g.rng.randint(100, 499)}, Legislative Building, '
                             f'{g.fake.city()}', f'https://{domain}/members/{d + 1}'])
        yield Sample(f'data/legislators-{i}.csv', out.getvalue().encode(), WARN,
                     ('person_name', 'phone'), 'legislators', f'csv/{locale}')


# --- negatives ---------------------------------------------------------------------

def _csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator='\n')
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def generated_negatives(seed: int = 2022) -> Iterator[Sample]:
    """Numeric and look-alike hard cases (the peers' false alarms), made fresh, seeded."""
    rng = random.Random(seed)
    yield Sample('data/model/weights.csv', _csv(
        ['feature', 'coef', 'std_err', 'p_value'],
        [[f'x{i}', repr(rng.random()), repr(rng.random() / 10), repr(rng.random())]
         for i in range(60)]), PASS, (), 'negative-numeric', 'csv/16-digit-decimals')
    yield Sample('data/centroids.json', json.dumps(
        [{'lat': 40 + rng.random(), 'lon': -74 + rng.random(), 'hours': rng.random() * 2000}
         for _ in range(50)]).encode(), PASS, (), 'negative-numeric', 'json/16-digit-decimals')
    yield Sample('data/population.csv', _csv(
        ['state', 'year', 'population', 'households', 'median_income'],
        [[st, yr, rng.randint(100_000_000, 999_999_999), rng.randint(1_000_000, 9_999_999),
          rng.randint(40_000, 99_999)] for st in ('AL', 'AK', 'AZ', 'AR', 'CA', 'CO')
         for yr in range(2010, 2020)]), PASS, (), 'negative-numeric', 'csv/9-digit-counts')
    yield Sample('data/events.csv', _csv(
        ['event_id', 'epoch', 'epoch_ms', 'bytes'],
        [[rng.randint(1_000_000_000, 9_999_999_999), rng.randint(1_500_000_000, 1_800_000_000),
          rng.randint(1_500_000_000_000, 1_800_000_000_000), rng.randint(10_000, 99_999)]
         for _ in range(60)]), PASS, (), 'negative-numeric', 'csv/10-digit-ids-epochs')
    yield Sample('data/totals.csv', _csv(
        ['county', 'votes_2016', 'votes_2020', 'total'],
        [[f'County {i}', rng.randint(10_000, 99_999), rng.randint(10_000, 99_999),
          rng.randint(10_000, 99_999)] for i in range(40)]), PASS, (), 'negative-numeric',
        'csv/5-digit-totals')
    yield Sample('data/isbn-catalogue.csv', _csv(
        ['isbn13', 'title', 'pages', 'price'],
        [[_complete('978' + _digits(rng, 9), _isbn_ok), f'Volume {i}', rng.randint(80, 900),
          f'{rng.randint(5, 80)}.{rng.randint(0, 99):02d}'] for i in range(40)]), PASS, (),
        'negative-numeric', 'csv/isbn-13 (check-digit valid numbers that are not people)')
    hosts = [f'web-{i:02d}.prod.example.net' for i in range(30)]
    yield Sample('data/inventory.csv', _csv(
        ['hostname', 'filename', 'model_name', 'country name', 'company name', 'ip_address'],
        [[h, f'/var/log/app-{i}.log', rng.choice(('resnet-50', 'bert-base', 'gpt2-small')),
          rng.choice(('France', 'Kenya', 'Chile', 'Japan')),
          rng.choice(('Acme Corp', 'Globex Ltd', 'Initech GmbH')), f'10.0.{i // 8}.{i % 250}']
         for i, h in enumerate(hosts)]), PASS, (), 'negative-lookalike-headers',
        'csv/hostname,filename,model_name,country name,company name,private ip_address')
    groups = ('White', 'Black or African American', 'Hispanic or Latino', 'Asian',
              'American Indian or Alaska Native', 'Two or more races')
    yield Sample('data/ethnicity-by-county.csv', _csv(
        ['county', 'ethnicity', 'count', 'share'],
        [[f'County {c}', grp, rng.randint(50, 90_000), f'{rng.random():.3f}']
         for c in range(8) for grp in groups]), PASS, (), 'negative-aggregate',
        'csv/ethnicity statistics (aggregate counts)')
    yield Sample('data/products.json', json.dumps(
        [{'sku': f'SKU-{rng.randint(10000, 99999)}', 'name': rng.choice(
            ('Blue Widget', 'Garden Hose', 'Desk Lamp', 'Steel Bolt M8', 'Paper Ream A4')),
          'barcode': _complete('4' + _digits(rng, 11), _ean_ok), 'price': rng.randint(1, 300)}
         for _ in range(40)]).encode(), PASS, (), 'negative-lookalike-values',
        'json/products with EAN-13 barcodes')
    yield Sample('_data/schedule.yml', yaml.safe_dump(
        [{'time': f'{h:02d}:{m:02d}', 'session': f'Track {rng.randint(1, 4)}: lightning talks',
          'room': f'Hall {rng.choice("ABC")}'} for h in range(9, 17) for m in (0, 30)]).encode(),
        PASS, (), 'negative-schedule', 'yaml/schedule')
    yield Sample('data/budget.xlsx', _budget_xlsx(rng), PASS, (), 'negative-budget',
                 'xlsx/budget with 9-10 digit amounts')


def _isbn_ok(value: str) -> bool:
    from stdnum import isbn
    return bool(isbn.is_valid(value))


def _ean_ok(value: str) -> bool:
    from stdnum import ean
    return bool(ean.is_valid(value))


def _budget_xlsx(rng: random.Random) -> bytes:
    from openpyxl import Workbook
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = 'FY2024'
    sheet.append(['Agency', 'Program', 'Adopted', 'Modified', 'Variance %'])
    for agency in ('Parks', 'Sanitation', 'Police', 'Libraries', 'Transit'):
        for program in ('Operations', 'Capital', 'Grants'):
            adopted = rng.randint(100_000_000, 9_999_999_999)
            sheet.append([agency, program, adopted, adopted + rng.randint(-10**7, 10**7),
                          rng.random()])
    return _saved(book)


class _Label(NamedTuple):
    file: str
    path: str
    odd: bool
    note: str


def _labels() -> list[_Label]:
    out = []
    with open(NEGATIVES_DIR / 'LABELS.tsv', encoding='utf-8') as handle:
        for line in handle:
            if line.startswith('#') or not line.strip():
                continue
            file, path, odd, note = line.rstrip('\n').split('\t')
            out.append(_Label(file, path, odd == 'odd', note))
    return out


def committed_negatives() -> Iterator[Sample]:
    """Small hand-made negatives kept in the repository (no extras needed)."""
    for label in _labels():
        data = (NEGATIVES_DIR / label.file).read_bytes()
        yield Sample(label.path, data, PASS, (), 'negative-committed', label.file, label.note,
                     label.odd)


def corpus(seed: int = 2022, variants: int = 20, id_variants: int = 5) -> list[Sample]:
    """Everything that is always available: positives, warn-expected, negatives."""
    return [*positives(seed, variants, id_variants), *warn_expected(seed),
            *generated_negatives(seed), *committed_negatives()]


def write_corpus(folder: Path, samples: Sequence[Sample]) -> None:
    """Lay the corpus out as files, to scan it with the CLI or another tool."""
    for sample in samples:
        target = folder / sample.expected / sample.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(sample.data)


if __name__ == '__main__':  # pragma: no cover - python -m tests.corpus.generate OUT
    import sys
    write_corpus(Path(sys.argv[1]), corpus())
