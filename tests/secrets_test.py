"""Secrets in data cells (detect/secrets.py), their wiring into columns, and baselines.

Every token here is generated from a seeded random source in the shape of its
kind: none is a real credential.
"""
from __future__ import annotations

import hashlib
import io
import json
import random
import string
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pii_hooks.cli import main
from pii_hooks.detect import secrets
from pii_hooks.detect.secrets import (
    EXCLUDED_PLUGINS,
    PASSWORD_HASH,
    SECRET_KEYWORD,
    cell_plugins,
    classify_secret,
    find_secret,
    header_kind,
    skipping_audited,
)
from pii_hooks.engine import ScanOptions, scan_item
from pii_hooks.models import ScanItem
from pii_hooks.policy.baseline import audited_false_positives, audited_lookup, baseline_path
from pii_hooks.policy.config import ConfigError
from tests.conftest import PRODUCTS_CSV

_RND = random.Random(20240611)
UP, LOW, DIG = string.ascii_uppercase, string.ascii_lowercase, string.digits
ALNUM = UP + LOW + DIG


def _r(chars: str, n: int) -> str:
    return ''.join(_RND.choice(chars) for _ in range(n))


AWS_KEY_ID = 'AKIA' + _r(UP + DIG, 16)
AWS_SECRET = _r(ALNUM + '+/', 40)
GITHUB_TOKEN = 'ghp_' + _r(ALNUM, 36)

#: One synthetic sample per detect-secrets regex plugin run on bare cells.
BARE_SAMPLES = {
    'Artifactory Credentials': 'AKCp8' + _r(ALNUM, 64),
    'AWS Access Key': AWS_KEY_ID,
    'Azure Storage Account access key': 'AccountName=x;AccountKey=' + _r(ALNUM + '+/', 86) + '==',
    'Basic Auth Credentials': 'https://svc:' + _r(ALNUM, 14) + '@db.internal.test/x',
    'Cloudant Credentials': 'https://acct:' + _r('0123456789abcdef', 64) + '@acct.cloudant.com',
    'Discord Bot Token': 'M' + _r(ALNUM, 23) + '.' + _r(ALNUM, 6) + '.' + _r(ALNUM, 27),
    'GitHub Token': GITHUB_TOKEN,
    'GitLab Token': 'glpat-' + _r(ALNUM, 20),
    'JSON Web Token': 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.' + _r(ALNUM, 43),
    'Mailchimp Access Key': _r(LOW + DIG, 32) + '-us12',
    'NPM tokens': '//registry.npmjs.org/:_authToken=npm_' + _r(ALNUM, 36),
    'OpenAI Token': 'sk-' + _r(ALNUM, 20) + 'T3BlbkFJ' + _r(ALNUM, 20),
    'Private Key': '-----BEGIN RSA PRIVATE KEY-----\n' + _r(ALNUM, 64),
    'PyPI Token': 'pypi-AgEIcHlwaS5vcmc' + _r(ALNUM, 70),
    'SendGrid API Key': 'SG.' + _r(ALNUM, 22) + '.' + _r(ALNUM, 43),
    'Slack Token': 'xoxb-' + _r(DIG, 12) + '-' + _r(LOW + DIG, 24),
    'SoftLayer Credentials': 'https://api.softlayer.com/soap/v3/' + _r(LOW + DIG, 64),
    'Square OAuth Secret': 'sq0csp-' + _r(ALNUM, 43),
    'Stripe Access Key': 'sk_live_' + _r(ALNUM, 24),
    'Telegram Bot Token': _r(DIG, 9) + ':' + _r(ALNUM, 35),
    'Twilio API Key': 'AC' + _r(LOW + DIG, 32),
}
#: Plugins that need a 'key = value' line: the header plays the key.
HEADER_SAMPLES = {
    'IBM Cloud IAM Key': ('ibm_cloud_iam_api_key', _r(ALNUM + '_-', 44)),
    'IBM COS HMAC Credentials': ('cos_hmac_secret_access_key', _r('0123456789abcdef', 48)),
    'AWS Access Key': ('aws_secret_access_key', AWS_SECRET),
}


