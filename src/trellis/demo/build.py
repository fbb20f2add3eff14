"""The Maple Valley demo district, built in one pass: district, schools, years, people, partners.

`build_demo_district(students=, seed=)` is deterministic for a seed: every random draw comes
from one random.Random and one numpy Generator seeded with it, and dates are computed from
a fixed "today" (2026-11-22), never from the clock.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import numpy as np
from django.contrib.auth.hashers import make_password

from trellis.accounts.models import Role
from trellis.demo import activity, catalog, data, history, placing, rounds
from trellis.demo.calendar import EARLY_RELEASE_TIME, plan_year
from trellis.demo.context import (
    NOW,
    Ctx,
    MentorInfo,
    PartnerInfo,
    SchoolInfo,
    YearInfo,
    at,
    domain_for,
    new_writer_tables,
)
from trellis.demo.people import build_students
from trellis.demo.writer import Writer
from trellis.districts.calendar import DistrictCalendar
from trellis.districts.models import CalendarDay, DayType, District, School, SchoolYear, Term
from trellis.hours.models import HourLog
from trellis.hours.totals import recount_district
from trellis.opportunities.models import CareerCluster, SubCluster
from trellis.partners.models import Mentor, Partner, Worksite
from trellis.placements.models import RubricCriterion
from trellis.rules import labour

# The youngest age the federal table lets do hazardous work at all (with a student-learner
# agreement): outside partners ask that much for their hazardous roles.
HAZARDOUS_MIN_AGE = min(
    band.min_age
    for band in labour.FEDERAL_RULES
    if band.allowed and band.hazardous != labour.Hazardous.FORBIDDEN
)
DISTRICT_SLUG = "maple-valley"
DISTRICT_NAME = "Maple Valley Public Schools"
DEMO_PASSWORD = "trellis-demo"  # noqa: S105 - published on purpose: it only unlocks demo data
FIRST_YEAR = 2021
CURRENT_YEAR = 2026

# (role, username, first, last, what to look at)
DEMO_LOGINS = [
    (
        "District administrator",
        "admin",
        "Dana",
        "Whitfield",
        "The district, its /admin/, staff, SSO and MFA, partners, program reports",
    ),
    (
        "WBL coordinator (district-wide)",
        "coordinator",
        "Jordan",
        "Ellis",
        "All schools: summer and spring rounds, mentor concerns, hours, gaps",
    ),
    (
        "WBL coordinator (Alder High School)",
        "coordinator.alder",
        "Sam",
        "Ortiz",
        "Only Alder High School students and their placements",
    ),
    (
        "Counselor (Alder High School)",
        "counselor",
        "Priya",
        "Raman",
        "Alder students' interests, applications and progress",
    ),
    (
        "Mentor (Maple Valley Regional Hospital)",
        "mentor",
        "Marcus",
        "Greene",
        "Active interns, hours awaiting approval, a midpoint evaluation to write",
    ),
    (
        "Mentor (District Information Technology)",
        "dept.mentor",
        "Tom",
        "Becker",
        "An in-district help desk internship with active interns",
    ),
    (
        "Partner administrator (Maple Valley Regional Hospital)",
        "partner",
        "Karen",
        "Liu",
        "The hospital's opportunities and applicants to review",
    ),
    (
        "Student (senior, Alder High School)",
        "student",
        "Maya",
        "Thompson",
        "Active placement and hours, applications, the open summer ranking round",
    ),
    (
        "Parent or guardian (of Maya Thompson)",
        "guardian",
        "Denise",
        "Thompson",
        "Maya's placement, consent forms and hours",
    ),
]


def build_demo_district(*, students: int, seed: int) -> dict[str, int]:
    """Write the whole district; the caller wraps this in a transaction. Returns row counts."""
    password_hash = make_password(DEMO_PASSWORD)
    with Writer(now=NOW) as writer:  # its worker thread stops even if generation fails
        ctx = Ctx(
            n=students,
            seed=seed,
            writer=writer,
            rng=random.Random(seed),
            npr=np.random.default_rng(seed),
            scale=max(1.0, students / 1200),
            password_hash=password_hash,
        )
        new_writer_tables(ctx)
        _load_clusters(ctx)
        _district(ctx)
        _schools(ctx)
        _years(ctx)
        _rubric(ctx)
        _staff(ctx)
        _partners(ctx)
        st = build_students(ctx)
        opps = catalog.current_opportunities(ctx)
        summers = history.build_history(ctx, st)
        activity.build_current(ctx, st, opps)
        rounds.build_rounds(ctx, st, opps)
        history.build_budgets(ctx, summers + [o for o in opps if o.track == "summer"])
        flags = placing.labour_flags(ctx, st)
        counts = writer.finish()
    # The logs went in by COPY, past the hours services: flag the ones that break a youth
    # labour rule, as refresh_labour_flags would have, and count the reports' roll-up once.
    HourLog.objects.bulk_update(
        [HourLog(pk=pk, labour_flags=f) for pk, f in flags], ["labour_flags"], batch_size=500
    )
    recount_district(ctx.district_id)
    return counts


def _load_clusters(ctx: Ctx) -> None:
    slugs = {}
    for pk, slug, name in CareerCluster.objects.order_by("pk").values_list("pk", "slug", "name"):
        slugs[pk] = slug
        ctx.cluster_id[slug] = pk
        ctx.cluster_name[slug] = name
        ctx.cluster_model[slug] = CareerCluster(id=pk, slug=slug, name=name)
    for pk, cluster_id, slug in SubCluster.objects.order_by("pk").values_list(
        "pk", "cluster_id", "slug"
    ):
        ctx.sub_id[(slugs[cluster_id], slug)] = pk
        ctx.subs_of.setdefault(slugs[cluster_id], []).append(pk)
    missing = set(data.INTEREST_WEIGHTS) - set(ctx.cluster_id)
    if missing:
        raise RuntimeError(f"Career clusters missing (run migrate): {sorted(missing)}")


def _district(ctx: Ctx) -> None:
    fields = dict(
        name=DISTRICT_NAME,
        slug=DISTRICT_SLUG,
        state="VA",
        timezone="America/New_York",
        wbl_contact_email="wbl@maple-valley.example.org",
        hours_per_credit=Decimal("120.00"),
    )
    ctx.district_id = ctx.t(District).add(*fields.values(), at(dt.date(2021, 7, 1)))
    ctx.district_model = District(id=ctx.district_id, **fields)


def _schools(ctx: Ctx) -> None:
    for slug, name, level, code, zips, lat, lon, _share in data.SCHOOLS:
        pk = ctx.t(School).add(ctx.district_id, name, slug, level, code, zips[0], lat, lon)
        model = School(id=pk, district_id=ctx.district_id, name=name, slug=slug, level=level)
        ctx.schools.append(SchoolInfo(pk, slug, name, level, zips, lat, lon, model=model))


def _years(ctx: Ctx) -> None:
    """Every school year with its terms and marked days; the hours app plans sessions (and
    checks labour rules) on this calendar, so past years' hours skip the same holidays."""
    days = []
    for index, y in enumerate(range(FIRST_YEAR, CURRENT_YEAR + 1)):
        plan = plan_year(y)
        year_id = ctx.t(SchoolYear).add(ctx.district_id, plan.name, plan.start, plan.end)
        terms = {
            kind: ctx.t(Term).add(year_id, name, kind, start, end)
            for kind, name, start, end in plan.terms()
        }
        ctx.years.append(YearInfo(plan, year_id, terms, index))
        days += [(day, DayType.NO_SCHOOL, label, None) for day, label in plan.holidays]
        days += [
            (day, DayType.EARLY_RELEASE, label, EARLY_RELEASE_TIME)
            for day, label in plan.early_release
        ]
    for day, day_type, label, early in days:
        ctx.t(CalendarDay).add(ctx.district_id, day, day_type, label, early)
    ctx.calendar = DistrictCalendar.from_days(
        days, [(y.plan.start, y.plan.end) for y in ctx.years], district=ctx.district_model
    )


