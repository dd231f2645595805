"""Every policy rule: a file that must block and a near miss that must not.

All people here are synthetic; phone numbers are in fictional ranges where one exists
(US 202-555-01xx is refused by the validator, so US numbers here use real-looking
exchanges with no owner we know of).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pii_hooks.cli import main


def scan(tmp_path: Path, name: str, text: str) -> int:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding='utf-8')
    return main(['scan', '--format', 'json', str(path)])


def findings(tmp_path: Path, name: str, text: str,
             capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict[str, Any]]]:
    capsys.readouterr()
    code = scan(tmp_path, name, text)
    doc = json.loads(capsys.readouterr().out)
    return code, doc['findings']


def rules(found: list[dict[str, Any]]) -> set[tuple[str, str, str]]:
    return {(f['category'], f['rule'], f['severity']) for f in found}


CONTACT_EXPORT = """first_name,last_name,email,mobile
Ana,Lopez,ana.lopez84@gmail.com,+44 7911 123456
Ben,Carter,bencarter@yahoo.com,+44 7700 123457
Chloe,Nguyen,chloe.n@hotmail.com,+44 7911 654321
Dev,Patel,devpatel@outlook.com,+44 7911 223344
"""
NEWSLETTER = "email\n" + "".join(f"reader{i}.{w}@{d}\n" for i, (w, d) in enumerate(
    [('ann', 'gmail.com'), ('bob', 'yahoo.com'), ('cat', 'hotmail.com'), ('dan', 'gmail.com'),
     ('eve', 'outlook.com'), ('fay', 'aol.com')]))
SHIPPING = """order,recipient,ship_to,city,zip
1001,Jane Miller,12 Oak Street,Springfield,62704
1002,Robert Brown,48 Maple Avenue Apt 3,Riverton,84065
1003,Linda Garcia,7 Elm Court,Fairview,37062
1004,Thomas Wilson,221 Pine Road,Lakeside,92040
"""
TEAM_YAML = """- name: Jane Miller
  title: Data Scientist
  email: jane.miller@agency.gov
  bio: Works on open data standards.
- name: Robert Brown
  title: Product Manager
  email: robert.brown@agency.gov
  bio: Leads the publishing platform.
- name: Linda Garcia
  title: Engineer
  email: linda.garcia@agency.gov
  bio: Builds the data pipeline.
