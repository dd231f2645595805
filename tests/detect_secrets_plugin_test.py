"""pii-hooks' detectors inside detect-secrets (pii_hooks/detect_secrets_plugin.py).

The CLI runs from inside the repository: detect-secrets silently skips
absolute paths outside the current directory.  All people here are synthetic.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pii_hooks import detect_secrets_plugin as plugin
from pii_hooks.detect.secrets import PII_TYPE_SUFFIX
from tests.conftest import run_git

SSN_TYPE = 'US Social Security Number' + PII_TYPE_SUFFIX
A_NUMBER_TYPE = 'US Alien Registration Number' + PII_TYPE_SUFFIX
EMAIL_TYPE = 'Personal E-mail Address' + PII_TYPE_SUFFIX

#: A title above the table, as in published reports: the header is on line 3.
PEOPLE = (
    'Detention statistics FY2022 (synthetic test data)\n'
    '\n'
    'First Name,Last Name,SSN,A-Number,Email,Case ID,Nationality\n'
    'Jane,Doe,512-44-6789,A212345678,jane.doe@gmail.com,318224491,Testland\n'
    'John,Smith,321549876,A087654321,jsmith@yahoo.com,318224492,Testland\n'
    'Maria,Garcia,234-56-7890,A123498765,m.garcia@agency.example.gov,318224493,Testland\n'
)
RAW = ('512-44-6789', '321549876', '234-56-7890', 'A212345678', 'A087654321', 'A123498765',
       'jane.doe@gmail.com', 'jsmith@yahoo.com', 'm.garcia@agency.example.gov')
DEFAULT_HEURISTICS = ('is_likely_id_string', 'is_not_alphanumeric_string', 'is_potential_uuid',
                      'is_sequential_string', 'is_templated_secret', 'is_prefixed_with_dollar_sign')


def _detect_secrets(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, '-m', 'detect_secrets', *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def people_repo(git_repo: Path) -> Path:
    (git_repo / 'people.csv').write_text(PEOPLE)
    run_git(git_repo, 'add', 'people.csv')
    return git_repo


@pytest.fixture
def fresh_caches() -> Iterator[None]:
    """detect-secrets caches its type-to-class mapping; file caches of the plugin too."""
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
    get_mapping_from_secret_type_to_class.cache_clear()
    plugin.line_hits.cache_clear()
    plugin._layout.cache_clear()
    yield
    get_mapping_from_secret_type_to_class.cache_clear()
    plugin.line_hits.cache_clear()
    plugin._layout.cache_clear()


def _results(stdout: str) -> dict[tuple[int, str], str]:
    doc = json.loads(stdout)
    return {(r['line_number'], r['type']): r['hashed_secret']
            for entries in doc['results'].values() for r in entries}


def test_cli_scan_finds_ssn_and_a_number_with_default_filters(people_repo: Path) -> None:
    done = _detect_secrets('scan', '--plugin', plugin.plugin_path(), 'people.csv',
                           cwd=people_repo)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    filters = {f['path'].rsplit('.', 1)[-1] for f in doc['filters_used']}
    assert set(DEFAULT_HEURISTICS) <= filters       # nothing had to be disabled
    assert {p['name'] for p in doc['plugins_used'] if 'path' in p} >= {
        'PiiSsnDetector', 'PiiANumberDetector', 'PiiPersonalEmailDetector'}
    found = _results(done.stdout)
    for line in (4, 5, 6):                          # line 5: a bare SSN, known by its header
        assert (line, SSN_TYPE) in found and (line, A_NUMBER_TYPE) in found
    assert (4, EMAIL_TYPE) in found and (5, EMAIL_TYPE) in found
    assert (6, EMAIL_TYPE) not in found             # an office address is not a personal one
    assert not any(line < 4 for line, _ in found)   # title and header lines hold no values
    # the baseline holds no value and no reversible digest of one
    digests = set(found.values())
    for raw in RAW:
        assert raw not in done.stdout and raw not in done.stderr
        assert hashlib.sha1(raw.encode()).hexdigest() not in digests
        assert hashlib.sha1(raw.replace('-', '').encode()).hexdigest() not in digests


def test_pre_commit_hook_passes_baseline_and_blocks_new_rows(people_repo: Path) -> None:
    done = _detect_secrets('scan', '--plugin', plugin.plugin_path(), 'people.csv',
                           cwd=people_repo)
    (people_repo / '.secrets.baseline').write_text(done.stdout)
    hook = [sys.executable, '-m', 'detect_secrets.pre_commit_hook', '--baseline',
            '.secrets.baseline', 'people.csv']
    same = subprocess.run(hook, cwd=people_repo, capture_output=True, text=True, timeout=120)
    assert same.returncode == 0, same.stdout + same.stderr
    with open(people_repo / 'people.csv', 'a', encoding='utf-8') as handle:
        handle.write('Ann,Lee,423-45-6781,A345678912,ann.lee@gmail.com,318224494,Testland\n')
    new = subprocess.run(hook, cwd=people_repo, capture_output=True, text=True, timeout=120)
    assert new.returncode == 1
    assert 'people.csv:7' in new.stdout and SSN_TYPE in new.stdout
    assert '423-45-6781' not in new.stdout + new.stderr


def test_in_process_scan_needs_the_mapping_cache_cleared(people_repo: Path,
                                                         fresh_caches: None) -> None:
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
    from detect_secrets.core.scan import scan_file
    from detect_secrets.settings import transient_settings
    get_mapping_from_secret_type_to_class()        # cached before our plugin was configured
    config = {'plugins_used': [{'name': 'PiiSsnDetector',
                                'path': f'file://{plugin.plugin_path()}'}]}
    with transient_settings(config):
        with pytest.raises(TypeError):              # the trap: the stale mapping lacks it
            list(scan_file('people.csv'))
        get_mapping_from_secret_type_to_class.cache_clear()
        found = list(scan_file('people.csv'))
    assert {(s.line_number, s.type) for s in found} == {(4, SSN_TYPE), (5, SSN_TYPE),
                                                        (6, SSN_TYPE)}


def test_module_exposes_only_pii_plugins() -> None:
    from detect_secrets.core.plugins.util import get_plugins_from_file
    classes: list[Any] = list(get_plugins_from_file(plugin.plugin_path()))
    names = {c.__name__ for c in classes}
    assert 'PiiSsnDetector' in names and 'BasePlugin' not in names and '_PiiPlugin' not in names
    assert all(str(c.secret_type).endswith(PII_TYPE_SUFFIX) for c in classes)
    assert len({c.secret_type for c in classes}) == len(classes)


def test_module_prints_its_path() -> None:
    out = subprocess.run([sys.executable, '-m', 'pii_hooks.detect_secrets_plugin'],
                         capture_output=True, text=True, check=True).stdout.strip()
    assert out == plugin.plugin_path() and os.path.isfile(out)


@pytest.mark.parametrize('value,category', [
    ('512-44-6789', 'ssn'), ('A212345678', 'a_number'), ('4539 1488 0343 6467', 'credit_card'),
    ('912-70-1234', 'itin'), ('jane.doe@gmail.com', 'email'),
])
def test_reported_values_survive_default_filters(value: str, category: str) -> None:
    from detect_secrets.filters import heuristic
    hits = [h for h in plugin.line_hits('', f'note: {value} ') if h.category == category]
    assert hits, value
    reported = hits[0].reported
    assert reported.startswith(f'{category}:') and value not in reported
    line = f'user_id: {value}'                      # the shape is_likely_id_string drops
    ssn = plugin.PiiSsnDetector()
    assert not any((heuristic.is_sequential_string(reported),
                    heuristic.is_potential_uuid(reported),
                    heuristic.is_templated_secret(reported),
                    heuristic.is_prefixed_with_dollar_sign(reported),
                    heuristic.is_not_alphanumeric_string(reported),
                    heuristic.is_likely_id_string(reported, line, ssn)))


def test_key_value_lines_give_header_context(fresh_caches: None) -> None:
    hits = plugin.line_hits('config.json', '  "ssn": "512446789",', 3)
    assert [h.category for h in hits] == ['ssn']
    assert plugin.line_hits('config.json', '  "count": "512446789",', 3) == ()
    # an author's address in code is not reported by the e-mail plugin
    (mail,) = plugin.line_hits('setup.py', "    author_email='dev.person@gmail.com',", 9)
    assert mail.category == 'email' and not plugin.PiiPersonalEmailDetector().wants(mail)


def test_csv_header_found_below_a_title(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        fresh_caches: None) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / 'people.csv').write_text(PEOPLE)
    lines = PEOPLE.splitlines()
    assert plugin.line_hits('people.csv', lines[2], 3) == ()      # the header line
    cats = [h.category for h in plugin.line_hits('people.csv', lines[4], 5)]
    assert cats.count('ssn') == 1 and 'a_number' in cats           # the bare SSN by its header
    cats = [h.category for h in plugin.line_hits('people.csv', lines[3], 4)]
    assert cats.count('ssn') == 1                                   # case IDs are not SSNs


def test_phone_plugin_wants_mobiles_under_a_phone_header() -> None:
    mobile = plugin._Hit('phone', 'mobile', 'phone:***', True, 'phone')
    detector = plugin.PiiMobilePhoneDetector()
    assert detector.wants(mobile)
    assert not detector.wants(mobile._replace(signal='office'))
    assert not detector.wants(mobile._replace(tabular=False))
    assert not detector.wants(mobile._replace(header_category=None))
