"""The opportunity catalog: what partners offer this year, and the shapes of past years' offers."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from trellis.demo import data
from trellis.demo.context import TODAY, Ctx, MentorInfo, PartnerInfo, YearInfo, at
from trellis.opportunities.models import Opportunity
from trellis.rules import capacity
from trellis.rules.schedules import PlannedSession, SchedulePattern, plan_pattern

SUMMER_RATE = Decimal("8.50")
SUMMER_HOURS = Decimal("100.0")
MON_THU = 0b0001111
FRIDAY = 0b0010000
T = dt.time

# Share of this year's non-summer opportunities by track.
TRACK_SHARES = [
    ("shadow", 0.28),
    ("friday", 0.24),
    ("fall", 0.15),
    ("ta", 0.10),
    ("virtual", 0.08),
    ("service", 0.05),
    ("clinical", 0.05),
    ("preapp", 0.05),
]
DEPARTMENT_TRACK = {
    "classrooms": "ta",
    "it": "fall",
    "communications": "virtual",
    "school_board": "friday",
    "arts": "fall",
    "food_service": "fall",
    "athletics": "fall",
    "human_resources": "friday",
    "buildings_grounds": "friday",
    "health_services": "friday",
    "transportation": "friday",
}


@dataclass(slots=True, eq=False)  # compared by identity: one object per row
class Opp:
    """What the activity producers need to know about one opportunity row."""

    id: int
    partner: PartnerInfo
    mentor: MentorInfo
    worksite: int
    title: str
    role: str  # the job itself, e.g. "Patient services aide", for texts people write about it
    kind: str
    track: str  # shadow | fall | friday | ta | virtual | service | clinical | preapp | summer
    cluster: str
    seats: int
    start: dt.date
    end: dt.date
    weekdays: int
    start_time: dt.time
    end_time: dt.time
    min_grade: int
    min_age: int
    hazardous: bool
    paid: bool
    status: str
    year: YearInfo
    virtual: bool
    # The row as the domain's rules read it (unsaved; published if students ever saw it).
    model: Opportunity
    placed: int = 0  # placements so far: none is made past the seats
    applicants: dict = field(default_factory=dict)  # student index -> application status
    _plan: list[PlannedSession] | None = None
    _days: list[dt.date] | None = None
    _day_set: frozenset | None = None

    def plan(self, ctx: Ctx) -> list[PlannedSession]:
        """The sessions the hours app plans from this opportunity's pattern on the calendar."""
        if self._plan is None:
            pattern = SchedulePattern.from_opportunity(self.model)
            self._plan = plan_pattern(pattern, self.start, self.end, ctx.calendar)
        return self._plan

    def work_days(self, ctx: Ctx) -> list[dt.date]:
        """Days the pattern meets, past a block's target too: interns who missed a day make it
        up, so hour logs can run past the last planned session."""
        if self._days is None:
            pattern = SchedulePattern.from_opportunity(self.model)
            pattern = dataclasses.replace(pattern, target_hours=None)
            self._days = [p.date for p in plan_pattern(pattern, self.start, self.end, ctx.calendar)]
        return self._days

    def meets_with(self, ctx: Ctx, other: Opp) -> bool:
        """Both meet on some day at overlapping times (one student cannot attend both)."""
        if not (self.start_time < other.end_time and other.start_time < self.end_time):
            return False
        if self.end < other.start or other.end < self.start:
            return False
        if self._day_set is None:
            self._day_set = frozenset(self.work_days(ctx))
        return not self._day_set.isdisjoint(other.work_days(ctx))

    @property
    def seats_left(self) -> int:
        return capacity.seats_left(self.seats, self.placed)

    def row(self, ctx: Ctx) -> dict:
        """The opportunity as a match round reads it (`placements/rounds/adapter.OPPORTUNITY_FIELDS`)."""
        site = self.model.worksite
        return {
            "id": self.id,
            "title": self.title,
            "status": self.model.status,
            "seats": self.seats,
            "min_grade": self.min_grade,
            "min_age": self.min_age,
            "is_hazardous": self.hazardous,
            "hazardous_orders": self.model.hazardous_orders,
            "weekdays": self.weekdays,
            "start_date": self.start,
            "kind": self.kind,
            "cluster_id": ctx.cluster_id[self.cluster],
            "cluster__name": ctx.cluster_name[self.cluster],
            "partner_id": self.partner.id,
            "worksite__is_virtual": site.is_virtual if site else None,
            "worksite__latitude": site.latitude if site else None,
            "worksite__longitude": site.longitude if site else None,
        }


