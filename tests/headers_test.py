"""Header vocabulary: what each header names, in five-plus languages, and the near-misses."""
from __future__ import annotations

import importlib.resources

import pytest
import yaml

from pii_hooks.detect.headers import (
    HeaderMatch,
    classify_header,
    classify_headers,
    normalise,
    vocabulary_terms,
)
from pii_hooks.models import CATEGORIES

# (header, category): each must name its category, not ambiguously.
MUST_MATCH = [
    # person_name
    ('First Name', 'person_name'), ('first_name', 'person_name'), ('firstName', 'person_name'),
    ('FIRST-NAME', 'person_name'), ('fname', 'person_name'), ('lname', 'person_name'),
    ('Surname', 'person_name'), ('Full Name', 'person_name'), ('patient_name', 'person_name'),
    ('applicant first name', 'person_name'), ('customer_name', 'person_name'),
    ('Nombre del cliente', 'person_name'), ('Apellidos', 'person_name'),
    ('Prénom', 'person_name'), ('Nom de famille', 'person_name'), ('Vorname', 'person_name'),
    ('Nachname', 'person_name'), ('Kundenname', 'person_name'), ('Sobrenome', 'person_name'),
    ('Nome completo', 'person_name'), ('Cognome', 'person_name'), ('Achternaam', 'person_name'),
    ('author.name', 'person_name'), ('Maiden Name', 'person_name'),
    # email
    ('email', 'email'), ('E-mail', 'email'), ('emailaddress', 'email'),
    ('contact_email', 'email'), ('CustomerEmail', 'email'), ('contact.email', 'email'),
    ('Correo electrónico', 'email'), ('Courriel', 'email'), ('E-Mail-Adresse', 'email'),
    ('Endereço de e-mail', 'email'), ('Indirizzo email', 'email'), ('E-mailadres', 'email'),
    ('email du client', 'email'), ('email_sha256', 'email'), ('Email ID', 'email'),
    ('Email address of the applicant (required)', 'email'), ('Phone (home)', 'phone'),
    # phone
    ('phone', 'phone'), ('Phone Number', 'phone'), ('home_phone', 'phone'), ('phone2', 'phone'),
    ('tel', 'phone'), ('mob', 'phone'), ('cell', 'phone'), ('Mobile No.', 'phone'),
    ('emergency contact phone', 'phone'), ('people[0].phone', 'phone'),
    ('Teléfono', 'phone'), ('Téléphone portable', 'phone'), ('Telefonnummer', 'phone'),
    ('Handy', 'phone'), ('Telefone do paciente', 'phone'), ('Numero di telefono', 'phone'),
    ('Telefoonnummer', 'phone'), ('Mitarbeiter-Telefon', 'phone'), ('Celular', 'phone'),
    # ssn, itin, a_number
    ('SSN', 'ssn'), ('ssn_no', 'ssn'), ('SSN#', 'ssn'), ('Soc. Sec. No.', 'ssn'),
    ('employee ssn', 'ssn'), ('Social Security Number', 'ssn'), ('hashed_ssn', 'ssn'),
    ('Applicant SSN last 4', 'ssn'), ('Número de Seguro Social', 'ssn'),
    ('ITIN', 'itin'),
    ('A#', 'a_number'), ('A-Number', 'a_number'), ('Alien No', 'a_number'),
    ('Alien Registration #', 'a_number'), ('Detainee A-Number', 'a_number'),
    ('Alien Registration Number', 'a_number'), ('Número A', 'a_number'),
    # passport, drivers_license, national_id
    ('Passport No.', 'passport'), ('passport #', 'passport'), ('Nº de pasaporte', 'passport'),
    ('Numéro de passeport', 'passport'), ('Reisepassnummer', 'passport'),
    ('Passaporte', 'passport'), ('Paspoortnummer', 'passport'),
    ("Driver's License Number", 'drivers_license'), ('DL#', 'drivers_license'),
    ('Licencia de conducir', 'drivers_license'), ('Permis de conduire', 'drivers_license'),
    ('Führerschein', 'drivers_license'), ('Carteira de motorista', 'drivers_license'),
    ('National ID', 'national_id'), ('DNI', 'national_id'), ('CURP', 'national_id'),
    ('NI Number', 'national_id'), ('Personalausweisnummer', 'national_id'),
    ('BSN', 'national_id'), ('Aadhaar', 'national_id'), ('Cédula de identidad', 'national_id'),
    # date_of_birth
    ('DOB', 'date_of_birth'), ('client_dob', 'date_of_birth'), ("Applicant's DOB", 'date_of_birth'),
    ('Date of birth (mm/dd/yyyy)', 'date_of_birth'), ('birthDate', 'date_of_birth'),
    ('D.O.B.', 'date_of_birth'), ('Fecha de nacimiento', 'date_of_birth'),
    ('Date de naissance', 'date_of_birth'), ('Geburtsdatum', 'date_of_birth'),
    ('Data de nascimento', 'date_of_birth'), ('Data di nascita', 'date_of_birth'),
    ('Geboortedatum', 'date_of_birth'),
    # street_address, postal_code
    ('address', 'street_address'), ('addr1', 'street_address'), ('address1', 'street_address'),
    ('addr_2', 'street_address'), ('billingAddress', 'street_address'),
    ('shipping_address_line_2', 'street_address'), ('Last known street address', 'street_address'),
    ('Dirección', 'street_address'), ('Adresse', 'street_address'), ('Straße', 'street_address'),
    ('Endereço', 'street_address'), ('Indirizzo', 'street_address'), ('Adres', 'street_address'),
    ('zip', 'postal_code'), ('ZIP Code', 'postal_code'), ('zip5', 'postal_code'),
    ('Postcode', 'postal_code'), ('Código postal', 'postal_code'), ('PLZ', 'postal_code'),
    ('Code postal', 'postal_code'), ('CEP', 'postal_code'),
    # ip_address, credit_card, iban, bank_account, tax_id
    ('client ip', 'ip_address'), ('remote_addr', 'ip_address'), ('Visitor IP', 'ip_address'),
    ('Credit Card Number', 'credit_card'), ('CVV', 'credit_card'), ('cc_num', 'credit_card'),
    ('Número de tarjeta', 'credit_card'), ('Kreditkartennummer', 'credit_card'),
    ('IBAN', 'iban'), ('Código IBAN', 'iban'),
    ('Bank Account', 'bank_account'), ('Número de cuenta', 'bank_account'),
    ('Kontonummer', 'bank_account'), ('Rekeningnummer', 'bank_account'),
    ('Tax ID', 'tax_id'), ('TIN', 'tax_id'), ('CPF', 'tax_id'), ('Codice fiscale', 'tax_id'),
    ('Steuer-ID', 'tax_id'), ('NIF', 'tax_id'),
    # health
    ('Diagnosis', 'health'), ('ICD-10', 'health'), ('HIV Status', 'health'),
    ('Blood Type', 'health'), ('Medications', 'health'), ('Diagnóstico', 'health'),
    ('Maladie', 'health'), ('Vorerkrankungen', 'health'), ('Doença', 'health'),
    ('Patologia', 'health'), ('Ziekte', 'health'), ('patient diagnosis code', 'health'),
    # nationality
    ('Nationality', 'nationality'), ('Country of Citizenship', 'nationality'),
    ('Citizenship', 'nationality'), ('Country of Birth', 'nationality'),
    ('Nacionalidad', 'nationality'), ('Nationalité', 'nationality'),
    ('Staatsangehörigkeit', 'nationality'), ('Nacionalidade', 'nationality'),
    ('Cittadinanza', 'nationality'), ('Nationaliteit', 'nationality'),
    # immigration_status
    ('Immigration Status', 'immigration_status'), ('Case Status', 'immigration_status'),
    ('Fear Determination', 'immigration_status'), ('Detention Facility', 'immigration_status'),
    ('Asylum Decision', 'immigration_status'), ('Removal Date', 'immigration_status'),
    ('Parole', 'immigration_status'), ('Visa Status', 'immigration_status'),
    ('Current immigration status', 'immigration_status'),
    ('Estatus migratorio', 'immigration_status'), ('Demande d’asile', 'immigration_status'),
    ('Aufenthaltsstatus', 'immigration_status'), ('Situação migratória', 'immigration_status'),
    ('Permesso di soggiorno', 'immigration_status'), ('Verblijfsstatus', 'immigration_status'),
    # ethnicity, religion, gender, sexual_orientation
    ('Ethnicity', 'ethnicity'), ('Race/Ethnicity', 'ethnicity'), ('ethnicity_code', 'ethnicity'),
    ('Etnia', 'ethnicity'), ('Origine ethnique', 'ethnicity'), ('Cor/Raça', 'ethnicity'),
    ('Religion', 'religion'), ('Religious Affiliation', 'religion'), ('Religión', 'religion'),
    ('Konfession', 'religion'), ('Religião', 'religion'), ('Religie', 'religion'),
    ('Gender', 'gender'), ('sex', 'gender'), ('Sexo', 'gender'), ('Sexe', 'gender'),
    ('Geschlecht', 'gender'), ('Sesso', 'gender'), ('Geslacht', 'gender'),
    ('Sexual Orientation', 'sexual_orientation'), ('Orientación sexual', 'sexual_orientation'),
    ('Orientation sexuelle', 'sexual_orientation'),
    # criminal_record
    ('Criminal History', 'criminal_record'), ('Arrest Date', 'criminal_record'),
    ('Conviction', 'criminal_record'), ('Offense', 'criminal_record'),
    ('Antecedentes penales', 'criminal_record'), ('Casier judiciaire', 'criminal_record'),
    ('Vorstrafen', 'criminal_record'), ('Antecedentes criminais', 'criminal_record'),
    ('Precedenti penali', 'criminal_record'), ('Strafblad', 'criminal_record'),
    # username
    ('username', 'username'), ('login', 'username'), ('user_name', 'username'),
    ('handle', 'username'), ('Screen Name', 'username'), ('Nombre de usuario', 'username'),
    ('Benutzername', 'username'), ('Gebruikersnaam', 'username'),
    # profile
    ('Title', 'profile'), ('Job Title', 'profile'), ('Affiliation', 'profile'),
    ('Department', 'profile'), ('Bio', 'profile'), ('Photo', 'profile'),
    ('Avatar URL', 'profile'), ('ORCID', 'profile'), ('twitter', 'profile'),
    ('GitHub', 'profile'), ('Twitter handle', 'profile'), ('LinkedIn', 'profile'),
    ('Mastodon', 'profile'), ('Website', 'profile'), ('Homepage', 'profile'),
    ('Party', 'profile'), ('Office', 'profile'), ('District', 'profile'),
    ('Constituency', 'profile'), ('Chamber', 'profile'), ('State', 'profile'),
    ('Organisation', 'profile'), ('Institution', 'profile'), ('Employer', 'profile'),
    ('Company', 'profile'), ('company name', 'profile'), ('Research Interests', 'profile'),
    ('Cargo', 'profile'), ('Partido', 'profile'), ('Fonction', 'profile'),
    ('Abteilung', 'profile'), ('Wahlkreis', 'profile'), ('Ruolo', 'profile'), ('Partij', 'profile'),
]