# --- classify_secret ----------------------------------------------------------

def test_every_cell_plugin_has_a_sample() -> None:
    """A detect-secrets upgrade that adds a plugin fails here until the gate knows it."""
    types = {secret_type for secret_type, _ in cell_plugins()}
    assert types == set(BARE_SAMPLES) | {'IBM Cloud IAM Key', 'IBM COS HMAC Credentials'}
    assert not {'Base64 High Entropy String', 'Hex High Entropy String', 'Secret Keyword',
                'Public IP (ipv4)'} & types
    assert {'Base64HighEntropyString', 'IPPublicDetector'} <= EXCLUDED_PLUGINS


@pytest.mark.parametrize('secret_type', sorted(BARE_SAMPLES))
def test_bare_value_is_classified(secret_type: str) -> None:
    assert classify_secret(BARE_SAMPLES[secret_type]) == secret_type


@pytest.mark.parametrize('secret_type', sorted(HEADER_SAMPLES))
def test_header_supplies_the_key(secret_type: str) -> None:
    header, value = HEADER_SAMPLES[secret_type]
    assert classify_secret(value, header) == secret_type
    assert classify_secret(value) is None          # the same value without its key


@pytest.mark.parametrize('value', [
    'jane.doe@gmail.com', 'j.smith+alerts@agency.example.gov',
    '123456789012345678', '00012345678901234567890', '318224491',
    '3f2504e0-4f89-11d3-9a0c-0305e82c3301',                # UUID
    'd41d8cd98f00b204e9800998ecf8427e',                    # an MD5 digest in an ordinary column
    'https://www.example.gov/data/detention_fy2022.xlsx',
    'Blue Widget Model 2000X', '2022-11-30T12:00:00Z', '0.6392007985629049',
    'AKIAIOSFODNN7EXAMPLE',                                # AWS's documented example key
    'ABCDEFGHIJKLMNOPQRSTUVWXYZ',                          # sequential
])
def test_ordinary_values_are_not_secrets(value: str) -> None:
    assert classify_secret(value) is None
    assert classify_secret(value, 'notes') is None


@pytest.mark.parametrize('header,kind', [
    ('password', 'credential'), ('Password Hash', 'credential'), ('api_key', 'credential'),
    ('apiKey', 'credential'), ('APIKEY', 'credential'), ('client_secret', 'credential'),
    ('AWS_SECRET_ACCESS_KEY', 'credential'), ('access_token', 'credential'),
    ('refreshToken', 'credential'), ('contraseña', 'credential'), ('Mot de passe', 'credential'),
    ('token', 'token'), ('Secretary', None), ('Secret Question', None), ('token_count', None),
    ('Password Last Changed', None), ('password_expires_at', None), ('Primary Key', None),
    ('passenger', None), ('author', None), ('Keyboard', None), ('', None),
])
def test_header_kind(header: str, kind: str | None) -> None:
    assert header_kind(header) == kind


def test_credential_column_values() -> None:
    assert classify_secret('correct-h0rse-battery', 'password') == SECRET_KEYWORD
    assert classify_secret('Tr0ub4dor&3', 'user_password') == SECRET_KEYWORD
    for placeholder in ('true', 'N/A', 'null', 'changeme', '<password>', '${DB_PASSWORD}',
                        'your_password_here', 'abcdefgh', '123', '********'):
        assert classify_secret(placeholder, 'password') is None, placeholder
    # an unsalted digest under a password header is a password hash
    assert classify_secret(hashlib.sha256(b'synthetic').hexdigest(), 'password') == PASSWORD_HASH


def test_bare_token_column_needs_random_values() -> None:
    for word in ('the', 'running', 'New York', 'tokenization2024'):
        assert classify_secret(word, 'token') is None
    assert classify_secret(_r(ALNUM, 32), 'token') == SECRET_KEYWORD
    assert classify_secret('3f2504e0-4f89-11d3-9a0c-0305e82c3301', 'token') is None
    # under an unambiguous credential header a UUID is a key (many APIs issue them)
    assert classify_secret('3f2504e0-4f89-11d3-9a0c-0305e82c3301', 'api_key') == SECRET_KEYWORD