"""
SPEAKERS_JSON = json.dumps([
    {'name': 'Jane Miller', 'affiliation': 'State University', 'talk': 'Open data at scale',
     'twitter': '@janem'},
    {'name': 'Robert Brown', 'affiliation': 'City Lab', 'talk': 'Publishing budgets',
     'twitter': '@rbrown'},
    {'name': 'Linda Garcia', 'affiliation': 'Data Institute', 'talk': 'Privacy by design',
     'twitter': '@lgarcia'},
])
LEGISLATORS = """name,party,district,office,phone
Jane Miller,Independent,3,100 Capitol Street Room 12,(217) 782-2000
Robert Brown,Green,7,100 Capitol Street Room 14,(217) 782-2001
Linda Garcia,Unity,9,100 Capitol Street Room 16,(217) 782-2002
"""


def test_contact_export_with_webmail_and_mobiles_blocks(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, found = findings(tmp_path, 'contacts.csv', CONTACT_EXPORT, capsys)
    assert code == 1
    assert ('email', 'private-contact', 'block') in rules(found)


def test_newsletter_list_blocks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, found = findings(tmp_path, 'subscribers.csv', NEWSLETTER, capsys)
    assert code == 1
    assert ('email', 'private-contact', 'block') in rules(found)


def test_shipping_labels_with_home_addresses_block(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, found = findings(tmp_path, 'labels.csv', SHIPPING, capsys)
    assert code == 1
    assert ('street_address', 'home-address', 'block') in rules(found)


@pytest.mark.parametrize(('name', 'text'), [
    ('_data/team.yml', TEAM_YAML),
    ('speakers.json', SPEAKERS_JSON),
    ('legislators.csv', LEGISLATORS),
])
def test_people_in_public_roles_warn(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     name: str, text: str) -> None:
    code, found = findings(tmp_path, name, text, capsys)
    assert code == 0
    assert found and all(f['severity'] == 'warn' for f in found)
    assert any(f['rule'] == 'public-role' for f in found)
    assert any('public' in f['reason'] for f in found)


def test_public_roles_block_when_the_repository_asks(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / '.pii-hooks.yaml').write_text('public_roles: block\n')
    code, found = findings(tmp_path, '_data/team.yml', TEAM_YAML, capsys)
    assert code == 1
    assert any(f['rule'] == 'public-role' and f['severity'] == 'block' for f in found)


def test_warning_says_how_to_make_it_block(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    _, found = findings(tmp_path, 'legislators.csv', LEGISLATORS, capsys)
    assert all('block' in f['fix'] for f in found if f['severity'] == 'warn')


def test_names_beside_special_category_block_and_names_alone_warn(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    roster = ('name,nationality,case_status\nJane Miller,Honduras,Credible fear pending\n'
              'Robert Brown,Guatemala,Removal ordered\nLinda Garcia,Honduras,Asylum granted\n')
    code, found = findings(tmp_path, 'roster.csv', roster, capsys)
    assert code == 1
    assert ('nationality', 'sensitive-record', 'block') in rules(found)
    assert ('person_name', 'sensitive-record', 'block') in rules(found)
    names = 'name\nJane Miller\nRobert Brown\nLinda Garcia\n'
    code, found = findings(tmp_path, 'names.csv', names, capsys)
    assert code == 0 and rules(found) == {('person_name', 'personal-data', 'warn')}


def test_attribute_without_people_is_no_finding(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    bills = 'total_bill,tip,sex,smoker\n16.99,1.01,Female,No\n10.34,1.66,Male,No\n'
    assert findings(tmp_path, 'tips.csv', bills, capsys) == (0, [])


def test_attribute_values_that_contradict_the_header_win(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shirts = 'customer,sex\nJane Miller,XL\nRobert Brown,M\nLinda Garcia,S\nAnna Lee,L\n'
    _, found = findings(tmp_path, 'shirts.csv', shirts, capsys)
    assert 'gender' not in {f['category'] for f in found}


def test_date_of_birth_beside_names_blocks_order_date_does_not(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dob = 'name,dob\nJane Miller,1984-02-29\nRobert Brown,1991-07-14\nLinda Garcia,1979-11-03\n'
    code, found = findings(tmp_path, 'dob.csv', dob, capsys)
    assert code == 1 and ('date_of_birth', 'sensitive-record', 'block') in rules(found)
    orders = ('customer,order_date\nJane Miller,2024-02-29\nRobert Brown,2024-07-14\n'
              'Linda Garcia,2023-11-03\n')
    code, found = findings(tmp_path, 'orders.csv', orders, capsys)
    assert code == 0 and 'date_of_birth' not in {f['category'] for f in found}


def test_public_ips_in_logs_block_documentation_ranges_pass(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    public = 'time,client_ip,path\n' + ''.join(
        f'2024-01-0{i}T10:00:00,{ip},/\n' for i, ip in enumerate(
            ['81.2.69.142', '89.160.20.112', '175.16.199.4', '216.160.83.56'], start=1))
    code, found = findings(tmp_path, 'access.csv', public, capsys)
    assert code == 1 and ('ip_address', 'ip-individuals', 'block') in rules(found)
    docs = 'time,client_ip,path\n' + ''.join(
        f'2024-01-0{i}T10:00:00,{ip},/\n' for i, ip in enumerate(
            ['192.0.2.10', '198.51.100.7', '203.0.113.99', '10.1.2.3'], start=1))
    assert findings(tmp_path, 'sample-log.csv', docs, capsys) == (0, [])


def test_office_mailboxes_are_not_people(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    site = 'title: Open Data Portal\nemail: info@agency.gov\nfeedback: feedback@agency.gov\n'
    assert findings(tmp_path, '_config.yml', site, capsys) == (0, [])


def test_organisation_tax_ids_warn(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    grants = ('organization,ein,amount\nRiver Arts Council,12-3456789,5000\n'
              'Harbor Food Bank,98-7654321,12000\nHill Youth League,45-6789012,800\n')
    code, found = findings(tmp_path, 'grants.csv', grants, capsys)
    assert code == 0
    assert {f['rule'] for f in found if f['category'] == 'tax_id'} <= {'organisation-id'}


def test_template_headers_warn_and_the_header_check_blocks_values(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    template = 'First Name,Last Name,SSN,Email\n'
    code, found = findings(tmp_path, 'template.csv', template, capsys)
    assert code == 0 and {f['rule'] for f in found} == {'header-only'}
    filled = 'Customer Ref,SSN\nA-1,unknown\nA-2,pending\n'
    path = tmp_path / 'filled.csv'
    path.write_text(filled)
    assert main(['scan', '--headers-only', str(path)]) == 1
    assert main(['scan', str(path)]) == 0


def test_masked_values_warn(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    masked = 'name,ssn\nJane Miller,XXX-XX-XXXX\nRobert Brown,XXX-XX-XXXX\n'
    code, found = findings(tmp_path, 'masked.csv', masked, capsys)
    assert code == 0
    assert ('ssn', 'masked-values', 'warn') in rules(found)


def test_one_stray_match_in_a_large_column_does_not_block(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = ''.join(f'item-{i},note {i}\n' for i in range(200))
    text = 'code,note\n' + rows + 'item-x,call 312-55-1234 later\n'
    code, _ = findings(tmp_path, 'notes.csv', text, capsys)
    assert code == 0


def test_headerless_columns_speak_for_themselves(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [('Jan Jansen', '1980-02-03', 'Diabetes type 2'), ('Piet de Vries', '1975-11-23',
            'Asthma'), ('Anna Bakker', '1990-05-06', 'Hypertension'), ('Eva Visser',
            '1969-08-09', 'Migraine'), ('Sem Smit', '2001-01-30', 'Asthma')]
    code, found = findings(tmp_path, 'patients.json', json.dumps(rows), capsys)
    assert code == 1
    cats = {f['category'] for f in found}
    assert {'person_name', 'date_of_birth', 'health'} <= cats


def test_people_in_a_hidden_column_block_a_repeated_label_does_not(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    openpyxl = pytest.importorskip('openpyxl')
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(['site', 'contact'])
    for site, person in [('A', 'Jane Miller'), ('B', 'Robert Brown'), ('C', 'Linda Garcia')]:
        sheet.append([site, person])
    sheet.column_dimensions['B'].hidden = True
    book.save(tmp_path / 'sites.xlsx')
    assert main(['scan', '--format', 'json', str(tmp_path / 'sites.xlsx')]) == 1
    found = json.loads(capsys.readouterr().out)['findings']
    assert ('person_name', 'hidden-people', 'block') in rules(found)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(['path', 'issuer'])
    for i in range(6):
        sheet.append([f'path {i}', 'ICAM Test Card Root'])
    sheet.column_dimensions['B'].hidden = True
    book.save(tmp_path / 'paths.xlsx')
    assert main(['scan', str(tmp_path / 'paths.xlsx')]) == 0


def test_unpublished_warn_downgrades_only_outside_published_paths(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / '.pii-hooks.yaml').write_text(
        "unpublished: warn\npublish: {paths: ['site/**'], url: 'https://data.example.gov'}\n")
    people = 'name,ssn\nJane Miller,512-44-6789\nRobert Brown,321-54-9876\n'
    for folder in ('site', 'internal'):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / 'p.csv').write_text(people)
    assert main(['scan', '--format', 'json', 'site/p.csv']) == 1
    published = json.loads(capsys.readouterr().out)['findings']
    assert any('https://data.example.gov/site/p.csv' in f['reason'] for f in published)
    assert main(['scan', 'internal/p.csv']) == 0


def test_contact_list_without_public_role_columns_blocks(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    given = ['Jane', 'Robert', 'Linda', 'Thomas', 'Anna', 'Peter']
    family = ['Miller', 'Brown', 'Garcia', 'Wilson', 'Lee']
    rows = ''.join(f'{g} {f},{g.lower()}.{f.lower()}@partner-firm.com,(217) 782-{2000 + i}\n'
                   for i, (g, f) in enumerate((g, f) for g in given for f in family))
    code, found = findings(tmp_path, 'partners.csv', 'name,email,phone\n' + rows, capsys)
    assert code == 1 and ('email', 'contact-list', 'block') in rules(found)
    code, found = findings(tmp_path, 'few.csv', 'name,email,phone\n' + rows[:200], capsys)
    assert code == 0


def test_crm_export_with_job_titles_and_home_addresses_blocks(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    crm = ('name,job title,company,address\n'
           'Jane Miller,Engineer,Acme Corp,12 Oak Street\n'
           'Robert Brown,Accountant,Widget Ltd,48 Maple Avenue\n'
           'Linda Garcia,Nurse,City Clinic,7 Elm Court\n')
    code, found = findings(tmp_path, 'crm.csv', crm, capsys)
    assert code == 1 and ('street_address', 'home-address', 'block') in rules(found)


def test_many_distinct_example_addresses_are_people_one_is_a_placeholder(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    listing = 'name,email\n' + ''.join(
        f'{n},{n.split()[0].lower()}@example.org\n'
        for n in ['Jane Miller', 'Robert Brown', 'Linda Garcia', 'Thomas Wilson'])
    _, found = findings(tmp_path, 'people.csv', listing, capsys)
    assert 'email' in {f['category'] for f in found}
    config = 'title: Site\ncontact: you@example.com\n'
    assert findings(tmp_path, '_config.yml', config, capsys) == (0, [])
