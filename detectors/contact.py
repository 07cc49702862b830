"""Contact and online identifiers: e-mail address and IP address (phone numbers: phone.py).

The e-mail recognizer is our own regex, not Presidio's: Presidio's validates the domain with
tldextract, which fetches the public suffix list over the network on first use.
"""

from __future__ import annotations

import ipaddress
import re

from detectors.pattern import (
    Cue,
    Shape,
    ShapeRecognizer,
    first_word,
    norm_words,
    normalise_context,
)
from scanner.privacy import CUE_TITLES, title_alternation

# A quote may open the address (`'jo@x.io'` in SQL or code): leftmost-first matching still
# takes the whole `o'brien@nhs.net`, a quote inside the local part.
_EMAIL = (
    r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+'-]{0,63}@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])"
)


class EmailAddressRecognizer(ShapeRecognizer):
    """RFC 5322 addr-spec in the common form; no network, no tldextract."""

    ENTITY = "EMAIL_ADDRESS"
    SHAPES = (Shape("email", _EMAIL, 0.9),)
    CONTEXT = ("email", "e mail", "mail", "contact")
    DAMPING = ()
    BOOST = 0.1
    CHECK = "addr-spec"
    PREFILTER = re.compile("@")

    def validate(self, value: str) -> bool:
        """No consecutive or trailing dots in the local part."""
        local = value.rpartition("@")[0]
        return ".." not in local and not local.endswith(".")


_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
# Not followed by `-word` either: `12.4.254.14-node.11` is a version.
_IPV4 = rf"(?<![\w.])(?:{_OCTET}\.){{3}}{_OCTET}(?![\w]|\.\w|-[A-Za-z])"
_IPV6 = r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])"

# Never anyone's: "this network" (0/8), documentation (RFC 5737, RFC 3849), benchmarking
# (RFC 2544), reserved (240/4). Loopback, multicast and unspecified are checked by kind.
_NEVER = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",
        "192.0.2.0/24",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "198.18.0.0/15",
        "240.0.0.0/4",
        "2001:db8::/32",
    )
)
# Public DNS resolvers (Google, Cloudflare, Quad9, OpenDNS): machines everyone's documentation
# and configuration names, never one person's connection.
_RESOLVERS = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "8.8.8.8",
        "8.8.4.4",
        "1.1.1.1",
        "1.0.0.1",
        "9.9.9.9",
        "149.112.112.112",
        "208.67.222.222",
        "208.67.220.220",
        "2001:4860:4860::8888",
        "2001:4860:4860::8844",
        "2606:4700:4700::1111",
        "2606:4700:4700::1001",
    )
)
# The address manuals write when they mean "some address" (`user@[1.2.3.4]`, `{ address:
# '1.2.3.4', ttl: 60 }`), as they write `example.com`; nobody's connection.
_PLACEHOLDER = ipaddress.ip_address("1.2.3.4")
# Eight groups of one or two decimal digits parse as IPv6 but are a list of numbers
# (`2:4:6:8:10:12:14:16`, a program's output) or a stand-in (`0:1:2:3:4:5:6:7`): an address
# written by a machine has hex groups, zeros compressed with `::`.
_DECIMAL_LIST = re.compile(r"\d{1,2}(?::\d{1,2}){7}")
# A machine inside a network: private (RFC 1918, RFC 4193), link-local, carrier-grade NAT.
_INTERNAL = tuple(
    ipaddress.ip_network(n)
    for n in (
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "169.254.0.0/16",
        "100.64.0.0/10",
        "fc00::/7",
        "fe80::/10",
    )
)
# A CIDR prefix length after the address (`/24`, `/96`): a network, not one connection.
_PREFIX_LENGTH = re.compile(r"/\d{1,3}(?!\d)")


