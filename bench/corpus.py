"""Deterministic benchmark corpora: business prose with labelled identifiers, and a file tree.

* ``plain_text_corpus(n_bytes, seed, profile)`` gives documents (5-20 kB each) of Dutch,
  French and English business text - letters, invoices, mails, HR notes, customer tables,
  application logs - with synthetic identifiers (piiscan.synth) inserted after the labels
  people use ("IBAN: ...", "Rijksregisternummer ...", "BSN: ...", "KvK-nummer ...",
  "Tél. : ..."). Every document carries the list of what was inserted, as
  ``Span(entity_type, start, end, value)`` with ``text[start:end] == value``. Two
  profiles: "dense" (forms, exports, HR files: one inserted value per ~105 bytes) and
  "typical" (prose-heavy letters, mails and reports: one per ~270 bytes).
* ``write_tree(dest, n_files, seed)`` writes a mixed tree of small .txt/.csv/.pdf/.docx/.xlsx
  files from the same kind of text, for files/s and pages/s.

Everything is drawn from a seeded ``random.Random`` (and Faker instances seeded from it), so
the same arguments give the same corpus, byte for byte.

Entity types (piiscan names): the structured identifiers in ``STRUCTURED`` - what the
benchmark's recall is about - plus PERSON, POSTAL_ADDRESS and DATE_OF_BIRTH where a letter
naturally has them (recorded so that finding them does not count as noise).
"""

from __future__ import annotations

import csv
import datetime
import random
import textwrap
from pathlib import Path
from typing import Callable, NamedTuple

from piiscan import synth

STRUCTURED = (
    "EMAIL_ADDRESS", "PHONE_NUMBER", "IBAN_CODE", "BE_NATIONAL_NUMBER", "NL_BSN",
    "BE_ENTERPRISE_NUMBER", "VAT_NUMBER", "NL_KVK", "CREDIT_CARD", "IP_ADDRESS",
)
EXTRA = ("PERSON", "POSTAL_ADDRESS", "DATE_OF_BIRTH")


class Span(NamedTuple):
    entity_type: str
    start: int
    end: int
    value: str


class Document(NamedTuple):
    name: str
    locale: str
    text: str
    spans: list[Span]


# Locale mix of the corpus: Flemish, Dutch, Walloon/Brussels, English.
_LOCALE_WEIGHTS = (("nl_BE", 35), ("nl_NL", 30), ("fr_BE", 20), ("en_GB", 15))
_LANG = {"nl_BE": "nl", "nl_NL": "nl", "fr_BE": "fr", "en_GB": "en"}

_COMPANIES = (
    "Groenplan BV", "DataWerk BV", "Noordzee Logistics NV", "Atelier Lumière SRL",
    "Bouwbedrijf Kempenland BV", "Fiduciaire Meuse SRL", "Polderzorg BV", "Vlaamse Dakwerken NV",
    "Horizon ICT BV", "Boulangerie du Centre SRL", "Transportgroep Schelde NV",
    "Accountancy Zuid BV", "Medisch Centrum De Linde", "Immo Ardennes SA", "Kinderopvang Zonnetje VZW",
    "Brightline Consulting Ltd", "Rivierland Installatietechniek BV", "Garage Central SA",
)
_PRODUCTS = {
    "nl": ("Consultancy (uur)", "Onderhoudscontract", "Licentie jaarabonnement", "Verzendkosten",
           "Installatie ter plaatse", "Opleiding medewerkers", "Hosting maand", "Materiaalkosten",
           "Verplaatsingskosten", "Ondersteuning helpdesk"),
    "fr": ("Prestation de conseil (heure)", "Contrat de maintenance", "Licence annuelle",
           "Frais d'envoi", "Installation sur site", "Formation du personnel", "Hébergement mensuel",
           "Fournitures", "Frais de déplacement", "Support technique"),
    "en": ("Consultancy (hour)", "Maintenance contract", "Annual licence", "Shipping",
           "On-site installation", "Staff training", "Monthly hosting", "Materials",
           "Travel expenses", "Helpdesk support"),
}

