"""The one masking function every output path uses.

Masking keeps what a person needs to recognise a row (the last digits of a
number, the first letter and the top-level domain of an e-mail address) and
nothing that identifies the person.
"""
from __future__ import annotations

import re

_DIGIT = re.compile(r'\d')


def _mask_email(value: str) -> str:
    local, _, domain = value.partition('@')
    labels = domain.split('.')
    tld = labels[-1] if len(labels) > 1 else ''
    head = (labels[0][:1] + '***') if labels and labels[0] else '***'
    masked_domain = head + ('.' + tld if tld else '')
    return f'{local[:1]}***@{masked_domain}'


def _mask_digits(value: str, keep: int) -> str:
    total = len(_DIGIT.findall(value))
    keep = min(keep, max(total - 5, 0)) if total < 9 else keep
    out = []
    seen = 0
    for ch in value:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen > total - keep else '*')
        elif ch.isalpha():
            out.append('*')
        else:
            out.append(ch)
    return ''.join(out)


def _mask_words(value: str) -> str:
    words = value.split()
    return ' '.join(w[:1] + '***' if w[:1].isalnum() else '***' for w in words) or '***'


def mask_value(value: object, category: str = '') -> str:
    """Return a masked form of a cell value, safe for public logs.

    Long values are cut first so a masked example never grows into a copy of
    a document.  Numbers keep their last 4 digits when they have 9 or more,
    fewer when shorter, none when very short.
    """
    text = str(value).strip()[:64]
    if not text:
        return ''
    if category == 'email' or ('@' in text and category in ('', 'username')):
        return _mask_email(text)
    if category == 'secret':
        return (text[:2] + '*' * 6) if len(text) > 12 else '*' * 8
    if category == 'date_of_birth':
        return _DIGIT.sub('*', text)
    digits = len(_DIGIT.findall(text))
    letters = sum(ch.isalpha() for ch in text)
    if digits >= 4 and digits >= letters:
        return _mask_digits(text, 4 if digits >= 9 else 2)
    return _mask_words(text)
