from piiscan.extract import extract
from piiscan.extract.html import extract_html
from piiscan.model import Location

PAGE = """<!DOCTYPE html>
<html><head>
<meta charset="utf-8">
<title>Dossier   Pieter
  Wouters</title>
<style>body { font-family: "Jan Modaal"; }</style>
<script>var secret = "BE68 5390 0754 7034";</script>
</head>
<body>
<h1>Klantfiche</h1>
<p>Naam: Pieter
   Wouters &amp; Els Maes</p>
<p>Adres: Rue de l&#39;&Eacute;glise 7, 1000 Brussel<br>Tel: +32 2 555 01 23</p>
<table><tr><th>Veld</th><th>Waarde</th></tr>
<tr><td>E-mail</td><td>pieter.wouters@voorbeeld.be</td></tr></table>
<pre>regel 1
    regel 2</pre>
<!-- commentaar met els.maes@voorbeeld.be -->
</body></html>
"""


def test_title_and_visible_body(write_bytes):
    segments = list(extract(write_bytes("fiche.html", PAGE.encode())))
    assert [s.location for s in segments] == [Location(part="title"), Location(part="body")]
    title, body = (s.text for s in segments)
    assert title == "Dossier Pieter Wouters"
    assert "Naam: Pieter Wouters & Els Maes" in body
    assert "Adres: Rue de l'Église 7, 1000 Brussel\nTel: +32 2 555 01 23" in body
    assert "Klantfiche\n" in body
    assert "E-mail\tpieter.wouters@voorbeeld.be" in body
    assert "regel 1\nregel 2" in body  # pre keeps its line break


def test_script_style_and_comments_are_not_text(write_bytes):
    body = list(extract_html(write_bytes("fiche.htm", PAGE.encode())))[-1].text
    assert "BE68" not in body
    assert "font-family" not in body
    assert "els.maes" not in body


def test_declared_legacy_charset(write_bytes):
    page = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"></head>' \
           "<body><p>Née à Liège: Amélie Lecocq</p></body></html>"
    segments = list(extract_html(write_bytes("oud.htm", page.encode("latin-1"))))
    assert segments == [segments[0]]
    assert segments[0].text == "Née à Liège: Amélie Lecocq"


def test_page_without_text_yields_nothing(write_bytes):
    assert list(extract_html(write_bytes("leeg.html", b"<html><body><script>x()</script></body></html>"))) == []