# Business prose. Dutch also draws Faker's nl_NL sentences; Faker's fr_BE and en_GB text is
# Latin lorem ipsum, so French and English prose comes from these lists only.
_PROSE = {
    "nl": (
        "Naar aanleiding van ons telefoongesprek van vorige week stuur ik u hierbij de gevraagde gegevens.",
        "De vergadering van de raad van bestuur is verplaatst naar donderdagnamiddag.",
        "Wij danken u voor uw vertrouwen en kijken uit naar een verdere samenwerking.",
        "Het contract wordt stilzwijgend verlengd, tenzij het drie maanden voor de vervaldag wordt opgezegd.",
        "Gelieve de bijgevoegde documenten ondertekend terug te sturen vóór het einde van de maand.",
        "De levering is voorzien in de loop van week 14, afhankelijk van de beschikbaarheid van de onderdelen.",
        "In bijlage vindt u het verslag van de audit en de lijst met openstaande actiepunten.",
        "Bij vragen over deze factuur kunt u steeds contact opnemen met onze boekhouding.",
        "Het dossier werd doorgegeven aan de juridische dienst voor verdere opvolging.",
        "Wegens de jaarafsluiting is ons kantoor gesloten tussen Kerstmis en Nieuwjaar.",
        "Uw aanvraag is goed ontvangen en wordt binnen tien werkdagen behandeld.",
        "De nieuwe versie van het platform wordt uitgerold na de testfase in het voorjaar.",
        "Vanaf volgende maand gelden de aangepaste tarieven zoals vermeld in de offerte.",
        "De medewerkers volgen in het najaar een opleiding rond informatieveiligheid en de AVG.",
        "Het project loopt enige vertraging op door een tekort aan personeel.",
        "Wij verzoeken u vriendelijk het openstaande saldo zo spoedig mogelijk te voldoen.",
    ),
    "fr": (
        "Suite à notre entretien téléphonique de la semaine dernière, je vous transmets les informations demandées.",
        "La réunion du conseil d'administration est reportée à jeudi après-midi.",
        "Nous vous remercions de votre confiance et nous réjouissons de poursuivre notre collaboration.",
        "Le contrat est reconduit tacitement, sauf résiliation trois mois avant l'échéance.",
        "Veuillez nous renvoyer les documents ci-joints signés avant la fin du mois.",
        "La livraison est prévue dans le courant de la semaine 14, selon la disponibilité des pièces.",
        "Vous trouverez en annexe le rapport d'audit ainsi que la liste des actions en cours.",
        "Pour toute question relative à cette facture, notre service comptable reste à votre disposition.",
        "Le dossier a été transmis au service juridique pour suite utile.",
        "En raison de la clôture annuelle, nos bureaux seront fermés entre Noël et le Nouvel An.",
        "Votre demande a bien été reçue et sera traitée dans les dix jours ouvrables.",
        "La nouvelle version de la plateforme sera déployée après la phase de test au printemps.",
        "Les tarifs adaptés mentionnés dans l'offre s'appliquent à partir du mois prochain.",
        "Le personnel suivra cet automne une formation sur la sécurité de l'information et le RGPD.",
        "Le projet accuse un certain retard en raison d'un manque de personnel.",
        "Nous vous prions de bien vouloir régler le solde restant dans les meilleurs délais.",
    ),
    "en": (
        "Further to our phone call last week, please find the requested details below.",
        "The board meeting has been moved to Thursday afternoon.",
        "Thank you for your continued trust; we look forward to working with you again.",
        "The contract renews automatically unless cancelled three months before the end date.",
        "Please return the enclosed documents, signed, before the end of the month.",
        "Delivery is planned for week 14, depending on the availability of parts.",
        "The audit report and the list of open action items are attached.",
        "If you have any questions about this invoice, please contact our accounts department.",
        "The file has been passed on to the legal department for follow-up.",
        "Our office is closed between Christmas and New Year for the annual closing.",
        "Your request has been received and will be handled within ten working days.",
        "The new release of the platform will be rolled out after the spring test phase.",
        "The revised rates quoted in the proposal apply from next month.",
        "Staff will follow an information security and GDPR training course this autumn.",
        "The project is running somewhat late because of staff shortages.",
        "We kindly ask you to settle the outstanding balance as soon as possible.",
    ),
}

# Numbers that are not personal data, in the places where they occur in business text:
# order and customer numbers, references, amounts, dates (bait for false positives).
_NON_PII = {
    "nl": ("Ordernummer {n8}", "Klantnummer {n10}", "Referentie {year}/{n4}", "Dossiernummer {n6}",
           "Bestelbon {n7}", "totaal € {amount}", "Offerte {year}-{n4} van {date}", "Contractnr. {n9}"),
    "fr": ("Numéro de commande {n8}", "Numéro client {n10}", "Référence {year}/{n4}", "Dossier {n6}",
           "Bon de commande {n7}", "total {amount} €", "Offre {year}-{n4} du {date}", "Contrat n° {n9}"),
    "en": ("Order number {n8}", "Customer no. {n10}", "Reference {year}/{n4}", "Case {n6}",
           "Purchase order {n7}", "total EUR {amount}", "Quote {year}-{n4} of {date}", "Contract no. {n9}"),
}

