"""This school year so far: finished job shadows, fall placements under way, spring
applications in every state, and the demo student's own record. The rules each step obeys
are the domain's, through `placing`."""

from __future__ import annotations

import datetime as dt

from trellis.demo import data
from trellis.demo.catalog import Opp
from trellis.demo.context import TODAY, Ctx, at
from trellis.demo.people import Students
from trellis.demo.placing import (
    Placed,
    ability,
    add_application,
    add_concern,
    add_evaluation,
    add_logs,
    add_placement,
    add_reflection,
    add_sessions,
    can_apply,
    clashes,
    pick_students,
    reflect_before_leaving,
)


def build_current(ctx: Ctx, st: Students, opps: list[Opp]) -> None:
    """This year so far: finished job shadows, fall placements under way, spring applications."""
    busy = {
        "fall": bytearray(len(st.ids)),
        "shadow": bytearray(len(st.ids)),
        "spring": bytearray(len(st.ids)),
    }
    hospital_fall, hospital_clinical, it_fall = opps[0], opps[1], opps[4]
    _demo_student(ctx, st, opps, busy)
    for opp in opps:
        if opp.track in ("friday", "summer") or opp.status in ("draft", "pending"):
            continue  # Friday internships come from the published round; summer is being ranked
        if opp.start < TODAY:
            # The demo mentors' internships are full and nobody has left them.
            want = {hospital_fall.id: opp.seats - 1, it_fall.id: opp.seats}.get(opp.id)
            _under_way(ctx, st, opp, busy, want=want)
        else:
            _applications_only(ctx, st, opp, busy, demo_partner=opp is hospital_clinical)


def _under_way(ctx: Ctx, st: Students, opp: Opp, busy, *, want: int | None) -> None:
    """Placements that started. Hazardous roles are filled by the coordinator placing CTE
    student-learners directly: students cannot apply to them under 18, through the browse
    page or a round, but a coordinator may place one with a student-learner agreement."""
    rng = ctx.rng
    key = "shadow" if opp.track == "shadow" else "fall"
    full = want is not None
    if want is None:
        want = max(1, round(opp.seats * rng.uniform(0.6, 1.0)))
    want = min(want, opp.seats_left)
    finished = opp.end < TODAY
    direct = opp.hazardous
    applications_open = opp.start - dt.timedelta(days=45)
    placed = pick_students(ctx, st, opp, want, busy[key], day=applications_open, direct=direct)
    # Applicants who did not get a seat applied while seats were still open.
    others = []
    if not full and not direct:
        for _ in range(rng.choice([0, 0, 1, 2])):
            others += pick_students(
                ctx, st, opp, 1, None, day=applications_open, exclude=placed + others
            )
    for i in placed:
        applied = at(opp.start - dt.timedelta(days=rng.randrange(28, 45)), 18)
        decided = applied + dt.timedelta(days=rng.randrange(7, 14))
        application = (
            None if direct else add_application(ctx, st, i, opp, "accepted", applied, decided)
        )
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
            attendance=1.0 if opp.track == "shadow" else 0.92,
            withdrawal=withdrawal,
            withdrawn_on=withdrawn_on,
        )
        _wrap_up(ctx, placement, withdrawal, withdrawn_on)
    for i in others:
        _other_application(ctx, st, opp, i)


def _signed_and_worked(
    ctx: Ctx,
    st: Students,
    i: int,
    opp: Opp,
    status: str,
    *,
    application: int | None,
    decided: dt.datetime,
    attendance: float,
    withdrawal: tuple | None = None,
    withdrawn_on: dt.date | None = None,
) -> Placed:
    """A placement made on the decision day, every party signing before it starts, with its
    sessions and hour logs."""
    placed = add_placement(
        ctx,
        st,
        i,
        opp,
        status,
        created=decided,
        application=application,
        withdrawal=withdrawal,
        withdrawn_on=withdrawn_on,
        signed_share=1.0,
    )
    sessions = add_sessions(ctx, st, placed)
    add_logs(ctx, st, placed, sessions=sessions, attendance=attendance)
    return placed


