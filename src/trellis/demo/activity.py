"""Placements and everything hanging off them: applications, agreements and signatures,
sessions, hour logs, evaluations and reflections. Helpers here serve past years too."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from trellis.demo import data
from trellis.demo.calendar import EARLY_RELEASE_TIME
from trellis.demo.catalog import Opp
from trellis.demo.context import NOW, TODAY, Ctx, at
from trellis.demo.people import Students
from trellis.hours.models import HourLog, Session
from trellis.placements.models import (
    Agreement,
    Application,
    Concern,
    Evaluation,
    Placement,
    Reflection,
    Signature,
)

RUBRIC_KEYS = [key for key, _label, _d in data.RUBRIC]
# Logs older than this were decided by the mentor; newer ones still wait for approval.
APPROVAL_LAG = dt.timedelta(days=13)
ONE_TO_FOUR = [dt.timedelta(days=k) for k in (1, 2, 3, 4)]
FIT_WEIGHTS = {"for_me": 0.5, "unsure": 0.3, "not_for_me": 0.2}
STATEMENTS = [
    "I want to learn what a {role} does day to day.",
    "I am in the {program} program and want real experience before I graduate.",
    "My {relative} works in this field and I would like to see it for myself.",
    "I am considering this career and want to find out if it is for me.",
    "I have taken related classes and want to put them to use.",
]

_hours_cache: dict[int, Decimal] = {}


def hours_decimal(hours: float) -> Decimal:
    quarter = round(hours * 4)
    value = _hours_cache.get(quarter)
    if value is None:
        value = _hours_cache[quarter] = (Decimal(quarter) / 4).quantize(Decimal("0.01"))
    return value


def shift(t: dt.time, minutes: int) -> dt.time:
    total = t.hour * 60 + t.minute + minutes
    return dt.time(total // 60, total % 60)


def span_hours(start: dt.time, end: dt.time) -> float:
    return (end.hour * 60 + end.minute - start.hour * 60 - start.minute) / 60


def is_minor(st: Students, i: int, day: dt.date) -> bool:
    return st.age_on(i, day) < 18


def pick_students(
    ctx: Ctx, st: Students, opp: Opp, count: int, busy: bytearray | None, exclude=()
) -> list[int]:
    """Current students who fit the opportunity, mostly from those interested in its cluster."""
    rng = ctx.rng
    pool = st.pools.get(opp.cluster) or []
    chosen: list[int] = []
    check_days = opp.track not in ("shadow", "summer")
    for _ in range(count * 15 + 30):
        if len(chosen) >= count:
            break
        r = rng.random()  # one draw: the pool four times in five, anyone otherwise
        i = (
            pool[int(r * 1.25 * len(pool))]
            if pool and r < 0.8
            else int(rng.random() * st.n_current)
        )
        if i == 0 or (busy is not None and busy[i]) or i in chosen or i in exclude:
            continue  # index 0 is the demo student, placed by hand
        if st.grade[i] < opp.min_grade or st.age_on(i, opp.start) < opp.min_age:
            continue
        if check_days and opp.weekdays & ~st.availability[i]:
            continue
        if st.transport[i] == "none" and not (opp.virtual or opp.partner.is_department):
            continue
        chosen.append(i)
        if busy is not None:
            busy[i] = 1
    return chosen


def add_application(
    ctx: Ctx,
    st: Students,
    i: int,
    opp: Opp,
    status: str,
    created: dt.datetime,
    decided: dt.datetime | None = None,
    interview_rank=None,
    note: str = "",
) -> int:
    statement = ctx.rng.choice(STATEMENTS).format(
        role=opp.role.lower(),
        program=data.CTE_PROGRAMS[opp.cluster],
        relative=ctx.rng.choice(["aunt", "uncle", "mother", "father", "cousin"]),
    )
    if decided is not None:
        decided = min(decided, NOW - dt.timedelta(hours=1))
        created = min(created, decided - dt.timedelta(hours=1))
    return ctx.t(Application).add(
        st.ids[i], opp.id, statement, status, interview_rank, note, created, decided
    )


def add_placement(
    ctx: Ctx,
    st: Students,
    i: int,
    opp: Opp,
    status: str,
    *,
    created: dt.datetime,
    application: int | None = None,
    match_round: int | None = None,
    withdrawal: tuple | None = None,
    withdrawn_on: dt.date | None = None,
) -> int:
    """One placement with the timestamps its status implies (the lifecycle is never skipped).

    A withdrawn placement had been confirmed, and started if it was withdrawn after its start;
    `withdrawal` is one of data.WITHDRAWALS.
    """
    start, end = opp.start, opp.end
    confirmed = activated = completed = withdrawn = None
    started = status in ("active", "completed") or (status == "withdrawn" and withdrawn_on >= start)
    if status != "proposed":
        confirmed = min(created + dt.timedelta(days=5), at(start - dt.timedelta(days=1), 12), NOW)
    if started:
        activated = at(start, opp.start_time.hour)
    if status == "completed":
        completed = at(end + dt.timedelta(days=1), 16)
    fields = ("", "", "", "", True)
    withdrawn_by = None
    if status == "withdrawn":
        withdrawn = at(withdrawn_on, 15)
        fields = withdrawal
        withdrawn_by = ctx.schools[st.school[i]].coordinator_user
        end = max(start, min(end, withdrawn_on))
    slag = opp.hazardous and is_minor(st, i, start) and status != "proposed"
    return ctx.t(Placement).add(
        ctx.district_id,
        st.ids[i],
        opp.id,
        opp.mentor.id,
        application,
        match_round,
        status,
        start,
        end,
        created,
        confirmed,
        activated,
        completed,
        withdrawn,
        withdrawn_by,
        *fields,
        slag,
    )


def agreement_body(ctx: Ctx, st: Students, i: int, opp: Opp, kind: str) -> tuple[str, str]:
    school = ctx.schools[st.school[i]].name
    student = st.name(i)
    head = {
        "training_agreement": "Training agreement",
        "training_plan": "Training plan",
        "parental_consent": "Parental consent",
        "student_learner": "Student-learner agreement (hazardous occupations)",
    }[kind]
    lines = [
        f"{head}: {opp.title}",
        f"Student: {student}, {school}. Host: {opp.partner.name}, {opp.partner.worksite_label}.",
        f"Dates: {_long(opp.start)} to {_long(opp.end)}. Mentor: {opp.mentor.name}.",
    ]
    if kind == "training_agreement":
        lines.append(
            "The host provides a safe workplace and supervision by the named mentor; the student "
            "follows workplace rules and reports hours truthfully; the school awards credit for "
            "approved hours and visits the worksite. Any party may end the placement by telling "
            "the coordinator."
        )
    elif kind == "training_plan":
        tasks = data.HOUR_DESCRIPTIONS[opp.cluster]
        lines.append(
            "Objectives: "
            + "; ".join(t.lower() for t in tasks[:3])
            + ". Evaluated at midpoint and end "
            "on attendance, communication, teamwork, initiative and quality of work."
        )
    elif kind == "parental_consent":
        lines.append(
            f"I consent to {student} taking part, to the schedule above, and to the transportation "
            "plan agreed with the school."
        )
    else:
        lines.append(
            "The student works under direct supervision, receives safety instruction first, and "
            "operates hazardous equipment only intermittently and for short periods, as 29 CFR "
            "570.50 allows for student-learners."
        )
    return head, "\n".join(lines)


def _long(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def add_agreements(
    ctx: Ctx,
    st: Students,
    i: int,
    placement: int,
    opp: Opp,
    *,
    signed_share: float,
    created: dt.datetime,
) -> None:
    """Agreements the placement needs, each signed by its parties (all of them once it starts)."""
    rng = ctx.rng
    minor = is_minor(st, i, opp.start)
    # The same documents and signers as placements.agreements asks for on confirmation.
    kinds = ["training_agreement", "training_plan", "parental_consent"]
    if opp.hazardous and minor:
        kinds.append("student_learner")
    guardian = st.guardians[i][0]
    coordinator = ctx.schools[st.school[i]].coordinator_user
    with_guardian = (
        ["student", "guardian", "mentor", "coordinator"]
        if minor
        else ["student", "mentor", "coordinator"]
    )
    signers_of = {
        "training_agreement": with_guardian,
        "training_plan": ["student", "mentor", "coordinator"],
        "parental_consent": ["guardian"] if minor else ["student"],
        "student_learner": with_guardian,
    }
    for kind in kinds:
        title, body = agreement_body(ctx, st, i, opp, kind)
        digest = hashlib.sha256(body.encode()).hexdigest()
        signers = signers_of[kind]
        agreement = ctx.t(Agreement).add(placement, kind, title, body, digest, signers, created)
        for k, role in enumerate(signers):
            if signed_share < 1 and rng.random() > signed_share:
                continue
            signed = created + dt.timedelta(hours=5 + 19 * k + rng.randrange(48))
            if signed >= NOW:
                continue  # not signed yet
            if role == "student":
                who, name, link = st.user_id[i], st.name(i), None
            elif role == "guardian":
                who, name, link = guardian[2], guardian[1], guardian[0]
            elif role == "mentor":
                who, name, link = opp.mentor.user_id, opp.mentor.name, None
            else:
                who, name, link = coordinator, ctx.user_names[coordinator], None
            ip = f"203.0.113.{rng.randrange(1, 255)}" if rng.random() < 0.8 else None
            ctx.t(Signature).add(agreement, role, who, link, name, signed, ip, body, digest)


def add_sessions(ctx: Ctx, placement: int, opp: Opp, dates: list[dt.date]) -> dict[dt.date, tuple]:
    """Scheduled sessions (this year only): early-release days end at 12:30 when the role allows."""
    early = ctx.current.plan.early_release
    early_days = {d for d, _ in early}
    out = {}
    table = ctx.t(Session)
    for day in dates:
        start, end = opp.start_time, opp.end_time
        is_early = day in early_days
        note = ""
        if is_early and start < EARLY_RELEASE_TIME < end:
            end = EARLY_RELEASE_TIME
            note = "Early release: shortened"
        hours = span_hours(start, end)
        sid = table.add(placement, day, start, end, hours_decimal(hours), is_early, note)
        out[day] = (sid, start, end, hours)
    return out


def add_logs(
    ctx: Ctx,
    placement: int,
    opp: Opp,
    dates: list[dt.date],
    *,
    sessions: dict | None = None,
    attendance: float = 0.92,
    target: float | None = None,
    settled: bool = False,
) -> float:
    """Hour logs for the dates worked; returns the hours logged.

    Logs older than two weeks were decided (a few returned for changes); newer ones wait for
    the mentor. `settled` (past years) approves them all. `target` stops at that many hours.
    This is the hottest loop of a large run (~10 logs per placement), so each log takes one
    32-bit draw and slices it: attendance, length, minutes, approval path, task.
    """
    getrandbits = ctx.rng.getrandbits
    table = ctx.t(HourLog)
    rows = []
    tasks = data.HOUR_DESCRIPTIONS[opp.cluster]
    n_tasks = len(tasks)
    mentor_user = opp.mentor.user_id
    link_label = f"{opp.mentor.name} (e-mailed link)"
    missed = round((1 - attendance) * 1024)
    decided_before = TODAY - APPROVAL_LAG
    default_hours = span_hours(opp.start_time, opp.end_time)
    amounts: dict[float, Decimal] = {}
    total = 0.0
    for day in dates:
        if day >= TODAY or (target is not None and total >= target - 0.01):
            break
        r = getrandbits(32)
        if (r & 1023) < missed:
            continue
        session = sessions.get(day) if sessions else None
        if session:
            session_id, start, end, planned = session
        else:
            session_id, start, end, planned = None, opp.start_time, opp.end_time, default_hours
        length = (r >> 10) & 15  # 2/16 left half an hour early, 1/16 stayed half an hour late
        if length < 2 and planned > 1:
            end = shift(end, -30)
        elif length == 2 and end.hour < 20:
            end = shift(end, 30)
        hours = span_hours(start, end)
        if target is not None and total + hours > target:
            hours = max(0.5, round((target - total) * 4) / 4)
            end = shift(start, round(hours * 60))
        total += hours
        amount = amounts.get(hours)
        if amount is None:
            amount = amounts[hours] = hours_decimal(hours)
        created = at(day, 19, 15 * ((r >> 14) & 3))
        if day < decided_before:
            decided = at(day + ONE_TO_FOUR[(r >> 16) & 3], 10, 15 * ((r >> 18) & 3))
            path = (r >> 20) & 63  # ~5% returned, ~16% approved from the e-mailed link
            if not settled and path < 3:
                row = ("returned", mentor_user, "", decided, data.RETURN_COMMENTS[path])
            elif path < 13:
                row = ("approved", None, link_label, decided, "")
            else:
                row = ("approved", mentor_user, "", decided, "")
        else:
            row = ("submitted", None, "", None, "")
        rows.append(
            (
                placement,
                session_id,
                day,
                start,
                end,
                amount,
                tasks[(r >> 26) % n_tasks],
                *row,
                created,
            )
        )
    table.extend(rows)
    return total


def add_evaluation(
    ctx: Ctx, placement: int, opp: Opp, kind: str, when: dt.date, ability: float
) -> None:
    rng = ctx.rng
    when = min(when, TODAY - dt.timedelta(days=1))
    r = rng.getrandbits(40)
    # Per-criterion noise in [-0.75, 0.75] around the student's level, from one draw.
    scores = {
        key: min(4, max(1, round(ability + ((r >> 8 * k) & 255) / 170 - 0.75)))
        for k, key in enumerate(RUBRIC_KEYS)
    }
    mean = (Decimal(sum(scores.values())) / len(scores)).quantize(Decimal("0.01"))
    ctx.t(Evaluation).add(
        placement,
        opp.mentor.id,
        kind,
        scores,
        mean,
        rng.choice(data.EVALUATION_COMMENTS),
        rng.random() < 0.9 if kind == "final" else None,
        at(when, 16, 15 * rng.randrange(4)),
    )


def add_concern(ctx: Ctx, placement: int, opp: Opp) -> None:
    """About one active placement in 25 has a concern from its mentor; half are resolved.

    Chosen from the placement id, not the shared random stream, so adding concerns left every
    other draw of the seed as it was. The demo mentor gets one resolved concern to read.
    """
    for_demo_mentor = opp.mentor.user_id == ctx.demo.get("mentor") and not ctx.demo_mentor_concern
    if (placement % 25 and not for_demo_mentor) or opp.start > TODAY - dt.timedelta(days=4):
        return
    text, note = data.CONCERNS[(placement // 25) % len(data.CONCERNS)]
    raised = max(TODAY - dt.timedelta(days=3 + placement % 17), opp.start)
    resolved = for_demo_mentor or placement % 2 == 0
    ctx.demo_mentor_concern |= for_demo_mentor
    ctx.t(Concern).add(
        placement,
        opp.mentor.user_id,
        text,
        at(raised, 16, 30),
        at(min(raised + dt.timedelta(days=2), TODAY - dt.timedelta(days=1)), 11)
        if resolved
        else None,
        ctx.coordinator_user if resolved else None,
        note if resolved else "",
    )


def add_reflection(
    ctx: Ctx, placement: int, opp: Opp, when: dt.date, fit: str | None = None
) -> str:
    rng = ctx.rng
    when = min(when, TODAY - dt.timedelta(days=1))
    fit = fit or rng.choices(list(FIT_WEIGHTS), weights=list(FIT_WEIGHTS.values()))[0]
    role = opp.role.lower()
    text = rng.choice(data.REFLECTIONS[fit]).format(partner=opp.partner.name, role=role)
    ctx.t(Reflection).add(placement, fit, text, at(when, 20, 15 * rng.randrange(4)))
    return fit


def ability(ctx: Ctx) -> float:
    return ctx.rng.gauss(3.05, 0.45)


def build_current(ctx: Ctx, st: Students, opps: list[Opp]) -> None:
    """This year so far: finished job shadows, fall placements under way, spring applications."""
    busy = {
        "fall": bytearray(len(st.ids)),
        "shadow": bytearray(len(st.ids)),
        "spring": bytearray(len(st.ids)),
    }
    skip = ctx.current.plan.no_school
    hospital_fall, hospital_clinical, it_fall = opps[0], opps[1], opps[4]
    _demo_student(ctx, st, opps, skip, busy)
    for opp in opps:
        if opp.track in ("friday", "summer") or opp.status in ("draft", "pending"):
            continue  # Friday internships come from the published round; summer is being ranked
        if opp.start < TODAY:
            # The demo mentors' internships are full and nobody has left them.
            want = {hospital_fall.id: opp.seats - 1, it_fall.id: opp.seats}.get(opp.id)
            _under_way(ctx, st, opp, skip, busy, want=want)
        else:
            _applications_only(ctx, st, opp, skip, busy, demo_partner=opp is hospital_clinical)


def _under_way(ctx: Ctx, st: Students, opp: Opp, skip, busy, *, want: int | None) -> None:
    rng = ctx.rng
    key = "shadow" if opp.track == "shadow" else "fall"
    full = want is not None
    if want is None:
        want = max(1, round(opp.seats * rng.uniform(0.6, 1.0)))
    dates = opp.session_dates(skip)
    finished = opp.end < TODAY
    placed = pick_students(ctx, st, opp, want, busy[key])
    for i in placed:
        applied = at(opp.start - dt.timedelta(days=rng.randrange(28, 45)), 18)
        decided = applied + dt.timedelta(days=rng.randrange(7, 14))
        application = add_application(ctx, st, i, opp, "accepted", applied, decided)
        withdrawal = withdrawn_on = None
        if full or rng.random() > (0.07 if finished else 0.12):
            status = "completed" if finished else "active"
        else:
            status = "withdrawn"
            withdrawal = rng.choice(data.WITHDRAWALS)
            if opp.track == "shadow":
                withdrawn_on = opp.start - dt.timedelta(days=2)
            else:
                latest = min((TODAY - opp.start).days - 5, (opp.end - opp.start).days)
                withdrawn_on = opp.start + dt.timedelta(days=rng.randrange(14, max(15, latest)))
        placement = _signed_and_worked(
            ctx,
            st,
            i,
            opp,
            status,
            application=application,
            decided=decided,
            dates=[d for d in dates if withdrawn_on is None or d <= withdrawn_on],
            attendance=1.0 if opp.track == "shadow" else 0.92,
            withdrawal=withdrawal,
            withdrawn_on=withdrawn_on,
        )
        _wrap_up(ctx, placement, opp, status, withdrawal)
    if not full:
        for _ in range(rng.choice([0, 0, 1, 2])):
            _other_application(ctx, st, opp, exclude=placed)


def _signed_and_worked(
    ctx: Ctx,
    st: Students,
    i: int,
    opp: Opp,
    status: str,
    *,
    application: int,
    decided: dt.datetime,
    dates: list[dt.date],
    attendance: float,
    withdrawal: tuple | None = None,
    withdrawn_on: dt.date | None = None,
) -> int:
    """An accepted application's placement, signed the day after, with its sessions and logs."""
    placement = add_placement(
        ctx,
        st,
        i,
        opp,
        status,
        created=decided,
        application=application,
        withdrawal=withdrawal,
        withdrawn_on=withdrawn_on,
    )
    add_agreements(
        ctx, st, i, placement, opp, signed_share=1.0, created=decided + dt.timedelta(days=1)
    )
    sessions = add_sessions(ctx, placement, opp, dates)
    add_logs(ctx, placement, opp, dates, sessions=sessions, attendance=attendance)
    return placement


