"""The Maple Valley demo district: a deterministic generator behind `manage.py seed_demo`.

The top layer of the house: it may import every app, and it writes only what the domain's own
rules say (who signs, who is a minor, who is eligible, which sessions a pattern gives). The
entry points are `build.build_demo_district` and `reset.delete_district`; this package itself
imports nothing, because Django loads it while the app registry is still empty.
"""
