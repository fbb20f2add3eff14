"""factory_boy factories for every model; app test folders import from here."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from trellis.accounts.models import Membership, Role, User
from trellis.districts.models import District, School, SchoolYear, Term
from trellis.hours.models import HourLog, Session
from trellis.hours.totals import recount_district, recount_placements
from trellis.opportunities.models import CareerCluster, Opportunity, OpportunityKind, SubCluster
from trellis.partners.models import Mentor, Partner, PartnerKind, Worksite
from trellis.placements.models import Application, Evaluation, Placement, Reflection
from trellis.students.models import GuardianLink, Student, StudentInterest

TODAY = dt.date(2026, 11, 16)


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"District {n}")
    slug = factory.Sequence(lambda n: f"district-{n}")
    state = "VA"


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"School {n} High")
    slug = factory.Sequence(lambda n: f"school-{n}")


class SchoolYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolYear

    district = factory.SubFactory(DistrictFactory)
    name = "2026–27"
    start_date = dt.date(2026, 8, 24)
    end_date = dt.date(2027, 6, 11)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """Like the admin: a new year re-files the district's hours in the reports' roll-up."""
        year = super()._create(model_class, *args, **kwargs)
        recount_district(year.district_id)
        return year


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term

    school_year = factory.SubFactory(SchoolYearFactory)
    name = "Spring"
    kind = Term.Kind.SPRING
    start_date = dt.date(2027, 1, 19)
    end_date = dt.date(2027, 6, 11)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct-horse-battery")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    district = factory.SubFactory(DistrictFactory)
    role = Role.COORDINATOR


def cluster(name_or_slug="digital-technology"):
    """Clusters come from the data migration; look one up instead of creating it."""
    return CareerCluster.objects.get(slug=name_or_slug)


def subcluster(cluster_slug, sub_slug):
    return SubCluster.objects.get(cluster__slug=cluster_slug, slug=sub_slug)


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"Partner {n} LLC")
    kind = PartnerKind.BUSINESS


class WorksiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Worksite

    partner = factory.SubFactory(PartnerFactory)
    name = "Main office"
    address = "1 Main St"
    city = "Springfield"
    state = "VA"
    zip_code = "22150"
    latitude = 38.78
    longitude = -77.18


class MentorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mentor

    partner = factory.SubFactory(PartnerFactory)
    user = factory.SubFactory(UserFactory)
    title = "Supervisor"
    background_check_date = dt.date(2026, 7, 1)


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opportunity

    partner = factory.SubFactory(PartnerFactory)
    district = factory.SelfAttribute("partner.district")
    title = factory.Sequence(lambda n: f"Opportunity {n}")
    kind = OpportunityKind.INTERNSHIP
    cluster = factory.LazyFunction(lambda: cluster("digital-technology"))
    seats = 2
    start_date = dt.date(2027, 1, 22)
    end_date = dt.date(2027, 5, 28)
    weekdays = 16
    start_time = dt.time(8, 0)
    end_time = dt.time(14, 30)
    status = Opportunity.Status.PUBLISHED


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Student

    school = factory.SubFactory(SchoolFactory)
    district = factory.SelfAttribute("school.district")
    student_number = factory.Sequence(lambda n: f"S{n:06d}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    grade = 12
    graduation_year = 2027
    birth_date = dt.date(2009, 3, 14)


class StudentInterestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StudentInterest

    student = factory.SubFactory(StudentFactory)
    cluster = factory.LazyFunction(lambda: cluster("digital-technology"))
    rank = 1


class GuardianLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GuardianLink

    student = factory.SubFactory(StudentFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"guardian{n}@example.org")


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    student = factory.SubFactory(StudentFactory)
    opportunity = factory.SubFactory(OpportunityFactory)
    statement = "I would like to learn how a helpdesk works."


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    opportunity = factory.SubFactory(OpportunityFactory)
    student = factory.SubFactory(
        StudentFactory, school__district=factory.SelfAttribute("...opportunity.district")
    )
    district = factory.SelfAttribute("opportunity.district")
    start_date = factory.SelfAttribute("opportunity.start_date")
    end_date = factory.SelfAttribute("opportunity.end_date")
    status = Placement.Status.ACTIVE


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    placement = factory.SubFactory(PlacementFactory)
    # 2027-01-22, or the next day this placement has no log yet: one placement's logs may not
    # overlap (a PostgreSQL exclusion constraint), so several default logs take several days.
    date = factory.LazyAttribute(lambda o: _first_free_log_day(o.placement))
    start_time = dt.time(8, 0)
    end_time = dt.time(14, 30)
    planned_hours = Decimal("6.5")


def _first_free_log_day(placement, first=dt.date(2027, 1, 22)):
    taken = set(HourLog.objects.filter(placement=placement, date__gte=first).values_list("date", flat=True))
    day = first
    while day in taken:
        day += dt.timedelta(days=1)
    return day


class HourLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HourLog

    placement = factory.SubFactory(PlacementFactory)
    # 2027-01-22, or the next day this placement has no log yet: one placement's logs may not
    # overlap (a PostgreSQL exclusion constraint), so several default logs take several days.
    date = factory.LazyAttribute(lambda o: _first_free_log_day(o.placement))
    start_time = dt.time(8, 0)
    end_time = dt.time(12, 0)
    hours = Decimal("4.00")
    description = "Imaged laptops for the library cart."

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """Like the hours services: a log written directly is counted in the reports' roll-up."""
        log = super()._create(model_class, *args, **kwargs)
        recount_placements([log.placement_id])
        return log


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evaluation

    placement = factory.SubFactory(PlacementFactory)
    kind = Evaluation.Kind.MIDPOINT
    scores = {"attendance": 4, "communication": 3, "teamwork": 3, "initiative": 3, "quality": 4}
    submitted_at = factory.LazyFunction(timezone.now)


class ReflectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reflection

    placement = factory.SubFactory(PlacementFactory)
    career_fit = "for_me"
    text = "I liked solving people's problems."