def _wrap_up(ctx: Ctx, placement: int, opp: Opp, status: str, withdrawal: tuple | None) -> None:
    rng = ctx.rng
    if status == "completed":
        if opp.track != "shadow":
            add_evaluation(
                ctx, placement, opp, "final", opp.end + dt.timedelta(days=2), ability(ctx)
            )
        if rng.random() < 0.8:
            add_reflection(ctx, placement, opp, opp.end + dt.timedelta(days=rng.randrange(1, 6)))
    elif status == "active":
        midpoint = opp.start + (opp.end - opp.start) / 2
        # The demo mentor still has midpoint evaluations to write.
        if (
            opp.mentor.user_id != ctx.demo.get("mentor")
            and midpoint < TODAY
            and rng.random() < 0.75
        ):
            when = min(
                midpoint + dt.timedelta(days=rng.randrange(0, 6)), TODAY - dt.timedelta(days=1)
            )
            add_evaluation(ctx, placement, opp, "midpoint", when, ability(ctx))
        add_concern(ctx, placement, opp)
    elif withdrawal and withdrawal[1] == "not_a_fit":
        add_reflection(
            ctx, placement, opp, TODAY - dt.timedelta(days=rng.randrange(3, 20)), fit="not_for_me"
        )


def _other_application(ctx: Ctx, st: Students, opp: Opp, *, exclude: list[int]) -> None:
    """An applicant who did not get a seat (declined) or pulled out (withdrawn)."""
    rng = ctx.rng
    for i in pick_students(ctx, st, opp, 1, None, exclude=exclude):
        exclude.append(i)
        applied = at(opp.start - dt.timedelta(days=rng.randrange(25, 45)), 17)
        if rng.random() < 0.8:
            add_application(
                ctx,
                st,
                i,
                opp,
                "declined",
                applied,
                applied + dt.timedelta(days=10),
                note="All seats were filled; encouraged to apply next term.",
            )
        else:
            add_application(ctx, st, i, opp, "withdrawn", applied, applied + dt.timedelta(days=4))