# (header, category): named only when the values agree.
AMBIGUOUS = [
    ('name', 'person_name'), ('Name', 'person_name'), ('nom', 'person_name'),
    ('nombre', 'person_name'), ('display name', 'person_name'), ('nickname', 'person_name'),
    ('ip address', 'ip_address'), ('ipAddress', 'ip_address'), ('IP', 'ip_address'),
    ('race', 'ethnicity'), ('genre', 'gender'), ('charge', 'criminal_record'),
    ('Booking Date', 'criminal_record'), ('user_id', 'username'), ('userid', 'username'),
    ('Account Number', 'bank_account'), ('EIN', 'tax_id'), ('Street Name', 'street_address'),
    ('birth year', 'date_of_birth'), ('country of origin', 'nationality'),
]

# Headers that must name nothing: the peers' false alarms and the near-misses of our terms.
NAMES_NOTHING = [
    'hostname', 'host_name', 'filename', 'fileName', 'file name', 'model_name', 'modelName',
    'Geoname ID', 'geonameid', 'country name', 'countryName', 'user agent', 'userAgent',
    'number', 'id', 'ID', 'No.', 'code', 'date', 'Date', 'order date', 'orderDate',
    'created_at', 'updated_at', 'start date', 'date of service', 'city', 'City', 'country',
    'ethnicity count', 'mac address', 'MAC Address', 'web address', 'Server IP', 'server_ip',
    'email_verified', 'email domain', 'phone type', 'gender count', 'Gender ratio',
    'number of asylum seekers', '# of detainees', 'Count of arrests', 'pct hispanic',
    'product name', 'Product Name', 'Name of product', 'book title', 'page title',
    'last login', 'lastLogin', 'password', 'Passwort', 'routing number', 'region',
    'portal', 'detection', 'mediation', 'meditation', 'change', 'offset', 'sender domain',
    'species name', 'project name', 'client hostname', 'device mac address',
    'email template', 'age', 'Age group', 'race results', 'race distance', 'Facility Name',
    'congressional district', 'state code', 'zipfile', 'cell type', 'telaviv', 'government',
    'Gender (count)', 'Nationality (%)', 'Race (n)', '', '   ', '#', '(x)', '名前',
    'a' * 5000, ' '.join(['word'] * 2000),
]

