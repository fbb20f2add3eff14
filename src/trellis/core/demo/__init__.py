"""The Maple Valley demo district: a deterministic generator behind `manage.py seed_demo`."""

from trellis.core.demo.build import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    DISTRICT_NAME,
    DISTRICT_SLUG,
    build_demo_district,
)
from trellis.core.demo.reset import delete_district

__all__ = [
    "DEMO_LOGINS",
    "DEMO_PASSWORD",
    "DISTRICT_NAME",
    "DISTRICT_SLUG",
    "build_demo_district",
    "delete_district",
]