def _applications_only(ctx: Ctx, st: Students, opp: Opp, skip, busy, *, demo_partner: bool) -> None:
    """Later opportunities: applications in every state; a few accepted and confirmed already."""
    rng = ctx.rng
    key = "shadow" if opp.track == "shadow" else "spring"
    count = max(2, round(opp.seats * rng.uniform(1.0, 2.2)))
    accepted_left = max(1, round(opp.seats * (0.6 if opp.track == "shadow" else 0.3)))
    interview_rank = 0
    for i in pick_students(ctx, st, opp, count, None):
        applied = at(TODAY - dt.timedelta(days=rng.randrange(2, 35)), 17, 15 * rng.randrange(4))
        r = rng.random()
        if r < 0.3 and accepted_left and not busy[key][i] and not demo_partner:
            accepted_left -= 1
            busy[key][i] = 1
            decided = min(
                applied + dt.timedelta(days=rng.randrange(2, 9)),
                at(TODAY - dt.timedelta(days=1), 11),
            )
            application = add_application(ctx, st, i, opp, "accepted", applied, decided)
            confirm = opp.start <= TODAY + dt.timedelta(days=30) or rng.random() < 0.3
            placement = add_placement(
                ctx,
                st,
                i,
                opp,
                "confirmed" if confirm else "proposed",
                created=decided,
                application=application,
            )
            if confirm:
                add_agreements(ctx, st, i, placement, opp, signed_share=0.7, created=decided)
                add_sessions(ctx, placement, opp, opp.session_dates(skip))
        elif r < 0.55:
            interview_rank += 1
            add_application(
                ctx, st, i, opp, "interview", applied, None, interview_rank=interview_rank
            )
        elif r < 0.65 and not demo_partner:
            add_application(
                ctx,
                st,
                i,
                opp,
                "declined",
                applied,
                applied + dt.timedelta(days=6),
                note="Looking for a student with more experience this time.",
            )
        else:
            add_application(ctx, st, i, opp, "submitted", applied)