# Labelled contexts, per entity and language; "{v}" is where the value goes.
_LABELS = {
    "IBAN_CODE": {
        "nl": ("IBAN: {v}", "IBAN {v}", "rekeningnummer {v}", "rekening {v}",
               "bankrekening (IBAN) {v}", "IBAN-nummer {v}"),
        "fr": ("IBAN : {v}", "IBAN {v}", "compte bancaire {v}", "compte {v}", "n° de compte IBAN {v}"),
        "en": ("IBAN: {v}", "IBAN {v}", "bank account {v}", "account number {v}"),
    },
    "BE_NATIONAL_NUMBER": {
        "nl": ("Rijksregisternummer: {v}", "rijksregisternummer {v}", "rijksregisternr. {v}",
               "INSZ {v}", "INSZ-nummer {v}", "RRN {v}"),
        "fr": ("numéro de registre national : {v}", "numéro national {v}", "n° national {v}",
               "NISS : {v}", "NISS {v}", "registre national {v}"),
        "en": ("national register number {v}", "Belgian national number: {v}", "NRN {v}"),
    },
    "NL_BSN": {
        "nl": ("BSN: {v}", "BSN {v}", "burgerservicenummer {v}", "BSN-nummer {v}", "sofinummer {v}",
               "Burgerservicenummer: {v}"),
        "fr": ("BSN : {v}", "numéro de service citoyen (BSN) {v}"),
        "en": ("BSN: {v}", "BSN {v}", "citizen service number (BSN) {v}", "citizen service number {v}"),
    },
    "BE_ENTERPRISE_NUMBER": {
        "nl": ("ondernemingsnummer {v}", "KBO-nummer {v}", "Ondernemingsnr. {v}", "KBO {v}",
               "Ondernemingsnummer: {v}"),
        "fr": ("numéro d'entreprise {v}", "BCE {v}", "n° BCE : {v}", "N° d'entreprise : {v}"),
        "en": ("company number {v}", "enterprise number {v}", "KBO number {v}"),
    },
    "VAT_NUMBER": {
        "nl": ("BTW {v}", "BTW-nummer: {v}", "btw-id {v}", "btw-nr. {v}", "BTW nr {v}"),
        "fr": ("TVA {v}", "n° TVA : {v}", "numéro de TVA {v}", "TVA : {v}"),
        "en": ("VAT number {v}", "VAT: {v}", "VAT reg. no. {v}"),
    },
    "NL_KVK": {
        "nl": ("KvK-nummer {v}", "KvK {v}", "KvK nr. {v}", "inschrijving KvK {v}", "KvK-nummer: {v}"),
        "fr": ("KvK {v}", "numéro KvK {v}"),
        "en": ("Chamber of Commerce (KvK) {v}", "CoC number {v}", "KvK {v}"),
    },
    "CREDIT_CARD": {
        "nl": ("kaartnummer {v}", "creditcard {v}", "Visa-kaart {v}", "kaart {v}",
               "creditcardnummer: {v}"),
        "fr": ("carte n° {v}", "numéro de carte {v}", "carte de crédit {v}", "carte {v}"),
        "en": ("card number {v}", "card {v}", "credit card {v}", "Card: {v}"),
    },
    "PHONE_NUMBER": {
        "nl": ("Tel. {v}", "tel: {v}", "gsm {v}", "Telefoon: {v}", "telefoonnummer {v}", "mobiel {v}"),
        "fr": ("Tél. : {v}", "GSM : {v}", "téléphone {v}", "tél. {v}", "portable {v}"),
        "en": ("Phone: {v}", "phone {v}", "tel. {v}", "mobile {v}"),
    },
    "EMAIL_ADDRESS": {
        "nl": ("E-mail: {v}", "e-mail {v}", "e-mailadres {v}", "<{v}>", "mail: {v}"),
        "fr": ("courriel : {v}", "E-mail : {v}", "adresse e-mail {v}", "<{v}>"),
        "en": ("email {v}", "E-mail: {v}", "email address {v}", "<{v}>"),
    },
    "IP_ADDRESS": {
        "nl": ("IP {v}", "IP-adres {v}", "IP-adres: {v}"),
        "fr": ("IP {v}", "l'adresse IP {v}", "adresse IP : {v}"),
        "en": ("IP {v}", "IP address {v}", "IP address: {v}"),
    },
}

_MONTHS = {
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
}


