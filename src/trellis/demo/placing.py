"""One placement and everything hanging off it: who may take it, its application, agreements
and signatures, sessions, hour logs, evaluations, reflections and concerns. Every year uses these.

What may happen is the domain's own rules, called on unsaved model instances and plain rows:
who may apply (the browse page's `reasons_not_open`, which `apply_to_opportunity` enforces),
whom a coordinator may place (`eligibility_problems` and the youth labour rules), which
documents a placement needs and who signs them (`agreement_kinds`, `signers_for`, in the
district's default wording), which sessions a pattern gives (`plan_pattern`) and whether the
labour rules let them be scheduled (`check_schedule`), a log's hours and its labour flags.
The rows themselves still go in by bulk insert.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from trellis.demo import data
from trellis.demo.catalog import Opp
from trellis.demo.context import NOW, TODAY, Ctx, at
from trellis.demo.people import Students
from trellis.hours.links import approver_label
from trellis.hours.models import HourLog, Session
from trellis.hours.services import hours_between, week_labour_flags
from trellis.opportunities.search import reasons_not_open
from trellis.placements.agreements import (
    DEFAULT_TEXTS,
    placeholder_values,
    render_text,
)
from trellis.placements.models import (
    Agreement,
    Application,
    Concern,
    Evaluation,
    Placement,
    Reflection,
    Signature,
    SignerRole,
)
from trellis.placements.services import eligibility_problems
from trellis.rules import labour
from trellis.rules.agreements import agreement_kinds, fully_signed, signers_for
from trellis.rules.weekdays import monday_of

STUDENT_LEARNER = str(Agreement.Kind.STUDENT_LEARNER)
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

_hours: dict[tuple[dt.time, dt.time], Decimal] = {}


def log_hours(start: dt.time, end: dt.time) -> Decimal:
    """The hours app's own count of a log's hours (cached: a few dozen distinct spans)."""
    value = _hours.get((start, end))
    if value is None:
        value = _hours[start, end] = hours_between(start, end)
    return value


def shift(t: dt.time, minutes: int) -> dt.time:
    total = t.hour * 60 + t.minute + minutes
    return dt.time(total // 60, total % 60)


# --- Who may take an opportunity ----------------------------------------------------------


def clashes(ctx: Ctx, st: Students, i: int, opp: Opp) -> bool:
    """The student already has a placement meeting at the same time on some day: the hours
    app would refuse the second log, so the demo never double-books anyone."""
    return any(opp.meets_with(ctx, other) for other in st.placed_in[i])


def can_apply(ctx: Ctx, st: Students, i: int, opp: Opp, day: dt.date) -> bool:
    """No reason on the browse page keeps the student from applying on that day."""
    model = opp.model
    # What `search.for_student` annotates, as it stood for this student on that day.
    model.placed_here = opp in st.placed_in[i]
    model.my_application_status = opp.applicants.get(i)
    model.seats_taken = opp.placed
    return not reasons_not_open(st.model(ctx, i), model, today=day, calendar=ctx.calendar)


def can_place(ctx: Ctx, st: Students, i: int, opp: Opp, day: dt.date) -> bool:
    """A coordinator may place the student directly: `create_placement`'s eligibility rules, and
    a schedule the labour rules allow with the student-learner agreement the placement gets
    when the law asks for one (its sessions could not be generated otherwise)."""
    if opp.seats_left <= 0 or opp in st.placed_in[i]:
        return False
    student = st.model(ctx, i)
    if eligibility_problems(student, opp.model, today=day):
        return False
    ok, _code = labour.eligible_for_opportunity(
        student, opp.model, ctx.calendar, student_learner_agreement=True
    )
    return ok


def pick_students(
    ctx: Ctx,
    st: Students,
    opp: Opp,
    count: int,
    busy: bytearray | None,
    *,
    day: dt.date,
    exclude=(),
    direct: bool = False,
) -> list[int]:
    """Current students who may apply (or, `direct`, be placed) on `day`, mostly from those
    interested in the opportunity's cluster."""
    rng = ctx.rng
    pool = st.pools.get(opp.cluster) or []
    allowed = can_place if direct else can_apply
    chosen: list[int] = []
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
        if clashes(ctx, st, i, opp) or not allowed(ctx, st, i, opp, day):
            continue
        chosen.append(i)
        if busy is not None:
            busy[i] = 1
    return chosen


# --- Applications and placements -----------------------------------------------------------


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
    opp.applicants[i] = status
    return ctx.t(Application).add(
        st.ids[i], opp.id, statement, status, interview_rank, note, created, decided
    )


