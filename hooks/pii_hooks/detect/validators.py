"""Validators: turn a pattern candidate into a confident hit, or reject it.

Each returns a signal string ('' when there is nothing more to say) for a
valid value and None for a value that only looks like one.  Checksums come
from python-stdnum and phonenumbers, not from hand-written arithmetic; the
only rules written here are the ones those libraries do not have (issuer
prefixes of card numbers, the UK National Insurance number, fictional phone
ranges, documentation IP ranges).
"""
from __future__ import annotations

import datetime as dt
import functools
import importlib
import ipaddress
import re
from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pii_hooks.detect.values import ValueContext

_NON_DIGIT = re.compile(r'\D')
_NON_ALNUM = re.compile(r'[\W_]')


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Free mailbox providers: an address there is a private person's, not an office's.
WEBMAIL_DOMAINS = _words("""
gmail.com googlemail.com yahoo.com yahoo.co.uk yahoo.fr yahoo.es yahoo.de ymail.com
hotmail.com hotmail.co.uk hotmail.fr hotmail.es hotmail.de outlook.com outlook.fr live.com
live.co.uk msn.com aol.com icloud.com me.com mac.com protonmail.com proton.me pm.me gmx.com
gmx.de gmx.net web.de t-online.de mail.com mail.ru yandex.ru yandex.com zoho.com fastmail.com
hey.com tutanota.com qq.com 163.com 126.com naver.com orange.fr free.fr laposte.net sfr.fr
wanadoo.fr libero.it virgilio.it terra.com.br uol.com.br bol.com.br comcast.net verizon.net
att.net sbcglobal.net cox.net earthlink.net btinternet.com sky.com virginmedia.com
""")

#: Domains reserved for documentation and examples (RFC 2606, RFC 6761).
EXAMPLE_DOMAINS = ('example.com', 'example.org', 'example.net', 'example.edu', 'test', 'example',
                   'invalid', 'localhost')

#: File extensions that are not top-level domains: 'logo@2x.png' is an image, not a mailbox.
_FILE_SUFFIXES = _words("""
png jpg jpeg gif svg webp bmp tif tiff ico heic avif pdf css scss less js mjs cjs ts tsx jsx
json yaml yml xml html htm txt csv tsv xls xlsx doc docx ppt pptx php asp aspx jsp map vue
woff woff2 ttf otf eot mp3 mp4 webm wav ogg mkv avi tar gz tgz bz2 xz rar
""")
#: Address-shaped identifiers that reach no person: shared calendars' IDs.
_NOT_MAILBOXES = ('calendar.google.com',)
_RETINA = re.compile(r'\d+(?:\.\d+)?x$')     # '@2x' / '@1.5x' asset names

_ROLE_MAILBOXES = _words("""
info contact contacts admin administrator office hello help support team press media news
newsletter webmaster postmaster noreply no-reply donotreply do-not-reply sales enquiries inquiries
feedback privacy security abuse jobs careers hr billing accounts questions general events
communications comms web website editor editors foia records mail git hostmaster
""")


def accept(value: str, ctx: ValueContext) -> str | None:
    return ''


def _one_symbol(compact: str) -> bool:
    return len(set(compact)) <= 1


# --- e-mail ------------------------------------------------------------------

def email(value: str, ctx: ValueContext) -> str | None:
    local, _, domain = value.rpartition('@')
    domain = domain.lower().rstrip('.')
    if not local or '.' not in domain or local.endswith('.') or '..' in local or '..' in domain:
        return None
    labels = domain.split('.')
    if labels[-1] in _FILE_SUFFIXES or _RETINA.match(labels[0]):
        return None
    if domain.endswith(_NOT_MAILBOXES):
        return None
    if domain in EXAMPLE_DOMAINS or domain.endswith(tuple('.' + d for d in EXAMPLE_DOMAINS)):
        return 'example'
    if domain in WEBMAIL_DOMAINS:
        return 'webmail'
    role = local.lower().split('+')[0]
    if role in _ROLE_MAILBOXES:
        return 'role-mail'
    return 'org-mail'


# --- US identifiers ----------------------------------------------------------