def _rubric(ctx: Ctx) -> None:
    for order, (key, label, descriptors) in enumerate(data.RUBRIC, start=1):
        ctx.t(RubricCriterion).add(ctx.district_id, key, label, descriptors, order)


def _login(ctx: Ctx, username: str, **flags) -> int:
    for _role, name, first, last, _what in DEMO_LOGINS:
        if name == username:
            return ctx.add_user(
                first,
                last,
                username=username,
                email=f"{username}@maple-valley.example.org",
                joined=at(dt.date(2026, 8, 1)),
                **flags,
            )
    raise KeyError(username)


def _staff(ctx: Ctx) -> None:
    """Demo logins for district roles, plus coordinators and counselors for every school."""
    rng = ctx.rng
    # A district administrator, not an installation superuser: /admin/ shows their district only.
    admin = _login(ctx, "admin", staff=True)
    ctx.add_membership(admin, Role.DISTRICT_ADMIN)
    ctx.coordinator_user = _login(ctx, "coordinator")
    ctx.add_membership(ctx.coordinator_user, Role.COORDINATOR)
    for school in ctx.schools:
        if school.slug == "alder":
            school.coordinator_user = _login(ctx, "coordinator.alder")
            counselor = _login(ctx, "counselor")
            ctx.add_membership(counselor, Role.COUNSELOR, school_id=school.id)
            extra_counselors = max(0, round(_enrolment(ctx, school.slug) / 350) - 1)
        else:
            school.coordinator_user = ctx.add_user(
                rng.choice(data.FEMALE_FIRST + data.MALE_FIRST), rng.choice(data.LAST_NAMES)
            )
            extra_counselors = max(1, round(_enrolment(ctx, school.slug) / 350))
        ctx.add_membership(school.coordinator_user, Role.COORDINATOR, school_id=school.id)
        for _ in range(extra_counselors):
            user = ctx.add_user(
                rng.choice(data.FEMALE_FIRST + data.MALE_FIRST), rng.choice(data.LAST_NAMES)
            )
            ctx.add_membership(user, Role.COUNSELOR, school_id=school.id)
    student = _login(ctx, "student")
    ctx.add_membership(student, Role.STUDENT)
    guardian = _login(ctx, "guardian")
    ctx.add_membership(guardian, Role.GUARDIAN)