@dataclass(slots=True)
class Placed:
    """What later steps need to know about a placement just written."""

    id: int
    i: int
    opp: Opp
    status: str
    start: dt.date
    end: dt.date
    until: dt.date  # the last day worked: the end, or the day of the withdrawal
    confirmed: dt.datetime | None
    student_learner: bool  # student_learner_agreement_on_file


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
    signed_share: float | None = None,
) -> Placed:
    """One placement with the timestamps its status implies (the lifecycle is never skipped).

    A withdrawn placement had been confirmed, and started if it was withdrawn after its start;
    `withdrawal` is one of data.WITHDRAWALS. `signed_share` issues the agreements on
    confirmation, as confirm_placement does, each party signing with that chance (all of them
    once the placement started, which activation requires). Without it (past years) no
    documents are kept.
    """
    if opp.placed >= opp.seats:
        raise RuntimeError(f"Demo generator: no seat left at {opp.title!r}.")
    start, end = opp.start, opp.end
    confirmed = activated = completed = withdrawn = None
    started = status in ("active", "completed") or (status == "withdrawn" and withdrawn_on >= start)
    if status != "proposed":
        confirmed = min(created + dt.timedelta(days=5), at(start - dt.timedelta(days=1), 12), NOW)
    if started:
        activated = at(start, opp.start_time.hour)
    if status == "completed":
        completed = min(at(end + dt.timedelta(days=1), 16), NOW)
    fields = ("", "", "", "", True)
    withdrawn_by = None
    if status == "withdrawn":
        withdrawn = at(withdrawn_on, 20 if withdrawn_on == start else 15)
        if confirmed >= withdrawn:
            confirmed = withdrawn - dt.timedelta(days=1)
        fields = withdrawal
        withdrawn_by = ctx.schools[st.school[i]].coordinator_user
    kinds = agreement_kinds(hazardous=opp.hazardous, minor=st.is_minor(i, start))
    documents = []
    if signed_share is not None and confirmed is not None:
        signing_ends = activated or withdrawn or NOW
        documents = _documents(
            ctx, st, i, opp, kinds, confirmed, signing_ends, signed_share, must_sign=started
        )
        on_file = any(
            kind == STUDENT_LEARNER and fully_signed(signers, [s[0] for s in signatures])
            for kind, _t, _b, _d, signers, signatures in documents
        )
    else:
        # A placement that started had every signature, the student-learner agreement with
        # them, or activate_placement would have refused it.
        on_file = started and STUDENT_LEARNER in kinds
    pk = ctx.t(Placement).add(
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
        on_file,
    )
    _write_documents(ctx, pk, confirmed, documents)
    opp.placed += 1
    st.placed_in[i].append(opp)
    # withdraw_placement keeps the dates and drops the sessions after the day of withdrawal.
    until = withdrawn_on if status == "withdrawn" else end
    return Placed(pk, i, opp, status, start, end, until, confirmed, on_file)


def _documents(
    ctx: Ctx,
    st: Students,
    i: int,
    opp: Opp,
    kinds: list[str],
    confirmed: dt.datetime,
    signing_ends: dt.datetime,
    signed_share: float,
    *,
    must_sign: bool,
) -> list[tuple]:
    """(kind, title, body, digest, signers, signatures) per document, as create_agreements
    renders them at confirmation (the demo district keeps the default wording)."""
    rng = ctx.rng
    student = st.model(ctx, i)
    placement = Placement(
        district=ctx.district_model,
        student=student,
        opportunity=opp.model,
        mentor=opp.mentor.model,
        start_date=opp.start,
        end_date=opp.end,
    )
    values = placeholder_values(placement)
    minor = student.is_minor_on(opp.start)
    guardian = st.guardians[i][0]  # the first guardian listed may always sign consent
    coordinator = ctx.schools[st.school[i]].coordinator_user
    documents = []
    for kind in kinds:
        title, template = DEFAULT_TEXTS[Agreement.Kind(kind)]
        body = render_text(template, values)
        signers = signers_for(kind, minor=minor)
        signatures = []
        for k, role in enumerate(signers):
            if signed_share < 1 and rng.random() > signed_share:
                continue
            signed = confirmed + dt.timedelta(hours=5 + 19 * k + rng.randrange(48))
            if signed >= signing_ends:
                if not must_sign:
                    continue  # not signed yet
                signed = confirmed + (signing_ends - confirmed) * (k + 1) / (len(signers) + 1)
            if role == SignerRole.STUDENT:
                who, name, link = st.user_id[i], st.name(i), None
            elif role == SignerRole.GUARDIAN:
                who, name, link = guardian[2], guardian[1], guardian[0]
            elif role == SignerRole.MENTOR:
                who, name, link = opp.mentor.user_id, opp.mentor.name, None
            else:
                who, name, link = coordinator, str(ctx.users[coordinator]), None
            ip = f"203.0.113.{rng.randrange(1, 255)}" if rng.random() < 0.8 else None
            signatures.append((role, who, link, name, signed, ip))
        digest = hashlib.sha256(body.encode()).hexdigest()
        documents.append((kind, title, body, digest, signers, signatures))
    return documents


