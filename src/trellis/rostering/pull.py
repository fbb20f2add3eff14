"""Pull the roster from a OneRoster 1.2 REST service into the same engine as an uploaded ZIP.

Districts on Clever, ClassLink or a SIS with a OneRoster API do not upload files: Trellis asks
the service. The pull writes what the service answers into a OneRoster 1.2 CSV package, page by
page to a temporary file (so memory does not grow with the district), and imports that with
`import_file`: the same plan, the same row-level refusals (file, line, column), one
transaction, the same history page. A pull is a full snapshot, so the package is *bulk*: people
the service no longer lists are deactivated, exactly as a bulk upload does.

The OAuth 2 client-credentials exchange is oauthlib's (request body and response checks); the
HTTP is urllib with the same outbound rules as calendar fetches and webhooks (no private or
loopback addresses unless the district's SIS is on its own network and the setting says so).
"""

import base64
import csv
import io
import json
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from oauthlib.oauth2 import BackendApplicationClient, OAuth2Error

from trellis.accounts.permissions import require
from trellis.core.models import AuditAction, AuditEvent
from trellis.core.outbound import UnsafeAddress, refuse_private_address
from trellis.core.stored_secrets import SecretUnavailable
from trellis.rostering.models import RosterImport, RosterSource
from trellis.rostering.services import import_file

PAGE_SIZE = 1000
TIMEOUT_SECONDS = 60
MAX_PAGE_BYTES = 64 * 1024 * 1024
MAX_PAGES = 5000  # 5 million records per kind: far above any district; stops a service that never ends

ORG_HEADER = ["sourcedId", "status", "dateLastModified", "name", "type", "identifier", "parentSourcedId"]
SESSION_HEADER = ["sourcedId", "status", "dateLastModified", "title", "type", "startDate", "endDate",
                  "parentSourcedId", "schoolYear"]
USER_HEADER = ["sourcedId", "status", "dateLastModified", "enabledUser", "username", "userIds", "givenName",
               "familyName", "middleName", "identifier", "email", "sms", "phone", "agentSourcedIds", "grades",
               "password", "userMasterIdentifier", "resourceSourcedIds", "preferredGivenName",
               "preferredMiddleName", "preferredFamilyName", "primaryOrgSourcedId", "pronouns"]
ROLE_HEADER = ["sourcedId", "status", "dateLastModified", "userSourcedId", "roleType", "role", "beginDate",
               "endDate", "orgSourcedId", "userProfileSourcedId"]
DEMOGRAPHIC_HEADER = ["sourcedId", "status", "dateLastModified", "birthDate", "sex",
                      "americanIndianOrAlaskaNative", "asian", "blackOrAfricanAmerican",
                      "nativeHawaiianOrOtherPacificIslander", "white", "demographicRaceTwoOrMoreRaces",
                      "hispanicOrLatinoEthnicity", "countryOfBirthCode", "stateOfBirthAbbreviation",
                      "cityOfBirth", "publicSchoolResidenceStatus"]
PACKAGE_FILES = ("academicSessions", "categories", "classes", "classResources", "courses", "courseResources",
                 "demographics", "enrollments", "lineItems", "orgs", "resources", "results", "users", "roles")


class PullError(Exception):
    """The service could not be asked or answered something unusable; nothing was imported."""


# --- Talking to the service ----------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect could lead anywhere (an internal address): treat it as an error


def check_address(url: str) -> None:
    """https only (http on the demo and in tests), and no private network unless allowed."""
    scheme = urllib.parse.urlsplit(url).scheme
    plain_http_ok = settings.DEMO or settings.TESTING or settings.DEBUG
    if scheme != "https" and not (scheme == "http" and plain_http_ok):
        raise PullError(f"{url} is not an https:// address; client credentials are sent only over https.")
    if getattr(settings, "TRELLIS_ROSTER_PULL_ALLOW_PRIVATE", False):
        return
    try:
        refuse_private_address(url, purpose="the roster is pulled from the internet only")
    except UnsafeAddress as exc:
        raise PullError(str(exc)) from None