class _Writer:
    """Builds a text and the spans of what was inserted, so offsets are exact by construction."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.spans: list[Span] = []

    def text(self, s: str) -> None:
        self.parts.append(s)
        self.size += len(s)

    def entity(self, entity_type: str, value: str) -> None:
        self.spans.append(Span(entity_type, self.size, self.size + len(value), value))
        self.text(value)

    def result(self) -> str:
        return "".join(self.parts)


class _Doc:
    """State of one document: its language, country, a Faker, and the writer."""

    def __init__(self, rng: random.Random, locale: str):
        self.rng = rng
        self.locale = locale
        self.lang = _LANG[locale]
        self.country = {"nl_NL": "NL", "nl_BE": "BE", "fr_BE": "BE"}.get(locale) or rng.choice(("BE", "NL"))
        self.w = _Writer()
        self.faker = synth._faker(rng, "nl_NL" if locale == "nl_NL" else "nl_BE")

    # -- values ------------------------------------------------------------------------------

    def _cross(self) -> str:
        """The document's country, or now and then the other one (cross-border business)."""
        if self.rng.random() < 0.1:
            return "NL" if self.country == "BE" else "BE"
        return self.country

    def value(self, entity: str, person: tuple[str, str] | None = None) -> str:
        rng = self.rng
        if entity == "IBAN_CODE":
            roll = rng.random()
            country = self._cross() if roll < 0.9 else rng.choice(("DE", "FR", "LU"))
            return synth.iban(rng, country, spaced=rng.random() < 0.7)
        if entity == "BE_NATIONAL_NUMBER":
            style = rng.choices(("dotted", "compact", "spaced"), (60, 25, 15))[0]
            return synth.be_national_number(rng, style=style)
        if entity == "NL_BSN":
            style = rng.choices(("plain", "dotted", "spaced"), (60, 20, 20))[0]
            return synth.nl_bsn(rng, style=style)
        if entity == "BE_ENTERPRISE_NUMBER":
            style = rng.choices(("dotted", "spaced", "compact"), (60, 20, 20))[0]
            return synth.be_enterprise_number(rng, style=style)
        if entity == "VAT_NUMBER":
            if self._cross() == "BE":
                style = rng.choice(("compact", "dotted", "spaced", "dotted_nospace"))
                return synth.be_vat(rng, style=style)
            return synth.nl_vat(rng, new_format=rng.random() < 0.6)
        if entity == "NL_KVK":
            return synth.kvk(rng)
        if entity == "CREDIT_CARD":
            brand = rng.choices(("visa", "mastercard", "amex"), (50, 35, 15))[0]
            return synth.credit_card(rng, brand, spaced=rng.random() < 0.7)
        if entity == "PHONE_NUMBER":
            if self._cross() == "BE":
                return synth.phone_be(rng, style=rng.choice(synth.BE_PHONE_STYLES))
            return synth.phone_nl(rng, style=rng.choice(synth.NL_PHONE_STYLES))
        if entity == "EMAIL_ADDRESS":
            first, last = person or self.person()
            return synth.email(rng, first, last)
        if entity == "IP_ADDRESS":
            return synth.ipv4(rng) if rng.random() < 0.9 else synth.ipv6(rng)
        raise ValueError(entity)

    def person(self, sex: str | None = None) -> tuple[str, str]:
        return synth.person(self.rng, self.locale, sex)

    def date(self, year: int | None = None) -> str:
        rng = self.rng
        d = datetime.date(year or rng.randint(2021, 2025), rng.randint(1, 12), rng.randint(1, 28))
        if rng.random() < 0.3:
            return f"{d.day} {_MONTHS[self.lang][d.month - 1]} {d.year}"
        return d.strftime(rng.choice(("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")))

    def birth(self) -> str:
        d = synth.birth_date(self.rng)
        if self.rng.random() < 0.3:
            return f"{d.day} {_MONTHS[self.lang][d.month - 1]} {d.year}"
        return d.strftime(self.rng.choice(("%d/%m/%Y", "%d-%m-%Y")))

    def non_pii(self) -> str:
        rng = self.rng
        template = rng.choice(_NON_PII[self.lang])
        return template.format(
            n4=rng.randint(1, 9999), n6=rng.randint(100000, 999999),
            n7=rng.randint(1000000, 9999999), n8=rng.randint(10000000, 99999999),
            n9=rng.randint(100000000, 999999999), n10=rng.randint(10**9, 10**10 - 1),
            year=rng.randint(2019, 2025), date=self.date(),
            amount=f"{rng.randint(10, 25000):,}".replace(",", ".") + f",{rng.randint(0, 99):02d}",
        )

    # -- writing -----------------------------------------------------------------------------

    def labelled(self, entity: str, person: tuple[str, str] | None = None) -> None:
        """Write 'label value' (the label may come after, e.g. '<...>')."""
        template = self.rng.choice(_LABELS[entity][self.lang])
        before, after = template.split("{v}")
        self.w.text(before)
        self.w.entity(entity, self.value(entity, person))
        self.w.text(after)

    def name(self, person: tuple[str, str]) -> None:
        self.w.entity("PERSON", f"{person[0]} {person[1]}")

    def sentence(self) -> str:
        if self.lang == "nl" and self.rng.random() < 0.4:
            return self.faker.sentence(nb_words=self.rng.randint(6, 14))
        return self.rng.choice(_PROSE[self.lang])

    def paragraph(self, n: int | None = None) -> None:
        n = n or self.rng.randint(2, 6)
        sentences = [self.sentence() for _ in range(n)]
        if self.rng.random() < 0.4:
            sentences.insert(self.rng.randrange(len(sentences) + 1), self.non_pii() + ".")
        self.w.text(" ".join(sentences) + "\n\n")

    def company(self) -> str:
        return self.rng.choice(_COMPANIES)


# --------------------------------------------------------------------------------------------
# Blocks: each writes one self-contained piece of a document.
# --------------------------------------------------------------------------------------------

_GREETING = {"nl": ("Geachte heer", "Geachte mevrouw", "Beste"), "fr": ("Monsieur", "Madame", "Cher"),
             "en": ("Dear Mr", "Dear Ms", "Dear")}
_CLOSING = {"nl": ("Met vriendelijke groeten,", "Hoogachtend,", "Vriendelijke groeten,"),
            "fr": ("Cordialement,", "Bien à vous,", "Veuillez agréer nos salutations distinguées,"),
            "en": ("Kind regards,", "Yours sincerely,", "Best regards,")}


def _block_letter(d: _Doc) -> None:
    """A letter: sender block, addressee, body with identifiers, closing and signature."""
    w, rng, lang = d.w, d.rng, d.lang
    company = d.company()
    w.text(f"{company}\n")
    street, city = synth.address(rng, d.locale)
    w.entity("POSTAL_ADDRESS", f"{street}\n{city}")
    w.text("\n")
    d.labelled("PHONE_NUMBER")
    w.text(" | ")
    d.labelled("EMAIL_ADDRESS", ("info", company.split()[0]))
    w.text("\n")
    if d.country == "BE":
        d.labelled("VAT_NUMBER")
    else:
        d.labelled("NL_KVK")
    w.text("\n\n")
    sex = rng.randrange(2)
    addressee = d.person("MF"[sex])
    title = {"nl": ("Dhr.", "Mevr."), "fr": ("Monsieur", "Madame"), "en": ("Mr", "Ms")}[lang]
    w.text(title[sex] + " ")
    d.name(addressee)
    w.text("\n")
    street, city = synth.address(rng, d.locale)
    w.entity("POSTAL_ADDRESS", f"{street}\n{city}")
    w.text(f"\n\n{d.date()}\n\n")
    w.text(f"{_GREETING[lang][sex]} ")
    # Without a first name before it, a Dutch tussenvoegsel takes a capital: 'heer Van Dijk'.
    w.entity("PERSON", addressee[1][:1].upper() + addressee[1][1:])
    w.text(",\n\n")
    d.paragraph()
    roll = rng.random()
    if lang == "nl":
        if d.country == "BE":
            w.text("Voor de verwerking van uw dossier hebben wij uw ")
            d.labelled("BE_NATIONAL_NUMBER")
            w.text(" genoteerd. ")
        else:
            w.text("Wij hebben uw gegevens geregistreerd onder ")
            d.labelled("NL_BSN")
            w.text(". ")
        w.text("Het bedrag wordt gestort op ")
        d.labelled("IBAN_CODE")
        w.text(".\n\n")
    elif lang == "fr":
        w.text("Pour le traitement de votre dossier, nous avons noté votre ")
        d.labelled("BE_NATIONAL_NUMBER")
        w.text(". Le montant sera versé sur le ")
        d.labelled("IBAN_CODE")
        w.text(".\n\n")
    else:
        w.text("For your file we recorded your ")
        d.labelled("NL_BSN" if d.country == "NL" else "BE_NATIONAL_NUMBER")
        w.text(". The amount will be paid into ")
        d.labelled("IBAN_CODE")
        w.text(".\n\n")
    if roll < 0.5:
        d.paragraph()
    contact = d.person()
    w.text({"nl": "Voor vragen kunt u terecht bij ", "fr": "Pour toute question, contactez ",
            "en": "For questions please contact "}[lang])
    d.name(contact)
    w.text(", ")
    d.labelled("PHONE_NUMBER")
    w.text(", ")
    d.labelled("EMAIL_ADDRESS", contact)
    w.text(".\n\n")
    w.text(rng.choice(_CLOSING[lang]) + "\n\n")
    d.name(d.person())
    w.text(f"\n{company}\n\n")