def version_shaped(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """A dotted quad that reads as a version or section number: `1.8.5.6`, `4.3.99.16`, `7.1.1.1`.

    Versions and section numbers start small and stay under 100; a public address drawn at
    random does so less than one time in a hundred (first part under 32: 31 of the ~220 public
    /8 blocks; each other part under 100: 100 of 256). So such a quad counts as an address only
    with an address cue (`from`, `client`, `IP`) or a person in its record.
    """
    if ip.version != 4:
        return False
    first, *rest = ip.packed
    return first < 32 and all(part < 100 for part in rest)


# Words that say the address is a machine's: `controller at 10.0.0.5`, `gateway 192.168.1.1`.
EQUIPMENT = (
    "controller",
    "gateway",
    "router",
    "server",
    "servers",
    "printer",
    "switch",
    "firewall",
    "proxy",
    "dns",
    "nameserver",
    "resolver",
    "nas",
    "host",
    "hostname",
    "node",
    "cluster",
    "vm",
    "container",
    "appliance",
    "access point",
    "camera",
    "device",
    "load balancer",
    "subnet",
    "netmask",
    "mask",
    "broadcast",
    "bind",
    "listen",
    "listening",
    "endpoint",
    "dhcp",
    "ntp",
    "smtp",
    "relay",
    "database",
    "vpn concentrator",
    "peer",
    "upstream",
    "localhost",
)
# Words in the same record that tie an address to a person: then even a private or an
# equipment address is reported (an employee's laptop on the office network).
PERSON_TIES = (
    "user",
    "username",
    "userid",
    "uid",
    "login",
    "logged",
    "logon",
    "sign in",
    "signed in",
    "employee",
    "staff",
    "customer",
    "member",
    "visitor",
    "subscriber",
    "patient",
    "assigned to",
    "owner",
    "owned by",
)
# A title ties a person only written as one, before a name (`Dr. Patel`): `MS-DOS`, `dr-xr-x`
# and `DR site` hold the same letters.
_TITLE_TIE = re.compile(rf"\b(?:{title_alternation(CUE_TITLES)})\.?[ \t]+[A-Z][a-z]")
# A path or a source file's name (`src/login.c`, `user.py`): its words name code, not people.
_PATH_WORD = re.compile(r"[^\s\"'`()\[\]]*/[^\s\"'`()\[\]]*|\b[\w-]+\.[a-z]{1,4}\b(?!@)")
_EMAIL_IN_RECORD = re.compile(r"[\w.+-]@[\w-]+\.\w")
_QUAD = re.compile(r"\d\.\d+\.\d+\.\d")
# A URL's scheme (and any user part) right before the address: the address is its host.
_URL_HOST = re.compile(r"[A-Za-z][\w+.-]*://(?:[^\s/@]*@)?\[?$")


class IpAddressRecognizer(ShapeRecognizer):
    """IPv4 and IPv6 addresses that can point to a person.

    An address is personal data when it can single out someone's connection. So: loopback,
    unspecified, multicast, reserved and documentation/benchmark addresses, and the manuals'
    stand-ins (`1.2.3.4`, `0:1:2:3:4:5:6:7`), are never reported; a private, link-local or
    CGNAT address (it names a machine inside a network) and any address an equipment word
    introduces (`controller at 10.0.0.5`) are reported only when the same record (its line; in
    a table, its cell or column header) ties a person to it: an e-mail address, a user word
    (`user`, `login`, `employee`...) outside a path or a file's name (`src/login.c` is code),
    or a title before a name (`Dr. Patel`, not `MS-DOS`). A dotted version string has the same
    shape, so version words (`version`, `build`, `firmware`) drop it, and a quad of small
    numbers (`Git 1.8.5.6`, section `7.1.1.1`: version_shaped) needs an address cue or a person
    in its record. A network with its prefix length (`192.168.0.0/24`) is nobody's, nor is the
    host of a URL (`http://216.32.31.189/tracker`: a web server) without a person tie.
    """

    ENTITY = "IP_ADDRESS"
    SHAPES = (Shape("ipv4", _IPV4, 0.6), Shape("ipv6", _IPV6, 0.6))
    CONTEXT = (
        "ip",
        "address",
        "client",
        "login",
        "logged",
        "from",
        "remote",
        "src",
        "source",
        "connection",
        "connected",
        "port",
    )
    DAMPING = (
        "version",
        "ver",
        "v",
        "build",
        "release",
        "firmware",
        "update",
        "upgrade",
        "upgraded",
        "downgrade",
        "bump",
        "bumped",
        "patch",
        "package",
        "software",
        "app",
        "driver",
        "oid",
        "section",
        "clause",
        # Documentation shows addresses as examples; an example is nobody's.
        "example",
        "e g",
        "eg",
        "sample",
    )
    BOOST = 0.3
    DAMP = 0.6  # a damped address is not an address of anyone: drop it at any threshold
    BEFORE = 32
    CHECK = "ipaddress parse"
    PREFILTER = re.compile(r"\d\.\d|:[0-9A-Fa-f]*:")

    def __init__(self) -> None:
        super().__init__()
        self._equipment = norm_words(EQUIPMENT)
        self._ties = norm_words(PERSON_TIES)
        self._address_cues = norm_words(tuple(w for w in self.CONTEXT if w != "from"))

    def validate(self, value: str) -> bool:
        """A parseable address outside the ranges that are never anyone's (see class doc)."""
        try:
            ip = ipaddress.ip_address(value)
        except ValueError:
            return False
        if ip.version == 6 and sum(1 for group in value.split(":") if group) < 3:
            return False  # `::`, `::1`, `a::b`: not a person's
        if ip.is_loopback or ip.is_unspecified or ip.is_multicast or ip in _RESOLVERS:
            return False
        if ip == _PLACEHOLDER or _DECIMAL_LIST.fullmatch(value):
            return False
        return not any(ip in n for n in _NEVER if n.version == ip.version)

    def cue(self, text: str, start: int, end: int, header: str, line_bound: bool) -> Cue:
        """The usual nearest cue, overruled by the record: person ties, equipment, ranges."""
        found = super().cue(text, start, end, header, line_bound)
        if found.verdict < 0:
            return found  # a version string stays one
        if _PREFIX_LENGTH.match(text, end):
            return Cue(-1, "network prefix")  # `192.168.0.0/24`: a range, not a connection
        lo = text.rfind("\n", 0, start) + 1
        hi = text.find("\n", end)
        line_end = hi if hi >= 0 else len(text)
        line = text[lo:line_end]
        prose = normalise_context(_PATH_WORD.sub(" ", line))  # the record less paths and files
        tie = (
            first_word(prose, self._ties, True)
            or first_word(header, self._ties, True)
            or ("title" if _TITLE_TIE.search(line) else "")
        )
        if tie or _EMAIL_IN_RECORD.search(text, lo, line_end):
            return found if found.verdict > 0 else Cue(1, tie or "e-mail in record")
        if found.verdict > 0 and (
            _QUAD.search(text, lo, start) or _QUAD.search(text, end, line_end)
        ):
            # `upgrade to 4.5.103.33 from 4.5.103.30`, `upgrade V8 from 4.2.77.18 to 4.2.77.20`:
            # the nearer `from` joins two versions, and a damping word on the line, before or
            # after the number, says what they are
            version = first_word(normalise_context(line), self._damping, True)
            if version:
                return Cue(-1, version)
        if _URL_HOST.search(text, max(lo, start - 64), start):
            return Cue(-1, "host of a URL")  # `http://216.32.31.189/tracker`: a web server
        near = normalise_context(text[max(lo, start - self.BEFORE) : start])
        after = normalise_context(text[end : min(end + 16, line_end)])
        machine = first_word(near, self._equipment, True) or first_word(
            after, self._equipment, True
        )
        if machine:
            return Cue(-1, machine)
        ip = ipaddress.ip_address(text[start:end])
        if any(ip in n for n in _INTERNAL if n.version == ip.version):
            return Cue(-1, "internal range, no person in record")
        if version_shaped(ip):
            # Its cue must stand on its own line: in a changelog, `from` a line above (`check
            # return value from read` / `Git 1.7.6.3`) says nothing about the number.
            local = found if line_bound else super().cue(text, start, end, header, True)
            if local.verdict <= 0 or (
                local.word == "from" and not first_word(prose, self._address_cues, True)
            ):
                # `from` alone is as often a version's (`Revert to Makefile.in from 1.2.3.6`)
                return Cue(-1, "version-shaped, no address cue")
        return found