def _open(request: urllib.request.Request) -> tuple[int, dict, bytes]:
    check_address(request.full_url)
    opener = urllib.request.build_opener(_NoRedirects)
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            body = response.read(MAX_PAGE_BYTES + 1)
            status, headers = response.status, dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers or {}), exc.read(64 * 1024)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise PullError(f"Could not reach {request.full_url}: {getattr(exc, 'reason', exc)}.") from None
    if len(body) > MAX_PAGE_BYTES:
        raise PullError(f"{request.full_url} answered more than {MAX_PAGE_BYTES // (1024 * 1024)} MB in one page.")
    return status, headers, body


class OneRosterClient:
    """One pull's conversation: a token, then every page of each collection."""

    def __init__(self, source: RosterSource):
        self.source = source
        self.base_url = source.base_url.rstrip("/")
        self._token = None

    def token(self) -> str:
        if self._token:
            return self._token
        try:
            secret = self.source.client_secret()
        except SecretUnavailable as exc:
            raise PullError(str(exc)) from None
        client = BackendApplicationClient(client_id=self.source.client_id)
        body = client.prepare_request_body(scope=self.source.scope.split() or None, include_client_id=False)
        # RFC 6749 2.3.1: client id and secret form-encoded, then HTTP Basic.
        pair = f"{urllib.parse.quote(self.source.client_id, safe='')}:{urllib.parse.quote(secret, safe='')}"
        request = urllib.request.Request(  # noqa: S310 (scheme checked in _open)
            self.source.token_url, data=body.encode(), method="POST",
            headers={
                "Authorization": "Basic " + base64.b64encode(pair.encode()).decode(),
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
                "User-Agent": "Trellis roster pull",
            },
        )
        status, _, answer = _open(request)
        try:
            token = client.parse_request_body_response(answer.decode("utf-8", "replace"))
        except OAuth2Error as exc:
            detail = exc.description or exc.error
            raise PullError(f"The token endpoint refused the client credentials ({status}): {detail}") from None
        except ValueError:
            raise PullError(f"The token endpoint answered {status} without a JSON token.") from None
        if str(token.get("token_type", "")).lower() != "bearer":
            raise PullError(f"The token endpoint gave a {token.get('token_type')!r} token; OneRoster uses Bearer.")
        self._token = token["access_token"]
        return self._token

    def _get(self, collection: str, *, limit: int, offset: int):
        url = f"{self.base_url}/{collection}?" + urllib.parse.urlencode({"limit": limit, "offset": offset})
        request = urllib.request.Request(  # noqa: S310 (scheme checked in _open)
            url, headers={"Authorization": f"Bearer {self.token()}", "Accept": "application/json",
                          "User-Agent": "Trellis roster pull"},
        )
        return (url, *_open(request))

    def offers(self, collection: str) -> bool:
        """Whether the service answers /<collection> at all (demographics is often not shared)."""
        url, status, _, _ = self._get(collection, limit=1, offset=0)
        if status in (403, 404):
            return False
        if status != 200:
            raise PullError(f"{collection}: the service answered {status} at {url}.")
        return True

    def records(self, collection: str):
        """Every record of /<collection>, page by page (limit/offset)."""
        offset, pages = 0, 0
        while True:
            url, status, headers, body = self._get(collection, limit=PAGE_SIZE, offset=offset)
            if status != 200:
                raise PullError(f"{collection}: the service answered {status} at {url}.")
            try:
                page = json.loads(body)[collection]
            except (ValueError, KeyError, TypeError):
                raise PullError(f"{collection}: the answer at {url} is not a OneRoster list of {collection}.") from None
            if not isinstance(page, list):
                raise PullError(f"{collection}: the answer at {url} is not a OneRoster list of {collection}.")
            yield from page
            offset += len(page)
            pages += 1
            total = {k.lower(): v for k, v in headers.items()}.get("x-total-count")
            if len(page) < PAGE_SIZE or (total and total.isdigit() and offset >= int(total)):
                return
            if pages >= MAX_PAGES:
                raise PullError(f"{collection}: more than {MAX_PAGES} pages; the service does not stop paging.")