def ssn(value: str, ctx: ValueContext) -> str | None:
    """SSA rules: no area 000, 666 or 9xx, no group 00, no serial 0000."""
    digits = _NON_DIGIT.sub('', value)
    if len(digits) == 11:
        digits = digits[:9]             # a claim-number suffix: 123-45-6789-01
    elif value.isdigit():
        digits = digits.zfill(9)        # a spreadsheet dropped the leading zeros
    if len(digits) != 9 or _one_symbol(digits):
        return None
    return '' if ssn_issuable(digits) else None


#: Numbers the SSA voided after they were printed on sample cards (as stdnum lists them).
_VOIDED_SSNS = frozenset({'078051120', '457555462', '219099999'})


def ssn_issuable(digits: str) -> bool:
    """stdnum.us.ssn.is_valid for nine ASCII digits, without its import: SSNs carry no
    check digit, and stdnum.util's imports (pydoc, ssl) cost a scan 20 ms of start-up.
    tests/validators_test.py compares the two on every area, group and serial edge."""
    return (digits[:3] not in ('000', '666') and digits[0] != '9' and digits[3:5] != '00'
            and digits[5:] != '0000' and digits not in _VOIDED_SSNS)


def itin(value: str, ctx: ValueContext) -> str | None:
    from stdnum.us import itin as us_itin
    digits = _NON_DIGIT.sub('', value)
    return '' if len(digits) == 9 and us_itin.is_valid(digits) else None


def ein(value: str, ctx: ValueContext) -> str | None:
    """An employer identification number names a business far more often than a person."""
    from stdnum.us import ein as us_ein
    digits = _NON_DIGIT.sub('', value)
    if value.isdigit():
        digits = digits.zfill(9)        # a spreadsheet dropped the leading zero of 01-2345678
    if len(digits) != 9 or _one_symbol(digits):
        return None
    return 'ein' if us_ein.is_valid(digits) else None


def a_number(value: str, ctx: ValueContext) -> str | None:
    """An alien registration number has no check digit: shape only, minus obvious fillers."""
    digits = _NON_DIGIT.sub('', value)
    if len(digits) not in (8, 9) or _one_symbol(digits) or not digits.strip('0'):
        return None
    return ''


# --- payment -----------------------------------------------------------------

#: (lowest prefix, highest prefix, allowed lengths): issuer ranges of ISO/IEC 7812 numbers.
_CARD_ISSUERS: tuple[tuple[str, str, frozenset[int]], ...] = (
    ('4', '4', frozenset({13, 16, 19})),                    # Visa
    ('51', '55', frozenset({16})),                          # Mastercard
    ('2221', '2720', frozenset({16})),                      # Mastercard 2-series
    ('34', '34', frozenset({15})), ('37', '37', frozenset({15})),       # Amex
    ('6011', '6011', frozenset(range(16, 20))),             # Discover
    ('644', '649', frozenset(range(16, 20))),
    ('65', '65', frozenset(range(16, 20))),
    ('3528', '3589', frozenset(range(16, 20))),             # JCB
    ('36', '36', frozenset(range(14, 20))),                 # Diners Club International
    ('300', '305', frozenset(range(14, 20))),
    ('62', '62', frozenset(range(16, 20))),                 # UnionPay
    ('2200', '2204', frozenset(range(16, 20))),             # Mir
)


def card_issuer_ok(digits: str) -> bool:
    for low, high, lengths in _CARD_ISSUERS:
        head = digits[:len(low)]
        if low <= head <= high and len(digits) in lengths:
            return True
    return False


def credit_card(value: str, ctx: ValueContext) -> str | None:
    from stdnum import luhn as stdnum_luhn
    digits = _NON_DIGIT.sub('', value)
    if len(set(digits)) <= 2 or not card_issuer_ok(digits):
        return None
    return '' if stdnum_luhn.is_valid(digits) else None


def iban(value: str, ctx: ValueContext) -> str | None:
    from stdnum import iban as stdnum_iban
    return '' if stdnum_iban.is_valid(value) else None


