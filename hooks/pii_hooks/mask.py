"""The one masking function every output path uses.

Masking keeps what a person needs to recognise a column (the last digits of a
number, the first letter and the top-level domain of an e-mail address, the
initials of a name) and nothing that identifies the person.  The masked form
goes to public CI logs, SARIF uploads and step summaries, so it must be safe
there: what survives is a few characters, never enough to enumerate a value.

Values are cut to ``MAX_INPUT`` characters *before* masking, so a long cell
(a pasted document, a note) never grows into a long masked copy.
"""
from __future__ import annotations

import re

#: Input is cut to this many characters first; the masked form is shorter still.
MAX_INPUT = 64
#: At most this many words keep an initial; the rest collapse into one marker.
MAX_WORDS = 4

_DIGIT = re.compile(r'\d')
_IPV4 = re.compile(r'^(\d{1,3})(?:\.\d{1,3}){3}$')
_SPECIAL = frozenset({'health', 'nationality', 'immigration_status', 'ethnicity', 'religion',
                      'gender', 'sexual_orientation', 'criminal_record'})
_RUN5 = re.compile(r'\d{5}')


def _mask_email(value: str) -> str:
    local, _, domain = value.partition('@')
    labels = domain.split('.')
    tld = labels[-1] if len(labels) > 1 and labels[-1].isalpha() and len(labels[-1]) <= 6 else ''
    head = (labels[0][:1] + '***') if labels and labels[0] else '***'
    masked_domain = head + ('.' + tld if tld else '')
    return f'{local[:1]}***@{masked_domain}'


def _keep_digits(total: int) -> int:
    """Trailing digits a number may keep: 4 of a long identifier, fewer of a short one."""
    if total >= 9:
        return 4
    if total >= 7:
        return 2
    return 0          # a postal code, a house number, a short ID: nothing survives


def _mask_digits(value: str) -> str:
    total = len(_DIGIT.findall(value))
    keep = _keep_digits(total)
    out = []
    seen = 0
    for ch in value:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen > total - keep else '*')
        elif ch.isalnum():
            out.append('*')
        else:
            out.append(ch)
    return ''.join(out)


def _initial(word: str) -> str:
    # a number inside text (a house number, a year) keeps nothing, not even its first digit
    return word[:1] + '***' if word[:1].isalpha() else '***'


def _mask_words(value: str) -> str:
    words = value.split()
    masked = [_initial(w) for w in words[:MAX_WORDS]]
    if len(words) > MAX_WORDS:
        masked.append('...')
    return ' '.join(masked) or '***'


def _mask_name(value: str) -> str:
    parts = [w for w in re.split(r'[\s,]+', value) if w]
    initials = [w[:1] + '.' for w in parts[:MAX_WORDS] if w[:1].isalpha()]
    return ' '.join(initials) or '***'


def _mask_iban(value: str) -> str:
    compact = re.sub(r'\s', '', value)
    if len(compact) < 8:
        return '*' * len(compact)
    return compact[:2] + '*' * (len(compact) - 6) + compact[-4:]


def _mask_ip(value: str) -> str:
    v4 = _IPV4.match(value)
    if v4:
        return f'{v4.group(1)}.*.*.*'
    if ':' in value:
        return value.split(':', 1)[0] + ':****'
    return _mask_digits(value)


def mask_value(value: object, category: str = '') -> str:
    return _inert(_mask_value(value, category))


def _mask_value(value: object, category: str = '') -> str:
    """Return a masked form of a cell value, safe for public logs.

    By category: e-mail ``j***@e***.org``; person name ``J. D.``; date of
    birth fully masked; IBAN country code and last 4; IP address first octet;
    secret first 2 characters of a long one; special-category values the
    first letter; numbers their last 4 digits when they have 9 or more, 2
    with 7 or 8, none when shorter; other text the initial of each word.
    """
    text = str(value).strip()[:MAX_INPUT]
    if not text:
        return ''
    if category == 'email' or ('@' in text and category in ('', 'username')):
        return _mask_email(text)
    if category == 'secret':
        return (text[:2] + '*' * 6) if len(text) > 12 else '*' * 8
    if category == 'date_of_birth':
        return re.sub(r'\w', '*', text)
    if category == 'iban':
        return _mask_iban(text)
    if category == 'ip_address':
        return _mask_ip(text)
    if category in _SPECIAL:
        return _initial(text)
    if category == 'username':
        return text[:1] + '***' if text[:1].isalpha() else '***'
    digits = len(_DIGIT.findall(text))
    letters = sum(ch.isalpha() for ch in text)
    if category == 'person_name' and digits == 0:
        return _mask_name(text)
    if digits >= 4 and digits >= letters:
        return _mask_digits(text)
    return _mask_words(text)


def mask_label(text: str, category: str = '') -> str:
    return _inert(_mask_label(text, category))


def _mask_label(text: str, category: str = '') -> str:
    """A column, sheet or member name as reports may show it.

    Labels are normally headers (``SSN``, ``Email``), printed as they are.  A
    label shaped like a value (an e-mail address, a long number) is a sign
    the reader took a data row or a JSON key for a header: mask it.  So is,
    in a column of person names, a label that reads like a name itself
    (``Jane Doe`` rather than ``Full Name``).
    """
    text = text[:MAX_INPUT * 2]
    if category == 'person_name' and _looks_like_a_name(text):
        return _mask_name(text)
    words = text.split()
    if not any(_value_shaped(w) for w in words):
        return text
    return ' '.join(mask_value(w) if _value_shaped(w) else w for w in words)


#: Words of person-name headers: a label with one of them is a header, not a name.
_HEADER_WORDS = frozenset({
    'name', 'names', 'first', 'last', 'given', 'family', 'surname', 'full', 'middle', 'contact',
    'person', 'people', 'author', 'authors', 'owner', 'employee', 'staff', 'member', 'user',
    'student', 'patient', 'client', 'applicant', 'speaker', 'officer', 'manager', 'by', 'of',
    'the', 'and', 'id', 'display', 'legal', 'preferred', 'maiden', 'nick', 'nickname',
    'customer', 'recipient', 'sender', 'agent', 'representative', 'principal', 'investigator',
    'lead', 'head', 'chair', 'director', 'team', 'emergency', 'beneficiary', 'guardian',
    'parent', 'spouse', 'victim', 'witness', 'defendant', 'plaintiff', 'detainee', 'inmate',
})
_NAME_WORD = re.compile(r"^[A-Z][a-z]*(?:[-'][A-Z]?[a-z]+)*\.?$")


def _looks_like_a_name(text: str) -> bool:
    words = text.split()
    return (2 <= len(words) <= 4 and all(_NAME_WORD.match(w) for w in words)
            and not any(w.lower().strip('.') in _HEADER_WORDS for w in words))


def _value_shaped(word: str) -> bool:
    # '2020-2021' and '1985-03-12' stay (time-series headers); 512-44-6789, A12345678 do not
    return ('@' in word and '.' in word.split('@', 1)[1]) or bool(_RUN5.search(word)) or len(
        _DIGIT.findall(word)) >= 9


_FORMULA_START = ('=', '+', '-', '@', '\t', '\r')


def _inert(text: str) -> str:
    """A report opened in a spreadsheet must not run a cell: quote a formula's first character.

    Numbers and masked phone numbers ('-12', '+* (***) ***-2368') stay as they are;
    '=HYPERLINK(...)' becomes "'=HYPERLINK(...)".
    """
    if text.startswith(_FORMULA_START) and not (text[:1] in '+-' and text[1:2] in '0123456789*'):
        return "'" + text
    return text
