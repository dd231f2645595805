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
_PERSONAL_BASES = ('validated', 'name-list', 'header-values')

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


def judge_table(table: TableEvidence, headers_only: bool = False) -> list[_Verdict]:
    """The default verdict for every column of one table."""
    cols = [c for c in table.columns]
    personal = [c for c in cols if _personal(c)]
    people = [c for c in personal if c.category in PERSON]
    has_person = bool(people)
    profile = bool(table.profile_columns)
    hidden_part = table.state not in ('visible', '')
    verdicts: list[_Verdict] = []
    webmail = sum(_signal(c, 'webmail') for c in personal if c.category == 'email')
    emails = sum(c.count for c in personal if c.category == 'email')
    mobiles = sum(_signal(c, 'mobile') for c in personal if c.category == 'phone')
    private_contact = (emails and webmail * 3 >= emails and webmail >= 2) or mobiles >= 2
    harms = sorted({c.category for c in personal
                    if c.category in IDENTIFIERS | SPECIAL | {'date_of_birth'}
                    and (c.category != 'secret')
                    and (c.category in IDENTIFIERS or has_person)})
    for col in cols:
        cat = col.category
        if not _personal(col):
            if headers_only and col.nonempty and col.basis == 'header':
                verdicts.append(_Verdict(col, BLOCK, 'pii-header',
                                         f'the header names {label(cat)} and values sit under it'))
            elif col.basis == 'masked':
                verdicts.append(_Verdict(col, WARN, 'masked-values',
                                         f'the header names {label(cat)}, the values look masked'))
            elif col.basis == 'header':
                verdicts.append(_Verdict(col, WARN, 'header-only',
                                         f'the header names {label(cat)} but no value under it '
                                         'is one (a template or codebook?)'))
            continue
        if cat in IDENTIFIERS:
            verdicts.append(_Verdict(col, BLOCK, 'secret' if cat == 'secret' else
                                     'validated-identifier',
                                     'credentials give access to systems: a published key '
                                     'is a compromised key' if cat == 'secret' else
                                     f'{label(cat)} identify a person on their own'))
        elif (col.hidden or hidden_part) and cat in PERSON | {'date_of_birth', 'street_address'}:
            verdicts.append(_Verdict(col, BLOCK, 'hidden-people',
                                     f'{label(cat)} in a hidden part ({table.state or "hidden"}): '
                                     'hidden data is published too'))
        elif cat == 'date_of_birth' and (has_person or col.count >= 5):
            verdicts.append(_Verdict(col, BLOCK, 'sensitive-record',
                                     'dates of birth beside people identify them'))
        elif cat in SPECIAL and has_person:
            verdicts.append(_Verdict(col, BLOCK, 'sensitive-record',
                                     f'{label(cat)} beside people is special-category data'))
        elif cat in PERSON and harms:
            verdicts.append(_Verdict(col, BLOCK, 'sensitive-record',
                                     f'{label(cat)} in the same records as '
                                     f'{", ".join(label(h) for h in harms[:3])}'))
        elif cat == 'street_address' and has_person and not profile:
            verdicts.append(_Verdict(col, BLOCK, 'home-address',
                                     'street addresses beside people, with no public-profile '
                                     'columns: home addresses?'))
        elif cat == 'ip_address' and _signal(col, 'public-ip') >= 2:
            verdicts.append(_Verdict(col, BLOCK, 'ip-individuals',
                                     'public IP addresses in records identify individuals'))
        elif cat in ('email', 'phone', 'person_name') and private_contact and not profile:
            verdicts.append(_Verdict(col, BLOCK, 'private-contact',
                                     f'{label(cat)} of private individuals (personal webmail or '
                                     'mobile numbers, no public-profile columns)'))
        elif cat == 'email' and col.count and (
                _signal(col, 'role-mail') + _signal(col, 'example')) >= col.count:
            continue     # info@agency.gov, someone@example.org: not a person
        elif profile and cat in ('email', 'phone', 'person_name', 'street_address', 'postal_code'):
            verdicts.append(_Verdict(col, WARN, 'public-role',
                                     f'{col.count} {label(cat)} with profile columns '
                                     f'({", ".join(table.profile_columns[:4])}): looks like a '
                                     'public directory of people in public roles'))
        else:
            verdicts.append(_Verdict(col, WARN, 'personal-data',
                                     f'{label(cat)} without the signals that make a record '
                                     f'harmful (no identifier, no special category, '
                                     f'{"no personal webmail or mobiles" if cat != "person_name" else "no contact data"})'))
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


def decide(evidence: FileEvidence, config: Config, publish: Publish = Publish(),
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
