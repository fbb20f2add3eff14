"""Writing a finished plan: bulk inserts and updates in batches, inside the caller's transaction."""

from django.contrib.auth.hashers import make_password
from django.db import connection, models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify

from trellis.accounts.models import Role, User
from trellis.districts.models import School, SchoolYear, Term
from trellis.rostering.models import RosterOrg
from trellis.rostering.plan import Plan, school_level
from trellis.students.models import GuardianLink, Student

BATCH = 1000


def _chunks(items, size=BATCH):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _insert(model, rows: list[dict]):
    """Insert many rows of one model with executemany: the ORM's bulk_create spends most of a
    100,000-student import compiling SQL per field; the values here are already checked, and
    every other column gets the model's own default."""
    if not rows:
        return
    ops = connection.ops
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults, adapters = {}, {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = f.get_db_prep_save(now, connection)
        else:
            defaults[f.attname] = f.get_db_prep_save(f.get_default(), connection)
        if isinstance(f, models.DateTimeField):
            adapters[f.attname] = ops.adapt_datetimefield_value
        elif isinstance(f, models.DateField):
            adapters[f.attname] = ops.adapt_datefield_value
    names = [f.attname for f in fields]
    unknown = set(rows[0]) - set(names)
    if unknown:
        raise ValueError(f"{model.__name__} has no columns {sorted(unknown)}")
    # Table and column names come from the model (quoted); every value is a parameter.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        ops.quote_name(model._meta.db_table),
        ", ".join(ops.quote_name(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    def values_of(row):
        values = []
        for name in names:
            if name in row:
                value = row[name]
                adapt = adapters.get(name)
                values.append(adapt(value) if adapt and value is not None else value)
            else:
                values.append(defaults[name])
        return values

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: one stream instead of a statement per row (psycopg 3 adapts each value).
            copy_sql = "COPY {} ({}) FROM STDIN".format(
                ops.quote_name(model._meta.db_table), ", ".join(ops.quote_name(f.column) for f in fields)
            )
            with cursor.cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(values_of(row))
            return
        for chunk in _chunks(rows, 2000):
            cursor.executemany(sql, [values_of(row) for row in chunk])


def _update(model, pk_changes, *, resolve=None):
    """Rows changed in different fields: grouped by the fields they change, one bulk_update each."""
    by_fields = {}
    for pk, changed in pk_changes:
        if resolve:
            changed = resolve(changed)
        by_fields.setdefault(tuple(sorted(changed)), []).append((pk, changed))
    for fields, rows in by_fields.items():
        objects = []
        for pk, changed in rows:
            obj = model(pk=pk)
            for field, value in changed.items():
                setattr(obj, field, value)
            objects.append(obj)
        model._default_manager.bulk_update(objects, list(fields), batch_size=BATCH)


def _deactivate(model, pks, **extra):
    for chunk in _chunks(pks):
        model._default_manager.filter(pk__in=chunk).update(is_active=False, **extra)


def apply_plan(plan: Plan, progress=None) -> None:
    """Write everything the plan says; the caller holds the transaction (all or nothing)."""
    progress = progress or (lambda pct: None)
    district = plan.district
    _schools(plan)
    _orgs(plan)
    school_pk = dict(
        School.objects.filter(district=district, sourced_id__isnull=False).values_list("sourced_id", "pk")
    )
    _sessions(plan)
    progress(55)
    _students(plan, school_pk)
    progress(80)
    student_pk = dict(
        Student.objects.filter(district=district, sourced_id__isnull=False).values_list("sourced_id", "pk")
    )
    _guardians(plan, student_pk)
    progress(90)
    _staff(plan)
    progress(95)


def _schools(plan):
    district = plan.district
    slugs = set(School.objects.filter(district=district).values_list("slug", flat=True))
    new = []
    for values in plan.schools_new:
        base = slugify(values["name"])[:45] or "school"
        slug, n = base, 1
        while slug in slugs:
            n += 1
            slug = f"{base}-{n}"
        slugs.add(slug)
        new.append(School(district=district, slug=slug, level=school_level(values["name"]), **values))
    School.objects.bulk_create(new)
    _update(School, plan.schools_update)
    _deactivate(School, plan.schools_deactivate)


def _orgs(plan):
    district = plan.district
    RosterOrg.objects.filter(district=district).exclude(sourced_id__in=list(plan.orgs)).delete()
    existing = {o.sourced_id: o for o in RosterOrg.objects.filter(district=district)}
    new, changed = [], []
    for sid, (org_type, parent, _) in plan.orgs.items():
        current = existing.get(sid)
        if current is None:
            new.append(RosterOrg(district=district, sourced_id=sid, org_type=org_type, parent_sourced_id=parent))
        elif (current.org_type, current.parent_sourced_id) != (org_type, parent):
            current.org_type, current.parent_sourced_id = org_type, parent
            changed.append(current)
    RosterOrg.objects.bulk_create(new, batch_size=BATCH)
    RosterOrg.objects.bulk_update(changed, ["org_type", "parent_sourced_id"], batch_size=BATCH)


def _sessions(plan):
    district = plan.district
    SchoolYear.objects.bulk_create([SchoolYear(district=district, **v) for v in plan.years_new])
    _update(SchoolYear, plan.years_update)
    year_pk = dict(
        SchoolYear.objects.filter(district=district, sourced_id__isnull=False).values_list("sourced_id", "pk")
    )
    Term.objects.bulk_create(
        [
            Term(school_year_id=year_pk[v["year_sid"]], **{k: x for k, x in v.items() if k != "year_sid"})
            for v in plan.terms_new
        ]
    )
    _update(Term, plan.terms_update)


def _students(plan, school_pk):
    district = plan.district

    def resolve(values):
        values = dict(values)
        if "school_sid" in values:
            values["school_id"] = school_pk[values.pop("school_sid")]
        return values

    _insert(Student, [{"district_id": district.pk, **resolve(v)} for v in plan.students_new])
    _update(Student, plan.students_update, resolve=resolve)
    _deactivate(Student, plan.students_deactivate)


def _guardians(plan, student_pk):
    _insert(
        GuardianLink,
        [
            {"student_id": student_pk[v["student_sid"]], **{k: x for k, x in v.items() if k != "student_sid"}}
            for v in plan.guardians_new
        ],
    )

    def resolve(values):
        if values.get("is_active") is True:
            values = {**values, "can_sign_consent": True}  # a link the SIS restores may sign again
        return values

    _update(GuardianLink, plan.guardians_update, resolve=resolve)
    # An ended link opens nothing: no consent to sign, no account that reads the record.
    _deactivate(GuardianLink, plan.guardians_deactivate, can_sign_consent=False, guardian_user=None)


def _staff(plan):
    district = plan.district
    wanted = [v["username"].lower()[:140] for v in plan.staff_new]
    taken = set()
    for chunk in _chunks(sorted(set(wanted)), 500):
        taken |= set(
            User.objects.annotate(u=Lower("username")).filter(u__in=chunk).values_list("u", flat=True)
        )
    unusable = make_password(None)  # no password: they sign in by a reset link or single sign-on
    new = []
    for values, base in zip(plan.staff_new, wanted, strict=True):
        username, n = base, 1
        while username in taken:
            n += 1
            username = f"{base}-{n}"
        taken.add(username)
        new.append({"rostered_district_id": district.pk, "password": unusable, **values, "username": username})
    _insert(User, new)
    _update(User, plan.staff_update)
    protected = set(
        User.objects.filter(pk__in=plan.staff_deactivate, is_superuser=True).values_list("pk", flat=True)
    ) | set(
        User.objects.filter(
            pk__in=plan.staff_deactivate, memberships__role=Role.DISTRICT_ADMIN, memberships__district=district
        ).values_list("pk", flat=True)
    )
    if protected:
        plan.warnings.append(
            f"{len(protected)} staff accounts not in the file were kept active: they administer the district."
        )
        plan.counts["staff"]["deactivated"] -= len(protected)
    _deactivate(User, [pk for pk in plan.staff_deactivate if pk not in protected])
