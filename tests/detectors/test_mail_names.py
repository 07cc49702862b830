"""Names in mail address lists: header segments, quoted header blocks, Notes addresses."""

import pytest

from detectors.mail_names import list_names
from scanner.extract.base import TextSegment


def people(detector, location, text):
    return [
        d.value for d in detector.detect([TextSegment(location, text)]) if d.entity_type == "PERSON"
    ]


HEADERS = [
    ("header:To", "Smith, Maureen; Muhl, Gil", ["Smith, Maureen", "Muhl, Gil"]),
    ("header:X-To", "Draper, Lon", ["Draper, Lon"]),
    (
        "header:X-To",
        "Kitchen, Louise </O=ENRON/OU=NA/CN=RECIPIENTS/CN=LKITCHEN>, Lavorato, John "
        "</O=ENRON/OU=NA/CN=RECIPIENTS/CN=JLAVORA>",
        ["Kitchen, Louise", "Lavorato, John"],
    ),
    ("header:X-From", "Miguel Maltes", ["Miguel Maltes"]),
    (
        "header:To",
        '"Pritchard, Gareth" <g.pritchard@example.co.uk>, Ruth R Montez <rmontez@example.org>',
        ["Pritchard, Gareth", "Ruth R Montez"],
    ),
    (
        "header:Cc",
        "Sigríður Oddgeirsdóttir <sigga@example.is>; Anar Vizirov <anar@example.az>",
        ["Sigríður Oddgeirsdóttir", "Anar Vizirov"],
    ),
    ("header:From", "Jürgen Kreutzmann [mailto:jk@example.de]", ["Jürgen Kreutzmann"]),
    (
        "header:To",
        "David A. Foti/Internal/Accenture@Accenture, Sally Beck/HOU/ECT@ECT",
        ["David A. Foti", "Sally Beck"],
    ),
    # Initials for a forename; an unresolved address inside the display name (Exchange).
    (
        "header:To",
        '"Lohman TK" <TK.Lohman@example.com>, "TK Lohman" <TK Lohman/ET&S/Enron@ENRON>',
        ["Lohman TK", "TK Lohman", "TK Lohman"],  # the Notes address names them again
    ),
    (
        "header:From",
        '"Hitschel Bonnie V. BHitschel@example.com@ENRON" <IMCEANOTES-B@ENRON.com>',
        ["Hitschel Bonnie V."],
    ),
    # A bare surname as the whole value: an export that cut `Wojtaszek, Irena` at its comma.
    ("header:From", "Wojtaszek", ["Wojtaszek"]),
    ("header:From", "Marketing", []),  # an English word: a team
    ("header:To", "Leeds", []),  # a place
    # Traps: Notes names of mailboxes with their domain, desks, places in an itinerary.
    ("header:From", '"General Announcements@ENRON" <IMCEANOTES-General@ENRON.com>', []),
    ("header:To", '"EOL North" <eol@example.com>; "Messaging Administration" <m@x.com>', []),
    # Traps: bare addresses, X.500 paths, group mailboxes, lower-case words.
    ("header:To", "info@example.com, accounts.payable@example.com", []),
    ("header:To", "</O=ENRON/OU=NA/CN=RECIPIENTS/CN=MSMITH>", []),
    ("header:To", "All Employees <all@example.com>; IT Support <help@example.com>", []),
    ("header:Cc", "Finance Team <finance@example.com>, Undisclosed recipients:;", []),
    ("header:To", "undisclosed-recipients:;", []),
]


@pytest.mark.parametrize(("location", "text", "names"), HEADERS)
def test_header_segments_are_address_lists(detector, location, text, names):
    assert sorted(people(detector, location, text)) == sorted(names)


BODIES = [
    (
        "See below.\n\n-----Original Message-----\nFrom: \tSzász, Janka M.\n"
        "Sent:\tMonday, May 14, 2001 9:02 AM\nTo:\tKreutzmann, Dieter; Vizirov, Anna\n"
        "Cc:\tDavid A. Foti/Internal/Accenture@Accenture\nSubject:\tRe: budget\n",
        ["Szász, Janka M.", "Kreutzmann, Dieter", "Vizirov, Anna", "David A. Foti"],
    ),
    (
        "---------------------- Forwarded by Sally Beck/HOU/ECT on 05/10/2001 10:22 AM "
        "---------------------------\n\n\nMiguel Maltes/ENRON_DEVELOPMENT@ENRON_DEVELOPMENT "
        "on 05/10/2001 09:14:22 AM\nTo:\tSally Beck/HOU/ECT@ECT, Bob Hall/NA/Enron@Enron,\n"
        "\tLeslie Reeves/HOU/ECT@ECT\ncc:\t \nSubject:\tDeal tickets\n",
        ["Sally Beck", "Miguel Maltes", "Sally Beck", "Bob Hall", "Leslie Reeves"],
    ),
    (
        "> From: Gareth Pritchard <gareth@example.co.uk>\n> To: Ingrid Solberg\n> hi both\n",
        ["Gareth Pritchard", "Ingrid Solberg"],
    ),
    # Traps: slashes that are not addresses, labels that hold no names.
    ("Use the Input/Output/Errors pane; and/or the TCP/IP/UDP tab.\n", []),
    ("From: the board\nTo: all staff\nSubject: Q3 results\n", []),
    ("Sales/Marketing/HR all agreed.\n", []),
    (">From:     Houston, TX\n>To:       Albuquerque, NM, United States (ABQ)\n", []),
]


@pytest.mark.parametrize(("text", "names"), BODIES)
def test_header_blocks_in_bodies(detector, text, names):
    assert sorted(people(detector, "body", text)) == sorted(names)


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ("Smith, John, Doe, Jane", ["Smith, John", "Doe, Jane"]),
        ("John Smith, Jane Doe", ["John Smith", "Jane Doe"]),
        ('"Doe, Jane" <jd@example.com>; john@example.com', ["Doe, Jane"]),
    ],
)
def test_list_names(value, names):
    assert [value[a:b] for a, b in list_names(value)] == names


def test_a_name_in_the_header_is_found_again_in_the_body(detector):
    segments = [
        TextSegment("header:X-From", "Vince J Kaminski"),
        TextSegment("body", "Vince,\n\nKaminski's team will price it.\n"),
    ]
    body = [
        (d.start, d.end)
        for d in detector.detect(segments)
        if d.location == "body" and d.entity_type == "PERSON"
    ]
    text = segments[1].text
    assert sorted(body) == [(0, 5), (text.index("Kaminski"), text.index("Kaminski") + 8)]
