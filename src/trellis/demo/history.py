"""Five past school years: closed opportunities, completed placements with approved hours,
evaluations, reflections and outcomes, and the summer paid internship growing 13 → 72."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from trellis.demo import data
from trellis.demo.activity import (
    ability,
    add_evaluation,
    add_logs,
    add_placement,
    add_reflection,
)
from trellis.demo.catalog import (
    KIND,
    SUMMER_HOURS,
    SUMMER_RATE,
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
from trellis.hours.models import PayPeriod, ProgramBudget
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
    ctx: Ctx, year: YearInfo, track: str, placements: int, *, department_share: float
) -> list[Opp]:
    """Closed opportunities whose seats add up to `placements`."""
    opps = []
    left = placements
    while left > 0:
        if ctx.rng.random() < department_share:
            host = ctx.rng.choice([p for p in ctx.partners if p.is_department])
        else:
            host = choose_host(ctx, track)
        role = pick_role(ctx, host)
        seats = min(seats_for(ctx, track), left)
        term, start, end, weekdays, times = schedule(ctx, track, year)
        opps.append(
            add_opportunity(
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
                seats=seats,
                status="closed",
                min_grade=12 if track == "friday" else 10,
                title=title_for(track, role[0]),
            )
        )
        left -= seats
    return opps


def _graduate(ctx: Ctx, st: Students, class_year: int, cluster: str, used: set, opp: Opp) -> int:
    """A student of the given class: now an alumnus (or, for the class of 2027, a current senior)."""
    rng = ctx.rng
    if class_year > ctx.current.plan.start_year:
        for _ in range(50):
            i = rng.choice(st.seniors)
            if i != 0 and (i, opp.id) not in used:
                return i
    earlier = st.alumni_by_class.get(class_year)
    if earlier and rng.random() < 0.25:
        i = rng.choice(earlier)
        if (i, opp.id) not in used:
            return i
    return add_alumnus(ctx, st, class_year, cluster)


def _school_year(ctx: Ctx, st: Students, year: YearInfo, count: int) -> None:
    rng = ctx.rng
    class_year = year.plan.graduation_year
    skip = year.plan.no_school
    used: set = set()
    for track, share in SCHOOL_YEAR_MIX:
        for opp in _opportunities(ctx, year, track, round(count * share), department_share=0.25):
            dates = opp.session_dates(skip)
            for _ in range(opp.seats):
                i = _graduate(ctx, st, class_year, opp.cluster, used, opp)
                used.add((i, opp.id))
                created = at(opp.start - dt.timedelta(days=rng.randrange(20, 40)), 14)
                if track != "shadow" and rng.random() < 0.1:
                    withdrawal = rng.choice(data.WITHDRAWALS)
                    withdrawn_on = dates[len(dates) // 3] if dates else opp.start
                    placement = add_placement(
                        ctx,
                        st,
                        i,
                        opp,
                        "withdrawn",
                        created=created,
                        withdrawal=withdrawal,
                        withdrawn_on=withdrawn_on,
                    )
                    add_logs(
                        ctx, placement, opp, [d for d in dates if d <= withdrawn_on], settled=True
                    )
                    if withdrawal[1] == "not_a_fit":
                        add_reflection(ctx, placement, opp, withdrawn_on, fit="not_for_me")
                    continue
                placement = add_placement(ctx, st, i, opp, "completed", created=created)
                add_logs(
                    ctx,
                    placement,
                    opp,
                    dates,
                    attendance=1.0 if track == "shadow" else 0.9,
                    settled=True,
                )
                _finish(ctx, st, i, placement, opp, dates)


def _summer(ctx: Ctx, st: Students, year: YearInfo, count: int) -> list[Opp]:
    """The 100-hour paid summer internship: every intern completes ~100 approved hours."""
    rng = ctx.rng
    graduating = year.plan.graduation_year
    july4 = dt.date(graduating, 7, 4)
    observed = july4 + dt.timedelta(days={5: -1, 6: 1}.get(july4.weekday(), 0))
    skip = {july4, observed}
    opps = _opportunities(ctx, year, "summer", count, department_share=0.5)
    used: set = set()
    for opp in opps:
        dates = opp.session_dates(skip)
        for _ in range(opp.seats):
            rising = rng.random() < 0.6  # most are rising seniors; the rest just graduated
            i = _graduate(ctx, st, graduating + 1 if rising else graduating, opp.cluster, used, opp)
            used.add((i, opp.id))
            placement = add_placement(
                ctx, st, i, opp, "completed", created=at(opp.start - dt.timedelta(days=45), 11)
            )
            target = round(rng.uniform(96, 104) * 2) / 2
            add_logs(ctx, placement, opp, dates, attendance=0.9, target=target, settled=True)
            _finish(ctx, st, i, placement, opp, dates)
        if rng.random() < 0.3:  # someone who started and left; their seat stayed empty
            i = _graduate(ctx, st, graduating + 1, opp.cluster, used, opp)
            used.add((i, opp.id))
            withdrawn_on = dates[min(5, len(dates) - 1)]
            placement = add_placement(
                ctx,
                st,
                i,
                opp,
                "withdrawn",
                created=at(opp.start - dt.timedelta(days=45), 11),
                withdrawal=rng.choice(data.WITHDRAWALS[:2] + data.WITHDRAWALS[4:]),
                withdrawn_on=withdrawn_on,
            )
            add_logs(ctx, placement, opp, [d for d in dates if d <= withdrawn_on], settled=True)
    return opps


def _finish(ctx: Ctx, st: Students, i: int, placement: int, opp: Opp, dates) -> None:
    """Evaluations, a reflection, and now and then a job offer or a hire."""
    rng = ctx.rng
    if opp.track != "shadow":
        skill = ability(ctx)
        middle = dates[len(dates) // 2] if dates else opp.start
        add_evaluation(ctx, placement, opp, "midpoint", middle, skill - 0.2)
        add_evaluation(ctx, placement, opp, "final", opp.end + dt.timedelta(days=3), skill)
    if rng.random() < 0.8:
        add_reflection(ctx, placement, opp, opp.end + dt.timedelta(days=rng.randrange(1, 8)))
    if opp.track in ("summer", "friday") and rng.random() < 0.06:
        offered = opp.end + dt.timedelta(days=rng.randrange(5, 40))
        title = data.JOB_TITLES[opp.cluster]
        ctx.t(Outcome).add(
            st.ids[i],
            placement,
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
                placement,
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
        seats = sum(o.seats for o in opps)
        amount = (SUMMER_RATE * SUMMER_HOURS * seats).quantize(Decimal("0.01"))
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