def _block_invoice(d: _Doc) -> None:
    """An invoice: supplier identifiers, lines, totals, payment instructions."""
    w, rng, lang = d.w, d.rng, d.lang
    head = {"nl": "FACTUUR", "fr": "FACTURE", "en": "INVOICE"}[lang]
    number = f"{rng.randint(2021, 2025)}-{rng.randint(1, 9999):04d}"
    w.text(f"{head} {number}\n{d.company()}\n")
    if d.country == "BE":
        d.labelled("BE_ENTERPRISE_NUMBER")
        w.text(" - ")
        d.labelled("VAT_NUMBER")
    else:
        d.labelled("NL_KVK")
        w.text(" - ")
        d.labelled("VAT_NUMBER")
    w.text("\n")
    d.labelled("PHONE_NUMBER")
    w.text("\n")
    label = {"nl": "Datum", "fr": "Date", "en": "Date"}[lang]
    w.text(f"{label}: {d.date()}\n\n")
    total = 0
    for _ in range(rng.randint(2, 7)):
        qty, price = rng.randint(1, 40), rng.randint(15, 950)
        total += qty * price
        item = rng.choice(_PRODUCTS[lang])
        w.text(f"{qty:>3} x {item:<34} {price:>8},00 {qty * price:>10},00 EUR\n")
    vat = round(total * 0.21)
    w.text({"nl": f"Subtotaal {total},00 EUR  BTW 21% {vat},00 EUR  Totaal {total + vat},00 EUR\n",
            "fr": f"Sous-total {total},00 EUR  TVA 21% {vat},00 EUR  Total {total + vat},00 EUR\n",
            "en": f"Subtotal {total},00 EUR  VAT 21% {vat},00 EUR  Total {total + vat},00 EUR\n"}[lang])
    w.text({"nl": "Te betalen binnen 30 dagen ", "fr": "À payer dans les 30 jours ",
            "en": "Payable within 30 days, "}[lang])
    d.labelled("IBAN_CODE")
    if d.country == "BE" and rng.random() < 0.5:
        w.text({"nl": " met mededeling ", "fr": " avec la communication ", "en": " with reference "}[lang])
        w.text(synth.ogm(rng))
    w.text(".\n\n")


def _block_mail(d: _Doc) -> None:
    """A customer-service mail in which a customer gives their own details."""
    w, rng, lang = d.w, d.rng, d.lang
    person = d.person()
    labels = {"nl": ("Van", "Aan", "Onderwerp", "Wijziging gegevens"),
              "fr": ("De", "À", "Objet", "Modification de mes données"),
              "en": ("From", "To", "Subject", "Change of details")}[lang]
    w.text(f"{labels[0]}: ")
    d.name(person)
    w.text(" <")
    w.entity("EMAIL_ADDRESS", d.value("EMAIL_ADDRESS", person))
    w.text(f">\n{labels[1]}: ")
    w.entity("EMAIL_ADDRESS", f"klantendienst@{rng.choice(('example.com', 'example.org'))}")
    w.text("\n")
    w.text(f"{labels[2]}: {labels[3]}\n\n")
    w.text(f"{rng.choice(_GREETING[lang])},\n\n")
    if lang == "nl":
        w.text("Mijn betaalgegevens zijn gewijzigd. Gelieve voortaan mijn ")
        d.labelled("IBAN_CODE")
        w.text(" te gebruiken. Ik ben bereikbaar op ")
        d.labelled("PHONE_NUMBER")
        w.text(". ")
        if rng.random() < 0.5:
            w.text("Vorige maand werd er per vergissing gedebiteerd van mijn ")
            d.labelled("CREDIT_CARD")
            w.text(". ")
        if d.country == "NL":
            w.text("Ter controle mijn ")
            d.labelled("NL_BSN")
        else:
            w.text("Ter controle mijn ")
            d.labelled("BE_NATIONAL_NUMBER")
        w.text(".\n\n")
    elif lang == "fr":
        w.text("Mes coordonnées bancaires ont changé. Merci d'utiliser désormais mon ")
        d.labelled("IBAN_CODE")
        w.text(". Vous pouvez me joindre au ")
        d.labelled("PHONE_NUMBER")
        w.text(". ")
        if rng.random() < 0.5:
            w.text("Le mois dernier, un montant a été débité par erreur (")
            d.labelled("CREDIT_CARD")
            w.text("). ")
        w.text("Pour vérification, mon ")
        d.labelled("BE_NATIONAL_NUMBER")
        w.text(".\n\n")
    else:
        w.text("My bank details have changed; please use my ")
        d.labelled("IBAN_CODE")
        w.text(" from now on. You can reach me on ")
        d.labelled("PHONE_NUMBER")
        w.text(". ")
        if rng.random() < 0.5:
            w.text("Last month I was charged by mistake on my ")
            d.labelled("CREDIT_CARD")
            w.text(". ")
        w.text("For verification, my ")
        d.labelled("NL_BSN" if d.country == "NL" else "BE_NATIONAL_NUMBER")
        w.text(".\n\n")
    w.text(rng.choice(_CLOSING[lang]) + "\n")
    d.name(person)
    w.text("\n\n")


