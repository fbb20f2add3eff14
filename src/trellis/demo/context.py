"""Shared state of one demo run: random sources, the tables being written, and lookups."""

from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

from trellis.accounts.models import Membership, User
from trellis.demo.calendar import YearPlan
from trellis.demo.writer import Writer
from trellis.districts.calendar import DistrictCalendar
from trellis.districts.models import CalendarDay, District, School, SchoolYear, Term
from trellis.hours.models import HourLog, PayPeriod, ProgramBudget, Session
from trellis.opportunities.models import CareerCluster, Opportunity
from trellis.partners.models import Mentor, Partner, Worksite
from trellis.placements.models import (
    Agreement,
    Application,
    Concern,
    Evaluation,
    MatchResult,
    MatchRound,
    MatchRun,
    Outcome,
    Placement,
    Reflection,
    RoundRanking,
    RubricCriterion,
    Signature,
)
from trellis.students.models import GuardianLink, Student, StudentInterest

TZ = ZoneInfo("America/New_York")
# The demo is generated as of this day, whatever the clock says, so a seed always gives the
# same district. The current school year is 2026–27.
TODAY = dt.date(2026, 11, 22)
NOW = dt.datetime(2026, 11, 22, 8, 0, tzinfo=TZ).astimezone(dt.UTC)