def _write_documents(ctx: Ctx, placement: int, created, documents) -> None:
    for kind, title, body, digest, signers, signatures in documents:
        agreement = ctx.t(Agreement).add(placement, kind, title, body, digest, signers, created)
        for role, who, link, name, signed, ip in signatures:
            ctx.t(Signature).add(agreement, role, who, link, name, signed, ip, body, digest)


# --- Sessions and hours --------------------------------------------------------------------


def add_sessions(ctx: Ctx, st: Students, placed: Placed) -> dict[dt.date, tuple]:
    """The sessions generate_sessions writes for the placement (this year only): the pattern's
    plan over its dates, or none when the youth labour rules refuse them."""
    opp = placed.opp
    planned = [p for p in opp.plan(ctx) if placed.start <= p.date <= placed.until]
    if not planned:
        return {}
    student = st.model(ctx, placed.i)
    if len(planned) == len(opp.plan(ctx)):
        # The whole plan: the same check_schedule, memoised per age-band profile.
        allowed, _code = labour.eligible_for_opportunity(
            student, opp.model, ctx.calendar, student_learner_agreement=placed.student_learner
        )
    else:
        today = placed.confirmed.date() if placed.confirmed else TODAY
        allowed = not [
            v
            for v in labour.check_schedule(
                student,
                [p.as_shift() for p in planned],
                ctx.calendar,
                hazardous=opp.hazardous,
                student_learner_agreement=placed.student_learner,
            )
            if v.date >= today
        ]
    if not allowed:
        return {}
    out = {}
    table = ctx.t(Session)
    for p in planned:
        sid = table.add(
            placed.id, p.date, p.start, p.end, p.hours, p.is_early_release, p.note[:200]
        )
        out[p.date] = (sid, p.start, p.end, p.hours)
    return out


class LoggedShift(NamedTuple):
    """An hour log kept for the labour-flag pass (what week_labour_flags reads, and whose)."""

    i: int
    pk: int
    date: dt.date
    start_time: dt.time
    end_time: dt.time
    hazardous: bool
    student_learner: bool


def add_logs(
    ctx: Ctx,
    st: Students,
    placed: Placed,
    *,
    sessions: dict | None = None,
    attendance: float = 0.92,
    target: Decimal | None = None,
    settled: bool = False,
) -> Decimal:
    """Hour logs for the days worked (its sessions, or the pattern's days); returns the hours.

    Logs older than two weeks were decided (a few returned for changes); newer ones wait for
    the mentor. `settled` (past years) approves them all. `target` stops at that many hours.
    This is the hottest loop of a large run (~10 logs per placement), so each log takes one
    32-bit draw and slices it: attendance, length, minutes, approval path, task.
    """
    opp = placed.opp
    days = sorted(sessions) if sessions else opp.work_days(ctx)
    days = [d for d in days if placed.start <= d <= placed.until]
    getrandbits = ctx.rng.getrandbits
    table = ctx.t(HourLog)
    rows = []
    tasks = data.HOUR_DESCRIPTIONS[opp.cluster]
    n_tasks = len(tasks)
    mentor = opp.mentor
    in_app = str(mentor.model.user)  # how approve_hour_logs signs a mentor's decision
    by_link = approver_label(mentor.model)
    missed = round((1 - attendance) * 1024)
    decided_before = TODAY - APPROVAL_LAG
    total = Decimal(0)
    for day in days:
        if day >= TODAY or (target is not None and total >= target):
            break
        r = getrandbits(32)
        if (r & 1023) < missed:
            continue
        session = sessions.get(day) if sessions else None
        session_id = session[0] if session else None
        start, end = (session[1], session[2]) if session else (opp.start_time, opp.end_time)
        length = (r >> 10) & 15  # 2/16 left half an hour early, 1/16 stayed half an hour late
        if length < 2 and log_hours(start, end) > 1:
            end = shift(end, -30)
        elif length == 2 and end.hour < 20:
            end = shift(end, 30)
        hours = log_hours(start, end)
        if target is not None and total + hours > target:
            quarters = max(2, round((target - total) * 4))
            end = shift(start, 15 * quarters)
            hours = log_hours(start, end)
        total += hours
        created = at(day, 19, 15 * ((r >> 14) & 3))
        if day < decided_before:
            decided = at(day + ONE_TO_FOUR[(r >> 16) & 3], 10, 15 * ((r >> 18) & 3))
            path = (r >> 20) & 63  # ~5% returned, ~16% approved from the e-mailed link
            if not settled and path < 3:
                row = ("returned", mentor.user_id, in_app, decided, data.RETURN_COMMENTS[path])
            elif path < 13:
                row = ("approved", None, by_link, decided, "")
            else:
                row = ("approved", mentor.user_id, in_app, decided, "")
        else:
            row = ("submitted", None, "", None, "")
        rows.append(
            (
                placed.id,
                session_id,
                day,
                start,
                end,
                hours,
                tasks[(r >> 26) % n_tasks],
                *row,
                created,
            )
        )
    first = table.next_id
    table.extend(rows)
    if rows and _may_be_flagged(st, placed):
        ctx.flag_candidates.extend(
            LoggedShift(
                placed.i, first + n, row[2], row[3], row[4], opp.hazardous, placed.student_learner
            )
            for n, row in enumerate(rows)
        )
    return total