@pytest.mark.parametrize('value', [
    '$2b$12$' + _r(ALNUM + './', 53),
    '$2y$10$' + _r(ALNUM + './', 53),
    '$argon2id$v=19$m=65536,t=3,p=4$' + _r(ALNUM + '+/', 22) + '$' + _r(ALNUM + '+/', 43),
    '$6$' + _r(ALNUM, 16) + '$' + _r(ALNUM + './', 86),
    '$6$rounds=5000$' + _r(ALNUM, 16) + '$' + _r(ALNUM + './', 86),
    '$5$' + _r(ALNUM, 16) + '$' + _r(ALNUM + './', 43),
    '$1$' + _r(ALNUM, 8) + '$' + _r(ALNUM + './', 22),
    'pbkdf2_sha256$600000$' + _r(ALNUM, 22) + '$' + _r(ALNUM + '+/', 43) + '=',
    'pbkdf2:sha256:600000$' + _r(ALNUM, 16) + '$' + _r('0123456789abcdef', 64),
    '{SSHA}' + _r(ALNUM + '+/', 32),
])
def test_password_hashes_anywhere(value: str) -> None:
    assert classify_secret(value) == PASSWORD_HASH
    assert classify_secret(value, 'hash') == PASSWORD_HASH


def test_audited_secrets_are_skipped() -> None:
    digest = hashlib.sha1(AWS_KEY_ID.encode()).hexdigest()
    with skipping_audited({digest}):
        assert classify_secret(AWS_KEY_ID) is None
        assert classify_secret(GITHUB_TOKEN) == 'GitHub Token'
    assert classify_secret(AWS_KEY_ID) == 'AWS Access Key'
    # the hash is of the matched token, as detect-secrets computes it
    hit = find_secret(f'key: {AWS_KEY_ID} (rotated)')
    assert hit is not None and hit.secret == AWS_KEY_ID


def test_clean_cells_are_cheap() -> None:
    classify_secret(AWS_KEY_ID)                     # load the plugins first
    values = [f'Widget {i}' for i in range(20000)]
    start = time.perf_counter()
    for value in values:
        classify_secret(value, 'name')
    per_cell = (time.perf_counter() - start) / len(values)
    assert per_cell < 20e-6                         # measured ~0.4 us; loose for slow CI


def test_no_detect_secrets_import_for_ordinary_data(tmp_path: Path) -> None:
    (tmp_path / 'products.csv').write_text(PRODUCTS_CSV)
    code = ('import sys; from pii_hooks.cli import main; main(["scan", "-o", "/dev/null", '
            f'{str(tmp_path / "products.csv")!r}]); print("detect_secrets" in sys.modules)')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == 'False'


# --- wired into the scan ------------------------------------------------------

CREDS_HEADER = ['service', 'aws_access_key_id', 'aws_secret_access_key', 'github_token',
                'owner_email', 'ticket']


def _creds_rows() -> list[list[str]]:
    rows = [CREDS_HEADER]
    for i in range(3):
        rows.append([f'svc{i}', 'AKIA' + _r(UP + DIG, 16), _r(ALNUM + '+/', 40),
                     'ghp_' + _r(ALNUM, 36), f'ops{i}@gmail.com', _r(DIG, 16)])
    return rows


def _raw_secrets(rows: list[list[str]]) -> list[str]:
    return [cell for row in rows[1:] for cell in row[1:4]]