def seat_multiplier(n: int) -> float:
    """Large districts get larger cohorts per opportunity, so placements grow with enrolment."""
    return max(1.0, (n / 1200) / ((120 + n // 100) / 132))


def pick_role(ctx: Ctx, partner: PartnerInfo) -> tuple:
    if not partner.is_department and ctx.rng.random() < 0.5:
        own = [r for r in partner.roles if r[2] == partner.sub]
        if own:
            return ctx.rng.choice(own)
    return ctx.rng.choice(partner.roles)


def add_opportunity(
    ctx: Ctx,
    *,
    partner: PartnerInfo,
    role: tuple,
    kind: str,
    track: str,
    year: YearInfo,
    term: str,
    start: dt.date,
    end: dt.date,
    weekdays: int,
    times: tuple,
    seats: int,
    status: str,
    min_grade: int,
    title: str,
    virtual: bool = False,
    mentor: MentorInfo | None = None,
) -> Opp:
    role_title, cluster, sub, min_age, orders = role
    paid = track == "summer"
    if track in ("friday", "clinical", "preapp", "summer"):
        min_age = max(min_age, 16)
    worksite = (
        partner.virtual_worksite if virtual and partner.virtual_worksite else partner.worksite
    )
    mentor = mentor or ctx.rng.choice(partner.mentors)
    tasks = data.HOUR_DESCRIPTIONS[cluster]
    description = (
        f"Work alongside {partner.name} staff as a {role_title.lower()}. "
        f"Typical tasks: {tasks[0].lower()}, {tasks[1].lower()} and {tasks[2].lower()}."
    )
    requirements = [f"Grade {min_grade} or above; at least {min_age} years old."]
    if orders:
        requirements.append(
            f"Hazardous occupation ({orders}): a student-learner agreement is required for minors."
        )
    if not virtual and not partner.is_department:
        requirements.append("Reliable transportation to the worksite.")
    if virtual:
        requirements.append(
            "A computer or Chromebook and internet access (the district can lend a hotspot)."
        )
    created = at(
        min(
            start - dt.timedelta(days=ctx.rng.randrange(30, 75)),
            TODAY - dt.timedelta(days=ctx.rng.randrange(1, 20)),
        ),
        10,
    )
    values = dict(
        district_id=ctx.district_id,
        partner_id=partner.id,
        worksite_id=worksite,
        mentor_id=mentor.id,
        term_id=year.terms[term],
        title=title,
        description=description,
        requirements="\n".join(requirements),
        kind=kind,
        cluster_id=ctx.cluster_id[cluster],
        subcluster_id=ctx.sub_id.get((cluster, sub)),
        seats=seats,
        start_date=start,
        end_date=end,
        schedule_kind="block" if track == "summer" else "weekly",
        weekdays=weekdays,
        start_time=times[0],
        end_time=times[1],
        min_grade=min_grade,
        min_age=min_age,
        is_hazardous=bool(orders),
        hazardous_orders=orders,
        is_paid=paid,
        hourly_rate=SUMMER_RATE if paid else None,
        target_hours=SUMMER_HOURS if paid else None,
        status=status,
    )
    opp_id = ctx.t(Opportunity).add(*values.values(), created, created)
    model = Opportunity(
        id=opp_id,
        **{**values, "status": "published" if status == "closed" else status},
        created_at=created,
        updated_at=created,
    )
    model.partner = partner.model
    model.worksite = partner.worksites[worksite]
    model.mentor = mentor.model
    model.cluster = ctx.cluster_model[cluster]
    return Opp(
        opp_id,
        partner,
        mentor,
        worksite,
        title,
        role_title,
        kind,
        track,
        cluster,
        seats,
        start,
        end,
        weekdays,
        times[0],
        times[1],
        min_grade,
        min_age,
        bool(orders),
        paid,
        status,
        year,
        virtual,
        model,
    )


def title_for(track: str, role_title: str) -> str:
    return {
        "shadow": f"Job shadow: {role_title.lower()}",
        "friday": f"{role_title} (senior Friday internship)",
        "summer": f"Summer paid internship: {role_title.lower()}",
        "virtual": f"Virtual {role_title[0].lower()}{role_title[1:]}",
        "service": f"Service learning: {role_title.lower()}",
        "clinical": f"Clinical experience: {role_title.lower()}",
        "preapp": f"Pre-apprenticeship: {role_title.lower()}",
    }.get(track, role_title)


KIND = {
    "shadow": "job_shadow",
    "friday": "internship",
    "fall": "internship",
    "ta": "teaching_assistant",
    "virtual": "virtual",
    "service": "service_learning",
    "clinical": "clinical",
    "preapp": "pre_apprenticeship",
    "summer": "internship",
}


def schedule(ctx: Ctx, track: str, year: YearInfo, *, upcoming: bool | None = None):
    """(term, start, end, weekdays, times) for a track in a year; job shadows are one day."""
    rng, plan = ctx.rng, year.plan
    y = plan.start_year
    if track == "shadow":
        if upcoming is None:
            upcoming = rng.random() < 0.45
        if upcoming:
            window = (
                (dt.date(y, 12, 1), dt.date(y, 12, 18))
                if rng.random() < 0.3
                else (plan.spring_start + dt.timedelta(days=1), dt.date(y + 1, 3, 19))
            )
        else:
            window = (dt.date(y, 9, 14), dt.date(y, 11, 20))
        days = [
            e.date
            for e in ctx.calendar.entries(*window)
            if e.date.weekday() < 5 and e.is_school_day and e.day_type != "early_release"
        ]
        day = rng.choice(days)
        term = "fall" if day <= plan.fall_end else "spring"
        # Three hours: what a 14- or 15-year-old may work on a school day (29 CFR 570.35).
        times = rng.choice([(T(8, 30), T(11, 30)), (T(9, 0), T(12, 0)), (T(12, 0), T(15, 0))])
        return term, day, day, 1 << day.weekday(), times
    if track == "friday":
        start = plan.spring_start + dt.timedelta(days=(4 - plan.spring_start.weekday()) % 7)
        end = plan.spring_end - dt.timedelta(days=7)
        return "spring", start, end, FRIDAY, (T(8, 0), T(14, 30))
    if track == "summer":
        start, end = plan.summer_internship_dates()
        return "summer", start, end, MON_THU, (T(9, 0), T(15, 0))
    if track in ("fall", "service"):
        start = plan.start + dt.timedelta(days=14 + 7 * rng.randrange(3))
        end = plan.fall_end if rng.random() < 0.5 else dt.date(y, 12, 18)
        if track == "service":
            return "fall", start + dt.timedelta(days=5), end, 0b0100000, (T(9, 0), T(12, 0))
        weekdays, times = rng.choice(
            [
                (0b01010, (T(15, 0), T(18, 0))),
                (0b00101, (T(14, 45), T(17, 15))),
                (0b00010, (T(15, 0), T(18, 0))),
            ]
        )
        return "fall", start, end, weekdays, times
    if track == "ta":
        weekdays, times = rng.choice(
            [(0b00101, (T(13, 0), T(14, 30))), (0b01010, (T(8, 0), T(9, 30)))]
        )
        if rng.random() < 0.7:
            return "fall", plan.start + dt.timedelta(days=21), plan.fall_end, weekdays, times
        return (
            "spring",
            plan.spring_start + dt.timedelta(days=6),
            plan.spring_end - dt.timedelta(days=7),
            weekdays,
            times,
        )
    if track == "virtual":
        wed = 0b00100
        times = (T(15, 30), T(17, 0))
        first_wed = plan.start + dt.timedelta(days=(2 - plan.start.weekday()) % 7 + 21)
        choice = rng.random()
        if choice < 0.35:
            return "fall", first_wed, first_wed + dt.timedelta(weeks=7), wed, times
        if choice < 0.65:
            start = first_wed + dt.timedelta(weeks=4)
            return "fall", start, start + dt.timedelta(weeks=10), wed, times
        start = plan.spring_start + dt.timedelta(days=(2 - plan.spring_start.weekday()) % 7 + 14)
        return "spring", start, start + dt.timedelta(weeks=10), wed, times
    if track == "clinical":
        start = plan.spring_start + dt.timedelta(days=14)
        return (
            "spring",
            start,
            plan.spring_end - dt.timedelta(days=14),
            0b01010,
            (T(7, 30), T(11, 30)),
        )
    if track == "preapp":
        start = plan.spring_start + dt.timedelta(days=13)
        return (
            "spring",
            start,
            plan.spring_end - dt.timedelta(days=14),
            0b00101,
            (T(12, 30), T(15, 30)),
        )
    raise ValueError(track)


BASE_SEATS = {
    "shadow": (2, 6),
    "friday": (1, 3),
    "fall": (1, 3),
    "ta": (2, 4),
    "virtual": (4, 10),
    "service": (3, 8),
    "clinical": (2, 4),
    "preapp": (2, 4),
    "summer": (3, 8),
}


def seats_for(ctx: Ctx, track: str) -> int:
    low, high = BASE_SEATS[track]
    return max(1, round(ctx.rng.randint(low, high) * seat_multiplier(ctx.n)))


def hosts_for(ctx: Ctx, track: str) -> list[PartnerInfo]:
    partners = ctx.partners
    if track == "ta":
        return [p for p in partners if p.cluster == "education"]
    if track == "virtual":
        return [p for p in partners if p.virtual_worksite] or partners
    if track == "service":
        return [p for p in partners if p.kind in ("nonprofit", "government")]
    if track == "clinical":
        return [p for p in partners if p.cluster == "healthcare-human-services"]
    if track == "preapp":
        trades = (
            "construction",
            "advanced-manufacturing",
            "energy-natural-resources",
            "supply-chain-transportation",
        )
        return [p for p in partners if p.cluster in trades and not p.is_department] or partners
    return partners


def choose_host(ctx: Ctx, track: str) -> PartnerInfo:
    hosts = hosts_for(ctx, track)
    return ctx.rng.choices(hosts, weights=[p.weight for p in hosts])[0]


def _status(track: str, start: dt.date, serial: int) -> str:
    """Opportunities under way are published (every 8th closed once full); of later ones, 1 in
    9 is still a draft and 2 in 9 wait for the coordinator's approval. Round-based ones are
    published. A rotation rather than a draw, so every status shows up at any size."""
    if track in ("friday", "summer"):
        return "published"
    if start <= TODAY:
        return "closed" if serial % 8 == 5 else "published"
    return {3: "draft", 6: "pending", 7: "pending"}.get(serial % 9, "published")


def current_opportunities(ctx: Ctx) -> list[Opp]:
    """This year's catalog: ~120 + N/100 opportunities, with the demo logins' ones first."""
    year = ctx.current
    total = 120 + ctx.n // 100
    hospital = ctx.partners[0]
    it_dept = next(p for p in ctx.partners if p.department == "it")
    demo_mentor = hospital.mentors[0]
    dept_mentor = it_dept.mentors[0]
    plan = year.plan
    y = plan.start_year
    opps: list[Opp] = []

    def make(partner, track, *, role=None, mentor=None, sched=None, seats=None, status=None):
        role = role or pick_role(ctx, partner)
        term, start, end, weekdays, times = sched or schedule(ctx, track, year)
        opp = add_opportunity(
            ctx,
            partner=partner,
            role=role,
            kind=KIND[track],
            track=track,
            year=year,
            term=term,
            start=start,
            end=end,
            weekdays=weekdays,
            times=times,
            seats=seats or seats_for(ctx, track),
            status=status or _status(track, start, len(opps)),
            min_grade=_min_grade(track),
            virtual=track == "virtual",
            title=title_for(track, role[0]),
            mentor=mentor,
        )
        opps.append(opp)
        return opp

    patient_aide = next(r for r in hospital.roles if r[0] == "Patient services aide")
    make(
        hospital,
        "fall",
        role=patient_aide,
        mentor=demo_mentor,
        status="published",
        sched=("fall", dt.date(y, 9, 8), plan.fall_end, 0b01010, (T(15, 0), T(18, 0))),
        seats=max(4, round(4 * seat_multiplier(ctx.n))),
    )
    make(hospital, "clinical", role=patient_aide, mentor=demo_mentor, status="published")
    make(
        hospital,
        "friday",
        role=next(r for r in hospital.roles if r[0] == "Medical records assistant"),
        mentor=demo_mentor,
    )
    make(hospital, "summer", role=patient_aide, mentor=demo_mentor)
    helpdesk = it_dept.roles[0]
    make(
        it_dept,
        "fall",
        role=helpdesk,
        mentor=dept_mentor,
        status="published",
        sched=("fall", dt.date(y, 9, 9), plan.fall_end, 0b00101, (T(14, 45), T(17, 15))),
        seats=max(3, round(3 * seat_multiplier(ctx.n))),
    )
    make(it_dept, "summer", role=helpdesk, mentor=dept_mentor)
    # Every department hosts at least one role: in-district capacity is the point of them.
    for partner in ctx.partners:
        if partner.is_department:
            track = DEPARTMENT_TRACK[partner.department]
            make(partner, track, role=partner.roles[0])
    # Summer: enough seats for the program to keep growing (72 students last summer).
    summer_seats = round(95 * ctx.scale) - sum(o.seats for o in opps if o.track == "summer")
    while summer_seats > 0:
        host = (
            ctx.rng.choice([p for p in ctx.partners if p.is_department])
            if ctx.rng.random() < 0.5
            else (choose_host(ctx, "summer"))
        )
        opp = make(host, "summer", seats=min(seats_for(ctx, "summer"), max(summer_seats, 2)))
        summer_seats -= opp.seats
    tracks = [t for t, _ in TRACK_SHARES]
    weights = [w for _, w in TRACK_SHARES]
    while len(opps) < total:
        track = ctx.rng.choices(tracks, weights=weights)[0]
        host = choose_host(ctx, track)
        make(host, track)
    return opps


def _min_grade(track: str) -> int:
    return {"friday": 12, "clinical": 11, "preapp": 11, "fall": 10, "ta": 10, "summer": 10}.get(
        track, 9
    )
