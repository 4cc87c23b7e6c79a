"""PERSON and POSTAL_ADDRESS: lookup lists, titles, labels, columns, street shapes."""

from __future__ import annotations

import random

import pytest

from piiscan import synth


def of_type(find, text, entity, context=""):
    return [value for kind, value in find(text, context) if kind == entity]


@pytest.mark.parametrize(
    "text,name",
    [
        ("Naam: Sophie Peeters", "Sophie Peeters"),
        ("Nom : Jean-Pierre Dubois", "Jean-Pierre Dubois"),
        ("Name: Emma Thompson", "Emma Thompson"),
        ("Geachte mevrouw Janssens,", "Janssens"),
        ("Monsieur Lambert a demandé", "Lambert"),
        ("Dear Mrs Wilson, thank you", "Wilson"),
        ("Contactpersoon: Jan van der Berg", "Jan van der Berg"),
        ("Naam: Stan van 't Houteveen", "Stan van 't Houteveen"),
        ("Klant Lotte Van den Broeck belde", "Lotte Van den Broeck"),
        ("Notulen door Virginie D'hondt.", "Virginie D'hondt"),
    ],
)
def test_names_with_evidence(find, text, name):
    assert of_type(find, text, "PERSON") == [name]


def test_signature_after_closing_formula(find):
    text = "Alvast bedankt.\n\nMet vriendelijke groet,\nDaan Smit\n"
    assert of_type(find, text, "PERSON") == ["Daan Smit"]


def test_team_signature_is_not_a_person(find):
    text = "Met vriendelijke groet,\nPrivacydesk Technova\n"
    assert of_type(find, text, "PERSON") == []


def test_given_name_from_lexicon_plus_family_name(find):
    assert of_type(find, "Gisteren belde Marie Dubois over haar dossier.", "PERSON") == ["Marie Dubois"]


def test_name_column(find):
    assert of_type(find, "Sophie Peeters", "PERSON", context="Naam") == ["Sophie Peeters"]
    assert of_type(find, "Peeters", "PERSON", context="Naam") == ["Peeters"]
    assert of_type(find, "Peeters", "PERSON", context="Product") == []


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("locale", ["nl_NL", "nl_BE", "fr_BE", "en_GB"])
def test_synthetic_names_after_a_label(find, seed, locale):
    first, last = synth.person(random.Random(seed), locale)
    assert of_type(find, f"Naam: {first} {last}\n", "PERSON") == [f"{first} {last}"]


@pytest.mark.parametrize(
    "text",
    [
        "De Kerkstraat 12 is gesloten.",
        "ERIKSSON<<ANNA<MARIA<<<<<<<",
        "Stuur het naar jan.peeters@example.be",
        "9707 MS Groningen",
        "In Mei en Juni is het druk.",
    ],
)
def test_not_names(find, text):
    assert of_type(find, text, "PERSON") == []


@pytest.mark.parametrize(
    "text,addresses",
    [
        ("Adres: Kerkstraat 12, 1234 AB Amsterdam", ["Kerkstraat 12, 1234 AB Amsterdam"]),
        ("Kerkstraat 12\n1234 AB Amsterdam", ["Kerkstraat 12", "1234 AB Amsterdam"]),
        ("Rue de la Loi 16, 1000 Bruxelles", ["Rue de la Loi 16, 1000 Bruxelles"]),
        ("Avenue Louise 54 bte 3\n1050 Ixelles", ["Avenue Louise 54 bte 3", "1050 Ixelles"]),
        ("Oude Markt 3, 3000 Leuven", ["Oude Markt 3, 3000 Leuven"]),
        ("Herendijk 205, 5297 ZS Den Bosch", ["Herendijk 205, 5297 ZS Den Bosch"]),
        ("woonachtig Stationsplein 4A, 2000 Antwerpen", ["Stationsplein 4A, 2000 Antwerpen"]),
        ("Populierendreef 34C bus 2\n9000 Gent", ["Populierendreef 34C bus 2", "9000 Gent"]),
    ],
)
def test_addresses(find, text, addresses):
    assert of_type(find, text, "POSTAL_ADDRESS") == addresses


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("locale", ["nl_NL", "nl_BE", "fr_BE"])
def test_synthetic_addresses_on_one_line(find, seed, locale):
    street, city = synth.address(random.Random(seed), locale)
    assert of_type(find, f"Adres: {street}, {city}\n", "POSTAL_ADDRESS") == [f"{street}, {city}"]


@pytest.mark.parametrize("text", ["Omzet regio 3500 Hasselt steeg", "in 2024 Rue neuve", "Postcode 9999 XX", "Artikel 12, lid 3"])
def test_not_addresses(find, text):
    assert of_type(find, text, "POSTAL_ADDRESS") == []