# Columns written per model, in the order producers pass values to Table.add().
FIELDS = {
    District: [
        "name",
        "slug",
        "state",
        "timezone",
        "wbl_contact_email",
        "hours_per_credit",
        "created_at",
    ],
    School: ["district_id", "name", "slug", "level", "code", "zip_code", "latitude", "longitude"],
    SchoolYear: ["district_id", "name", "start_date", "end_date"],
    Term: ["school_year_id", "name", "kind", "start_date", "end_date"],
    CalendarDay: ["district_id", "date", "day_type", "label", "early_release_time"],
    RubricCriterion: ["district_id", "key", "label", "descriptors", "sort_order"],
    User: [
        "username",
        "first_name",
        "last_name",
        "email",
        "password",
        "is_superuser",
        "is_staff",
        "date_joined",
    ],
    Membership: ["user_id", "role", "district_id", "school_id", "partner_id", "created_at"],
    Partner: [
        "district_id",
        "name",
        "kind",
        "department",
        "description",
        "website",
        "phone",
        "contact_email",
        "created_at",
    ],
    Worksite: [
        "partner_id",
        "name",
        "is_virtual",
        "address",
        "city",
        "state",
        "zip_code",
        "latitude",
        "longitude",
    ],
    Mentor: ["partner_id", "user_id", "title", "phone", "background_check_date"],
    Student: [
        "district_id",
        "school_id",
        "user_id",
        "student_number",
        "first_name",
        "last_name",
        "email",
        "grade",
        "graduation_year",
        "birth_date",
        "availability",
        "transportation",
        "max_travel_miles",
        "home_zip",
        "home_latitude",
        "home_longitude",
        "is_cte_concentrator",
        "cte_program",
        "cte_cluster_id",
        "gender",
        "race_ethnicity",
        "is_economically_disadvantaged",
        "is_english_learner",
        "has_iep",
        "shares_profile_with_partners",
        "is_active",
    ],
    StudentInterest: ["student_id", "cluster_id", "subcluster_id", "rank"],
    GuardianLink: [
        "student_id",
        "guardian_user_id",
        "name",
        "email",
        "relationship",
        "can_sign_consent",
    ],
    Opportunity: [
        "district_id",
        "partner_id",
        "worksite_id",
        "mentor_id",
        "term_id",
        "title",
        "description",
        "requirements",
        "kind",
        "cluster_id",
        "subcluster_id",
        "seats",
        "start_date",
        "end_date",
        "schedule_kind",
        "weekdays",
        "start_time",
        "end_time",
        "min_grade",
        "min_age",
        "is_hazardous",
        "hazardous_orders",
        "is_paid",
        "hourly_rate",
        "target_hours",
        "status",
        "created_at",
        "updated_at",
    ],
    Application: [
        "student_id",
        "opportunity_id",
        "statement",
        "status",
        "interview_rank",
        "partner_note",
        "created_at",
        "decided_at",
    ],
    Placement: [
        "district_id",
        "student_id",
        "opportunity_id",
        "mentor_id",
        "application_id",
        "match_round_id",
        "status",
        "start_date",
        "end_date",
        "created_at",
        "confirmed_at",
        "activated_at",
        "completed_at",
        "withdrawn_at",
        "withdrawn_by_id",
        "withdrawal_initiator",
        "withdrawal_reason",
        "withdrawal_note",
        "partner_relationship_note",
        "partner_in_good_standing",
        "student_learner_agreement_on_file",
    ],
    Agreement: [
        "placement_id",
        "kind",
        "title",
        "body",
        "body_sha256",
        "required_signers",
        "created_at",
    ],
    Signature: [
        "agreement_id",
        "role",
        "signer_id",
        "guardian_link_id",
        "typed_name",
        "signed_at",
        "ip_address",
        "signed_text",
        "signed_text_sha256",
    ],
    Evaluation: [
        "placement_id",
        "mentor_id",
        "kind",
        "scores",
        "mean_score",
        "comments",
        "would_host_again",
        "submitted_at",
    ],
    Reflection: ["placement_id", "career_fit", "text", "created_at"],
    Concern: [
        "placement_id",
        "raised_by_id",
        "text",
        "created_at",
        "resolved_at",
        "resolved_by_id",
        "resolution_note",
    ],
    Outcome: [
        "student_id",
        "placement_id",
        "partner_id",
        "kind",
        "date",
        "job_title",
        "notes",
        "recorded_by_id",
    ],
    Session: [
        "placement_id",
        "date",
        "start_time",
        "end_time",
        "planned_hours",
        "is_early_release",
        "note",
    ],
    HourLog: [
        "placement_id",
        "session_id",
        "date",
        "start_time",
        "end_time",
        "hours",
        "description",
        "status",
        "approver_id",
        "approver_label",
        "decided_at",
        "return_comment",
        "created_at",
    ],
    MatchRound: [
        "district_id",
        "name",
        "term_id",
        "status",
        "filters",
        "max_choices",
        "ranking_opens_at",
        "ranking_closes_at",
        "priority_rules",
        "lottery_seed",
        "published_run_id",
        "published_at",
        "created_by_id",
        "created_at",
    ],
    MatchRound.opportunities.through: ["matchround_id", "opportunity_id"],
    MatchRound.eligible_students.through: ["matchround_id", "student_id"],
    RoundRanking: ["match_round_id", "student_id", "opportunity_id", "rank"],
    MatchRun: [
        "match_round_id",
        "mode",
        "status",
        "progress",
        "summary",
        "assignment",
        "error",
        "input_fingerprint",
        "requested_by_id",
        "created_at",
        "finished_at",
    ],
    MatchResult: ["run_id", "student_id", "opportunity_id", "rank", "why_not"],
    PayPeriod: ["district_id", "name", "start_date", "end_date"],
    ProgramBudget: ["district_id", "school_year_id", "name", "amount"],
    ProgramBudget.opportunities.through: ["programbudget_id", "opportunity_id"],
}


@lru_cache(maxsize=65536)
def at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    """A wall-clock time in the district's zone, as an aware UTC datetime.

    UTC because a fixed-offset datetime hashes cheaply: the writer caches prepared values
    by value, and a ZoneInfo datetime computes its offset on every hash.
    """
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ).astimezone(dt.UTC)