def _enrolment(ctx: Ctx, slug: str) -> float:
    """Expected students: grade 8 (a fifth) at the middle school, the rest split by share."""
    share = next(row[7] for row in data.SCHOOLS if row[0] == slug)
    return ctx.n * (0.8 * share if share else 0.2)


def _phone(ctx: Ctx) -> str:
    return f"(540) 555-01{ctx.rng.randrange(100):02d}"  # 555-0100…0199: reserved for fiction


def _place_near(ctx: Ctx):
    school = ctx.rng.choice(ctx.schools)
    return round(school.lat + ctx.rng.gauss(0, 0.04), 5), round(
        school.lon + ctx.rng.gauss(0, 0.05), 5
    )


def _outside_partner_specs(ctx: Ctx):
    """The catalog first; large districts get more, named '<place> <industry>'."""
    count = 40 + ctx.n // 1000
    specs = list(data.PARTNERS[:count])
    names = {s[0] for s in specs}
    clusters = list(data.INTEREST_WEIGHTS)
    weights = list(data.INTEREST_WEIGHTS.values())
    while len(specs) < count:
        cluster = ctx.rng.choices(clusters, weights=weights)[0]
        name = (
            f"{ctx.rng.choice(data.NAME_WORDS)} {ctx.rng.choice(data.PARTNER_NAME_PARTS[cluster])}"
        )
        if name in names:
            name = f"{name} of {ctx.rng.choice(data.TOWNS)[0]}"
            if name in names:
                continue
        names.add(name)
        sub = ctx.rng.choice(data.ROLES[cluster])[0]
        virtual = (
            cluster in ("digital-technology", "marketing-sales", "financial-services")
            and ctx.rng.random() < 0.4
        )
        specs.append(
            (name, ctx.rng.choice(["business"] * 6 + ["nonprofit"]), cluster, sub, virtual)
        )
    return specs


def _add_mentor(
    ctx: Ctx, partner: PartnerInfo, first: str, last: str, title: str, *, username: str = ""
) -> None:
    if username:
        user = _login(ctx, username)
    else:
        user = ctx.add_user(
            first, last, email_domain="" if partner.is_department else domain_for(partner.name)
        )
    ctx.add_membership(user, Role.MENTOR, partner_id=partner.id, when=at(dt.date(2026, 8, 15)))
    checked = dt.date(2026, 8, 1) - dt.timedelta(days=ctx.rng.randrange(700))
    mentor_id = ctx.t(Mentor).add(partner.id, user, title, _phone(ctx), checked)
    model = Mentor(id=mentor_id, partner=partner.model, user=ctx.users[user], title=title)
    partner.mentors.append(MentorInfo(mentor_id, user, f"{first} {last}", model))


def _worksite(ctx: Ctx, sites: dict, partner, name, is_virtual, *place) -> int:
    """One worksite row, and its unsaved twin (the distance rule reads its coordinates)."""
    address, city, state, zip_code, lat, lon = place
    pk = ctx.t(Worksite).add(partner.id, name, is_virtual, *place)
    sites[pk] = Worksite(
        id=pk, partner=partner, name=name, is_virtual=is_virtual, latitude=lat, longitude=lon
    )
    return pk


