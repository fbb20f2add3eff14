"""Trellis's domain rules in plain Python: ages, weekdays, schedule patterns, youth labour,
eligibility, seats and agreement signers.

Nothing here imports Django or a Trellis app (an import-linter contract enforces it): the rules
take plain values and small dataclasses, which thin adapters beside the models build from ORM
rows, so the pages, the services, the match rounds and the demo generator all ask the same
functions and tests need no database.
"""
