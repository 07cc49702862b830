"""Microsoft Graph over HTTP, app-only: what the `graph` (mail) and `graph_files` sources share.

Both sign in with the client-credentials flow (msal; a secret from an environment variable or a
certificate), page collections by following `@odata.nextLink`, and wait out throttling: 429, 503
and 504 answers are retried after their `Retry-After` seconds (capped by `max_retry_wait_s`, at
most `retries` times: sources/retry.py), as are dropped connections. A delta link Graph has
forgotten (HTTP 410 Gone) raises DeltaExpiredError, carrying the fresh enumeration link Graph
may send in `Location`.

A source builds one GraphClient from its `[[source]]` options (the keys in CLIENT_OPTIONS) and
passes its own `fixes`: what a 403 or 404 means depends on which permission the source needs.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests

from scanner.config import ScanConfig, SourceConfig
from scanner.errors import ConfigError, SourceError
from scanner.options import Opt
from sources.options import env_value
from sources.retry import Retry, RetryPolicy, retry_options

if TYPE_CHECKING:
    import msal

DEFAULT_AUTHORITY = "https://login.microsoftonline.com"
DEFAULT_GRAPH_URL = "https://graph.microsoft.com/v1.0"
# App-only tokens always ask for the resource's static permissions, never individual scopes.
SCOPE = "https://graph.microsoft.com/.default"
CLIENT_OPTIONS = {
    "tenant_id": Opt(str),
    "client_id": Opt(str),
    "client_secret_env": Opt(str, ""),
    "certificate_path": Opt(str, ""),
    "certificate_thumbprint": Opt(str, ""),
    "certificate_password_env": Opt(str, ""),
    "authority": Opt(str, DEFAULT_AUTHORITY),
    "graph_url": Opt(str, DEFAULT_GRAPH_URL),
    "ca_bundle": Opt(str, ""),
    "page_size": Opt(int, 100),
    # Graph says how long to wait (Retry-After); without it 1, 2, 4, 8, 16 s.
    **retry_options(retries=5, backoff_s=1.0, max_wait_s=120.0),
    "timeout_s": Opt(float, 60.0),
}
THROTTLED = (429, 503, 504)

# One msal application per process and credential: msal keeps the token cache inside it, so
# every Source a worker builds reuses one token until it expires.
_APPS: dict[tuple[str, ...], msal.ConfidentialClientApplication] = {}
_APPS_LOCK = threading.Lock()


class DeltaExpiredError(Exception):
    """Graph answered 410 Gone to a stored delta link; `restart` is its `Location`, if any."""

    def __init__(self, url: str, restart: str | None) -> None:
        super().__init__(url)
        self.restart = restart


class DeltaLinks:
    """Delta links as ChangeTracking sync points (sources.base), for the Graph sources.

    Keyed by the container's uri prefix (a mail folder's messages, a drive's items): `saved` is
    what the last complete scan ended with, `delta_links` what this walk reached (only the
    containers whose round finished, so a failed one is listed in full next time).
    """

    def __init__(self) -> None:
        self.saved: dict[str, str] = {}
        self.delta_links: dict[str, str] = {}

    def start_from(self, saved: Mapping[str, str]) -> None:
        """List each container from its saved delta link: only what changed since."""
        self.saved = dict(saved)

    def sync_state(self) -> dict[str, str]:
        """The delta link of every container whose round finished in the last walk."""
        return dict(self.delta_links)


class GraphClient:
    """Signed-in GET requests against one tenant's Graph, with paging and throttling handled."""

    def __init__(
        self,
        config: SourceConfig,
        scan: ScanConfig,
        opts: dict[str, Any],
        fixes: dict[int, str],
        permission: str,
    ) -> None:
        """The client from the source's options read against CLIENT_OPTIONS (read_options).

        `fixes` name the remedy per HTTP status for this source.
        """
        self.tenant = opts["tenant_id"]
        self.client_id = opts["client_id"]
        self.credential = _credential(config, scan, opts)
        self.authority = opts["authority"].rstrip("/")
        self.graph_url = opts["graph_url"].rstrip("/")
        bundle = opts["ca_bundle"]
        self.verify: bool | str = str(scan.base_dir / bundle) if bundle else True
        self.page_size = opts["page_size"]
        self.retry = RetryPolicy.from_options(config, opts)
        self.timeout_s = opts["timeout_s"]
        self.fixes = fixes
        self.permission = permission
        self._session: requests.Session | None = None

    def pages(
        self,
        url: str,
        params: dict[str, str] | None = None,
        delta: bool = False,
        prefer: str | None = None,
    ) -> Iterator[tuple[dict[str, Any], int]]:
        """Each JSON page of a collection, following `@odata.nextLink` (it keeps the query)."""
        next_url: str | None = url
        while next_url:
            resp, retries = self.get(next_url, params=params, delta=delta, prefer=prefer)
            page = resp.json()
            yield page, retries
            next_url = page.get("@odata.nextLink")
            params = None

    def get(
        self,
        url: str,
        params: dict[str, str] | None = None,
        stream: bool = False,
        delta: bool = False,
        prefer: str | None = None,
        redirects: bool = True,
    ) -> tuple[requests.Response, int]:
        """GET with a bearer token, retrying throttling (429/503/504) and dropped connections.

        Returns the response and how many retries it took, so callers can record them.
        """
        session = self.http()
        headers = {"Prefer": f"odata.maxpagesize={self.page_size}"}
        if prefer:
            headers["Prefer"] += f", {prefer}"

        def attempt() -> requests.Response:
            headers["Authorization"] = f"Bearer {self._token()}"
            resp = session.get(
                url, params=params, headers=headers, stream=stream, allow_redirects=redirects
            )
            if resp.status_code in THROTTLED:
                resp.close()
                raise Retry(f"throttled (HTTP {resp.status_code})", retry_after(resp))
            if resp.status_code == 410 and delta:
                resp.close()
                raise DeltaExpiredError(url, resp.headers.get("Location"))
            if resp.status_code >= 400:
                raise SourceError(self.problem(url, resp))
            return resp

        return self.retry.retrying(
            f"graph GET {url}",
            attempt,
            lambda e: isinstance(e, requests.ConnectionError | requests.Timeout),
            lambda e, n: self.give_up(url, e, n),
        )

    def backoff(self, url: str, problem: str, attempt: int, after: float | None = None) -> None:
        """Wait before retry number `attempt + 1` of a request retried by its caller's loop."""
        self.retry.pause(
            f"graph GET {url}", problem, attempt, lambda n: self.give_up(url, problem, n), after
        )

    def give_up(self, url: str, problem: object, retries: int) -> SourceError:
        """The request failed and the retries are used up."""
        if isinstance(problem, requests.ConnectionError | requests.Timeout):
            problem = f"connection failed ({problem})"
        return SourceError(
            f"graph GET {url}: {problem} after {retries} retries; "
            "fix: retry later or raise retries/max_retry_wait_s"
        )

    def problem(self, url: str, resp: requests.Response) -> str:
        """An HTTP error as one line: what was asked, Graph's own error code, and the fix."""
        try:
            error = resp.json().get("error", {})
            detail = f"{error.get('code')}: {error.get('message')}"
        except ValueError:
            detail = resp.text[:200]
        fix = self.fixes.get(resp.status_code, "check the request and the tenant")
        if resp.status_code == 401:
            fix = "check the app's credentials"
        return f"graph GET {url}: HTTP {resp.status_code} ({detail}); fix: {fix}"

    def http(self) -> requests.Session:
        """The HTTP session of this process (connections are reused between requests)."""
        if self._session is None:
            self._session = _Session(self.verify, self.timeout_s)
        return self._session

    def close(self) -> None:
        """Close the HTTP session (the token stays cached for this process)."""
        if self._session is not None:
            self._session.close()
            self._session = None

    def _token(self) -> str:
        key = (self.authority, self.tenant, self.client_id, repr(sorted(self.credential.items())))
        try:
            with _APPS_LOCK:
                app = _APPS.get(key) or self._new_app()
                _APPS[key] = app
            result = app.acquire_token_for_client(scopes=[SCOPE])
        except (ValueError, requests.RequestException) as e:
            raise SourceError(
                f"graph tenant {self.tenant}: cannot sign in at {self.authority} ({e}); "
                "fix: check authority, tenant_id, ca_bundle and the certificate"
            ) from e
        if "access_token" not in result:
            raise SourceError(
                f"graph tenant {self.tenant}: token request for client {self.client_id} failed "
                f"({result.get('error')}: {result.get('error_description')}); "
                f"fix: check client_id, the secret or certificate, and admin consent for "
                f"{self.permission}"
            )
        return str(result["access_token"])

    def _new_app(self) -> msal.ConfidentialClientApplication:
        import msal  # imported on first use: most scans and workers never sign in to Graph

        custom = self.authority != DEFAULT_AUTHORITY
        secret = self.credential.get("secret")
        return msal.ConfidentialClientApplication(
            self.client_id,
            client_credential=secret if secret else dict(self.credential),
            authority=f"{self.authority}/{self.tenant}",
            # A custom authority (sovereign cloud, proxy, test server) is trusted as given rather
            # than checked against login.microsoftonline.com's instance discovery.
            validate_authority=not custom,
            instance_discovery=not custom,
            http_client=_Session(self.verify, self.timeout_s),
        )


