"""A OneRoster 1.2 REST service on 127.0.0.1 for the pull's tests: OAuth 2 client credentials,
limit/offset paging with X-Total-Count, the REST binding's JSON shapes (GUIDRefs, roles inside
users, userIds as objects), built from the same people as the CSV samples."""

import base64
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.rostering import samples

BASE = "/ims/oneroster/rostering/v1p2"
CLIENT_ID, CLIENT_SECRET = "trellis-maple", "s3cret value/with:marks"
MODIFIED = "2026-09-01T12:00:00.000Z"


def _rows(table):
    header = [h[0].lower() + h[1:] for h in table[0]]
    return [dict(zip(header, row, strict=True)) for row in table[1:]]


def _ref(sid, kind):
    return {"sourcedId": sid, "type": kind, "href": f"{BASE}/{kind}s/{sid}"} if sid else None


def records_from_samples() -> dict:
    """The 1.2 sample's orgs, sessions, users (with their roles) and demographics, as JSON records."""
    orgs = [
        {"sourcedId": r["sourcedId"], "status": "active", "dateLastModified": MODIFIED, "name": r["name"],
         "type": r["type"], "identifier": r["identifier"], "parent": _ref(r["parentSourcedId"], "org")}
        for r in _rows(samples.ORGS)
    ]
    sessions = [
        {"sourcedId": r["sourcedId"], "status": "active", "dateLastModified": MODIFIED, "title": r["title"],
         "type": r["type"], "startDate": r["startDate"], "endDate": r["endDate"],
         "parent": _ref(r["parentSourcedId"], "academicSession"), "schoolYear": r["schoolYear"]}
        for r in _rows(samples.sessions())
    ]
    users_table, roles_table = samples.users_12()
    roles = {}
    for r in _rows(roles_table):
        roles.setdefault(r["userSourcedId"], []).append(
            {"roleType": r["roleType"], "role": r["role"], "org": _ref(r["orgSourcedId"], "org")}
        )
    users = []
    for r in _rows(users_table):
        ids = [part.strip("{}").split(":", 1) for part in r["userIds"].split("},{") if part]
        users.append({
            "sourcedId": r["sourcedId"], "status": "active", "dateLastModified": MODIFIED,
            "enabledUser": r["enabledUser"].lower() == "true", "username": r["username"],
            "userIds": [{"type": t, "identifier": i} for t, i in ids], "givenName": r["givenName"],
            "familyName": r["familyName"], "middleName": r["middleName"], "identifier": r["identifier"],
            "email": r["email"], "agents": [_ref(a, "user") for a in r["agentSourcedIds"].split(",") if a],
            "grades": [g for g in r["grades"].split(",") if g], "preferredFirstName": r["preferredGivenName"],
            "pronouns": r["pronouns"], "roles": roles.get(r["sourcedId"], []), "userProfiles": [],
        })
    demographics = [
        {"sourcedId": r["sourcedId"], "status": "active", "dateLastModified": MODIFIED, "birthDate": r["birthDate"],
         "sex": r["sex"], **{k: r[k] for k in ("americanIndianOrAlaskaNative", "asian", "blackOrAfricanAmerican",
                                               "nativeHawaiianOrOtherPacificIslander", "white",
                                               "demographicRaceTwoOrMoreRaces", "hispanicOrLatinoEthnicity",
                                               "countryOfBirthCode")}}
        for r in _rows(samples.DEMOGRAPHICS)
    ]
    return {"orgs": orgs, "academicSessions": sessions, "users": users, "demographics": demographics}


class OneRosterService:
    """Start with `with OneRosterService() as service:`; `service.records` may be changed between pulls."""

    def __init__(self):
        self.records = records_from_samples()
        self.requests: list[str] = []
        self.tokens_issued = 0
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status, body, headers=()):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                if self.path != "/oauth/token":
                    return self._answer(404, {"error": "not_found"})
                form = urllib.parse.parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
                expected = base64.b64encode(
                    f"{urllib.parse.quote(CLIENT_ID, safe='')}:{urllib.parse.quote(CLIENT_SECRET, safe='')}".encode()
                ).decode()
                if self.headers.get("Authorization") != f"Basic {expected}":
                    return self._answer(401, {"error": "invalid_client", "error_description": "Unknown client."})
                if form.get("grant_type") != ["client_credentials"]:
                    return self._answer(400, {"error": "unsupported_grant_type"})
                service.tokens_issued += 1
                return self._answer(200, {"access_token": "token-1", "token_type": "Bearer", "expires_in": 3600})

            def do_GET(self):
                service.requests.append(self.path)
                url = urllib.parse.urlsplit(self.path)
                collection = url.path.removeprefix(BASE + "/")
                if self.headers.get("Authorization") != "Bearer token-1":
                    return self._answer(401, {"imsx_codeMajor": "failure", "imsx_description": "Unauthorized"})
                if collection not in service.records:
                    return self._answer(404, {"imsx_codeMajor": "failure", "imsx_description": "Unknown endpoint"})
                query = urllib.parse.parse_qs(url.query)
                limit, offset = int(query.get("limit", ["100"])[0]), int(query.get("offset", ["0"])[0])
                rows = service.records[collection]
                return self._answer(200, {collection: rows[offset:offset + limit]},
                                    [("X-Total-Count", str(len(rows)))])

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        host, port = self.server.server_address[:2]
        self.origin = f"http://{host}:{port}"
        self.base_url = self.origin + BASE
        self.token_url = self.origin + "/oauth/token"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