def _block_hr(d: _Doc) -> None:
    """A personnel record: labelled fields, one per line."""
    w, rng, lang = d.w, d.rng, d.lang
    person = d.person()
    f = {"nl": ("Personeelsdossier", "Naam", "Geboortedatum", "Adres", "Functie", "Datum in dienst"),
         "fr": ("Dossier du personnel", "Nom", "Date de naissance", "Adresse", "Fonction", "Date d'entrée"),
         "en": ("Personnel file", "Name", "Date of birth", "Address", "Job title", "Start date")}[lang]
    w.text(f"{f[0]} {rng.randint(1000, 9999)}\n{f[1]}: ")
    d.name(person)
    w.text(f"\n{f[2]}: ")
    w.entity("DATE_OF_BIRTH", d.birth())
    w.text(f"\n{f[3]}: ")
    street, city = synth.address(rng, d.locale)
    w.entity("POSTAL_ADDRESS", f"{street}, {city}")
    w.text("\n")
    if d.country == "BE":
        d.labelled("BE_NATIONAL_NUMBER")
    else:
        d.labelled("NL_BSN")
    w.text("\n")
    d.labelled("IBAN_CODE")
    w.text("\n")
    d.labelled("PHONE_NUMBER")
    w.text("\n")
    d.labelled("EMAIL_ADDRESS", person)
    w.text(f"\n{f[4]}: {d.faker.job()}\n{f[5]}: {d.date()}\n\n")


def _block_table(d: _Doc) -> None:
    """A short customer list pasted as semicolon-separated text, header first."""
    w, rng, lang = d.w, d.rng, d.lang
    header = {"nl": "klantnr;naam;e-mail;telefoon;iban", "fr": "n° client;nom;e-mail;téléphone;iban",
              "en": "customer id;name;email;phone;iban"}[lang]
    w.text(header + "\n")
    for _ in range(rng.randint(3, 6)):
        person = d.person()
        w.text(f"{rng.randint(10000, 99999)};")
        d.name(person)
        w.text(";")
        w.entity("EMAIL_ADDRESS", d.value("EMAIL_ADDRESS", person))
        w.text(";")
        w.entity("PHONE_NUMBER", d.value("PHONE_NUMBER"))
        w.text(";")
        w.entity("IBAN_CODE", d.value("IBAN_CODE"))
        w.text("\n")
    w.text("\n")


def _block_log(d: _Doc) -> None:
    """Application log lines: logins with user and IP, payments, noise lines."""
    w, rng = d.w, d.rng
    t = datetime.datetime(2024, rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23),
                          rng.randint(0, 59), rng.randint(0, 59))
    for _ in range(rng.randint(6, 20)):
        t += datetime.timedelta(seconds=rng.randint(1, 900), milliseconds=rng.randint(0, 999))
        stamp = t.strftime("%Y-%m-%d %H:%M:%S,") + f"{t.microsecond // 1000:03d}"
        roll = rng.random()
        if roll < 0.35:
            w.text(f"{stamp} INFO  [auth] login ok user=")
            w.entity("EMAIL_ADDRESS", d.value("EMAIL_ADDRESS"))
            w.text(" ip=")
            w.entity("IP_ADDRESS", d.value("IP_ADDRESS"))
            w.text(f" session={rng.getrandbits(64):016x}\n")
        elif roll < 0.5:
            w.text(f"{stamp} WARN  [auth] {rng.randint(3, 9)} failed logins from ")
            w.entity("IP_ADDRESS", d.value("IP_ADDRESS"))
            w.text("\n")
        elif roll < 0.6:
            w.text(f"{stamp} ERROR [payment] card ")
            w.entity("CREDIT_CARD", d.value("CREDIT_CARD"))
            w.text(f" declined (code {rng.randint(10, 99)}) order={rng.randint(10**7, 10**8 - 1)}\n")
        elif roll < 0.7:
            w.text(f"{stamp} INFO  [sepa] mandate created iban=")
            w.entity("IBAN_CODE", d.value("IBAN_CODE", None).replace(" ", ""))
            w.text(f" amount={rng.randint(5, 500)}.{rng.randint(0, 99):02d}\n")
        else:
            w.text(f"{stamp} DEBUG [scheduler] job {rng.randint(100, 9999)} finished in "
                   f"{rng.randint(1, 5000)} ms (queue={rng.randint(0, 40)})\n")
    w.text("\n")