@lru_cache(maxsize=4096)
def slug_word(text: str) -> str:
    """ASCII letters only, lower case: for usernames and e-mail local parts."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", ascii_text.lower())


def domain_for(name: str) -> str:
    words = [slug_word(w) for w in name.replace("&", " ").split()]
    return "".join(w for w in words if w)[:40] + ".example.com"


@dataclass(slots=True)
class SchoolInfo:
    id: int
    slug: str
    name: str
    level: str
    zips: list[str]
    lat: float
    lon: float
    coordinator_user: int = 0
    model: School | None = None  # unsaved, for the domain's rules (names in agreement texts)


@dataclass(slots=True)
class YearInfo:
    plan: YearPlan
    id: int
    terms: dict[str, int]
    index: int  # 0 = 2021–22 … 5 = 2026–27 (current)


@dataclass(slots=True)
class MentorInfo:
    id: int
    user_id: int
    name: str
    model: Mentor | None = None  # unsaved, with its user: what the domain's rules read


@dataclass(slots=True)
class PartnerInfo:
    id: int
    name: str
    kind: str
    cluster: str
    sub: str
    department: str
    worksite: int
    worksite_label: str
    virtual_worksite: int | None
    mentors: list[MentorInfo] = field(default_factory=list)
    roles: list[tuple] = field(
        default_factory=list
    )  # (title, cluster, sub, min_age, hazardous orders)
    weight: float = 1.0
    # Unsaved instances of the rows written, for the domain's rules: distance, agreement texts.
    model: Partner | None = None
    worksites: dict[int, Worksite] = field(default_factory=dict)

    @property
    def is_department(self) -> bool:
        return bool(self.department)


@dataclass
class Ctx:
    """Everything the producers share; one per run."""

    n: int
    seed: int
    writer: Writer
    rng: random.Random
    npr: np.random.Generator
    scale: float
    password_hash: str
    tables: dict = field(default_factory=dict)
    district_id: int = 0
    schools: list[SchoolInfo] = field(default_factory=list)
    years: list[YearInfo] = field(default_factory=list)
    cluster_id: dict[str, int] = field(default_factory=dict)
    cluster_name: dict[str, str] = field(default_factory=dict)
    sub_id: dict[tuple[str, str], int] = field(default_factory=dict)
    subs_of: dict[str, list[int]] = field(default_factory=dict)
    partners: list[PartnerInfo] = field(default_factory=list)
    # The calendar written, as the hours app reads it: sessions and labour rules use it.
    calendar: DistrictCalendar | None = None
    district_model: District | None = None
    cluster_model: dict[str, CareerCluster] = field(default_factory=dict)
    flag_candidates: list = field(default_factory=list)  # hour logs to check for labour flags
    demo: dict[str, int] = field(default_factory=dict)  # demo username → user id
    coordinator_user: int = 0
    demo_mentor_concern: bool = False  # the demo mentor has one resolved concern to read
    username_serial: int = 0
    users: dict[int, User] = field(default_factory=dict)  # unsaved: names as the domain reads them

    def t(self, model):
        return self.tables[model]

    @property
    def current(self) -> YearInfo:
        return self.years[-1]

    def unusable_password(self) -> str:
        alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        return UNUSABLE_PASSWORD_PREFIX + "".join(self.rng.choices(alphabet, k=40))

    def add_user(
        self,
        first: str,
        last: str,
        *,
        username: str = "",
        email: str = "",
        joined=None,
        superuser=False,
        staff=False,
        email_domain: str = "",
    ) -> int:
        """A user row; demo logins get the shared demo hash, everyone else an unusable one."""
        if username:
            password = self.password_hash
        else:
            self.username_serial += 1
            username = f"{slug_word(first)}.{slug_word(last)}.mv{self.username_serial}"
            password = self.unusable_password()
        email = email or f"{username}@{email_domain or 'maple-valley.example.org'}"
        user_id = self.t(User).add(
            username, first, last, email, password, superuser, staff, joined or NOW
        )
        if password == self.password_hash:
            self.demo[username] = user_id
        self.users[user_id] = User(
            id=user_id, username=username, first_name=first, last_name=last, email=email
        )
        return user_id

    def add_membership(
        self, user_id: int, role: str, *, school_id=None, partner_id=None, when=None
    ):
        self.t(Membership).add(user_id, role, self.district_id, school_id, partner_id, when or NOW)


def new_writer_tables(ctx: Ctx) -> None:
    for model, fields in FIELDS.items():
        ctx.tables[model] = ctx.writer.table(model, fields)