#: First two digits of an ABA routing number: Federal Reserve districts, thrifts, electronic.
_ABA_PREFIXES = frozenset(f'{n:02d}' for n in (*range(0, 13), *range(21, 33), *range(61, 73), 80))


def aba_routing(value: str, ctx: ValueContext) -> str | None:
    """A routing number names a bank, not a person: the signal lets the policy tell."""
    from stdnum.us import rtn
    digits = _NON_DIGIT.sub('', value)
    if len(digits) != 9 or digits[:2] not in _ABA_PREFIXES or _one_symbol(digits):
        return None
    return 'routing' if rtn.is_valid(digits) else None


def bank_account_number(value: str, ctx: ValueContext) -> str | None:
    digits = _NON_DIGIT.sub('', value)
    if not 4 <= len(digits) <= 17 or _one_symbol(digits) or looks_like_date(value):
        return None
    return 'account'


# --- national and tax identifiers ----------------------------------------------

@functools.cache
def _stdnum_module(scheme: str) -> ModuleType:
    return importlib.import_module('stdnum.' + scheme)


def stdnum_scheme(value: str, ctx: ValueContext, *, schemes: Sequence[str],
                  options: Mapping[str, object] | None = None) -> str | None:
    """Valid under the first of ``schemes`` (python-stdnum modules) that accepts it.

    With one scheme the detector's name says which; with several the signal does.
    """
    compact = _NON_ALNUM.sub('', value).upper()
    if _one_symbol(compact) or (compact.isdigit() and not compact.strip('0')):
        return None
    kwargs = dict(options or {})
    for scheme in schemes:
        if _stdnum_module(scheme).is_valid(value, **kwargs):
            return '' if len(schemes) == 1 else scheme
    return None


#: Two-letter prefixes HMRC never allocates (NIM39110).
_NINO_BAD_PREFIXES = frozenset({'BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ'})
#: First letter never D F I Q U V, second never D F I O Q U V, suffix A-D.
_NINO = re.compile(r'[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]')


def uk_nino(value: str, ctx: ValueContext) -> str | None:
    """UK National Insurance number: python-stdnum has no module, the letter rules are HMRC's."""
    compact = _NON_ALNUM.sub('', value).upper()
    if not _NINO.fullmatch(compact) or compact[:2] in _NINO_BAD_PREFIXES:
        return None
    return '' if not _one_symbol(compact[2:8]) else None


def in_pan(value: str, ctx: ValueContext) -> str | None:
    """An Indian PAN is personal only when its fourth letter says 'P' (an individual)."""
    from stdnum.in_ import pan
    compact = _NON_ALNUM.sub('', value).upper()
    if not pan.is_valid(compact) or compact[3] != 'P':
        return None
    return ''


#: Singapore NRIC/FIN check letters by series (S/T citizens and PRs, F/G foreigners).
_NRIC_LETTERS = {'S': 'JZIHGFEDCBA', 'T': 'JZIHGFEDCBA', 'F': 'XWUTRQPNMLK', 'G': 'XWUTRQPNMLK'}
_NRIC = re.compile(r'[STFG]\d{7}[A-Z]')


def sg_nric(value: str, ctx: ValueContext) -> str | None:
    """Singapore NRIC or FIN (S/T/F/G series): weights 2 7 6 5 4 3 2 over the digits,
    4 more for the 2000s series (T, G), the remainder mod 11 picks the letter.
    python-stdnum has no module for it."""
    compact = value.strip().upper()
    if not _NRIC.fullmatch(compact) or _one_symbol(compact[1:8]):
        return None
    total = sum(int(d) * w for d, w in zip(compact[1:8], (2, 7, 6, 5, 4, 3, 2), strict=True))
    total += 4 if compact[0] in 'TG' else 0
    return '' if _NRIC_LETTERS[compact[0]][total % 11] == compact[8] else None


_HKID = re.compile(r'([A-Z]{1,2})(\d{6})([\dA])')


