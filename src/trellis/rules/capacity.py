"""Seats: which placements hold one, and how many are left."""

# A proposed, confirmed or active placement holds its seat; a completed or withdrawn one frees it.
SEAT_HOLDING_STATUSES = ("proposed", "confirmed", "active")


def seats_left(seats: int, taken: int) -> int:
    """Seats not yet taken by an open placement (never below zero)."""
    return max(seats - taken, 0)
