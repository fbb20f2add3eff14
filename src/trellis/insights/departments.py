"""Built-in department → cluster → role templates for "grow your own" in-district opportunities.

The table follows reference/wbl-programs.md ("In-district opportunities"): which district
departments can host students, in which career cluster, in what roles, and the youth labour
rules that limit a role (DOL "Short guide": no driving for minors, no power-driven or
hazardous equipment, no cooking or building maintenance for 14–15-year-olds).

Capacity is the number of seats a district can usually offer in a role in one term: a role
that every school can host (a classroom, the nurse's office) scales with the number of schools.
"""

import datetime as dt
from dataclasses import dataclass

from trellis.core.models import Weekday
from trellis.opportunities.models import OpportunityKind
from trellis.partners.models import Department

NO_DRIVING = "No driving of any vehicle for under-18s."
NO_HAZARDOUS_EQUIPMENT = (
    "No power-driven or hazardous equipment for under-18s (power saws, mowers, forklifts)."
)
NO_COOKING_UNDER_16 = "No cooking, baking or fryer work for 14–15-year-olds."
NO_MAINTENANCE_UNDER_16 = "No building maintenance or repair work for 14–15-year-olds."
NO_SHOP_UNDER_16 = "No work in the fleet repair shop for 14–15-year-olds."
HOURS_14_15 = "14–15-year-olds: at most 3 h on a school day, 18 h in a school week, 7:00–19:00."
HEALTH_PRIVACY = "Students see no health records; confidentiality training before starting."

FRIDAY = Weekday.FRIDAY
TUE_THU = Weekday.TUESDAY | Weekday.THURSDAY
MON_WED = Weekday.MONDAY | Weekday.WEDNESDAY


@dataclass(frozen=True)
class RoleTemplate:
    """One role a district department can offer; drafted into an Opportunity by services."""

    key: str
    department: str
    title: str
    cluster: str
    subcluster: str
    kind: str
    description: str
    seats: int
    per_school: bool = False
    weekdays: int = FRIDAY
    start_time: dt.time = dt.time(8, 0)
    end_time: dt.time = dt.time(11, 0)
    min_age: int = 14
    min_grade: int = 9
    labour_limits: tuple[str, ...] = ()

    @property
    def department_label(self) -> str:
        return Department(self.department).label

    def capacity(self, school_count: int) -> int:
        """Seats the district can offer in this role in one term."""
        return self.seats * max(school_count, 1) if self.per_school else self.seats


def _role(key, department, title, cluster, subcluster, kind, description, seats, **extra):
    return RoleTemplate(
        key=key,
        department=department,
        title=title,
        cluster=cluster,
        subcluster=subcluster,
        kind=kind,
        description=description,
        seats=seats,
        **extra,
    )


D = Department
K = OpportunityKind