# --- From JSON records to the CSV binding ---------------------------------------------------------


def _ref(value) -> str:
    """A GUIDRef ({"sourcedId": ...}) or a plain id, as the CSV binding's sourcedId."""
    if isinstance(value, dict):
        return str(value.get("sourcedId") or "")
    return str(value or "")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _multi(values) -> str:
    if isinstance(values, list):
        return ",".join(_text(v) for v in values)
    return _text(values)


def _active(record) -> bool:
    """A snapshot leaves out what the service marks for deletion: the bulk import deactivates it."""
    return str(record.get("status") or "active").lower() != "tobedeleted"


def org_row(r):
    return [r.get("sourcedId", ""), "", "", _text(r.get("name")), _text(r.get("type")),
            _text(r.get("identifier")), _ref(r.get("parent"))]


def session_row(r):
    return [r.get("sourcedId", ""), "", "", _text(r.get("title")), _text(r.get("type")),
            _text(r.get("startDate")), _text(r.get("endDate")), _ref(r.get("parent")), _text(r.get("schoolYear"))]


def user_rows(r):
    """users.csv's row and the user's roles.csv rows (1.2 carries roles inside the user)."""
    sid = r.get("sourcedId", "")
    user_ids = ",".join(
        "{" + f"{_text(u.get('type'))}:{_text(u.get('identifier'))}" + "}" for u in r.get("userIds") or []
    )
    user = [sid, "", "", _text(r.get("enabledUser", True)), _text(r.get("username")), user_ids,
            _text(r.get("givenName")), _text(r.get("familyName")), _text(r.get("middleName")),
            _text(r.get("identifier")), _text(r.get("email")), _text(r.get("sms")), _text(r.get("phone")),
            ",".join(_ref(a) for a in r.get("agents") or []), _multi(r.get("grades")), "",
            _text(r.get("userMasterIdentifier")), "", _text(r.get("preferredFirstName")),
            _text(r.get("preferredMiddleName")), _text(r.get("preferredLastName")), _ref(r.get("primaryOrg")),
            _text(r.get("pronouns"))]
    roles = r.get("roles")
    if roles is None and r.get("role"):  # a 1.1-shaped answer: one role over its orgs
        roles = [{"roleType": "primary" if n == 0 else "secondary", "role": r["role"], "org": org}
                 for n, org in enumerate(r.get("orgs") or [])]
    role_rows = [
        [f"{sid}#role{n}", "", "", sid, _text(role.get("roleType")), _text(role.get("role")),
         _text(role.get("beginDate")), _text(role.get("endDate")), _ref(role.get("org")),
         _ref(role.get("userProfile"))]
        for n, role in enumerate(roles or [])
    ]
    return user, role_rows


def demographic_row(r):
    return [r.get("sourcedId", ""), "", "", *(_text(r.get(column)) for column in DEMOGRAPHIC_HEADER[3:])]


def write_package(client: OneRosterClient, path: Path) -> dict:
    """Write the service's roster as a OneRoster 1.2 bulk ZIP at path; counts per file."""
    counts = {}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package, tempfile.TemporaryFile("w+", newline="",
                                                                                              encoding="utf-8") as roles:
        role_writer = csv.writer(roles)
        role_writer.writerow(ROLE_HEADER)

        def member(name, header, rows):
            with package.open(f"{name}.csv", "w") as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as out:
                writer = csv.writer(out)
                writer.writerow(header)
                n = 0
                for row in rows:
                    writer.writerow(row)
                    n += 1
            counts[name] = n

        def users():
            for record in client.records("users"):
                if _active(record):
                    user, role_rows = user_rows(record)
                    role_writer.writerows(role_rows)
                    counts["roles"] = counts.get("roles", 0) + len(role_rows)
                    yield user

        member("orgs", ORG_HEADER, (org_row(r) for r in client.records("orgs") if _active(r)))
        member("academicSessions", SESSION_HEADER,
               (session_row(r) for r in client.records("academicSessions") if _active(r)))
        member("users", USER_HEADER, users())
        roles_count = counts.pop("roles", 0)
        roles.seek(0)
        with package.open("roles.csv", "w") as raw:
            while chunk := roles.read(1 << 20):
                raw.write(chunk.encode("utf-8"))
        counts["roles"] = roles_count
        if client.offers("demographics"):
            member("demographics", DEMOGRAPHIC_HEADER,
                   (demographic_row(r) for r in client.records("demographics") if _active(r)))
        present = set(counts)
        manifest = [["propertyName", "value"], ["manifest.version", "1.0"], ["oneroster.version", "1.2"]]
        manifest += [[f"file.{name}", "bulk" if name in present else "absent"] for name in PACKAGE_FILES]
        manifest += [["source.systemName", "OneRoster REST"],
                     ["source.systemCode", urllib.parse.urlsplit(client.base_url).hostname or ""]]
        text = io.StringIO()
        csv.writer(text).writerows(manifest)
        package.writestr("manifest.csv", text.getvalue())
    return counts


