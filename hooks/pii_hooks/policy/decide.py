"""Evidence, configuration, allowlist and publish paths become decisions.

The default tiers (the severity issue):

* block: validated identifiers and secrets; a date of birth, a home address or
  a special-category attribute beside a person; contact data of private
  individuals (personal webmail, mobile numbers); IP addresses of
  individuals; people in any hidden part; files we cannot read.
* warn: people in public roles (a directory with profile columns and work
  contact), handles alone, a few names alone, PII headers with no values.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import NamedTuple

from pii_hooks.models import (
    BLOCK,
    STRUCTURE,
    UNREADABLE,
    WARN,
    ColumnEvidence,
    FileEvidence,
    Finding,
    Location,
    TableEvidence,
)
from pii_hooks.policy.config import Config, glob_match

IDENTIFIERS = frozenset({'ssn', 'itin', 'a_number', 'passport', 'drivers_license', 'national_id',
                         'tax_id', 'credit_card', 'iban', 'bank_account', 'secret'})
SPECIAL = frozenset({'health', 'immigration_status', 'criminal_record', 'religion', 'ethnicity',
                     'sexual_orientation', 'nationality'})
PERSON = frozenset({'person_name', 'email', 'phone'}) | IDENTIFIERS - {'secret'}
_PERSONAL_BASES = ('validated', 'pattern', 'name-list', 'header-values')

LABELS = {
    'person_name': 'person names', 'email': 'e-mail addresses', 'phone': 'phone numbers',
    'ssn': 'US social security numbers', 'itin': 'US ITINs', 'a_number': 'alien registration '
    'numbers (A-numbers)', 'passport': 'passport numbers', 'drivers_license': "driver's licence "
    'numbers', 'national_id': 'national ID numbers', 'date_of_birth': 'dates of birth',
    'street_address': 'street addresses', 'postal_code': 'postal codes', 'ip_address':
    'IP addresses', 'credit_card': 'payment card numbers', 'iban': 'IBANs', 'bank_account':
    'bank account numbers', 'tax_id': 'tax IDs', 'health': 'health data', 'nationality':
    'nationalities', 'immigration_status': 'immigration or case statuses', 'ethnicity':
    'ethnicity or race values', 'religion': 'religions', 'gender': 'genders',
    'sexual_orientation': 'sexual orientations', 'criminal_record': 'criminal records',
    'username': 'usernames or handles', 'secret': 'secrets (credentials)',
    UNREADABLE: 'unreadable content', STRUCTURE: 'a hidden structure',
}


class Publish(NamedTuple):
    """Which paths a site serves, and under which URL (policy/publish.py finds them)."""

    url_for: Callable[[str], str | None] = lambda path: None
    is_published: Callable[[str], bool] = lambda path: True
    generator: str = ''


class _Verdict(NamedTuple):
    column: ColumnEvidence
    severity: str
    rule: str
    reason: str


def label(category: str) -> str:
    return LABELS.get(category, category.replace('_', ' '))


def _signal(col: ColumnEvidence, name: str) -> int:
    return dict(col.notes).get(name, 0)


def _personal(col: ColumnEvidence) -> bool:
    return col.basis in _PERSONAL_BASES and col.count > 0


def _organisational(col: ColumnEvidence) -> bool:
    """EINs and bank routing numbers name organisations and banks, not people."""
    signals = dict(col.notes)
    org = signals.get('ein', 0) + signals.get('routing', 0)
    return col.category in ('tax_id', 'bank_account') and org > 0 and org * 2 >= col.count


def _not_a_person(col: ColumnEvidence) -> bool:
    """Office mailboxes, placeholder addresses, private and documentation IP ranges.

    An example-domain address is a placeholder in a template or a doc; a column of
    many different ones beside names is a (scrubbed or synthetic) list of people.
    """
    if not col.count:
        return False
    if col.category == 'email':
        placeholders = _signal(col, 'example') if _signal(col, 'distinct') < 3 else 0
        return _signal(col, 'role-mail') + placeholders >= col.count
    if col.category == 'ip_address':
        return _signal(col, 'public-ip') == 0
    return False


_WEAK_PROFILE = re.compile(
    r'^(?:(?:job|title|role|roles|position|dept|department|division|company|firm|agency|'
    r'organi[sz]ation|org|employer|occupation|profession|business|name|state)\s*)+$')
#: A list of people with names and contact data, and not one column that describes a
#: public role, is an export of contacts once it is this long.
CONTACT_LIST_ROWS = 20


def _strong_profile(table: TableEvidence) -> bool:
    """A column that only public profiles have (bio, photo, ORCID, party, district...).

    Job title, department and company describe a CRM export as well as a team page.
    """
    return any(not _WEAK_PROFILE.match(' '.join(_WORDS.findall(h.lower())))
               for h in table.profile_columns)


_WORDS = re.compile(r'[a-z]+')


def judge_table(table: TableEvidence, headers_only: bool = False) -> list[_Verdict]:
    """The default verdict for every column of one table."""
    cols = list(table.columns)
    personal = [c for c in cols if _personal(c) and not _not_a_person(c)]
    names = [c for c in personal if c.category == 'person_name']
    people = [c for c in personal if c.category in PERSON and not _organisational(c)]
    has_person = bool(people)
    profile = bool(table.profile_columns)
    strong_profile = _strong_profile(table)
    contacts = [c for c in people if c.category in ('email', 'phone')]
    contact_list = bool(names and contacts and not profile and table.rows >= CONTACT_LIST_ROWS
                        and min(c.count for c in names + contacts) >= CONTACT_LIST_ROWS // 2)
    state = table.state or 'visible'
    metadata = state == 'metadata'
    hidden_part = state != 'visible' and not metadata
    webmail = sum(_signal(c, 'webmail') for c in personal if c.category == 'email')
    emails = sum(c.count for c in personal if c.category == 'email')
    mobiles = sum(_signal(c, 'mobile') for c in personal if c.category == 'phone')
    private_contact = bool((emails and webmail * 3 >= emails and webmail >= 2) or mobiles >= 2)
    harms = sorted({c.category for c in personal
                    if c.category != 'secret' and not _organisational(c)
                    and (c.category in IDENTIFIERS
                         or (c.category in SPECIAL | {'date_of_birth'} and has_person))})
    verdicts: list[_Verdict] = []

    def add(col: ColumnEvidence, severity: str, rule: str, reason: str) -> None:
        verdicts.append(_Verdict(col, severity, rule, reason))

    for col in cols:
        cat = col.category
        what = label(cat)
        if not _personal(col):
            if headers_only and col.nonempty and col.basis == 'header':
                add(col, BLOCK, 'pii-header', f'the header names {what} and values sit under it')
            elif col.basis == 'masked':
                add(col, WARN, 'masked-values', f'the header names {what}, the values look masked')
            elif col.basis == 'header':
                add(col, WARN, 'header-only', f'the header names {what} but no value under it '
                    'is one (a template or codebook?)')
            continue
        if _not_a_person(col):
            continue        # info@agency.gov, someone@example.org, 10.0.0.1, 192.0.2.7
        if cat in _ABOUT_SOMEONE and not has_person and not (col.hidden or hidden_part) and (
                cat != 'date_of_birth' or col.basis == 'pattern'):
            continue        # 'sex' in a table of restaurant bills, nationality in statistics
        if cat == 'secret':
            add(col, BLOCK, 'secret', 'credentials give access to systems: a published key is a '
                'compromised key')
        elif _organisational(col):
            add(col, WARN, 'organisation-id', f'{what} that read as employer IDs or bank routing '
                "numbers: organisations', not people's")
        elif cat in IDENTIFIERS:
            add(col, BLOCK, 'validated-identifier', f'{what} identify a person on their own')
        elif metadata and cat in PERSON:
            add(col, WARN, 'document-metadata', f'{what} in the document metadata '
                f'({table.part}): an author or editor, published with the file')
        elif (col.hidden or hidden_part) and cat in PERSON | {'date_of_birth', 'street_address'}:
            where = state if hidden_part else 'hidden columns or rows'
            add(col, BLOCK, 'hidden-people', f'{what} in a hidden part ({where}): hidden data is '
                'published too')
        elif cat == 'date_of_birth' and (has_person or (col.basis == 'validated'
                                                        and col.count >= 5)):
            add(col, BLOCK, 'sensitive-record', 'dates of birth beside people identify them')
        elif cat in SPECIAL and has_person:
            add(col, BLOCK, 'sensitive-record', f'{what} beside people are special-category data')
        elif cat in PERSON and harms:
            add(col, BLOCK, 'sensitive-record', f'{what} in the same records as '
                f'{", ".join(label(h) for h in harms[:3])}')
        elif cat == 'street_address' and names and not strong_profile:
            add(col, BLOCK, 'home-address', 'street addresses beside person names, with no '
                'public-profile columns: home addresses')
        elif cat in PERSON and names and not strong_profile and any(
                c.category == 'street_address' for c in personal):
            add(col, BLOCK, 'home-address', f'{what} beside street addresses, with no '
                'public-profile columns: a mailing or shipping list')
        elif cat == 'ip_address' and _signal(col, 'public-ip') >= 2:
            add(col, BLOCK, 'ip-individuals', 'public IP addresses in records identify '
                'individuals (documentation and private ranges are not counted)')
        elif cat in ('email', 'phone', 'person_name') and private_contact and not strong_profile:
            add(col, BLOCK, 'private-contact', f'{what} of private individuals (personal webmail '
                'or mobile numbers, no public-profile columns)')
        elif cat in ('email', 'phone', 'person_name') and contact_list:
            add(col, BLOCK, 'contact-list', f'{what} in {table.rows:,} records of names and '
                'contact data with no column that describes a public role: a contact export')
        elif profile and cat in PERSON | {'street_address', 'postal_code', 'username'}:
            add(col, WARN, 'public-role', f'{col.count} {what} with profile columns '
                f'({", ".join(table.profile_columns[:4])}): looks like a public directory of '
                'people in public roles')
        else:
            missing = 'no contact data' if cat == 'person_name' else \
                'no personal webmail or mobiles'
            add(col, WARN, 'personal-data', f'{what} without the signals that make a record '
                f'harmful (no identifier, no special category, {missing})')
    return verdicts


def _fix_for(finding_path: str, category: str, severity: str) -> str:
    if category == UNREADABLE:
        return ''
    allow = f'pii-hooks allow {finding_path} --reason "..."'
    if severity == BLOCK:
        return (f'remove the column or the rows, or publish an aggregate; if the data is meant to '
                f'be public: {allow}')
    return (f'to make this block, set "categories: {{{category}: block}}" in .pii-hooks.yaml; '
            f'to silence it: {allow}')


def _allowed(config: Config, evidence: FileEvidence, location: Location, category: str) -> bool:
    for entry in config.allow:
        if not glob_match(evidence.path, entry.path):
            continue
        if entry.sha256 and entry.sha256 != evidence.content_hash:
            continue          # the allowed file changed: scan it again
        if entry.category and entry.category != category:
            continue
        if entry.column and entry.column != location.column:
            continue
        if entry.sheet and entry.sheet not in location.part:
            continue
        return True
    return False


def _level_for(config: Config, path: str, category: str, rule: str, severity: str,
               published: bool) -> str:
    levels = dict(config.categories)
    public_roles = config.public_roles
    unpublished = config.unpublished
    for path_rule in config.rules:
        if any(glob_match(path, p) for p in path_rule.paths):
            levels.update(path_rule.categories)
            public_roles = path_rule.public_roles or public_roles
            unpublished = path_rule.unpublished or unpublished
    if category in levels:
        return levels[category]
    if rule == 'public-role' and public_roles == BLOCK:
        return BLOCK
    if severity == BLOCK and not published and unpublished == WARN and category != UNREADABLE:
        return WARN
    return severity


_EVERYTHING_PUBLISHED = Publish()
#: Attributes that describe a person only when a person is in the same records.
_ABOUT_SOMEONE = SPECIAL | {'gender', 'street_address', 'postal_code', 'date_of_birth'}


def decide(evidence: FileEvidence, config: Config, publish: Publish = _EVERYTHING_PUBLISHED,
           headers_only: bool = False) -> list[Finding]:
    """Findings for one file, most severe first."""
    findings: list[Finding] = []
    published = publish.is_published(evidence.path)
    url = publish.url_for(evidence.path)
    for problem in evidence.problems:
        loc = Location(part=problem.part)
        level = _level_for(config, evidence.path, problem.category, 'fail-closed',
                           BLOCK if problem.blocks else WARN, published)
        if level == 'off' or _allowed(config, evidence, loc, problem.category):
            continue
        findings.append(Finding(evidence.path, problem.category, level, loc, 0, (),
                                problem.reason, problem.fix, 'fail-closed', evidence.commit, url))
    for table in evidence.tables:
        limits = config.thresholds
        for verdict in judge_table(table, headers_only):
            col = verdict.column
            if col.category not in IDENTIFIERS and col.count and (
                    col.count < limits.min_count
                    or col.count < limits.min_share * max(col.nonempty, 1)):
                continue        # the repository asked for quieter reports
            loc = Location(table.part, table.state, col.column, col.column_index, col.first_row,
                           col.last_row)
            level = _level_for(config, evidence.path, col.category, verdict.rule,
                               verdict.severity, published)
            if level == 'off' or _allowed(config, evidence, loc, col.category):
                continue
            reason = verdict.reason
            if level == BLOCK and url:
                reason += f'; will be published at {url}'
            findings.append(Finding(evidence.path, col.category, level, loc, col.count,
                                    col.examples, reason, _fix_for(evidence.path, col.category,
                                                                   level),
                                    verdict.rule, evidence.commit, url))
    findings.sort(key=lambda f: (f.severity != BLOCK, f.location.part, f.location.column_index))
    return findings


def blocks(findings: Iterable[Finding]) -> bool:
    return any(f.severity == BLOCK for f in findings)