def hk_id(value: str, ctx: ValueContext) -> str | None:
    """Hong Kong identity card number, 'A123456(3)': letters count 10-35 (a space 36 when
    there is one letter), weights 9 down to 2, the check digit makes the sum 0 mod 11
    ('A' for 10).  python-stdnum has no module for it."""
    found = _HKID.fullmatch(_NON_ALNUM.sub('', value).upper())
    if found is None or _one_symbol(found.group(2)):
        return None
    letters, digits, check = found.groups()
    codes = ([36] if len(letters) == 1 else []) + [ord(c) - 55 for c in letters]
    codes += [int(d) for d in digits]
    total = sum(c * w for c, w in zip(codes, range(9, 1, -1), strict=True))
    expected = (11 - total % 11) % 11
    return '' if check == ('A' if expected == 10 else str(expected)) else None


#: US Medicare Beneficiary Identifier: no S L O I B Z, a digit or letter at fixed places.
_MBI = re.compile(r'[1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y\d]\d[AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y\d]\d'
                  r'[AC-HJKMNP-RT-Y]{2}\d{2}')


def us_mbi(value: str, ctx: ValueContext) -> str | None:
    """A Medicare Beneficiary Identifier (CMS format; it has no check digit, so the
    detector only counts under a header that names the number)."""
    compact = value.strip().upper().replace('-', '')
    return '' if _MBI.fullmatch(compact) else None


# --- documents ---------------------------------------------------------------

_DATE_SHAPES = (
    re.compile(r'(\d{4})[-/. ]?(\d{1,2})[-/. ]?(\d{1,2})'),     # 2021-03-04, 20210304
    re.compile(r'(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4})'),       # 04/03/2021 (either order)
)


def looks_like_date(value: str) -> bool:
    """A calendar date written as digits: an issue or expiry date, not an identifier."""
    text = value.strip()
    for number, shape in enumerate(_DATE_SHAPES):
        m = shape.fullmatch(text)
        if not m:
            continue
        a, b, c = (int(g) for g in m.groups())
        year, pairs = (a, ((b, c),)) if number == 0 else (c, ((b, a), (a, b)))
        for month, day in pairs:
            try:
                dt.date(year, month, day)
            except ValueError:
                continue
            if 1800 <= year <= 2200:
                return True
    return False


def passport(value: str, ctx: ValueContext) -> str | None:
    """US: 9 digits or a letter and 8 digits; elsewhere 6-9 letters and digits, some digits."""
    compact = _NON_ALNUM.sub('', value).upper()
    if not 6 <= len(compact) <= 9 or not any(ch.isdigit() for ch in compact):
        return None
    if _one_symbol(compact) or _one_symbol(_NON_DIGIT.sub('', compact)) or looks_like_date(value):
        return None
    return ''


def drivers_license(value: str, ctx: ValueContext) -> str | None:
    """US states use 5-15 letters and digits; every format holds digits."""
    compact = _NON_ALNUM.sub('', value).upper()
    if not 5 <= len(compact) <= 15 or sum(ch.isdigit() for ch in compact) < 2:
        return None
    if _one_symbol(compact) or looks_like_date(value):
        return None
    return ''


# --- IP addresses ------------------------------------------------------------

_DOC_NETWORKS = tuple(ipaddress.ip_network(n) for n in (
    '192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24',     # RFC 5737
    '2001:db8::/32', '3fff::/20',                             # RFC 3849, RFC 9637
))


