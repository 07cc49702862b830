"""Continental street addresses: each layout, with and without postcode and town, and traps."""

import pytest

from tests.detectors.helpers import check, found

ADDRESSES = [
    # German, Austrian, Swiss: the type fused into the name, number last.
    ("Brucker Bundesstrasse 31", ["Brucker Bundesstrasse 31"]),
    ("Anschrift: Schleichstraße 19\n48337 Lichtenfels", ["Schleichstraße 19\n48337 Lichtenfels"]),
    ("Lieferung an Hauptstr. 5, D-10115 Berlin.", ["Hauptstr. 5, D-10115 Berlin"]),
    ("Wir wohnen in der Karl-Marx-Allee 3/12 seit Mai", ["Karl-Marx-Allee 3/12"]),
    ("Berliner Platz 2a, 1010 Wien", ["Berliner Platz 2a, 1010 Wien"]),
    # Nordic and Finnish.
    ("Søndergade 52, Brønderslev", ["Søndergade 52, Brønderslev"]),
    ("Koskikatu 25 Apt. 864", ["Koskikatu 25 Apt. 864"]),
    ("Mannerheimintie 5, 00100 Helsinki", ["Mannerheimintie 5, 00100 Helsinki"]),
    ("Furugränd 68\n795 89 Luleå", ["Furugränd 68\n795 89 Luleå"]),
    ("Olympos Allé 4\n3879 Thisted", ["Olympos Allé 4\n3879 Thisted"]),
    ("Storgata 12B, 0155 Oslo", ["Storgata 12B, 0155 Oslo"]),
    # Dutch and Belgian.
    ("Keizersgracht 123\n1015 CJ Amsterdam", ["Keizersgracht 123\n1015 CJ Amsterdam"]),
    ("Avenue Louise 54, 1050 Bruxelles", ["Avenue Louise 54, 1050 Bruxelles"]),
    # French: number first.
    ("12 rue de la Paix, 75002 Paris", ["12 rue de la Paix, 75002 Paris"]),
    ("domicile : 54, boulevard Voltaire\n75011 Paris", ["54, boulevard Voltaire\n75011 Paris"]),
    ("8 bis avenue d'Italie", ["8 bis avenue d'Italie"]),
    # Number first outside France too.
    ("488 Østervej, DK-5366 Bækmarksbro", ["488 Østervej, DK-5366 Bækmarksbro"]),
    ("Indirizzo: 749 Via Caporciano", ["749 Via Caporciano"]),
    ("I have 3 Strings and 2 Weg", []),
    # Spanish, Portuguese, Italian, Polish: type first, number last.
    ("Calle de Alcalá, 45, 28014 Madrid", ["Calle de Alcalá, 45, 28014 Madrid"]),
    ("Rua do Arenque 1634, Goiânia", ["Rua do Arenque 1634, Goiânia"]),
    ("Rua das Flores, 12\n1200-195 Lisboa", ["Rua das Flores, 12\n1200-195 Lisboa"]),
    ("Via dei Mille, 5\n00185 Roma (RM)", ["Via dei Mille, 5\n00185 Roma (RM)"]),
    ("ul. Kwiatowa 12/3\n02-931 Warszawa", ["ul. Kwiatowa 12/3\n02-931 Warszawa"]),
    # Greek and Bulgarian streets in their own script; Romanian blocks and six-digit postcodes.
    ("Πατσουρέα 29-67,\n26758 Καστοριά", ["Πατσουρέα 29-67,\n26758 Καστοριά"]),
    ("Σκαλοχωρίου 90,\nΤΚ 483 37 Ναύπλιο", ["Σκαλοχωρίου 90,\nΤΚ 483 37 Ναύπλιο"]),
    (
        "Aleea Mocanu Nr. 191 Bl. 84  Sc. 98 Ap. 933\nDumbravita, 332860",
        ["Aleea Mocanu Nr. 191 Bl. 84  Sc. 98 Ap. 933\nDumbravita, 332860"],
    ),
    # No house number: a telling type word first and a postcode after, or nothing.
    ("Soseaua Tomescu\nSebis, 113033", ["Soseaua Tomescu\nSebis, 113033"]),
    ("Home address: Drumul Popescu, Falticeni, 209682", ["Drumul Popescu, Falticeni, 209682"]),
    ("We walked down Rue de la Paix in 2019.", []),
    ("Avenue Capital raised funds\n2024", []),
    # A street with no type word counts only before a postcode and town.
    ("Madsenstubben 921, 4218 Lailahelle", ["Madsenstubben 921, 4218 Lailahelle"]),
    ("Unter den Linden 77\n10117 Berlin", ["Unter den Linden 77\n10117 Berlin"]),
    # A person's name inside a street name is the street's.
    ("Rua Gustavo Henrique Silva, 59", ["Rua Gustavo Henrique Silva, 59"]),
    # Traps: numbers after capitalised words that are not streets.
    ("Version 2, 12345 Items", []),
    ("Platz 2 im Rennen", []),
    ("Python 3\n2024 Edition", []),
    ("String 5 and Notepad 3", []),
    ("Send it via HTTP 2 or Via Email 3.", []),
    ("Chapter 12, 10115 Berlin", []),
    ("Windows 10 Pro, Office 365", []),
    ("Step 4: Weg 3 zurücklegen", []),
    ("Mannerheimintie 5", []),  # a weak type alone needs a cue, a town or a postcode
    # A street without a type word needs a label, a column header or a postcode; the word
    # `address` in running text is none (documentation: `Returns 4`, `RFC 5952`).
    ("Street: Na Nivách 97", ["Na Nivách 97"]),
    ('"ulice": "Moravanů 7",', ["Moravanů 7"]),
    ("Returns 6 if input is an IPv6 address. Returns 4 if input is IPv4", []),
    ("IP address strings, formatted according to RFC 5952, are returned", []),
    ("Thread 0 waits on the address; in 2014 I called it", []),
    # A label before a verb is the word itself: `caller` holds `calle` and labels nothing
    ("Error checking should always be performed, even when caller is UID 0", []),
    ("My address is Na Nivách 97", ["Na Nivách 97"]),
    ('"address_line_1": "Moravanů 7"', ["Moravanů 7"]),
    # A form that splits the address: the street name alone on its labelled line counts when it
    # has a telling type; a label word that is no street (`Street: String`) does not.
    ("Straße: Lindenweg\nHausnummer: 14\nPLZ: 80331\nOrt: München", ["Lindenweg"]),
    ("Rue : Rue des Lilas\nNuméro : 12", ["Rue des Lilas"]),
    ('{\n  "osoite": "Koskikatu",\n  "numero": "25"\n}', ["Koskikatu"]),
    ("Street: String\nVia: Marienplatz\nStreet: Platz", []),
    # With the house number's own field on the next line, any name on the street's line counts.
    ("Straat: Jozefhof\nHuisnummer: 7\nPlaats: 8300 Aaigem", ["Jozefhof"]),
    ("Ulice: Oderská\nČíslo popisné: 7", ["Oderská"]),
    ("Address: Main Building\nNumber: 3 of 4 copies", []),
    # The number's field as a key (`houseNumber`), and on the street's own line in a record
    # written on one line (JSON Lines, minified JSON).
    ('{\n  "street": "Jozefhof",\n  "houseNumber": "7"\n}', ["Jozefhof"]),
    (
        '{"id": 1, "street": "Paulsenspranget", "house_number": "14", "zip": "2700"}',
        ["Paulsenspranget"],
    ),
    ('[{"strasse":"Am Bach","hausnummer":"3a"},{"strasse":"Version","nr":"2"}]', ["Am Bach"]),
    ('{"street": "Main", "count": 4}, {"street": "Oak", "number": "12 of 40"}', []),
    # `put` (Croatian road) is an English word: alone it is weak; a copyright year and its
    # holder, a function's name and its counts are no street
    ("To put 2 arrows before each line", []),
    ("Splitski put 2, Zagreb", ["Splitski put 2, Zagreb"]),
    ("           (C) 2008, Nanno Langstraat <nal@ii.nl>", []),
    ("        FcCharSetPutLeaf        9361            11441108\n        Acme", []),
    # `S/N` (sin número) is the house number: no digit at all in the text.
    ("Entregar en Calle Mayor S/N", ["Calle Mayor S/N"]),
    ("Calle Mayor sin salida", []),
    # Slovene, Croatian and Slovak: a lower-case type after the name, prepositions inside it.
    ("Sončna pot 2b\n3302 Kranj", ["Sončna pot 2b\n3302 Kranj"]),
    ("Ulica na Grad 8\n8400 Tolmin", ["Ulica na Grad 8\n8400 Tolmin"]),
    ("Cesta na Senec 52\n993 90 Pavlovce", ["Cesta na Senec 52\n993 90 Pavlovce"]),
    ("Put 5 apples in the bowl. Put Away 3 boxes.", []),
    # Croatian types after the name: crescent, branch road, short cut, estate.
    ("Postal address: Šestinski vijenac 5, Nin", ["Šestinski vijenac 5, Nin"]),
    ("Kraljevečki odvojak 5c/5\n99877 Sisak", ["Kraljevečki odvojak 5c/5\n99877 Sisak"]),
    ("Dvoranski prečac 2c, 11425 Rijeka", ["Dvoranski prečac 2c, 11425 Rijeka"]),
    ("Voćarsko naselje 33, Ludbreg", ["Voćarsko naselje 33, Ludbreg"]),
    ("Gradsko naselje 33 puta veće", []),  # an everyday word: no town, postcode or cue
    # Hungarian and Estonian types after the name, a lower-case word between; Croatian Avenija.
    ("Árpád fejedelem út 751, 3510 Martfű", ["Árpád fejedelem út 751, 3510 Martfű"]),
    ("Mókus köz 942\n9469 Kaba", ["Mókus köz 942\n9469 Kaba"]),
    ("Kanepi maantee 12, 73396 Loksa", ["Kanepi maantee 12, 73396 Loksa"]),
    ("Pärnu mnt 10, Tallinn", ["Pärnu mnt 10, Tallinn"]),
    ("Avenija Masarykova 407, 90197 Županja", ["Avenija Masarykova 407, 90197 Županja"]),
    ("Place your tee 3 metres away", []),
    ("Adresa: Gradsko naselje 33", ["Gradsko naselje 33"]),
    # Mexican street types.
    ("Envío a Privada Hungría 499", ["Privada Hungría 499"]),
    ("Domicilio: Cerrada Norte Ramírez 12", ["Cerrada Norte Ramírez 12"]),
    ("La tienda Cerrada Norte 12 horas", []),  # a weak type alone needs a cue
    # No type word: a postcode needs its town, and a year is no postcode (changelogs, tickets).
    ("Madsenstubben 921, 4867 Brønderslev", ["Madsenstubben 921, 4867 Brønderslev"]),
    (
        "Anschrift: Pilgrambrücke 293, 6499 Spittal an der Drau.",
        ["Pilgrambrücke 293, 6499 Spittal an der Drau"],
    ),
    ('"postiosoite": "Ring III 573, 67462 Orimattila",', ["Ring III 573, 67462 Orimattila"]),
    (
        "Olympijská 122, 103 29 Hluboká nad Vltavou\n",
        ["Olympijská 122, 103 29 Hluboká nad Vltavou"],
    ),
    ("Bug 558306 Cannot build on Solaris 10\n 708972 Fix the menu", []),
    ("(dbus!143, dbus!144, Coverity CID 354880; Ralf Habacker)", []),
    ("  1 Thread 6234 (tid 1 VgTs_Yielding)  main", []),
    ("ACPI: video: Add backlight=native DMI quirk for Dell Vostro 15 3535", []),
    ("Copyright:\n  2009-2011, 2022, D. R. Commander\n  2015, Viktor Szathmáry", []),
]


@pytest.mark.parametrize(("text", "values"), ADDRESSES)
def test_eu_address(detector, text, values):
    check(detector, text, "ADDRESS", values)


def test_weak_type_with_a_cue(detector):
    text = "Address: Mannerheimintie 5"
    check(detector, text, "ADDRESS", ["Mannerheimintie 5"])


def test_street_reason(detector):
    from scanner.extract.base import TextSegment

    (d,) = detector.detect([TextSegment("body", "Anschrift: Schleichstraße 19, 48337 Lichtenfels")])
    assert d.reason == "EuStreetAddressRecognizer: shape street+postcode, cue 'anschrift' +0.30"


def test_no_address_in_code_or_prose(detector):
    text = (
        "The function returns 0 on success. Call Foo 3 times; see Table 4 and Figure 2.\n"
        "git commit -m 'Fix 12'\nRelease 2024 notes: Python 3.11, Node 20, Ubuntu 22.04\n"
    )
    assert [f for f in found(detector, text) if f[0] == "ADDRESS"] == []