# Near-misses of long terms (typos) that still name the category.
FUZZY = [
    ('adress', 'street_address'), ('Applicant Adress', 'street_address'),
    ('nationalty', 'nationality'), ('etnicity', 'ethnicity'), ('telphone', 'phone'),
    ('date of brth', 'date_of_birth'), ('religon', 'religion'), ('citizenshp', 'nationality'),
    ('Sexual Orientaton', 'sexual_orientation'), ('Social Securty Number', 'ssn'),
    ('Ethnicty', 'ethnicity'), ('passsport', 'passport'),
]


@pytest.mark.parametrize(('header', 'category'), MUST_MATCH)
def test_header_names_category(header: str, category: str) -> None:
    match = classify_header(header)
    assert match is not None, header
    assert (match.category, match.ambiguous) == (category, False), header


@pytest.mark.parametrize(('header', 'category'), AMBIGUOUS)
def test_ambiguous_header_needs_values(header: str, category: str) -> None:
    assert classify_header(header) == HeaderMatch(category, classify_header(header).term, True)


@pytest.mark.parametrize('header', NAMES_NOTHING)
def test_near_miss_names_nothing(header: str) -> None:
    assert classify_header(header) is None, classify_header(header)


@pytest.mark.parametrize(('header', 'category'), FUZZY)
def test_typo_of_long_term(header: str, category: str) -> None:
    match = classify_header(header)
    assert match is not None and match.category == category