def _scan_json(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(['scan', '--format', 'json', str(path)])
    return code, capsys.readouterr().out


def test_csv_with_keys_is_blocked_and_masked(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    rows = _creds_rows()
    path = tmp_path / 'service_accounts.csv'
    path.write_text('\n'.join(','.join(r) for r in rows) + '\n')
    code, out = _scan_json(path, capsys)
    assert code == 1
    doc = json.loads(out)
    secret_columns = {f['location']['column'] for f in doc['findings']
                      if f['category'] == 'secret' and f['severity'] == 'block'}
    assert secret_columns == {'aws_access_key_id', 'aws_secret_access_key', 'github_token'}
    for raw in _raw_secrets(rows):
        assert raw not in out and raw[:6] not in out
    examples = [e for f in doc['findings'] if f['category'] == 'secret' for e in f['examples']]
    assert examples and all(e.endswith('******') and len(e) == 8 for e in examples)
    # PII wins over secret for the same value; long numeric IDs are not secrets
    assert not any(f['category'] == 'secret' and f['location']['column'] in
                   ('owner_email', 'ticket') for f in doc['findings'])


def test_hidden_xlsx_sheet_with_keys_is_blocked(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    openpyxl = pytest.importorskip('openpyxl')
    rows = _creds_rows()
    book = openpyxl.Workbook()
    book.active.title = 'Summary'
    book.active.append(['region', 'count'])
    book.active.append(['north', 12])
    sheet = book.create_sheet('keys')
    for row in rows:
        sheet.append(row)
    sheet.sheet_state = 'hidden'
    path = tmp_path / 'report.xlsx'
    book.save(path)
    code, out = _scan_json(path, capsys)
    assert code == 1
    doc = json.loads(out)
    hits = [f for f in doc['findings'] if f['category'] == 'secret']
    assert {f['location']['column'] for f in hits} == {
        'aws_access_key_id', 'aws_secret_access_key', 'github_token'}
    assert all('keys' in f['location']['part'] and f['location']['state'] == 'hidden'
               for f in hits)
    for raw in _raw_secrets(rows):
        assert raw not in out


def test_emails_and_ids_are_not_secrets(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    lines = ['office,contact,record_id,case_ref,checksum']
    for i in range(20):
        lines.append(f'Unit {i},unit{i}@agency.example.gov,{_r(DIG, 18)},{_r(DIG, 12)},'
                     f'{_r("0123456789abcdef", 40)}')
    path = tmp_path / 'offices.csv'
    path.write_text('\n'.join(lines) + '\n')
    _, out = _scan_json(path, capsys)
    assert not any(f['category'] == 'secret' for f in json.loads(out)['findings'])


def test_single_token_in_notes_column_is_reported(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    lines = ['id,notes'] + [f'{i},routine check {i}' for i in range(40)]
    lines.append(f'41,deploy with {GITHUB_TOKEN} until rotated')
    path = tmp_path / 'log.csv'
    path.write_text('\n'.join(lines) + '\n')
    code, out = _scan_json(path, capsys)
    assert code == 1 and GITHUB_TOKEN not in out
    (finding,) = [f for f in json.loads(out)['findings'] if f['category'] == 'secret']
    assert finding['location']['rows'] == [42, 42]


# --- detect-secrets baselines -------------------------------------------------

def _baseline(path: Path, results: dict[str, list[dict[str, object]]]) -> Path:
    path.write_text(json.dumps({'version': '1.5.0', 'plugins_used': [], 'filters_used': [],
                                'results': results}))
    return path


def _entry(filename: str, secret: str, is_secret: bool | None,
           kind: str = 'AWS Access Key') -> dict[str, object]:
    out: dict[str, object] = {'type': kind, 'filename': filename, 'is_verified': False,
                              'line_number': 2,
                              'hashed_secret': hashlib.sha1(secret.encode()).hexdigest()}
    if is_secret is not None:
        out['is_secret'] = is_secret
    return out


def test_audited_false_positives(tmp_path: Path) -> None:
    path = _baseline(tmp_path / '.secrets.baseline', {
        'data/keys.csv': [_entry('data/keys.csv', 'a', False), _entry('data/keys.csv', 'b', True),
                          _entry('data/keys.csv', 'c', None)],
        'data\\win.csv': [_entry('data\\win.csv', 'd', False)],
        'people.csv': [_entry('people.csv', 'ssn:***-**-6789', False,
                              'US Social Security Number (pii-hooks)')],
    })
    sha = {s: hashlib.sha1(s.encode()).hexdigest() for s in 'abcd'}
    pairs = audited_false_positives(str(path))
    assert pairs == {('data/keys.csv', sha['a']), ('data/win.csv', sha['d'])}
    lookup = audited_lookup(pairs)
    assert lookup('data/keys.csv') == {sha['a']} and lookup('other.csv') == frozenset()
    assert baseline_path(str(tmp_path)) == str(path)
    assert baseline_path(str(tmp_path / 'nowhere')) is None


@pytest.mark.parametrize('text,message', [
    ('{not json', 'invalid JSON at line 1'), ('[]', 'no "results" mapping'),
    ('{"results": 3}', 'no "results" mapping'),
])
def test_bad_baseline_is_a_config_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / 'b.json'
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        audited_false_positives(str(path))
    with pytest.raises(ConfigError, match='no such file'):
        baseline_path(str(tmp_path), 'missing.baseline')


def test_scan_skips_audited_secret(tmp_path: Path) -> None:
    other = 'AKIA' + _r(UP + DIG, 16)
    data = f'service,key_id\nbilling,{AWS_KEY_ID}\nsearch,{other}\n'.encode()
    item = ScanItem('cfg/keys.csv', len(data), lambda: io.BytesIO(data))
    baseline = _baseline(tmp_path / '.secrets.baseline', {
        'cfg/keys.csv': [_entry('cfg/keys.csv', AWS_KEY_ID, False)]})
    lookup = audited_lookup(audited_false_positives(str(baseline)))

    def secret_rows(options: ScanOptions) -> list[tuple[int, int]]:
        evidence = scan_item(item, options)
        return [(c.first_row, c.count) for t in evidence.tables for c in t.columns
                if c.category == 'secret']

    assert secret_rows(ScanOptions()) == [(2, 2)]
    assert secret_rows(ScanOptions(audited_secrets=lookup)) == [(3, 1)]
    assert secrets._AUDITED.get() == frozenset()    # the skip list ends with the file


def test_real_detect_secrets_baseline_is_honoured(git_repo: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """Hashes match detect-secrets' own: a baseline it wrote, audited, silences the key."""
    key_id, token = 'AKIA' + _r(UP + DIG, 16), 'ghp_' + _r(ALNUM, 36)
    (git_repo / 'keys.csv').write_text(f'service,key_id,token\nbilling,{key_id},{token}\n')
    done = subprocess.run([sys.executable, '-m', 'detect_secrets', 'scan', 'keys.csv'],
                          cwd=git_repo, capture_output=True, text=True, timeout=120, check=True)
    baseline = json.loads(done.stdout)
    for entry in baseline['results']['keys.csv']:
        entry['is_secret'] = entry['type'] != 'AWS Access Key'     # audited: AWS key is a dummy
    assert {e['type'] for e in baseline['results']['keys.csv']} >= {'AWS Access Key',
                                                                   'GitHub Token'}

    def secret_columns() -> set[str]:
        assert main(['scan', '--format', 'json', 'keys.csv']) == 1
        out = capsys.readouterr().out
        assert key_id not in out and token not in out
        return {f['location']['column'] for f in json.loads(out)['findings']
                if f['category'] == 'secret'}

    assert secret_columns() == {'key_id', 'token'}
    (git_repo / '.secrets.baseline').write_text(json.dumps(baseline))
    assert secret_columns() == {'token'}
    (git_repo / '.secrets.baseline').rename(git_repo / 'audit.json')
    (git_repo / '.pii-hooks.yaml').write_text('detect_secrets_baseline: audit.json\n')
    assert secret_columns() == {'token'}
    (git_repo / '.pii-hooks.yaml').write_text('detect_secrets_baseline: missing.json\n')
    assert main(['scan', 'keys.csv']) == 2
    assert 'missing.json: no such file' in capsys.readouterr().err
