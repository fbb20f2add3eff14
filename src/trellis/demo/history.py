"""Five past school years: closed opportunities, completed placements with approved hours,
evaluations, reflections and outcomes, and the summer paid internship growing 13 → 72.

Past placements were made by coordinators (no applications), so each student is one a
coordinator may place (`placing.can_place`). Their documents are not kept: only this year's
placements carry agreements and signatures, which keeps a large district's seed small.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from trellis.demo import data
from trellis.demo.catalog import (
    KIND,
    Opp,
    add_opportunity,
    choose_host,
    pick_role,
    schedule,
    seats_for,
    title_for,
)
from trellis.demo.context import Ctx, YearInfo, at
from trellis.demo.people import Students, add_alumnus
from trellis.demo.placing import (
    Placed,
    ability,
    add_evaluation,
    add_logs,
    add_placement,
    add_reflection,
    can_place,
    clashes,
    reflect_before_leaving,
)
from trellis.hours.models import PayPeriod, ProgramBudget
from trellis.hours.pay import money
from trellis.placements.models import Outcome

# Completed placements in the district-funded summer internship, 2021–22 … 2025–26.
SUMMER_GROWTH = [13, 22, 35, 51, 72]
# School-year placements (job shadows, Friday and fall internships) in the same years.
SCHOOL_YEAR_GROWTH = [40, 52, 66, 82, 100]
SCHOOL_YEAR_MIX = [("shadow", 0.35), ("friday", 0.40), ("fall", 0.25)]


def build_history(ctx: Ctx, st: Students) -> list[Opp]:
    """Returns the past summer opportunities (for the program budgets)."""
    summers: list[Opp] = []
    for k, year in enumerate(ctx.years[:-1]):
        _school_year(ctx, st, year, round(SCHOOL_YEAR_GROWTH[k] * ctx.scale))
        summers += _summer(ctx, st, year, round(SUMMER_GROWTH[k] * ctx.scale))
    return summers


def _opportunities(
    ctx: Ctx,
    year: YearInfo,
    track: str,
    placements: int,
    *,
    department_share: float,
    leavers: float = 0.0,
) -> list[tuple[Opp, bool]]:
    """Closed opportunities whose seats hold `placements` students who stayed, each with
    whether one more student took a seat and left (a share `leavers` of them)."""
    out = []
    left = placements
    while left > 0:
        if ctx.rng.random() < department_share:
            host = ctx.rng.choice([p for p in ctx.partners if p.is_department])
        else:
            host = choose_host(ctx, track)
        role = pick_role(ctx, host)
        stayed = min(seats_for(ctx, track), left)
        leaver = leavers > 0 and ctx.rng.random() < leavers
        term, start, end, weekdays, times = schedule(ctx, track, year)
        opp = add_opportunity(
            ctx,
            partner=host,
            role=role,
            kind=KIND[track],
            track=track,
            year=year,
            term=term,
            start=start,
            end=end,
            weekdays=weekdays,
            times=times,
            seats=stayed + leaver,
            status="closed",
            min_grade=12 if track == "friday" else 10,
            title=title_for(track, role[0]),
        )
        out.append((opp, leaver))
        left -= stayed
    return out


def _graduate(ctx: Ctx, st: Students, class_year: int, cluster: str, opp: Opp, day) -> int:
    """A student of the given class whom a coordinator may place: now an alumnus (or, for the
    class of 2027, a current senior)."""
    rng = ctx.rng

    def fits(i: int) -> bool:
        return not clashes(ctx, st, i, opp) and can_place(ctx, st, i, opp, day)

    if class_year > ctx.current.plan.start_year:
        for _ in range(50):
            i = rng.choice(st.seniors)
            if i != 0 and fits(i):
                return i
    earlier = st.alumni_by_class.get(class_year)
    if earlier and rng.random() < 0.25:
        i = rng.choice(earlier)
        if fits(i):
            return i
    for _ in range(20):
        i = add_alumnus(ctx, st, class_year, cluster)
        if fits(i):
            return i
    raise RuntimeError(f"Demo generator: nobody of the class of {class_year} fits {opp.title!r}.")


def _school_year(ctx: Ctx, st: Students, year: YearInfo, count: int) -> None:
    rng = ctx.rng
    class_year = year.plan.graduation_year
    for track, share in SCHOOL_YEAR_MIX:
        for opp, _ in _opportunities(ctx, year, track, round(count * share), department_share=0.25):
            days = opp.work_days(ctx)
            for _ in range(opp.seats):
                created = at(opp.start - dt.timedelta(days=rng.randrange(20, 40)), 14)
                i = _graduate(ctx, st, class_year, opp.cluster, opp, created.date())
                if track != "shadow" and rng.random() < 0.1:
                    withdrawal = rng.choice(data.WITHDRAWALS)
                    withdrawn_on = days[len(days) // 3] if days else opp.start
                    placed = add_placement(
                        ctx,
                        st,
                        i,
                        opp,
                        "withdrawn",
                        created=created,
                        withdrawal=withdrawal,
                        withdrawn_on=withdrawn_on,
                    )
                    add_logs(ctx, st, placed, settled=True)
                    if withdrawal[1] == "not_a_fit":
                        reflect_before_leaving(ctx, placed, withdrawn_on)
                    continue
                placed = add_placement(ctx, st, i, opp, "completed", created=created)
                add_logs(
                    ctx, st, placed, attendance=1.0 if track == "shadow" else 0.9, settled=True
                )
                _finish(ctx, st, placed, days)


def _summer(ctx: Ctx, st: Students, year: YearInfo, count: int) -> list[Opp]:
    """The 100-hour paid summer internship: every intern completes ~100 approved hours."""
    rng = ctx.rng
    graduating = year.plan.graduation_year
    opps = _opportunities(ctx, year, "summer", count, department_share=0.5, leavers=0.3)
    for opp, leaver in opps:
        days = opp.work_days(ctx)
        created = at(opp.start - dt.timedelta(days=45), 11)
        for _ in range(opp.seats - leaver):
            rising = rng.random() < 0.6  # most are rising seniors; the rest just graduated
            class_year = graduating + 1 if rising else graduating
            i = _graduate(ctx, st, class_year, opp.cluster, opp, created.date())
            placed = add_placement(ctx, st, i, opp, "completed", created=created)
            target = Decimal(round(rng.uniform(96, 104) * 2)) / 2
            add_logs(ctx, st, placed, attendance=0.9, target=target, settled=True)
            _finish(ctx, st, placed, days)
        if leaver:  # someone who started and left; their seat stayed empty
            i = _graduate(ctx, st, graduating + 1, opp.cluster, opp, created.date())
            withdrawn_on = days[min(5, len(days) - 1)]
            placed = add_placement(
                ctx,
                st,
                i,
                opp,
                "withdrawn",
                created=created,
                withdrawal=rng.choice(data.WITHDRAWALS[:2] + data.WITHDRAWALS[4:]),
                withdrawn_on=withdrawn_on,
            )
            add_logs(ctx, st, placed, settled=True)
    return [opp for opp, _ in opps]


def _finish(ctx: Ctx, st: Students, placed: Placed, days) -> None:
    """Evaluations, a reflection, and now and then a job offer or a hire."""
    rng = ctx.rng
    opp, i = placed.opp, placed.i
    if opp.track != "shadow":
        skill = ability(ctx)
        middle = days[len(days) // 2] if days else opp.start
        add_evaluation(ctx, placed, "midpoint", middle, skill - 0.2)
        add_evaluation(ctx, placed, "final", opp.end + dt.timedelta(days=3), skill)
    if rng.random() < 0.8:
        add_reflection(ctx, placed, opp.end + dt.timedelta(days=rng.randrange(1, 8)))
    if opp.track in ("summer", "friday") and rng.random() < 0.06:
        offered = opp.end + dt.timedelta(days=rng.randrange(5, 40))
        title = data.JOB_TITLES[opp.cluster]
        ctx.t(Outcome).add(
            st.ids[i],
            placed.id,
            opp.partner.id,
            "job_offer",
            offered,
            title,
            "Offered a part-time position after the internship.",
            ctx.coordinator_user,
        )
        graduated = dt.date(st.grad_year[i], 6, 20)
        if graduated < ctx.current.plan.start and rng.random() < 0.5:
            ctx.t(Outcome).add(
                st.ids[i],
                placed.id,
                opp.partner.id,
                "hired",
                max(graduated, offered),
                title,
                "Hired after graduation.",
                ctx.coordinator_user,
            )


def build_budgets(ctx: Ctx, summer_opps: list[Opp]) -> None:
    """The district funds the summer internship: 100 h at $8.50 per seat, paid every two weeks."""
    by_year: dict[int, list[Opp]] = {}
    for opp in summer_opps:
        by_year.setdefault(opp.year.index, []).append(opp)
    through = ctx.t(ProgramBudget.opportunities.through)
    for year in ctx.years:
        opps = by_year.get(year.index, [])
        # Seats × target hours × rate: what budget_report plans for a seat without sessions.
        amount = money(
            sum((o.model.target_hours * o.model.hourly_rate * o.seats for o in opps), Decimal(0))
        )
        budget = ctx.t(ProgramBudget).add(
            ctx.district_id, year.id, "District-funded summer internship", amount
        )
        for opp in opps:
            through.add(budget, opp.id)
        start, end = year.plan.summer_internship_dates()
        period = 1
        while start <= end:
            stop = start + dt.timedelta(days=13)
            ctx.t(PayPeriod).add(
                ctx.district_id,
                f"Summer {year.plan.graduation_year} pay period {period}",
                start,
                stop,
            )
            start, period = stop + dt.timedelta(days=1), period + 1