def _block_company(d: _Doc) -> None:
    """A supplier record or a contract clause naming the parties."""
    w, rng, lang = d.w, d.rng, d.lang
    company = d.company()
    if lang == "nl":
        w.text(f"Tussen {company}, ")
        if d.country == "BE":
            w.text("ingeschreven in de Kruispuntbank van Ondernemingen onder ")
            d.labelled("BE_ENTERPRISE_NUMBER")
        else:
            w.text("ingeschreven in het handelsregister onder ")
            d.labelled("NL_KVK")
        w.text(", vertegenwoordigd door ")
    elif lang == "fr":
        w.text(f"Entre {company}, inscrite à la Banque-Carrefour des Entreprises sous le ")
        d.labelled("BE_ENTERPRISE_NUMBER")
        w.text(", représentée par ")
    else:
        w.text(f"Between {company}, registered under ")
        d.labelled("NL_KVK" if d.country == "NL" else "BE_ENTERPRISE_NUMBER")
        w.text(", represented by ")
    d.name(d.person())
    w.text({"nl": ", hierna 'de leverancier', ", "fr": ", ci-après 'le fournisseur', ",
            "en": ", hereinafter 'the supplier', "}[lang])
    w.text({"nl": "met ", "fr": "", "en": "with "}[lang])
    d.labelled("VAT_NUMBER")
    w.text(".\n\n")
    if rng.random() < 0.5:
        d.paragraph()


def _block_incident(d: _Doc) -> None:
    """A security-incident note: suspicious logins, with IP addresses and the account."""
    w, rng, lang = d.w, d.rng, d.lang
    intro = {"nl": ("Incidentmelding: op ", " werd het account ", " gebruikt vanaf "),
             "fr": ("Notification d'incident : le ", ", le compte ", " a été utilisé depuis "),
             "en": ("Incident report: on ", " the account ", " was used from ")}[lang]
    w.text(intro[0] + d.date() + intro[1])
    w.entity("EMAIL_ADDRESS", d.value("EMAIL_ADDRESS"))
    w.text(intro[2])
    d.labelled("IP_ADDRESS")
    w.text({"nl": " en kort daarna vanaf ", "fr": " puis peu après depuis ",
            "en": " and shortly afterwards from "}[lang])
    d.labelled("IP_ADDRESS")
    w.text(". ")
    d.paragraph(rng.randint(1, 3))


def _block_prose(d: _Doc) -> None:
    d.paragraph()


_BLOCKS: tuple[tuple[Callable[[_Doc], None], int], ...] = (
    (_block_prose, 50), (_block_letter, 12), (_block_invoice, 12), (_block_mail, 10),
    (_block_hr, 8), (_block_table, 4), (_block_log, 5), (_block_company, 8), (_block_incident, 4),
)

# The structured identifiers: the types with a fixed format and (mostly) a check digit, which
# the speed target of the scale benchmark is about; names, addresses and birth dates are
# inserted too but counted apart.
STRUCTURED = (
    "EMAIL_ADDRESS", "PHONE_NUMBER", "IBAN_CODE", "BE_NATIONAL_NUMBER", "NL_BSN",
    "BE_ENTERPRISE_NUMBER", "VAT_NUMBER", "NL_KVK", "CREDIT_CARD", "IP_ADDRESS",
)

# Corpus profiles: block weights.
# * dense: forms, exports, HR files, invoices - about one inserted value per ~105 bytes.
# * typical: prose-heavy business documents (letters, mails, reports) - the same blocks, prose
#   weighted 105 and every other block a third of its dense weight: about one inserted value
#   per ~270 bytes (one structured identifier per ~375). Prose at 85 would give one per ~225.
# * sparse: what most of a file share holds - reports, minutes, manuals with a letter or an
#   invoice here and there: prose weighted 600, every other block a third of its dense weight
#   (about one structured identifier per ~1.7 kB).
PROFILES: dict[str, tuple[tuple[Callable[[_Doc], None], float], ...]] = {
    "dense": _BLOCKS,
    "typical": tuple((block, 105 if block is _block_prose else weight / 3) for block, weight in _BLOCKS),
    "sparse": tuple((block, 600 if block is _block_prose else weight / 3) for block, weight in _BLOCKS),
}


def _document(rng: random.Random, index: int, target: int, profile: str = "dense") -> Document:
    locale = rng.choices([l for l, _ in _LOCALE_WEIGHTS], [w for _, w in _LOCALE_WEIGHTS])[0]
    d = _Doc(rng, locale)
    blocks, weights = zip(*PROFILES[profile])
    while d.w.size < target:
        rng.choices(blocks, weights)[0](d)
    text = d.w.result()
    for span in d.w.spans:
        assert text[span.start:span.end] == span.value, span
    return Document(f"doc{index:05d}_{locale}", locale, text, d.w.spans)


