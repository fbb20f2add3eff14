"""Match rounds: a centrally run assignment of many students to many opportunities.

The models are the app's (`placements/models.py`: MatchRound, RoundRanking, MatchRun,
MatchResult). Here: `services` (create, rank, close, run, publish, follow up), `adapter` (the
round as a problem for the matching engine, and its explanations), `results` (each student's
result row), `tasks` (the background run and the e-mails; they import the services, never the
reverse), and the coordinator's and student's pages (`forms`, `views`, `urls`).
"""
