"""Where a US ZIP code is: its centre, from the `zipcodes` package's bundled table (no network).

Trellis runs on a district's own server, often without an outside geocoding service. The
centre of a ZIP code is close enough for the one thing coordinates are used for: whether a
worksite is within a student's travel limit. Pages say when a location is approximate.
"""

import re
from dataclasses import dataclass

import zipcodes

_ZIP = re.compile(r"^(\d{5})(?:-?\d{4})?$")


class UnknownZip(ValueError):
    """The text is not a ZIP code, or not one the table knows; the message says which."""


@dataclass(frozen=True)
class ZipPlace:
    zip_code: str
    city: str
    state: str
    latitude: float
    longitude: float


def locate_zip(value: str) -> ZipPlace:
    """The place of a five-digit ZIP (ZIP+4 accepted); UnknownZip with a plain reason otherwise."""
    text = (value or "").strip()
    match = _ZIP.match(text)
    if not match:
        raise UnknownZip(f"“{text}” is not a ZIP code: give five digits, like 24401.")
    five = match.group(1)
    found = [z for z in zipcodes.matching(five) if z.get("lat") and z.get("long")]
    if not found:
        raise UnknownZip(f"{five} is not a US ZIP code we can place on the map.")
    place = found[0]
    return ZipPlace(
        zip_code=five,
        city=place["city"],
        state=place["state"],
        latitude=float(place["lat"]),
        longitude=float(place["long"]),
    )
