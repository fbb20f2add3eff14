"""Scopes and tenancy for every endpoint, read from the API's own URL conf.

`ENDPOINTS` has one row per route of the `api` namespace: the scope it needs and a record of
Maple Valley (district A) it serves. A route added without a row fails
`test_every_endpoint_has_a_row`. For every row: no key → 401; a key without the scope → 403;
a key of the other district → 404 for the record and no row of it in the list; a key of
Maple Valley with the scope → the record. Write routes: a key holding every read scope → 403.
"""

import datetime as dt

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests import factories as f
from tests.api.helpers import client_for, make_token, other_district_admin
from trellis.api.scopes import DISTRICT_SCOPES, Scope
from trellis.placements.models import MatchRound, Outcome


def _round(w):
    now = timezone.now()
    r = MatchRound.objects.create(
        district=w.district, name="Spring round", ranking_opens_at=now, ranking_closes_at=now + dt.timedelta(days=7)
    )
    w.placement_a.match_round = r
    w.placement_a.save()
    return r


# route name: (scope, the record of district A (None: a list-only route), method)
RECORDS = {
    "district": lambda w: w.district,
    "school": lambda w: w.school_a,
    "school-year": lambda w: f.SchoolYearFactory(district=w.district),
    "partner": lambda w: w.partner_p,
    "worksite": lambda w: f.WorksiteFactory(partner=w.partner_p),
    "opportunity": lambda w: w.opportunity_p,
    "student": lambda w: w.student_a,
    "application": lambda w: f.ApplicationFactory(student=w.student_a, opportunity=w.opportunity_q),
    "placement": lambda w: w.placement_a,
    "session": lambda w: f.SessionFactory(placement=w.placement_a),
    "hour-log": lambda w: f.HourLogFactory(placement=w.placement_a),
    "evaluation": lambda w: f.EvaluationFactory(placement=w.placement_a),
    "reflection": lambda w: f.ReflectionFactory(placement=w.placement_a),
    "outcome": lambda w: Outcome.objects.create(
        student=w.student_a, placement=w.placement_a, partner=w.partner_p, kind="job_offer", date=dt.date(2027, 6, 1)
    ),
    "match-round": _round,
}
SCOPES = {
    "district": Scope.READ_DISTRICTS, "school": Scope.READ_DISTRICTS, "school-year": Scope.READ_DISTRICTS,
    "partner": Scope.READ_PARTNERS, "worksite": Scope.READ_PARTNERS,
    "opportunity": Scope.READ_OPPORTUNITIES, "student": Scope.READ_STUDENTS,
    "application": Scope.READ_APPLICATIONS, "placement": Scope.READ_PLACEMENTS, "session": Scope.READ_PLACEMENTS,
    "hour-log": Scope.READ_HOURS, "evaluation": Scope.READ_EVALUATIONS, "reflection": Scope.READ_EVALUATIONS,
    "outcome": Scope.READ_EVALUATIONS, "match-round": Scope.READ_ROUNDS,
}

# Every route: (kind, basename, scope, method)
ENDPOINTS = {
    **{f"api:{b}-list": ("list", b, SCOPES[b], "get") for b in RECORDS},
    **{f"api:{b}-detail": ("detail", b, SCOPES[b], "get") for b in RECORDS},
    "api:match-round-results": ("detail", "match-round", Scope.READ_ROUNDS, "get"),
    "api:report-detail": ("report", None, Scope.READ_REPORTS, "get"),
    "api:report-gaps": ("report", None, Scope.READ_REPORTS, "get"),
    "api:opportunity-list:post": ("write", "opportunity", Scope.WRITE_OPPORTUNITIES, "post"),
    "api:opportunity-detail:patch": ("write-detail", "opportunity", Scope.WRITE_OPPORTUNITIES, "patch"),
    "api:hour-log-list:post": ("write", "hour-log", Scope.WRITE_HOURS, "post"),
    "api:hour-log-approve": ("write", "hour-log", Scope.WRITE_HOURS, "post"),
    "api:student-upsert": ("upsert", "student", Scope.WRITE_STUDENTS, "put"),
}
NOT_ENDPOINTS = {"api:schema", "api:docs", "api:not_found"}


def api_routes():
    """(route name, http methods) of the api namespace, from the URL conf itself."""
    def walk(patterns, namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, ":".join(filter(None, [namespace, p.namespace])))
            elif isinstance(p, URLPattern) and namespace.startswith("api"):
                actions = getattr(p.callback, "actions", None) or {}
                allowed = p.callback.cls.http_method_names if actions else []
                yield f"{namespace}:{p.name}", {m for m in actions if m in allowed}
    return list(walk(get_resolver().url_patterns))


def test_every_endpoint_has_a_row():
    names = set()
    for name, methods in api_routes():
        if name in NOT_ENDPOINTS:
            continue
        for method in methods - {"get", "head", "options"}:
            names.add(name if name in ("api:hour-log-approve", "api:student-upsert") else f"{name}:{method}")
        if "get" in methods:
            names.add(name)
    assert names == set(ENDPOINTS)


