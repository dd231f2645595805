from __future__ import annotations

import pytest

from pii_hooks.detect.addresses import looks_like_street_address


@pytest.mark.parametrize('value', [
    '1600 Pennsylvania Ave NW, Washington, DC 20500',
    '12B Oak Street, Apt 4',
    '742 Evergreen Terrace',
    '116 Julie Parkways\nMartinezborough, NS L4A 7E8',
    'Calle Mayor 5, 3º',
    'Rua das Flores, 120',
    'Via Roma 10',
    '12 rue de la Paix',
    '5, avenue Foch\n75016 Paris',
    'Hauptstraße 12',
    'Klemmstraße 90/68\n90328 Bremen',
    'Kerkstraat 5',
])
def test_street_addresses(value: str) -> None:
    assert looks_like_street_address(value)


@pytest.mark.parametrize('value', [
    '12 apples', 'Room 5', '2020 Annual Report', 'Facility 12', 'Suite 5', 'Building 7',
    '5 Star Hotel', '24 Hour Fitness', 'Via 3 modes', 'Main Street', '', '12',
    'x' * 300,
])
def test_not_street_addresses(value: str) -> None:
    assert not looks_like_street_address(value)