def _wrap_up(
    ctx: Ctx, placed: Placed, withdrawal: tuple | None, withdrawn_on: dt.date | None
) -> None:
    rng = ctx.rng
    opp = placed.opp
    if placed.status == "completed":
        if opp.track != "shadow":
            add_evaluation(ctx, placed, "final", opp.end + dt.timedelta(days=2), ability(ctx))
        if rng.random() < 0.8:
            add_reflection(ctx, placed, opp.end + dt.timedelta(days=rng.randrange(1, 6)))
    elif placed.status == "active":
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
            add_evaluation(ctx, placed, "midpoint", when, ability(ctx))
        add_concern(ctx, placed)
    elif withdrawal and withdrawal[1] == "not_a_fit":
        reflect_before_leaving(ctx, placed, withdrawn_on)


def _other_application(ctx: Ctx, st: Students, opp: Opp, i: int) -> None:
    """An applicant who did not get a seat (declined) or pulled out (withdrawn)."""
    rng = ctx.rng
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


def _applications_only(ctx: Ctx, st: Students, opp: Opp, busy, *, demo_partner: bool) -> None:
    """Later opportunities: applications in every state; a few accepted and confirmed already."""
    rng = ctx.rng
    key = "shadow" if opp.track == "shadow" else "spring"
    count = max(2, round(opp.seats * rng.uniform(1.0, 2.2)))
    accepted_left = max(1, round(opp.seats * (0.6 if opp.track == "shadow" else 0.3)))
    interview_rank = 0
    first_day = TODAY - dt.timedelta(days=35)
    for i in pick_students(ctx, st, opp, count, None, day=first_day):
        applied = at(TODAY - dt.timedelta(days=rng.randrange(2, 35)), 17, 15 * rng.randrange(4))
        r = rng.random()
        if (
            r < 0.3
            and accepted_left
            and not busy[key][i]
            and not demo_partner
            and not clashes(ctx, st, i, opp)
        ):
            accepted_left -= 1
            busy[key][i] = 1
            decided = min(
                applied + dt.timedelta(days=rng.randrange(2, 9)),
                at(TODAY - dt.timedelta(days=1), 11),
            )
            application = add_application(ctx, st, i, opp, "accepted", applied, decided)
            confirm = opp.start <= TODAY + dt.timedelta(days=30) or rng.random() < 0.3
            placed = add_placement(
                ctx,
                st,
                i,
                opp,
                "confirmed" if confirm else "proposed",
                created=decided,
                application=application,
                signed_share=0.7,
            )
            if confirm:
                add_sessions(ctx, st, placed)
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


def _demo_student(ctx: Ctx, st: Students, opps: list[Opp], busy) -> None:
    """Maya (index 0): active at the hospital with hours, a finished job shadow, and applications.

    Placed by hand, so each step is checked against the same rules as everyone else's: a
    change to the rules that would refuse her stops the build instead of writing her anyway.
    """
    rng = ctx.rng
    hospital_fall, hospital_clinical = opps[0], opps[1]
    busy["fall"][0] = 1
    applied = at(dt.date(2026, 8, 12), 19)
    _require(can_apply(ctx, st, 0, hospital_fall, applied.date()), hospital_fall)
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
        attendance=0.95,
    )
    applied = at(TODAY - dt.timedelta(days=9), 20)
    _require(can_apply(ctx, st, 0, hospital_clinical, applied.date()), hospital_clinical)
    add_application(ctx, st, 0, hospital_clinical, "interview", applied, None, interview_rank=1)
    shadows = [
        o
        for o in opps
        if o.track == "shadow"
        and o.start < TODAY
        and o.status != "draft"
        and o.partner is not hospital_fall.partner
        and not clashes(ctx, st, 0, o)
        and can_apply(ctx, st, 0, o, o.start - dt.timedelta(days=20))
    ]
    if shadows:
        shadow = shadows[0]
        busy["shadow"][0] = 1
        applied = at(shadow.start - dt.timedelta(days=20), 18)
        application = add_application(
            ctx, st, 0, shadow, "accepted", applied, applied + dt.timedelta(days=6)
        )
        placed = _signed_and_worked(
            ctx,
            st,
            0,
            shadow,
            "completed",
            application=application,
            decided=applied + dt.timedelta(days=6),
            attendance=1.0,
        )
        add_reflection(ctx, placed, shadow.start + dt.timedelta(days=1), fit="for_me")
    later = [
        o
        for o in opps
        if o.start > TODAY
        and o.status == "published"
        and o.track not in ("friday", "summer")
        and o.partner is not hospital_fall.partner
        and can_apply(ctx, st, 0, o, TODAY - dt.timedelta(days=20))
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


def _require(allowed: bool, opp: Opp) -> None:
    if not allowed:
        raise RuntimeError(f"Demo generator: the demo student may not apply to {opp.title!r}.")