ROLE_TEMPLATES: tuple[RoleTemplate, ...] = (
    # Information technology
    _role(
        "it-helpdesk",
        D.IT,
        "IT helpdesk assistant",
        "digital-technology",
        "it-support-services",
        K.INTERNSHIP,
        "Answer staff and student tickets, reset accounts and log fixes with the helpdesk team.",
        4,
    ),
    _role(
        "it-device-repair",
        D.IT,
        "Device repair technician",
        "digital-technology",
        "it-support-services",
        K.INTERNSHIP,
        "Image, repair and inventory student laptops and classroom devices.",
        3,
        labour_limits=(HOURS_14_15,),
    ),
    _role(
        "it-network",
        D.IT,
        "Network support assistant",
        "digital-technology",
        "network-systems-cybersecurity",
        K.INTERNSHIP,
        "Help the network team with access points, cabling audits and monitoring.",
        2,
        min_age=16,
        min_grade=11,
        labour_limits=("No work on ladders or lifts for under-18s.",),
    ),
    # Communications
    _role(
        "comms-social-media",
        D.COMMUNICATIONS,
        "Social media and website assistant",
        "marketing-sales",
        "marketing-advertising",
        K.INTERNSHIP,
        "Draft posts, update the district website and track engagement with the communications office.",
        2,
    ),
    _role(
        "comms-photography",
        D.COMMUNICATIONS,
        "Photography and video assistant",
        "arts-entertainment-design",
        "media-production-broadcasting",
        K.INTERNSHIP,
        "Photograph and film school events and edit short features for the district channels.",
        2,
    ),
    _role(
        "comms-events",
        D.COMMUNICATIONS,
        "Event promotion assistant",
        "marketing-sales",
        "market-research-analytics-ethics",
        K.SERVICE_LEARNING,
        "Plan and promote district events and survey families on what reached them.",
        2,
    ),
    # School board / superintendent's office
    _role(
        "board-intern",
        D.SCHOOL_BOARD,
        "School board intern",
        "public-service-safety",
        "local-state-federal-services",
        K.INTERNSHIP,
        "Prepare board meeting materials, follow policy work and brief the student board member.",
        2,
        min_grade=11,
    ),
    _role(
        "board-research",
        D.SCHOOL_BOARD,
        "Research and community engagement assistant",
        "public-service-safety",
        "local-state-federal-services",
        K.SERVICE_LEARNING,
        "Research a question for the superintendent's office and run community listening sessions.",
        2,
    ),
    # Classrooms (other schools)
    _role(
        "classroom-teaching-assistant",
        D.CLASSROOMS,
        "Teaching assistant",
        "education",
        "teaching-training-facilitation",
        K.TEACHING_ASSISTANT,
        "Assist a teacher in a lower-grade classroom: small groups, materials and lesson support.",
        4,
        per_school=True,
        weekdays=TUE_THU,
        start_time=dt.time(9, 0),
        end_time=dt.time(11, 0),
    ),
    _role(
        "classroom-tutor",
        D.CLASSROOMS,
        "Peer tutor",
        "education",
        "learner-support-community-engagement",
        K.SERVICE_LEARNING,
        "Tutor younger students in reading or math during intervention blocks.",
        4,
        per_school=True,
        weekdays=MON_WED,
        start_time=dt.time(13, 0),
        end_time=dt.time(14, 30),
    ),
    _role(
        "classroom-sped-aide",
        D.CLASSROOMS,
        "Special education aide",
        "education",
        "learner-support-community-engagement",
        K.TEACHING_ASSISTANT,
        "Support students with disabilities alongside a special education teacher.",
        2,
        per_school=True,
        weekdays=TUE_THU,
        start_time=dt.time(9, 0),
        end_time=dt.time(11, 0),
        min_grade=11,
        labour_limits=("No lifting or toileting of students; staff handle personal care.",),
    ),
    # Arts, music, theater
    _role(
        "arts-room-assistant",
        D.ARTS,
        "Art-room and pottery assistant",
        "arts-entertainment-design",
        "fine-arts",
        K.TEACHING_ASSISTANT,
        "Prepare materials, help run the kiln schedule and hang shows.",
        2,
        per_school=True,
        labour_limits=("Kiln loading and firing by staff only for under-18s.",),
    ),
    _role(
        "arts-stage-crew",
        D.ARTS,
        "Stage crew technician",
        "arts-entertainment-design",
        "lighting-sound-tech",
        K.INTERNSHIP,
        "Run lights and sound and build sets for school productions.",
        3,
        weekdays=TUE_THU,
        start_time=dt.time(15, 0),
        end_time=dt.time(18, 0),
        labour_limits=(NO_HAZARDOUS_EQUIPMENT, HOURS_14_15),
    ),
    _role(
        "arts-director-assistant",
        D.ARTS,
        "Theater director's assistant",
        "arts-entertainment-design",
        "performing-arts",
        K.INTERNSHIP,
        "Keep the prompt book, run rehearsals and coordinate the cast.",
        1,
        weekdays=TUE_THU,
        start_time=dt.time(15, 0),
        end_time=dt.time(18, 0),
        labour_limits=(HOURS_14_15,),
    ),
    # Food service / school nutrition
    _role(
        "food-menu-planning",
        D.FOOD_SERVICE,
        "Menu planning and nutrition assistant",
        "hospitality-events-tourism",
        "culinary-food-services",
        K.INTERNSHIP,
        "Plan menus against nutrition standards, cost recipes and survey students on meals.",
        2,
    ),
    _role(
        "food-meal-prep",
        D.FOOD_SERVICE,
        "Meal prep and serving assistant",
        "hospitality-events-tourism",
        "culinary-food-services",
        K.INTERNSHIP,
        "Prepare and serve school meals with the kitchen team.",
        3,
        start_time=dt.time(9, 30),
        end_time=dt.time(12, 30),
        min_age=16,
        labour_limits=(
            NO_COOKING_UNDER_16,
            "No slicers, mixers or other power-driven food machines for under-18s.",
        ),
    ),
    # Athletics
    _role(
        "athletics-ad-assistant",
        D.ATHLETICS,
        "Athletic director's assistant",
        "management-entrepreneurship",
        "leadership-operations",
        K.INTERNSHIP,
        "Schedule games and officials, manage eligibility lists and run event operations.",
        2,
        weekdays=TUE_THU,
        start_time=dt.time(14, 30),
        end_time=dt.time(17, 30),
    ),
    _role(
        "athletics-training",
        D.ATHLETICS,
        "Athletic-training intern",
        "healthcare-human-services",
        "physical-health",
        K.CLINICAL,
        "Assist the athletic trainer with taping, injury logs and practice coverage.",
        2,
        per_school=True,
        weekdays=TUE_THU,
        start_time=dt.time(14, 30),
        end_time=dt.time(17, 30),
        min_grade=11,
        labour_limits=(HEALTH_PRIVACY,),
    ),
    _role(
        "athletics-ticketing",
        D.ATHLETICS,
        "Ticketing and equipment assistant",
        "management-entrepreneurship",
        "entrepreneurship-small-business",
        K.SERVICE_LEARNING,
        "Sell tickets, reconcile gate receipts and keep the equipment inventory.",
        2,
        weekdays=FRIDAY,
        start_time=dt.time(15, 0),
        end_time=dt.time(18, 0),
        labour_limits=(HOURS_14_15,),
    ),
    # Human resources / business office
    _role(
        "hr-records",
        D.HUMAN_RESOURCES,
        "HR records and onboarding assistant",
        "management-entrepreneurship",
        "business-information-mgmt",
        K.INTERNSHIP,
        "Digitise personnel records and prepare onboarding packets for new staff.",
        2,
        min_grade=11,
        labour_limits=("Confidential records: signed confidentiality agreement required.",),
    ),
    _role(
        "business-payroll",
        D.HUMAN_RESOURCES,
        "Payroll and accounts assistant",
        "financial-services",
        "accounting",
        K.INTERNSHIP,
        "Reconcile timesheets and purchase orders with the business office.",
        2,
        min_grade=11,
        labour_limits=("Confidential records: signed confidentiality agreement required.",),
    ),
    # Buildings and grounds
    _role(
        "grounds-maintenance",
        D.BUILDINGS_GROUNDS,
        "Facilities maintenance assistant",
        "construction",
        "skilled-trades",
        K.PRE_APPRENTICESHIP,
        "Work alongside district tradespeople on painting, carpentry and preventive maintenance.",
        2,
        start_time=dt.time(8, 0),
        end_time=dt.time(12, 0),
        min_age=16,
        min_grade=10,
        labour_limits=(NO_MAINTENANCE_UNDER_16, NO_HAZARDOUS_EQUIPMENT),
    ),
    _role(
        "grounds-landscaping",
        D.BUILDINGS_GROUNDS,
        "Grounds and landscaping assistant",
        "energy-natural-resources",
        "conservation-land-mgmt",
        K.INTERNSHIP,
        "Care for school grounds, gardens and the outdoor classroom; track water use.",
        3,
        start_time=dt.time(8, 0),
        end_time=dt.time(12, 0),
        labour_limits=(NO_HAZARDOUS_EQUIPMENT, "No riding mowers or power trimmers for under-16s."),
    ),
    _role(
        "facilities-energy",
        D.BUILDINGS_GROUNDS,
        "Energy management assistant",
        "energy-natural-resources",
        "utilities",
        K.INTERNSHIP,
        "Read meters, log building energy use and suggest savings.",
        1,
        min_grade=11,
        labour_limits=("No work in boiler or mechanical rooms for under-18s.",),
    ),
    # Health services
    _role(
        "health-nurse-assistant",
        D.HEALTH_SERVICES,
        "School nurse assistant",
        "healthcare-human-services",
        "physical-health",
        K.CLINICAL,
        "Help the school nurse with screenings, supplies and health education.",
        1,
        per_school=True,
        min_grade=11,
        labour_limits=(HEALTH_PRIVACY, "No medication administration."),
    ),
    # Transportation
    _role(
        "transport-routing",
        D.TRANSPORTATION,
        "Routing and dispatch assistant",
        "supply-chain-transportation",
        "planning-logistics",
        K.INTERNSHIP,
        "Help plan bus routes and stops with routing software and support dispatch.",
        2,
        labour_limits=(NO_DRIVING,),
    ),
    _role(
        "transport-fleet-office",
        D.TRANSPORTATION,
        "Fleet office assistant",
        "supply-chain-transportation",
        "maintenance-repair",
        K.INTERNSHIP,
        "Track fleet maintenance schedules, parts inventory and inspection records.",
        2,
        min_age=16,
        labour_limits=(NO_DRIVING, NO_SHOP_UNDER_16, NO_HAZARDOUS_EQUIPMENT),
    ),
)

ROLES_BY_KEY = {role.key: role for role in ROLE_TEMPLATES}


def roles_for_cluster(cluster_slug: str) -> list[RoleTemplate]:
    return [role for role in ROLE_TEMPLATES if role.cluster == cluster_slug]


def get_role(key: str) -> RoleTemplate | None:
    return ROLES_BY_KEY.get(key)


def in_district_capacity(cluster_slug: str, school_count: int) -> int:
    """The most seats the district's own departments can offer in a cluster in one term."""
    return sum(role.capacity(school_count) for role in roles_for_cluster(cluster_slug))
