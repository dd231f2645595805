"""Nothing leaks: no raw value, and no MD5/SHA-1/SHA-256 of a value, in any artefact we write.

A synthetic people file holds every category of the vocabulary, as CSV and as
XLSX (a visible and a hidden sheet).  It is scanned through every output path
a user or a CI log sees: text, JSON, SARIF, GitHub annotations and the step
summary, stderr, the pre-commit hook, and the allowlist that `pii-hooks allow`
writes.  Whether each category is detected is other tests' business; here
only non-leakage (and that the file blocks) is asserted.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from pii_hooks.cli import main
from pii_hooks.models import CATEGORIES
from pii_hooks.policy.config import load_config
from pii_hooks.report.github import write_step_summary
from pii_hooks.run import scan_items
from pii_hooks.sources.files import walk_paths
from tests.conftest import run_git

# every value obviously synthetic: reserved/test ranges, documentation IPs, test card numbers
COLUMNS: dict[str, tuple[str, tuple[str, str, str]]] = {
    'person_name': ('Full Name', ('Thaddeus Brightwater', 'Ottoline Vanterpool',
                                  'Ignatius Fairweather')),
    'email': ('Email', ('thaddeus.brightwater@gmail.com', 'ottoline.vanterpool@yahoo.com',
                        'ignatius.fairweather@hotmail.com')),
    'phone': ('Mobile Phone', ('+1 202-555-0143', '+1 312-555-0178', '+1 415-555-0199')),
    'ssn': ('SSN', ('512-44-6789', '321-54-9876', '234-56-7890')),
    'itin': ('ITIN', ('912-78-1234', '934-80-5678', '955-91-2345')),
    'a_number': ('A-Number', ('A098765432', 'A123456789', 'A234567801')),
    'passport': ('Passport Number', ('X12345678', 'Z98765432', 'P23456789')),
    'drivers_license': ("Driver's License", ('D1234567', 'F7654321', 'K2468013')),
    'national_id': ('National ID (DNI)', ('12345678Z', '87654321X', '11111111H')),
    'date_of_birth': ('Date of Birth', ('1985-03-12', '1990-11-02', '1979-06-30')),
    'street_address': ('Home Address', ('1428 Elmwood Avenue', '9021 Quarry Lane',
                                        '77 Larkspur Boulevard')),
    'postal_code': ('ZIP Code', ('90210', '10001', '60614')),
    'ip_address': ('IP Address', ('203.0.113.77', '198.51.100.23', '192.0.2.146')),
    'credit_card': ('Credit Card', ('4111111111111111', '5555555555554444', '378282246310005')),
    'iban': ('IBAN', ('DE89370400440532013000', 'GB82WEST12345698765432',
                      'FR1420041010050500013M02606')),
    'bank_account': ('Bank Account Number', ('123456789012', '987654321098', '555000111222')),
    'tax_id': ('EIN', ('12-3456789', '98-7654321', '45-6789012')),
    'health': ('Diagnosis', ('Type 2 diabetes', 'Severe asthma', 'HIV positive')),
    'nationality': ('Nationality', ('Guatemalan', 'Honduran', 'Salvadoran')),
    'immigration_status': ('Immigration Status', ('Asylum pending', 'Removal proceedings',
                                                  'Parolee')),
    'ethnicity': ('Ethnicity', ('Hispanic or Latino', 'Black or African American', 'Asian')),
    'religion': ('Religion', ('Catholic', 'Muslim', 'Jewish')),
    'gender': ('Gender', ('Female', 'Male', 'Nonbinary')),
    'sexual_orientation': ('Sexual Orientation', ('Heterosexual', 'Bisexual', 'Lesbian')),
    'criminal_record': ('Criminal Record', ('Felony conviction 2015', 'Misdemeanor theft',
                                            'Prior arrest 2019')),
    'username': ('Username', ('tbrightwater85', 'ovanterpool_x', 'ifairweather77')),
    'secret': ('Password', ('Hunter2-Synthetic-Pa55!', 'AKIAIOSFODNN7EXAMPLE',
                            'ghp_SyntheticToken0123456789abcdefABCDEF')),
}
HEADER = [header for header, _ in COLUMNS.values()]
ROWS = [[values[i] for _, values in COLUMNS.values()] for i in range(3)]
VALUES = [value for _, values in COLUMNS.values() for value in values]


def test_every_category_is_covered() -> None:
    assert set(COLUMNS) == set(CATEGORIES)


def people_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator='\n')
    writer.writerow(HEADER)
    writer.writerows(ROWS)
    return out.getvalue()


def people_xlsx(path: Path) -> None:
    from openpyxl import Workbook
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = 'People'
    hidden = book.create_sheet('Archive')
    hidden.sheet_state = 'hidden'
    for target in (sheet, hidden):
        target.append(HEADER)
        for row in ROWS:
            target.append(row)
    book.save(path)


def digests(value: str) -> Iterator[str]:
    digits = re.sub(r'\D', '', value)
    for form in {value, value.lower(), digits} - {''}:
        data = form.encode()
        yield hashlib.md5(data).hexdigest()
        yield hashlib.sha1(data).hexdigest()
        yield hashlib.sha256(data).hexdigest()


def assert_no_leak(name: str, text: str) -> None:
    lowered = text.lower()
    for value in VALUES:
        # short category words (Male, Asian) may also be ordinary words of a report
        if len(value) >= 6:
            assert value.lower() not in lowered, f'{name}: raw value {value!r} leaked'
        for digest in digests(value):
            assert digest not in lowered, f'{name}: a digest of {value!r} leaked'


@pytest.fixture
def repo_with_people(git_repo: Path) -> Path:
    (git_repo / 'data').mkdir()
    (git_repo / 'data' / 'people.csv').write_text(people_csv())
    people_xlsx(git_repo / 'data' / 'people.xlsx')
    return git_repo


@pytest.mark.parametrize('name', ['data/people.csv', 'data/people.xlsx'])
def test_no_output_leaks(repo_with_people: Path, name: str, monkeypatch: pytest.MonkeyPatch,
                         capsys: pytest.CaptureFixture[str]) -> None:
    summary = repo_with_people / 'step-summary.md'
    summary.write_text('')
    monkeypatch.setenv('GITHUB_STEP_SUMMARY', str(summary))
    monkeypatch.setenv('GITHUB_ACTIONS', 'true')
    artefacts: dict[str, str] = {}
    for fmt in ('text', 'json', 'sarif', 'github'):
        assert main(['scan', '--format', fmt, name]) == 1, f'{name} must block ({fmt})'
        captured = capsys.readouterr()
        artefacts[f'{fmt} stdout'] = captured.out
        artefacts[f'{fmt} stderr'] = captured.err
        assert captured.out.strip(), f'{fmt}: empty report'
    assert main(['scan', '--format', 'sarif', '--output', 'report.sarif', name]) == 1
    artefacts['sarif file'] = (repo_with_people / 'report.sarif').read_text()
    # the step summary: written by the run when it is wired to, and by the report function
    findings, count = scan_items(walk_paths([name], lambda p: True),
                                 load_config(str(repo_with_people)))
    assert findings
    write_step_summary(findings, count)
    artefacts['step summary'] = summary.read_text()
    assert '| error |' in artefacts['step summary']
    # the pre-commit hook, as git runs it
    run_git(repo_with_people, 'add', name)
    assert main(['scan', '--staged']) == 1
    captured = capsys.readouterr()
    artefacts['staged'] = captured.out + captured.err
    assert main(['hook', 'pre-commit']) == 1
    captured = capsys.readouterr()
    artefacts['hook'] = captured.out + captured.err
    # the allowlist, and what `allow` prints
    assert main(['allow', name, '--reason', 'synthetic fixture for the no-leak test']) == 0
    captured = capsys.readouterr()
    artefacts['allow output'] = captured.out + captured.err
    artefacts['allowlist'] = (repo_with_people / '.pii-hooks.yaml').read_text()
    assert main(['scan', name]) == 0                 # allowed: passes
    for artefact, text in artefacts.items():
        assert_no_leak(artefact, text)
    # the allowlist holds one digest: the whole file's
    whole = hashlib.sha256((repo_with_people / name).read_bytes()).hexdigest()
    assert re.findall(r'[0-9a-f]{32,}', artefacts['allowlist']) == [whole]


def test_assertion_would_catch_a_leak() -> None:
    with pytest.raises(AssertionError):
        assert_no_leak('probe', 'e.g. 512-44-6789')
    with pytest.raises(AssertionError):
        assert_no_leak('probe', hashlib.sha1(b'512446789').hexdigest())
    with pytest.raises(AssertionError):
        assert_no_leak('probe', hashlib.md5(b'thaddeus brightwater').hexdigest().upper())


HEADERLESS = {
    # a first row of names, which a reader may take for the header
    'names.csv': 'Thaddeus Brightwater,Ottoline Vanterpool\n'
                 'Ignatius Fairweather,Marisol Quintanilla\n'
                 'Ambrose Whitlock,Perpetua Sandoval\nCornelius Ashdown,Winifred Blackmore\n',
    # records keyed by e-mail address: the keys become column names
    'keyed.json': '{"thaddeus.brightwater@gmail.com": {"ssn": "512-44-6789"},'
                  ' "ottoline.vanterpool@yahoo.com": {"ssn": "321-54-9876"}}\n',
    # no header at all
    'rows.csv': ''.join(','.join(row) + '\n' for row in ROWS),
}
HEADERLESS_VALUES = ('Thaddeus Brightwater', 'Ottoline Vanterpool', 'Ignatius Fairweather',
                     'Marisol Quintanilla', 'thaddeus.brightwater@gmail.com',
                     'ottoline.vanterpool@yahoo.com', '512-44-6789', '321-54-9876')


@pytest.mark.parametrize('name', sorted(HEADERLESS))
def test_values_taken_for_headers_do_not_leak(tmp_path: Path, name: str,
                                              monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / name).write_text(HEADERLESS[name])
    for fmt in ('text', 'json', 'sarif', 'github'):
        main(['scan', '--format', fmt, name])
        captured = capsys.readouterr()
        for value in HEADERLESS_VALUES:
            assert value.lower() not in (captured.out + captured.err).lower(), (fmt, value)
