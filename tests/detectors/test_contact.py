import pytest

from tests.detectors.helpers import check

EMAIL = [
    ("Mail sarah.thompson@example.co.uk today", ["sarah.thompson@example.co.uk"]),
    ("<o'brien+hr@nhs.net>", ["o'brien+hr@nhs.net"]),
    ("user=jo@x.io src=1.2.3.4", ["jo@x.io"]),
    # quoted, as in an SQL dump or code
    ("VALUES ('Sigrún', 'sigrun.o@example.dk', 'DK50')", ["sigrun.o@example.dk"]),
    ("MAIL_FROM = 'noreply@shop.example.com'", ["noreply@shop.example.com"]),
    ("not an address: foo@bar, @handle, a..b@x.com", []),
]


@pytest.mark.parametrize(("text", "values"), EMAIL)
def test_email(detector, text, values):
    check(detector, text, "EMAIL_ADDRESS", values)


IP = [
    ("Login from 192.168.1.20.", ["192.168.1.20"]),
    ("src=81.2.69.142 dst=10.0.0.1", ["81.2.69.142"]),
    ("client 2a00:1450:4009:80b::200e connected", ["2a00:1450:4009:80b::200e"]),
    # Private, link-local and CGNAT addresses name machines unless a person is in the record.
    ("user jsmith connected from 10.20.30.40", ["10.20.30.40"]),
    ("10.1.2.3 - jo.bloggs@example.com - GET /", ["10.1.2.3"]),
    ("The controller at 10.0.0.5 restarts nightly", []),
    ("Set the gateway to 192.168.1.1 and the DNS to 8.8.8.8", []),
    ("printer 172.16.4.20, switch 169.254.10.1", []),
    ("Carrier NAT 100.64.12.7 in the pool", []),
    ("Server: 81.2.69.142", []),
    ("listen on 127.0.0.1:8080 or ::1", []),
    ("Examples use 192.0.2.10, 198.51.100.7, 203.0.113.5 and 2001:db8::1:2:3", []),
    ("multicast group 239.255.0.1", []),
    ("resolvers '8.8.8.8', '1.1.1.1', '2001:4860:4860::8888'", []),
    # Not addresses.
    ("Upgrade to version 10.2.14.3 now", []),
    ("firmware 4.7.28.2", []),
    ("v10.2.14.3", []),
    ("Section 1.2.3.4 of the contract", []),
    ("Meeting at 12:30:45", []),
    ("std::vector and a::b", []),
    ("Not an address 999.1.1.1", []),
    # Small numbers in four parts are versions and sections unless an address cue stands near.
    ("      Git 1.8.5.6\n", []),
    ("dpkg (1.4.1.12) unstable; urgency=low", []),
    ("Changes in 1.2.0.6 (13 September 2003)", []),
    ("5.2.1.1\tWhy does Configure complain", []),
    ("This follows RFC6960 in 4.2.2.2", []),
    ("upgrade to V8 5.0.71.54", []),
    ("      mergetool: check return value from read\n      Git 1.7.6.3\n", []),
    # An upgrade from one version to another: `from` is nearer, the upgrade says what they are
    ("* **v8**: Lateral upgrade to 4.5.103.33 from 4.5.103.30, minor fixes (A. Sheikh)", []),
    ("* **V8**: Upgrade to 4.4.63.30 (from 4.4.63.26) (M. Zasso) [#2482]", []),
    ("connection from 81.2.69.142 to 81.2.69.150", ["81.2.69.142", "81.2.69.150"]),
    ("* **V8**: upgrade V8 from 4.2.77.18 to 4.2.77.20 with minor fixes", []),
    # A small quad after `from` alone is a version; with an address word on its line, not
    ("- Revert to Makefile.in from 1.2.3.6 (live with the clutter)", []),
    ("Connection from 5.61.3.4 refused", ["5.61.3.4"]),
    ("Accepted publickey from 5.61.3.4 port 22", ["5.61.3.4"]),
    ("telnet 131.155.70.19 111", ["131.155.70.19"]),
    ("Failed login from 5.61.3.4 at 02:00", ["5.61.3.4"]),
    ("user anna signed in, 2.31.40.7", ["2.31.40.7"]),
    # A network with its prefix length is a range, not one connection.
    ("user:{plain}pw::::::allow_nets=192.168.0.0/24", []),
    ("#label ::ffff:0:0/96 4", []),
    ("blocked 81.2.69.0/24 and 81.2.70.9", ["81.2.70.9"]),
    # The host of a URL is a web server (a newsletter's click tracker), unless a person is tied
    ("><http://216.32.31.189/tracker/default.asp?r=00000640d005ef831>", []),
    ("Failed login from 5.61.3.4 to https://81.2.69.142:8443/admin", ["5.61.3.4", "81.2.69.142"]),
    # A title ties a person only before a name; a user word inside a path or file is code
    ("2.2.1.4. MS-DOS", []),
    ("DR site router 10.0.0.7", []),
    ("Dr. Patel's laptop 10.0.0.7", ["10.0.0.7"]),
    ("* src/login.c: Re-inject the changes from 4.1.2.1.", []),
    ("login from 4.1.2.1 failed", ["4.1.2.1"]),
    # The manuals' stand-ins and lists of small numbers are nobody's
    ("      user@[1.2.3.4] to work without a path.", []),
    ("{ address: '0:1:2:3:4:5:6:7', ttl: 60 }", []),
    ('would print "2:4:6:8:10:12:14:16" and exit 0', []),
    ("client 2a00:1450:4009:80b:0:0:0:200e connected", ["2a00:1450:4009:80b:0:0:0:200e"]),
]


@pytest.mark.parametrize(("text", "values"), IP)
def test_ip(detector, text, values):
    check(detector, text, "IP_ADDRESS", values)
