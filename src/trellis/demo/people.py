"""Students (current and alumni), their interests and guardians, drawn in bulk with numpy."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from trellis.demo import data
from trellis.demo.context import Ctx, slug_word
from trellis.rules.ages import age_on, is_minor
from trellis.students.models import GuardianLink, Student, StudentInterest

GRADES = np.array([8, 9, 10, 11, 12])
GRADE_SHARE = [0.20, 0.21, 0.20, 0.20, 0.19]
GENDERS = ["female", "male", "nonbinary", "not_reported"]
GENDER_SHARE = [0.485, 0.485, 0.015, 0.015]
RACES = [
    "white",
    "hispanic",
    "black",
    "asian",
    "two_or_more",
    "american_indian",
    "pacific_islander",
    "not_reported",
]
RACE_SHARE = [0.46, 0.27, 0.14, 0.07, 0.045, 0.006, 0.004, 0.005]
TRANSPORT = ["own_vehicle", "family", "public_transit", "walk_bike", "none"]
TRANSPORT_UPPER = [0.35, 0.35, 0.10, 0.08, 0.12]  # grades 11–12
TRANSPORT_LOWER = [0.04, 0.55, 0.12, 0.11, 0.18]  # grades 8–10
TRAVEL_MILES = {"own_vehicle": 20, "family": 12, "public_transit": 10, "walk_bike": 3, "none": 0}
RELATIONSHIPS = ["parent", "parent", "parent", "parent", "grandparent", "guardian", "stepparent"]

DEMO_STUDENT = {
    "first": "Maya",
    "last": "Thompson",
    "birth": dt.date(2009, 3, 14),
    "gender": "female",
    "race": "two_or_more",
    "interests": [
        ("healthcare-human-services", "physical-health"),
        ("education", "teaching-training-facilitation"),
        ("digital-technology", None),
    ],
}
DEMO_GUARDIAN = ("Denise", "Thompson")


MODEL_CACHE = 20_000  # students kept as model instances at once (a large district has 130,000)
_STUDENT_COLUMNS = [f.attname for f in Student._meta.concrete_fields]
_STUDENT_DEFAULTS = {f.attname: f.get_default() for f in Student._meta.concrete_fields}


@dataclass
class Students:
    """Per-student facts the activity producers need; index i is the i-th generated student."""

    ids: list[int] = field(default_factory=list)
    first: list[str] = field(default_factory=list)
    last: list[str] = field(default_factory=list)
    grade: list[int] = field(default_factory=list)
    grad_year: list[int] = field(default_factory=list)
    birth: list[dt.date] = field(default_factory=list)
    availability: list[int] = field(default_factory=list)
    transport: list[str] = field(default_factory=list)
    school: list[int] = field(default_factory=list)  # index into ctx.schools
    clusters: list[tuple[str, ...]] = field(default_factory=list)
    cte: list[bool] = field(default_factory=list)
    cte_cluster: list[str | None] = field(default_factory=list)
    disadvantaged: list[bool] = field(default_factory=list)
    user_id: list[int | None] = field(default_factory=list)
    guardians: list[list[tuple[int, str, int | None]]] = field(default_factory=list)
    home: list[tuple[float, float]] = field(default_factory=list)
    max_miles: list[int] = field(default_factory=list)
    # Opportunities each student is placed at, so no two of their placements meet at the same
    # time (the hours app refuses overlapping hour logs).
    placed_in: list[list] = field(default_factory=list)
    n_current: int = 0
    # cluster slug → indices of current students with that interest; rank-1 interests twice,
    # so a random draw favours students who want that cluster most.
    pools: dict[str, list[int]] = field(default_factory=dict)
    seniors: list[int] = field(default_factory=list)
    alumni_by_class: dict[int, list[int]] = field(default_factory=dict)
    _models: dict[int, Student] = field(default_factory=dict)

    def name(self, i: int) -> str:
        return f"{self.first[i]} {self.last[i]}"

    def age_on(self, i: int, day: dt.date) -> int:
        return age_on(self.birth[i], day)

    def is_minor(self, i: int, day: dt.date) -> bool:
        return is_minor(self.birth[i], day)

    def model(self, ctx: Ctx, i: int) -> Student:
        """The student as the domain's rules read them (unsaved): active when they took part.

        Built from positional values, Django's fast path: the rules ask for a student per
        candidate, hundreds of thousands of times in a large district.
        """
        cached = self._models.get(i)
        if cached is not None:
            return cached
        if len(self._models) >= MODEL_CACHE:
            self._models.clear()
        school = ctx.schools[self.school[i]]
        lat, lon = self.home[i]
        values = dict(
            _STUDENT_DEFAULTS,
            id=self.ids[i],
            district_id=ctx.district_id,
            school_id=school.id,
            first_name=self.first[i],
            last_name=self.last[i],
            grade=self.grade[i],
            birth_date=self.birth[i],
            availability=self.availability[i],
            transportation=self.transport[i],
            max_travel_miles=self.max_miles[i],
            home_latitude=lat,
            home_longitude=lon,
            is_cte_concentrator=self.cte[i],
            is_active=True,
        )
        student = Student(*[values[name] for name in _STUDENT_COLUMNS])
        student.school = school.model
        self._models[i] = student  # the rules only read it
        return student

    def row(self, ctx: Ctx, i: int) -> dict:
        """The student as a match round reads them (`placements/rounds/adapter.STUDENT_FIELDS`)."""
        school = ctx.schools[self.school[i]]
        lat, lon = self.home[i]
        cte = self.cte_cluster[i]
        return {
            "id": self.ids[i],
            "school_id": school.id,
            "school__name": school.name,
            "grade": self.grade[i],
            "birth_date": self.birth[i],
            "availability": self.availability[i],
            "transportation": self.transport[i],
            "max_travel_miles": self.max_miles[i],
            "home_latitude": lat,
            "home_longitude": lon,
            "is_cte_concentrator": self.cte[i],
            "cte_cluster_id": ctx.cluster_id[cte] if cte else None,
        }


def _birth_dates(npr, grades: np.ndarray, school_start_year: int) -> list[dt.date]:
    """Birth dates consistent with grade: the Sept 1 cutoff, ~3% a year older (held back)."""
    n = len(grades)
    offsets = npr.integers(0, 365, size=n)
    held = npr.random(n) < 0.03
    years = school_start_year - grades - 6 - held.astype(int)
    out = []
    for y, off in zip(years.tolist(), offsets.tolist(), strict=True):
        out.append(dt.date(y, 9, 1) + dt.timedelta(days=off))
    return out


def _first_names(npr, genders: list[str]) -> list[str]:
    n = len(genders)
    f = npr.integers(0, len(data.FEMALE_FIRST), size=n).tolist()
    m = npr.integers(0, len(data.MALE_FIRST), size=n).tolist()
    x = npr.integers(0, len(data.NEUTRAL_FIRST), size=n).tolist()
    out = []
    for i, g in enumerate(genders):
        if g == "female":
            out.append(data.FEMALE_FIRST[f[i]])
        elif g == "male":
            out.append(data.MALE_FIRST[m[i]])
        else:
            out.append(data.NEUTRAL_FIRST[x[i]])
    return out


def _interests(ctx: Ctx, n: int):
    """1–3 ranked clusters per student, without repeats, skewed like interest surveys."""
    slugs = list(data.INTEREST_WEIGHTS)
    logw = np.log(np.array([data.INTEREST_WEIGHTS[s] for s in slugs]))
    keys = logw + ctx.npr.gumbel(size=(n, len(slugs)))
    order = np.argsort(-keys, axis=1)[:, :3].tolist()
    how_many = ctx.npr.choice([1, 2, 3], size=n, p=[0.25, 0.35, 0.40]).tolist()
    with_sub = (ctx.npr.random((n, 3)) < 0.65).tolist()
    sub_pick = ctx.npr.integers(0, 1 << 30, size=(n, 3)).tolist()
    result = []
    for i in range(n):
        chosen = []
        for r in range(how_many[i]):
            slug = slugs[order[i][r]]
            subs = ctx.subs_of[slug]
            sub = subs[sub_pick[i][r] % len(subs)] if with_sub[i][r] else None
            chosen.append((slug, sub))
        result.append(chosen)
    return result


def build_students(ctx: Ctx) -> Students:
    """The current enrolment: grades 8–12 across three high schools and a middle school."""
    n, npr = ctx.n, ctx.npr
    st = Students()
    y0 = ctx.current.plan.start_year
    grades = npr.choice(GRADES, size=n, p=GRADE_SHARE)
    high = [i for i, s in enumerate(ctx.schools) if s.level == "high"]
    middle = [i for i, s in enumerate(ctx.schools) if s.level == "middle"]
    shares = np.array([data.SCHOOLS[i][7] for i in high])
    school_idx = np.where(grades == 8, middle[0], npr.choice(high, size=n, p=shares / shares.sum()))
    births = _birth_dates(npr, grades, y0)
    genders = npr.choice(GENDERS, size=n, p=GENDER_SHARE).tolist()
    races = npr.choice(RACES, size=n, p=RACE_SHARE).tolist()
    firsts = _first_names(npr, genders)
    lasts = [data.LAST_NAMES[k] for k in npr.integers(0, len(data.LAST_NAMES), size=n).tolist()]
    upper = grades >= 11
    transport = np.where(
        upper,
        npr.choice(TRANSPORT, size=n, p=TRANSPORT_UPPER),
        npr.choice(TRANSPORT, size=n, p=TRANSPORT_LOWER),
    ).tolist()
    day_bits = npr.random((n, 6)) < np.array([0.55, 0.6, 0.55, 0.6, 0.5, 0.25])
    fri = np.where(grades == 12, npr.random(n) < 0.85, day_bits[:, 4])
    day_bits[:, 4] = fri
    avail = (day_bits * np.array([1, 2, 4, 8, 16, 32])).sum(axis=1)
    avail = np.where(avail == 0, 0b11111, avail).tolist()
    lat_off = npr.normal(0, 0.03, size=n).tolist()
    lon_off = npr.normal(0, 0.04, size=n).tolist()
    zip_pick = npr.integers(0, 2, size=n).tolist()
    cte = (upper & (npr.random(n) < 0.30)).tolist()
    cte_first = (npr.random(n) < 0.8).tolist()
    hispanic_or_asian = np.isin(np.array(races), ["hispanic", "asian"])
    el = (npr.random(n) < np.where(hispanic_or_asian, 0.2, 0.02)).tolist()
    ed = (npr.random(n) < 0.38).tolist()
    iep = (npr.random(n) < 0.14).tolist()
    shares_profile = (npr.random(n) < 0.75).tolist()
    interests = _interests(ctx, n)
    grades = grades.tolist()
    school_idx = school_idx.tolist()

    demo_user = ctx.demo["student"]
    alder = next(i for i, s in enumerate(ctx.schools) if s.slug == "alder")
    table = ctx.t(Student)
    for i in range(n):
        g = grades[i]
        user_id = None
        if i == 0:  # the demo student: a senior at Alder interested in health care
            d = DEMO_STUDENT
            g, school_idx[i], births[i] = 12, alder, d["birth"]
            genders[i], races[i], firsts[i], lasts[i] = (
                d["gender"],
                d["race"],
                d["first"],
                d["last"],
            )
            avail[i], transport[i] = 0b11111, "family"
            cte[i] = cte_first[i] = shares_profile[i] = True
            ed[i] = el[i] = iep[i] = False
            interests[i] = [(c, ctx.sub_id[(c, s)] if s else None) for c, s in d["interests"]]
            user_id = demo_user
        school = ctx.schools[school_idx[i]]
        number = f"26{i:07d}"
        cluster_slugs = tuple(c for c, _ in interests[i])
        cte_slug = (cluster_slugs[0] if cte_first[i] else cluster_slugs[-1]) if cte[i] else None
        mode = transport[i]
        sid = table.add(
            ctx.district_id,
            school.id,
            user_id,
            number,
            firsts[i],
            lasts[i],
            f"{slug_word(firsts[i])}.{slug_word(lasts[i])}{number[-4:]}@students.maple-valley.example.org",
            g,
            y0 + 1 + (12 - g),
            births[i],
            avail[i],
            mode,
            TRAVEL_MILES[mode],
            school.zips[zip_pick[i]],
            round(school.lat + lat_off[i], 5),
            round(school.lon + lon_off[i], 5),
            cte[i],
            data.CTE_PROGRAMS[cte_slug] if cte_slug else "",
            ctx.cluster_id[cte_slug] if cte_slug else None,
            genders[i],
            races[i],
            ed[i],
            el[i],
            iep[i],
            shares_profile[i],
            True,
        )
        _record(
            st,
            sid,
            firsts[i],
            lasts[i],
            g,
            y0 + 1 + (12 - g),
            births[i],
            avail[i],
            mode,
            school_idx[i],
            cluster_slugs,
            cte_slug,
            ed[i],
            user_id,
            (round(school.lat + lat_off[i], 5), round(school.lon + lon_off[i], 5)),
            TRAVEL_MILES[mode],
        )
        _add_interests(ctx, sid, interests[i])
    st.n_current = n
    _add_guardians(ctx, st, range(n), two_share=0.65)
    for i in range(n):
        for rank, slug in enumerate(st.clusters[i]):
            pool = st.pools.setdefault(slug, [])
            pool.append(i)
            if rank == 0:
                pool.append(i)
        if st.grade[i] == 12:
            st.seniors.append(i)
    return st


def _record(
    st: Students,
    sid,
    first,
    last,
    grade,
    grad_year,
    birth,
    avail,
    transport,
    school,
    clusters,
    cte_cluster,
    ed,
    user_id,
    home,
    max_miles,
):
    st.ids.append(sid)
    st.first.append(first)
    st.last.append(last)
    st.grade.append(grade)
    st.grad_year.append(grad_year)
    st.birth.append(birth)
    st.availability.append(avail)
    st.transport.append(transport)
    st.school.append(school)
    st.clusters.append(clusters)
    st.cte.append(cte_cluster is not None)
    st.cte_cluster.append(cte_cluster)
    st.disadvantaged.append(ed)
    st.user_id.append(user_id)
    st.guardians.append([])
    st.home.append(home)
    st.max_miles.append(max_miles)
    st.placed_in.append([])


def _add_interests(ctx: Ctx, sid: int, interests):
    table = ctx.t(StudentInterest)
    for rank, (slug, sub) in enumerate(interests, start=1):
        table.add(sid, ctx.cluster_id[slug], sub, rank)


def _add_guardians(ctx: Ctx, st: Students, indices, *, two_share: float):
    """One or two guardians per student; the demo student's mother has an account.

    One 64-bit draw per guardian, sliced, because this runs ~1.7 times per student.
    """
    getrandbits = ctx.rng.getrandbits
    add = ctx.t(GuardianLink).add
    demo_guardian = ctx.demo.get("guardian")
    female, male, last_names = data.FEMALE_FIRST, data.MALE_FIRST, data.LAST_NAMES
    two = round(two_share * 1024)
    for i in indices:
        count = 2 if (getrandbits(10) < two) else 1
        for k in range(count):
            r = getrandbits(64)
            if i == 0 and k == 0 and demo_guardian:
                first, last, user_id, relationship = *DEMO_GUARDIAN, demo_guardian, "parent"
            else:
                mother_first = (r & 1023) < 717  # the first listed guardian is usually the mother
                names = female if mother_first == (k == 0) else male
                first = names[(r >> 10) % len(names)]
                last = (
                    st.last[i]
                    if ((r >> 24) & 127) < 109
                    else last_names[(r >> 31) % len(last_names)]
                )
                user_id, relationship = None, RELATIONSHIPS[(r >> 40) % len(RELATIONSHIPS)]
            name = f"{first} {last}"
            email = f"{slug_word(first)}.{slug_word(last)}.{i}{k}@example.net"
            signs = k == 0 or ((r >> 48) & 127) < 124
            gl = add(st.ids[i], user_id, name, email, relationship, signs)
            st.guardians[i].append((gl, name, user_id))


def add_alumnus(ctx: Ctx, st: Students, class_year: int, cluster: str) -> int:
    """A graduate (inactive, grade 12 of their class) who took part in an earlier year's program."""
    rng = ctx.rng
    number = f"19{len(st.ids) - st.n_current:07d}"
    gender = rng.choices(GENDERS, weights=GENDER_SHARE)[0]
    names = {"female": data.FEMALE_FIRST, "male": data.MALE_FIRST}.get(gender, data.NEUTRAL_FIRST)
    first = rng.choice(names)
    last = rng.choice(data.LAST_NAMES)
    birth = dt.date(class_year - 19, 9, 1) + dt.timedelta(days=rng.randrange(365))
    school_idx = rng.choices([0, 1, 2], weights=[0.40, 0.35, 0.25])[0]
    school = ctx.schools[school_idx]
    slugs = [cluster] if rng.random() < 0.8 else []
    extra = rng.choices(
        list(data.INTEREST_WEIGHTS), weights=list(data.INTEREST_WEIGHTS.values()), k=2
    )
    for slug in extra:
        if slug not in slugs:
            slugs.append(slug)
    slugs = slugs[:2]
    cte = rng.random() < 0.35
    ed = rng.random() < 0.38
    mode = rng.choice(["own_vehicle", "family", "family", "public_transit"])
    home = (round(school.lat + rng.gauss(0, 0.03), 5), round(school.lon + rng.gauss(0, 0.04), 5))
    sid = ctx.t(Student).add(
        ctx.district_id,
        school.id,
        None,
        number,
        first,
        last,
        "",
        12,
        class_year,
        birth,
        0b11111,
        mode,
        TRAVEL_MILES[mode],
        school.zips[rng.randrange(2)],
        *home,
        cte,
        data.CTE_PROGRAMS[slugs[0]] if cte else "",
        ctx.cluster_id[slugs[0]] if cte else None,
        gender,
        rng.choices(RACES, weights=RACE_SHARE)[0],
        ed,
        rng.random() < 0.08,
        rng.random() < 0.13,
        rng.random() < 0.75,
        False,
    )
    _record(
        st,
        sid,
        first,
        last,
        12,
        class_year,
        birth,
        0b11111,
        mode,
        school_idx,
        tuple(slugs),
        slugs[0] if cte else None,
        ed,
        None,
        home,
        TRAVEL_MILES[mode],
    )
    _add_interests(ctx, sid, [(s, None) for s in slugs])
    i = len(st.ids) - 1
    _add_guardians(ctx, st, [i], two_share=0.0)
    st.alumni_by_class.setdefault(class_year, []).append(i)
    return i