def _partners(ctx: Ctx) -> None:
    rng = ctx.rng
    for index, (name, kind, cluster, sub, virtual) in enumerate(_outside_partner_specs(ctx)):
        domain = domain_for(name)
        pk = ctx.t(Partner).add(
            ctx.district_id,
            name,
            kind,
            "",
            f"{name} hosts Maple Valley students in {cluster.replace('-', ' ')}.",
            f"https://www.{domain}/",
            _phone(ctx),
            f"info@{domain}",
            at(dt.date(2019, 1, 15) + dt.timedelta(days=rng.randrange(2700))),
        )
        model = Partner(id=pk, district_id=ctx.district_id, name=name, kind=kind)
        town, zip_code = rng.choice(data.TOWNS)
        lat, lon = _place_near(ctx)
        address = f"{rng.randrange(10, 9900)} {rng.choice(data.STREETS)}"
        sites = {}
        worksite = _worksite(
            ctx, sites, model, "Main location", False, address, town, "VA", zip_code, lat, lon
        )
        remote = (
            _worksite(ctx, sites, model, "Remote", True, "", "", "", "", None, None)
            if virtual
            else None
        )
        partner = PartnerInfo(
            pk,
            name,
            kind,
            cluster,
            sub,
            "",
            worksite,
            f"{address}, {town}",
            remote,
            weight=data.INTEREST_WEIGHTS[cluster] ** 0.6,
            model=model,
            worksites=sites,
        )
        partner.roles = [
            (
                t,
                cluster,
                s,
                HAZARDOUS_MIN_AGE if t in data.HAZARDOUS_TITLES else labour.MINIMUM_WORKING_AGE,
                data.HAZARDOUS_TITLES.get(t, ""),
            )
            for s, t in data.ROLES[cluster]
        ]
        ctx.partners.append(partner)
        if index == 0:  # Maple Valley Regional Hospital: the demo mentor and partner admin
            _add_mentor(ctx, partner, "Marcus", "Greene", "Nurse manager", username="mentor")
            admin = _login(ctx, "partner")
        else:
            admin = ctx.add_user(
                rng.choice(data.FEMALE_FIRST + data.MALE_FIRST),
                rng.choice(data.LAST_NAMES),
                email_domain=domain,
            )
        ctx.add_membership(admin, Role.PARTNER_ADMIN, partner_id=pk, when=at(dt.date(2026, 8, 10)))
        for _ in range(rng.choice([1, 1, 2, 2, 3])):
            _add_mentor(
                ctx,
                partner,
                rng.choice(data.FEMALE_FIRST + data.MALE_FIRST),
                rng.choice(data.LAST_NAMES),
                rng.choice(data.MENTOR_TITLES),
            )
    office_address, office_city, office_zip, office_lat, office_lon = data.DISTRICT_OFFICE
    for department, name, cluster, sub, roles in data.DEPARTMENTS:
        pk = ctx.t(Partner).add(
            ctx.district_id,
            name,
            "district_department",
            department,
            "A Maple Valley Public Schools department that hosts students in district roles.",
            "",
            "(540) 555-0100",
            "wbl@maple-valley.example.org",
            at(dt.date(2021, 7, 1)),
        )
        model = Partner(
            id=pk,
            district_id=ctx.district_id,
            name=name,
            kind="district_department",
            department=department,
        )
        sites = {}
        if department in ("classrooms", "athletics", "arts", "health_services"):
            school = ctx.schools[len(ctx.partners) % 3]
            worksite = _worksite(
                ctx,
                sites,
                model,
                school.name,
                False,
                f"{rng.randrange(100, 999)} School Rd",
                "Maple Valley",
                "VA",
                school.zips[0],
                school.lat,
                school.lon,
            )
            label = school.name
        else:
            worksite = _worksite(
                ctx,
                sites,
                model,
                "District office",
                False,
                office_address,
                office_city,
                "VA",
                office_zip,
                office_lat,
                office_lon,
            )
            label = "District office"
        partner = PartnerInfo(
            pk,
            name,
            "district_department",
            cluster,
            sub,
            department,
            worksite,
            label,
            None,
            weight=0.15,
            model=model,
            worksites=sites,
        )
        partner.roles = list(roles)
        ctx.partners.append(partner)
        if department == "it":
            _add_mentor(
                ctx, partner, "Tom", "Becker", "Help desk supervisor", username="dept.mentor"
            )
        for _ in range(rng.choice([1, 2, 2, 3])):
            _add_mentor(
                ctx,
                partner,
                rng.choice(data.FEMALE_FIRST + data.MALE_FIRST),
                rng.choice(data.LAST_NAMES),
                rng.choice(data.DEPARTMENT_MENTOR_TITLES),
            )
