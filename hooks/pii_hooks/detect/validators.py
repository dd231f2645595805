"""Validators: turn a pattern candidate into a confident hit, or reject it.

Each returns a signal string ('' when there is nothing more to say) for a
valid value and None for a value that only looks like one.  Checksums come
from python-stdnum and phonenumbers, not from hand-written arithmetic.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pii_hooks.detect.values import ValueContext

_NON_DIGIT = re.compile(r'\D')

#: Free mailbox providers: an address there is a private person's, not an office's.
WEBMAIL_DOMAINS = frozenset("""
gmail.com googlemail.com yahoo.com yahoo.co.uk yahoo.fr yahoo.es yahoo.de ymail.com
hotmail.com hotmail.co.uk hotmail.fr hotmail.es hotmail.de outlook.com outlook.fr live.com
live.co.uk msn.com aol.com icloud.com me.com mac.com protonmail.com proton.me pm.me gmx.com
gmx.de gmx.net web.de t-online.de mail.com mail.ru yandex.ru yandex.com zoho.com fastmail.com
hey.com tutanota.com qq.com 163.com 126.com naver.com orange.fr free.fr laposte.net sfr.fr
wanadoo.fr libero.it virgilio.it terra.com.br uol.com.br bol.com.br comcast.net verizon.net
att.net sbcglobal.net cox.net earthlink.net btinternet.com sky.com virginmedia.com
""".split())

#: Domains reserved for documentation and examples (RFC 2606, RFC 6761).
EXAMPLE_DOMAINS = ('example.com', 'example.org', 'example.net', 'example.edu', 'test', 'example',
                   'invalid', 'localhost')


def accept(value: str, ctx: ValueContext) -> str | None:
    return ''


def email(value: str, ctx: ValueContext) -> str | None:
    local, _, domain = value.rpartition('@')
    domain = domain.lower().rstrip('.')
    if not local or '.' not in domain:
        return None
    if domain in EXAMPLE_DOMAINS or domain.endswith(tuple('.' + d for d in EXAMPLE_DOMAINS)):
        return 'example'
    if domain in WEBMAIL_DOMAINS:
        return 'webmail'
    role = local.lower().split('+')[0]
    if role in _ROLE_MAILBOXES:
        return 'role-mail'
    return 'org-mail'


_ROLE_MAILBOXES = frozenset("""
info contact contacts admin administrator office hello help support team press media news
newsletter webmaster postmaster noreply no-reply donotreply do-not-reply sales enquiries inquiries
feedback privacy security abuse jobs careers hr billing accounts questions general events
communications comms web website editor editors foia records mail
""".split())


def ssn(value: str, ctx: ValueContext) -> str | None:
    digits = _NON_DIGIT.sub('', value)[:9]
    area, group, serial = digits[:3], digits[3:5], digits[5:9]
    if area in ('000', '666') or area[0] == '9' or group == '00' or serial == '0000':
        return None
    if digits in ('123456789', '078051120', '219099999'):   # advertised and sample numbers
        return None
    if len(set(digits)) == 1:
        return None
    return ''


def luhn(value: str, ctx: ValueContext) -> str | None:
    from stdnum import luhn as stdnum_luhn
    digits = _NON_DIGIT.sub('', value)
    if len(set(digits)) <= 2:
        return None
    return '' if stdnum_luhn.is_valid(digits) else None


def a_number(value: str, ctx: ValueContext) -> str | None:
    digits = _NON_DIGIT.sub('', value)
    if len(digits) not in (8, 9) or len(set(digits)) == 1:
        return None
    return ''


def phone(value: str, ctx: ValueContext) -> str | None:
    import phonenumbers
    region = ctx.region or 'US'
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    kind = phonenumbers.number_type(number)
    if kind == phonenumbers.PhoneNumberType.MOBILE:
        return 'mobile'
    if kind in (phonenumbers.PhoneNumberType.TOLL_FREE, phonenumbers.PhoneNumberType.SHARED_COST,
                phonenumbers.PhoneNumberType.PREMIUM_RATE):
        return 'office'
    if kind == phonenumbers.PhoneNumberType.FIXED_LINE:
        return 'fixed'
    return ''
