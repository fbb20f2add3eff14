"""Run a match round from the command line (the same services the coordinator's pages use)."""

from django.core.management.base import BaseCommand, CommandError

from trellis.placements.models import MatchRound, MatchRun
from trellis.placements.rounds import services


class Command(BaseCommand):
    help = "Run a match round in one mode, print its summary, and optionally publish the result."

    def add_arguments(self, parser):
        parser.add_argument("round_id", type=int)
        parser.add_argument(
            "--mode", choices=[m.value for m in MatchRound.Mode], default=MatchRound.Mode.STABLE
        )
        parser.add_argument(
            "--publish", action="store_true", help="Publish the result as proposed placements."
        )

    def handle(self, *args, round_id, mode, publish, **options):
        try:
            match_round = MatchRound.objects.get(pk=round_id)
        except MatchRound.DoesNotExist:
            raise CommandError(f"No match round with id {round_id}.") from None
        try:
            if publish:
                services.ensure_ranking_ended(match_round)
            # Run here rather than through the queue: the operator is waiting for the answer.
            run = services.run_match_now(match_round, actor=None, mode=mode)
        except services.RoundError as exc:
            raise CommandError(str(exc)) from None
        if run.status != MatchRun.Status.DONE:
            raise CommandError(run.error or "The run failed.")
        s = run.summary
        mean = "—" if s.get("mean_rank") is None else f"{s['mean_rank']:.2f}"
        self.stdout.write(
            f"Run {run.pk} ({run.get_mode_display()}) of “{match_round.name}”: "
            f"{s['students']} students, {s['seats']} seats; placed {s['placed']}, "
            f"first choice {s['first_choice']}, mean rank {mean}, unplaced {s['unplaced']}, "
            f"blocking pairs {s['blocking_pairs']}, {s.get('elapsed_ms', 0)} ms."
        )
        phases = s.get("phases_ms") or {}
        if phases:
            self.stdout.write(
                "Phases: " + ", ".join(f"{k.removesuffix('_ms')} {v} ms" for k, v in phases.items())
            )
        if publish:
            try:
                placements = services.publish_match_run(run, actor=None)
            except services.RoundError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(
                self.style.SUCCESS(f"Published: {len(placements)} proposed placements.")
            )