def ip_address(value: str, ctx: ValueContext) -> str | None:
    """'public-ip', 'doc-ip' (RFC 5737/3849) or 'private-ip'; None for what is not an address."""
    text = value.split('%', 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if address.version == 4:
        octets = text.split('.')
        if len(octets[0]) == 1 and sum(len(octet) == 1 for octet in octets) >= 3:
            return None         # 1.2.3.4, 4.0.1.2, 2.5.4.97: versions and OIDs, not hosts
    elif not any(ch.isdigit() for ch in text):
        return None             # '::', 'bad::dec': separators and C++ scopes, not addresses
    if any(address in network for network in _DOC_NETWORKS):
        return 'doc-ip'
    if address.is_global:
        return 'public-ip'
    return 'private-ip'         # private, loopback, link-local, shared (CGNAT), reserved


# --- phones ------------------------------------------------------------------

_EXTENSION = re.compile(r'\s*(?:x|ext\.?|extension|#)\s*\d{1,6}$', re.IGNORECASE)
#: How North American numbers are written: 202-555-0143, (202) 555-0143, +1 202.555.0143.
_NANP_SHAPE = re.compile(r'(?:\+?1[ .\-]?)?(?:\(\d{3}\) ?|\d{3}[ .\-]?)\d{3}[ .\-]?\d{4}')
_YEAR_RANGE = re.compile(r'(?:1[89]|2[01])\d{2}\s*[-/]\s*(?:(?:1[89]|2[01])\d{2}|\d{2})')
_DIGIT_GROUPS = re.compile(r'\d{1,3}(?:[ .]\d{3})+')        # 1 234 567 890: a number, not a phone
#: Numbers set aside for drama and examples: never a subscriber's.
#: US 555-0100..0199 (any area code); Ofcom's drama ranges (GB national significant numbers).
_FICTIONAL_GB = ('1134960', '1144960', '1154960', '1164960', '1174960', '1184960', '1214960',
                 '1314960', '1414960', '1514960', '1614960', '2079460', '2890180', '2920180',
                 '1632960', '7700900', '8081570', '9098790', '3069990')


def _fictional(number: object) -> bool:
    import phonenumbers
    assert isinstance(number, phonenumbers.PhoneNumber)
    national = str(number.national_number)
    if number.country_code == 1 and len(national) == 10:
        return national[3:6] == '555' and national[6:8] == '01'
    if number.country_code == 44:
        return national.startswith(_FICTIONAL_GB)
    return False


def phone(value: str, ctx: ValueContext) -> str | None:
    """A valid number for the region: 'mobile', 'fixed', 'office' (toll free, shared cost,
    premium, UAN) or '' when the plan cannot tell (US/CA FIXED_LINE_OR_MOBILE, VoIP)."""
    text = value.strip()
    digits = _NON_DIGIT.sub('', _EXTENSION.sub('', text))
    if not 7 <= len(digits) <= 15 or _one_symbol(digits):
        return None
    if looks_like_date(text) or _YEAR_RANGE.fullmatch(text) or _DIGIT_GROUPS.fullmatch(text):
        return None
    text = _EXTENSION.sub('', text)
    region = (ctx.region or 'US').upper()
    kind = _phone_kind(text, region)
    if kind is not None or ctx.header_category != 'phone' or text.startswith('+') or \
            text.isdigit():
        return kind     # bare digits are a count or an ID as often as a number abroad
    # under a phone header the column says what it is; the country is what we may not know:
    # a number valid in another common region counts (never a merely possible length)
    for other in _HEADER_REGIONS:
        if other != region:
            kind = _phone_kind(text, other)
            if kind is not None:
                return kind
    return None


#: Regions tried for a number under a phone header that is not valid in the default one.
_HEADER_REGIONS = ('GB', 'CA', 'DE', 'FR', 'ES', 'IT', 'NL', 'BE', 'CH', 'AT', 'IE', 'PT', 'BR',
                   'MX', 'AR', 'CO', 'IN', 'AU', 'NZ', 'PL', 'SE', 'JP', 'CN', 'PH', 'NG', 'ZA')




@functools.lru_cache(maxsize=4096)      # a switchboard number repeats down a column
def _phone_kind(text: str, region: str) -> str | None:
    import phonenumbers
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    # number_type is is_valid_number's own test (UNKNOWN means invalid): one call, not two
    if number.country_code == 1 and not _NANP_SHAPE.fullmatch(text):
        return None             # '2 12345.6789', '10.3389/2022.983323': digits, not a NANP number
    kind = phonenumbers.number_type(number)
    types = phonenumbers.PhoneNumberType
    if kind == types.UNKNOWN or _fictional(number):
        return None
    if kind in (types.MOBILE, types.PERSONAL_NUMBER):
        return 'mobile'
    if kind == types.FIXED_LINE:
        return 'fixed'
    if kind in (types.TOLL_FREE, types.SHARED_COST, types.PREMIUM_RATE, types.UAN):
        return 'office'
    return ''