@pytest.mark.parametrize('header', ['ssm', 'dbo', 'zap', 'tal', 'tender', 'gander', 'emial',
                                    'render'])
def test_short_terms_are_never_fuzzy(header: str) -> None:
    assert classify_header(header) is None


@pytest.mark.parametrize(('header', 'category'), [
    ('name', 'person_name'), ('patient_name', 'person_name'), ('contact name', 'person_name'),
    ('Nombre del cliente', 'person_name'), ('Kundenname', 'person_name'),
])
def test_role_word_makes_name_a_person(header: str, category: str) -> None:
    match = classify_header(header)
    assert match is not None and match.category == category
    assert match.ambiguous == (header == 'name')


def test_name_inside_a_word_is_not_a_name() -> None:
    for header in ('hostname', 'filename', 'username', 'surname', 'nickname', 'codename'):
        match = classify_header(header)
        assert match is None or match.term.replace(' ', '') == header, (header, match)


def test_city_inside_ethnicity_and_address_inside_ip_address() -> None:
    assert classify_header('ethnicity') == HeaderMatch('ethnicity', 'ethnicity')
    ip = classify_header('ip_address')
    assert ip is not None and ip.category == 'ip_address'


@pytest.mark.parametrize(('header', 'normal'), [
    ('First Name', 'first name'), ('firstName', 'first name'), ('FIRST-NAME', 'first name'),
    ('first_name', 'first name'), ('Address1', 'address 1'), ('A#', 'a #'),
    ("Applicant's DOB", 'applicant dob'), ('Dirección', 'direccion'), ('Straße', 'strasse'),
    ('emailAddress', 'email address'), ('HTTPStatus', 'http status'),
])
def test_normalise(header: str, normal: str) -> None:
    assert normalise(header) == normal


def test_table_context_drops_host_ip_addresses() -> None:
    hosts = classify_headers(['hostname', 'ip address', 'os'])
    assert hosts == (None, None, None)
    visitors = classify_headers(['visitor', 'ip address', 'date'])
    assert visitors[1] is not None and visitors[1].category == 'ip_address'
    # a visitor's address is kept even next to a host column
    assert classify_headers(['server', 'client ip'])[1] == HeaderMatch('ip_address', 'client ip')


def test_vocabulary_categories_are_known() -> None:
    spec = yaml.safe_load(importlib.resources.files('pii_hooks.detect').joinpath(
        'data/headers.yaml').read_text(encoding='utf-8'))
    assert set(spec['categories']) <= set(CATEGORIES) | {'profile'}
    missing = set(CATEGORIES) - set(spec['categories']) - {'secret'}
    assert not missing


def test_no_term_is_shadowed_by_a_negative() -> None:
    spec = yaml.safe_load(importlib.resources.files('pii_hooks.detect').joinpath(
        'data/headers.yaml').read_text(encoding='utf-8'))
    negatives = {normalise(str(t)) for t in spec['not_personal']}
    terms = {normalise(str(t)) for e in spec['categories'].values()
             for t in (*e.get('terms', ()), *e.get('ambiguous', ()))}
    assert not negatives & terms
    assert all(m is None for k, m in vocabulary_terms().items() if k in negatives)


def test_every_term_names_its_own_category() -> None:
    for key, match in vocabulary_terms().items():
        if match is not None:
            assert classify_header(key) == match, key


def test_classify_is_cached() -> None:
    # speed is measured in benchmarks/perf.py; here: a header is classified once
    headers = [f'column {i} {w}' for i, w in enumerate(
        ['value', 'measure', 'reading', 'total', 'adress', 'note'] * 200)]
    for header in headers:
        classify_header(header)
    before = classify_header.cache_info()
    for header in headers:
        classify_header(header)
    after = classify_header.cache_info()
    assert after.hits - before.hits == len(headers) and after.misses == before.misses


@pytest.mark.parametrize('header', ['Kod pocztowy', 'Postnummer', 'Postinumero',
                                    'Irányítószám', 'Posta Kodu'])
def test_postal_code_headers_of_more_languages(header: str) -> None:
    found = classify_header(header)
    assert found is not None and found.category == 'postal_code' and not found.ambiguous