def _url(name, kind, record, personas):
    base = name.split(":post")[0].split(":patch")[0]
    if kind == "report":
        return reverse(base, args=["participation"]) if base.endswith("detail") else reverse(base)
    if kind == "upsert":
        return reverse(base, args=[personas.student_a.student_number])
    if kind in ("detail", "write-detail"):
        return reverse(base, args=[record.pk])
    return reverse(base)


def _call(client, method, url):
    return getattr(client, method)(url, {}, format="json")


@pytest.fixture
def record_for(personas):
    def build(basename):
        return RECORDS[basename](personas) if basename else None
    return build


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_no_key_gets_401_with_a_problem_body(personas, record_for, name):
    kind, basename, _, method = ENDPOINTS[name]
    record = record_for(basename)
    response = _call(APIClient(), method, _url(name, kind, record, personas))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_a_key_without_the_scope_gets_403(personas, record_for, name):
    kind, basename, scope, method = ENDPOINTS[name]
    record = record_for(basename)
    others = sorted(DISTRICT_SCOPES - {scope})
    _, key = make_token(personas.district_admin, scopes=others)
    response = _call(client_for(key), method, _url(name, kind, record, personas))
    assert response.status_code == 403
    assert scope in response.json()["detail"]


@pytest.mark.parametrize("name", sorted(n for n, row in ENDPOINTS.items() if row[0] in ("list", "detail")))
def test_a_key_of_the_other_district_gets_404_and_never_sees_the_record(personas, record_for, name):
    kind, basename, _, method = ENDPOINTS[name]
    record = record_for(basename)
    _, key = make_token(other_district_admin(personas))
    response = _call(client_for(key), method, _url(name, kind, record, personas))
    if kind == "detail":
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
    else:
        assert response.status_code == 200
        assert record.pk not in {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("name", sorted(n for n, row in ENDPOINTS.items() if row[0] in ("list", "detail")))
def test_a_key_of_the_district_with_the_scope_reads_the_record(personas, record_for, name):
    kind, basename, scope, method = ENDPOINTS[name]
    record = record_for(basename)
    _, key = make_token(personas.district_admin, scopes=[scope])
    response = _call(client_for(key), method, _url(name, kind, record, personas))
    assert response.status_code == 200, response.content
    body = response.json()
    if name == "api:match-round-results":
        assert [row["id"] for row in body["results"]] == [personas.placement_a.pk]
    elif kind == "detail":
        assert body["id"] == record.pk
    else:
        assert record.pk in {row["id"] for row in body["results"]}


@pytest.mark.parametrize("name", sorted(n for n, row in ENDPOINTS.items() if row[0] == "report"))
def test_reports_are_of_the_tokens_own_district(personas, name):
    kind, _, scope, method = ENDPOINTS[name]
    for admin, district in ((personas.district_admin, personas.district),
                            (other_district_admin(personas), personas.other_district)):
        _, key = make_token(admin, scopes=[scope])
        response = _call(client_for(key), method, _url(name, kind, None, personas))
        assert response.status_code == 200, response.content
        assert response.json()["district"] == district.pk


@pytest.mark.parametrize("name", sorted(n for n, row in ENDPOINTS.items() if row[0] in ("write", "write-detail", "upsert")))
def test_a_read_key_cannot_write(personas, record_for, name):
    kind, basename, _, method = ENDPOINTS[name]
    record = record_for(basename)
    reads = [s for s in DISTRICT_SCOPES if s.startswith("read:")]
    _, key = make_token(personas.district_admin, scopes=reads)
    response = _call(client_for(key), method, _url(name, kind, record, personas))
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_an_unknown_api_address_is_a_problem_404(personas):
    _, key = make_token(personas.district_admin)
    response = client_for(key).get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json()["title"] == "Not found"


def test_a_partner_key_sees_the_partners_records_only(personas):
    _, key = make_token(personas.partner_admin_p, partner=personas.partner_p)
    client = client_for(key)
    placements = {row["id"] for row in client.get(reverse("api:placement-list")).json()["results"]}
    assert placements == {personas.placement_a.pk}
    assert client.get(reverse("api:placement-detail", args=[personas.placement_b.pk])).status_code == 404
    students = client.get(reverse("api:student-list")).json()["results"]
    assert [s["id"] for s in students] == [personas.student_a.pk]
    # A host partner reads the summary, not the education record.
    assert "birth_date" not in students[0] and "student_number" not in students[0]


def test_lists_keep_their_query_count_as_rows_grow(personas, django_assert_max_num_queries):
    _, key = make_token(personas.district_admin, scopes=[Scope.READ_PLACEMENTS, Scope.READ_STUDENTS])
    client = client_for(key)
    for _ in range(30):
        f.PlacementFactory(opportunity=personas.opportunity_p, student__school=personas.school_a)
    with django_assert_max_num_queries(12):
        assert len(client.get(reverse("api:placement-list")).json()["results"]) == 32
    with django_assert_max_num_queries(12):
        client.get(reverse("api:student-list"))