# --- One pull --------------------------------------------------------------------------------------


def pull_roster(source: RosterSource, *, actor=None) -> RosterImport:
    """Ask the service, then import the answer as a bulk file; the import history keeps the result.

    A service that cannot be asked leaves a failed entry in the history (and the reason on the
    connection) and writes nothing else.
    """
    host = urllib.parse.urlsplit(source.base_url).hostname or "the SIS"
    stamp = timezone.localtime().strftime("%Y-%m-%d %H%M")
    filename = f"oneroster-pull-{host}-{stamp.replace(' ', '-')}.zip"
    with tempfile.TemporaryDirectory(prefix="trellis-roster-pull-") as folder:
        path = Path(folder) / filename
        try:
            write_package(OneRosterClient(source), path)
        except PullError as exc:
            return _failed(source, actor=actor, filename=filename, reason=str(exc))
        roster_import, _ = import_file(
            district=source.district, path=path, actor=actor, origin=RosterImport.Origin.PULL
        )
    source.last_pulled_at = timezone.now()
    source.last_import = roster_import
    source.last_error = "" if roster_import.status == RosterImport.Status.DONE else (
        f"The pulled roster was {roster_import.get_status_display().lower()}; see the import's refused rows."
    )
    source.save(update_fields=["last_pulled_at", "last_import", "last_error"])
    return roster_import


@transaction.atomic
def _failed(source, *, actor, filename, reason) -> RosterImport:
    now = timezone.now()
    roster_import = RosterImport.objects.create(
        district=source.district, filename=filename, status=RosterImport.Status.FAILED, error=reason,
        origin=RosterImport.Origin.PULL,
        uploaded_by=actor, confirmed_by=actor, started_at=now, finished_at=now,
    )
    source.last_pulled_at, source.last_import, source.last_error = now, roster_import, reason
    source.save(update_fields=["last_pulled_at", "last_import", "last_error"])
    AuditEvent.record(actor=actor, action=AuditAction.ROSTER_PULL_FAILED, target=roster_import,
                      district=source.district, data={"service": source.base_url, "reason": reason})
    return roster_import


@transaction.atomic
def save_source(*, district, form, actor) -> RosterSource:
    """Save the SIS connection (a new secret is encrypted before it is stored); audited."""
    require(actor, "roster.connect", district, refusal="Only a district administrator connects the SIS.")
    source = form.save(commit=False)
    source.district = district
    source.updated_by = actor
    source.set_secret(form.cleaned_data.get("secret", ""))
    source.save()
    AuditEvent.record(
        actor=actor, action=AuditAction.ROSTER_SOURCE_SAVED, target=source, district=district,
        data={"service": source.base_url, "token_url": source.token_url, "client_id": source.client_id,
              "secret_changed": bool(form.cleaned_data.get("secret")), "enabled": source.is_enabled},
    )
    return source


def pull_enabled_sources(*, district_slug: str | None = None) -> list[RosterImport]:
    """The scheduler's nightly run: every enabled connection (or one district's), one after another."""
    sources = RosterSource.objects.filter(is_enabled=True).select_related("district").order_by("district__slug")
    if district_slug:
        sources = sources.filter(district__slug=district_slug)
    return [pull_roster(source) for source in sources]