class _Session(requests.Session):
    """A session whose `ca_bundle` wins over REQUESTS_CA_BUNDLE.

    requests lets the environment's bundle override `Session.verify` (psf/requests#3829), so a
    configured bundle is passed on every request instead; proxies from the environment still apply.
    """

    def __init__(self, verify: bool | str, timeout: float) -> None:
        super().__init__()
        self._verify = verify
        self._timeout = timeout

    def request(
        self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any
    ) -> requests.Response:
        """Send with the configured CA bundle and timeout unless the caller chose otherwise."""
        kwargs.setdefault("timeout", self._timeout)
        if self._verify is not True:
            kwargs["verify"] = self._verify
        text_url = url.decode() if isinstance(url, bytes) else url
        text_method = method.decode() if isinstance(method, bytes) else method
        return super().request(text_method, text_url, *args, **kwargs)


def retry_after(resp: requests.Response) -> float | None:
    """Seconds to wait from a `Retry-After` header (seconds or an HTTP date), else None."""
    value = resp.headers.get("Retry-After")
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


def utc(value: str) -> datetime:
    """A Graph timestamp (ISO 8601, `Z` or an offset) as an aware UTC datetime."""
    return datetime.fromisoformat(value).astimezone(UTC)


def _credential(config: SourceConfig, scan: ScanConfig, opts: dict[str, Any]) -> dict[str, str]:
    """Secret or certificate, read from the environment / disk now so a bad setup fails early."""
    secret_env, cert = opts["client_secret_env"], opts["certificate_path"]
    if bool(secret_env) == bool(cert):
        raise ConfigError(
            config.key("client_secret_env"),
            "exactly one of client_secret_env and certificate_path is needed",
            'set client_secret_env = "GRAPH_SECRET" or certificate_path = "app.pem"',
        )
    if secret_env:
        return {"secret": env_value(config, "client_secret_env")}
    path = scan.base_dir / cert
    if not Path(path).is_file():
        raise ConfigError(
            config.key("certificate_path"),
            f"{path} does not exist",
            "point it at the app's PEM or PFX file",
        )
    credential: dict[str, str] = {}
    if opts["certificate_password_env"]:
        credential["passphrase"] = env_value(config, "certificate_password_env")
    if path.suffix.lower() in (".pfx", ".p12"):
        credential["private_key_pfx_path"] = str(path)
        return credential
    credential["private_key"] = path.read_text(encoding="ascii")
    if not opts["certificate_thumbprint"]:
        raise ConfigError(
            config.key("certificate_thumbprint"),
            "is required with a PEM certificate",
            "add certificate_thumbprint = ... (the thumbprint Entra ID shows for the certificate)",
        )
    credential["thumbprint"] = opts["certificate_thumbprint"]
    return credential
