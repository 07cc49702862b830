r"""SID -> name, asked of the server itself: nobody keeps a SID map by hand for a whole domain.

A Windows ACL names its readers by SID (S-1-5-21-…-1107, or Samba's S-1-22-2-1003 for a Unix
group). The scope check compares readers with the notice's groups by name, so an unnamed SID is
"not declared" and every file looks over-shared. PrincipalNames turns SIDs into names in this
order: the config's `principals` map (an override that always wins), the universal well-known
SIDs (Everyone, SYSTEM, BUILTIN\…: named here in English whatever the server's language, so the
scope rules recognise them), then each configured lookup in turn (LSA `LsarLookupSids` over the
SMB connection, LDAP `objectSid` against a domain controller), then the well-known domain RIDs
(Domain Users, …). A SID nothing could name stays a SID and is reported (scan.json
`principals`), so a missing name is visible instead of silently flagged.

Answers are cached for the walk (a share has a handful of distinct SIDs and millions of files);
a lookup that fails (no rights, no LSA pipe, no DC) is recorded once and not asked again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from typing import Any, Protocol

from sources.base import NameFacts, NamesPrincipals, PrincipalLookups, Source
from sources.smb_acl import WELL_KNOWN, rid_name

REPORTED_SIDS = 200  # unresolved SIDs listed in scan.json per source (all are counted)


class LookupFailedError(Exception):
    """A lookup could not be asked at all (connection, rights, missing library)."""


class SidLookup(Protocol):
    """One way of asking a directory for names."""

    method: str  # "lsa", "ldap": shown in scan.json

    def lookup(self, sids: Sequence[str]) -> dict[str, str]:
        """Names for the SIDs it knows (absent = unknown); LookupFailedError if it cannot ask."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...


class PrincipalNames:
    """Names SIDs for one walk, with the config's overrides first and every answer cached."""

    def __init__(
        self, overrides: Mapping[str, str] | None = None, lookups: Sequence[SidLookup] = ()
    ) -> None:
        self.overrides = dict(overrides or {})
        self.lookups = list(lookups)
        self._cache: dict[str, str] = {}
        self._resolved: set[str] = set()
        self._unresolved: set[str] = set()
        self._errors: list[str] = []

    def names(self, sids: Iterable[str]) -> dict[str, str]:
        """A name for every SID in `sids` (the SID itself when nothing knows it)."""
        out: dict[str, str] = {}
        pending: list[str] = []
        for sid in dict.fromkeys(sids):
            known = self.overrides.get(sid) or self._cache.get(sid) or WELL_KNOWN.get(sid)
            if known:
                out[sid] = known
            else:
                pending.append(sid)
        for lookup in list(self.lookups):
            if not pending:
                break
            try:
                found = lookup.lookup(pending)
            except LookupFailedError as e:
                self._errors.append(f"{lookup.method}: {e}")
                self.lookups.remove(lookup)  # one failure is enough: do not ask per file
                lookup.close()
                continue
            for sid, name in found.items():
                self._remember(out, sid, name)
            pending = [s for s in pending if s not in found]
        for sid in pending:
            generic = rid_name(sid)
            if generic:
                self._remember(out, sid, generic)
            else:
                self._cache[sid] = out[sid] = sid
                self._unresolved.add(sid)
        return out

    def _remember(self, out: dict[str, str], sid: str, name: str) -> None:
        self._cache[sid] = out[sid] = name
        self._resolved.add(sid)

    def report(self, method: str) -> PrincipalLookups:
        """What this walk resolved and what stayed a SID."""
        return PrincipalLookups(
            method=method,
            resolved=len(self._resolved),
            unresolved=sorted(self._unresolved),
            errors=list(self._errors),
        )

    def facts(self) -> NameFacts:
        """The SIDs named and not named so far, for a walk part that runs elsewhere."""
        return NameFacts(
            frozenset(self._resolved), frozenset(self._unresolved), tuple(self._errors)
        )

    def absorb(self, facts: NameFacts) -> None:
        """Add what a walk part elsewhere named (its SIDs; each failed lookup once)."""
        self._resolved |= facts.resolved
        self._unresolved |= facts.unresolved - self._resolved
        self._errors += [e for e in facts.errors if e not in self._errors]

    def close(self) -> None:
        """Close every lookup's connection."""
        for lookup in self.lookups:
            lookup.close()


def principal_report(sources: Sequence[Source]) -> dict[str, dict[str, Any]]:
    """scan.json `principals`: per naming source, what was resolved and what stayed a SID."""
    out: dict[str, dict[str, Any]] = {}
    for src in sources:
        if isinstance(src, NamesPrincipals):
            facts = asdict(src.principal_lookups())
            facts["unresolved_count"] = len(facts["unresolved"])
            facts["unresolved"] = facts["unresolved"][:REPORTED_SIDS]
            out[src.id] = facts
    return out