def _may_be_flagged(st: Students, placed: Placed) -> bool:
    """Only ages with caps, or hazardous work, can break a labour rule; ages only grow, so the
    bands on the first and last day tell."""
    if placed.opp.hazardous:
        return True
    bands = {labour.band_for(st.age_on(placed.i, d)) for d in (placed.start, placed.end)}
    return any(not band.allowed or band.limits_hours for band in bands)


def labour_flags(ctx: Ctx, st: Students) -> list[tuple[int, list[dict]]]:
    """(log id, flags) for every log that breaks a youth labour rule, week by week per student
    exactly as refresh_labour_flags computes them after each log."""
    weeks: dict[tuple[int, dt.date], list[LoggedShift]] = defaultdict(list)
    for log in ctx.flag_candidates:
        weeks[log.i, monday_of(log.date)].append(log)
    out = []
    for (i, _monday), logs in weeks.items():
        logs.sort(key=lambda log: (log.date, log.start_time, log.pk))
        hazardous = [log for log in logs if log.hazardous]
        flags = week_labour_flags(
            st.model(ctx, i),
            logs,
            ctx.calendar,
            hazardous=bool(hazardous),
            student_learner_agreement=bool(hazardous)
            and all(log.student_learner for log in hazardous),
        )
        out += [(log.pk, f) for log, f in zip(logs, flags, strict=True) if f]
    return out


# --- After the work --------------------------------------------------------------------------


def add_evaluation(ctx: Ctx, placed: Placed, kind: str, when: dt.date, ability: float) -> None:
    rng = ctx.rng
    when = min(when, TODAY - dt.timedelta(days=1))
    r = rng.getrandbits(40)
    # Per-criterion noise in [-0.75, 0.75] around the student's level, from one draw.
    scores = {
        key: min(4, max(1, round(ability + ((r >> 8 * k) & 255) / 170 - 0.75)))
        for k, key in enumerate(RUBRIC_KEYS)
    }
    ctx.t(Evaluation).add(
        placed.id,
        placed.opp.mentor.id,
        kind,
        scores,
        Decimal(str(Evaluation.mean_of(scores))),
        rng.choice(data.EVALUATION_COMMENTS),
        rng.random() < 0.9 if kind == "final" else None,
        at(when, 16, 15 * rng.randrange(4)),
    )


def add_concern(ctx: Ctx, placed: Placed) -> None:
    """About one active placement in 25 has a concern from its mentor; half are resolved.

    Chosen from the placement id, not the shared random stream, so adding concerns left every
    other draw of the seed as it was. The demo mentor gets one resolved concern to read.
    """
    opp, placement = placed.opp, placed.id
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


def add_reflection(ctx: Ctx, placed: Placed, when: dt.date, fit: str | None = None) -> str:
    """The student's reflection, written while the placement was active or once it completed."""
    rng = ctx.rng
    opp = placed.opp
    when = min(when, TODAY - dt.timedelta(days=1))
    fit = fit or rng.choices(list(FIT_WEIGHTS), weights=list(FIT_WEIGHTS.values()))[0]
    text = rng.choice(data.REFLECTIONS[fit]).format(partner=opp.partner.name, role=opp.role.lower())
    ctx.t(Reflection).add(placed.id, fit, text, at(when, 20, 15 * rng.randrange(4)))
    return fit


def reflect_before_leaving(ctx: Ctx, placed: Placed, withdrawn_on: dt.date) -> None:
    """ "Not for me", written while still active: never after the withdrawal, never before the start."""
    if withdrawn_on > placed.start:
        add_reflection(ctx, placed, withdrawn_on - dt.timedelta(days=1), fit="not_for_me")


def ability(ctx: Ctx) -> float:
    return ctx.rng.gauss(3.05, 0.45)