def plain_text_corpus(n_bytes: int, seed: int = 0, profile: str = "dense") -> list[Document]:
    """Documents of 5-20 kB each, ``n_bytes`` (UTF-8) in total, give or take one document.

    ``profile``: "dense" (forms, exports, HR files: one inserted value per ~105 bytes) or
    "typical" (prose-heavy letters, mails, reports: one per ~270 bytes); see PROFILES."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; expected one of {sorted(PROFILES)}")
    rng = random.Random(seed)
    docs: list[Document] = []
    total = 0
    while total < n_bytes:
        target = rng.randint(5_000, 20_000)
        doc = _document(rng, len(docs), min(target, max(n_bytes - total, 1_000)), profile)
        docs.append(doc)
        total += len(doc.text.encode("utf-8"))
    return docs


# --------------------------------------------------------------------------------------------
# The mixed file tree
# --------------------------------------------------------------------------------------------

_FOLDERS = ("klanten", "facturen/2024", "facturen/2025", "hr/dossiers", "export", "logs",
            "correspondentie", "archief/2023")


def _rows(rng: random.Random, n: int) -> tuple[list[str], list[list[str]]]:
    """A customer export: header plus n rows."""
    d = _Doc(rng, rng.choice(("nl_BE", "nl_NL", "fr_BE")))
    header = ["klantnr", "naam", "e-mail", "telefoon", "iban", "adres", "postcode en gemeente"]
    header.append("rijksregisternummer" if d.country == "BE" else "bsn")
    rows = []
    for _ in range(n):
        person = d.person()
        street, city = synth.address(rng, d.locale)
        ident = d.value("BE_NATIONAL_NUMBER" if d.country == "BE" else "NL_BSN")
        rows.append([str(rng.randint(10000, 99999)), f"{person[0]} {person[1]}",
                     d.value("EMAIL_ADDRESS", person), d.value("PHONE_NUMBER"),
                     d.value("IBAN_CODE"), street, city, ident])
    return header, rows


def _write_pdf(path: Path, text: str) -> int:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    lines = []
    for para in text.split("\n"):
        lines.extend(textwrap.wrap(para, 95) or [""])
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    per_page = 60
    pages = 0
    for first in range(0, len(lines), per_page):
        obj = c.beginText(40, A4[1] - 50)
        obj.setFont("Helvetica", 9)
        for line in lines[first:first + per_page]:
            obj.textLine(line)
        c.drawText(obj)
        c.showPage()
        pages += 1
    c.save()
    return pages


def _write_docx(path: Path, text: str, rows: tuple[list[str], list[list[str]]] | None) -> None:
    import docx

    document = docx.Document()
    for para in text.split("\n\n"):
        if para.strip():
            document.add_paragraph(para.strip())
    if rows:
        header, body = rows
        table = document.add_table(rows=1, cols=len(header))
        for cell, value in zip(table.rows[0].cells, header):
            cell.text = value
        for row in body:
            for cell, value in zip(table.add_row().cells, row):
                cell.text = value
    document.save(str(path))
    _fix_zip_times(path)


def _write_xlsx(path: Path, rows: tuple[list[str], list[list[str]]]) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "klanten"
    header, body = rows
    sheet.append(header)
    for row in body:
        sheet.append(row)
    book.properties.created = book.properties.modified = datetime.datetime(2024, 1, 1)
    book.save(str(path))
    _fix_zip_times(path)


def _fix_zip_times(path: Path) -> None:
    """Rewrite a zip-based Office file with fixed member times, so the tree is reproducible."""
    import zipfile

    with zipfile.ZipFile(path) as src:
        members = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in members:
            fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, data)


_KINDS = (("txt", 30), ("csv", 20), ("pdf", 15), ("docx", 20), ("xlsx", 15))


def write_tree(dest: str | Path, n_files: int = 300, seed: int = 0) -> dict:
    """Write ``n_files`` small files (.txt, .csv, .pdf of several pages, .docx, .xlsx) under
    ``dest``. Returns a summary: counts and bytes per suffix, PDF pages."""
    dest = Path(dest)
    rng = random.Random(seed)
    kinds = [k for k, _ in _KINDS]
    weights = [w for _, w in _KINDS]
    # Text to draw from: about 8 kB per file, PDFs take several documents.
    docs = plain_text_corpus(n_files * 9_000, seed + 1)
    cursor = 0

    def next_text(min_chars: int) -> str:
        nonlocal cursor
        parts, size = [], 0
        while size < min_chars:
            text = docs[cursor % len(docs)].text
            cursor += 1
            parts.append(text)
            size += len(text)
        return "\n\n".join(parts)

    summary: dict = {"files": 0, "bytes": 0, "pdf_pages": 0, "by_suffix": {}}
    for i in range(n_files):
        kind = rng.choices(kinds, weights)[0]
        folder = dest / rng.choice(_FOLDERS)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{kind}_{i:04d}.{kind}"
        if kind == "txt":
            path.write_text(next_text(1), encoding="utf-8")
        elif kind == "csv":
            header, rows = _rows(rng, rng.randint(10, 60))
            with path.open("w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh, delimiter=rng.choice(";,"))
                writer.writerow(header)
                writer.writerows(rows)
        elif kind == "pdf":
            # Several pages: 3-8 pages of ~5.5 kB each.
            summary["pdf_pages"] += _write_pdf(path, next_text(rng.randint(3, 8) * 5_000))
        elif kind == "docx":
            table = _rows(rng, rng.randint(3, 12)) if rng.random() < 0.4 else None
            _write_docx(path, next_text(1), table)
        else:
            _write_xlsx(path, _rows(rng, rng.randint(20, 120)))
        size = path.stat().st_size
        entry = summary["by_suffix"].setdefault(kind, {"files": 0, "bytes": 0})
        entry["files"] += 1
        entry["bytes"] += size
        summary["files"] += 1
        summary["bytes"] += size
    return summary


if __name__ == "__main__":  # a quick look at what the generator writes
    import sys

    doc = plain_text_corpus(int(sys.argv[1]) if len(sys.argv) > 1 else 6_000, 1,
                            sys.argv[2] if len(sys.argv) > 2 else "dense")[0]
    print(doc.text)
    for span in doc.spans:
        print(span)
