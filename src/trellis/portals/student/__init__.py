"""The student portal under /me/: profile, interests, browse and apply, placements, record."""