def _demo_student(ctx: Ctx, st: Students, opps: list[Opp], skip, busy) -> None:
    """Maya (index 0): active at the hospital with hours, a finished job shadow, and applications."""
    rng = ctx.rng
    hospital_fall, hospital_clinical = opps[0], opps[1]
    busy["fall"][0] = 1
    applied = at(dt.date(2026, 8, 12), 19)
    application = add_application(
        ctx, st, 0, hospital_fall, "accepted", applied, applied + dt.timedelta(days=9)
    )
    _signed_and_worked(
        ctx,
        st,
        0,
        hospital_fall,
        "active",
        application=application,
        decided=applied + dt.timedelta(days=9),
        dates=hospital_fall.session_dates(skip),
        attendance=0.95,
    )
    add_application(
        ctx,
        st,
        0,
        hospital_clinical,
        "interview",
        at(TODAY - dt.timedelta(days=9), 20),
        None,
        interview_rank=1,
    )
    shadows = [
        o
        for o in opps
        if o.track == "shadow"
        and o.start < TODAY
        and o.status != "draft"
        and o.partner is not hospital_fall.partner
    ]
    if shadows:
        shadow = shadows[0]
        busy["shadow"][0] = 1
        applied = at(shadow.start - dt.timedelta(days=20), 18)
        application = add_application(
            ctx, st, 0, shadow, "accepted", applied, applied + dt.timedelta(days=6)
        )
        placement = _signed_and_worked(
            ctx,
            st,
            0,
            shadow,
            "completed",
            application=application,
            decided=applied + dt.timedelta(days=6),
            dates=shadow.session_dates(skip),
            attendance=1.0,
        )
        add_reflection(ctx, placement, shadow, shadow.start + dt.timedelta(days=1), fit="for_me")
    later = [
        o
        for o in opps
        if o.start > TODAY
        and o.status == "published"
        and o.track not in ("friday", "summer")
        and o.partner is not hospital_fall.partner
    ]
    for opp, status in zip(later[:2], ["submitted", "declined"], strict=False):
        applied = at(TODAY - dt.timedelta(days=rng.randrange(7, 20)), 21)
        add_application(
            ctx,
            st,
            0,
            opp,
            status,
            applied,
            applied + dt.timedelta(days=5) if status == "declined" else None,
            note="We chose a student with more experience; please apply again in spring."
            if status == "declined"
            else "",
        )
