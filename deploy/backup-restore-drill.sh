#!/usr/bin/env bash
# Backup and restore drill for Trellis's PostgreSQL database (docs/deployment.md).
#
#   deploy/backup-restore-drill.sh [DATABASE]        # default: $PGDATABASE, else "trellis"
#
# 1. pg_dump -Fc of DATABASE, from an exported snapshot, into $BACKUP_DIR (the backup itself);
# 2. pg_restore of that file into a new scratch database;
# 3. exact row counts of every table, in the dumped snapshot and in the restored copy, compared.
# Exits non-zero if anything fails or any count differs. The scratch database is dropped at the
# end (KEEP_SCRATCH=1 keeps it). Connection settings are libpq's: PGHOST, PGPORT, PGUSER,
# PGPASSWORD (or ~/.pgpass). The dump is taken from a snapshot held open for the whole drill, so a
# live database being written to gives the same counts as its backup.
set -euo pipefail

SOURCE="${1:-${PGDATABASE:-trellis}}"
BACKUP_DIR="${BACKUP_DIR:-var/backups}"
JOBS="${RESTORE_JOBS:-2}"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
SCRATCH="${SOURCE}_drill_${STAMP,,}"
DUMP="${BACKUP_DIR}/${SOURCE}-${STAMP}.dump"
WORK="$(mktemp -d)"

say() { printf '%s  %s\n' "$(date -u +%H:%M:%S)" "$*"; }
fail() { say "FAILED: $*" >&2; exit 1; }
now() { date +%s.%N; }
took() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }

# Every base table of the public schema with its exact row count, one "table|count" a line.
COUNT_SQL="SELECT format('%s|%s', c.relname,
    (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM public.%I', c.relname),
                                         false, true, '')))[1]::text)
  FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
 WHERE s.nspname = 'public' AND c.relkind IN ('r', 'p')
 ORDER BY c.relname;"

cleanup() {
  if [[ -n "${holder_pid:-}" ]]; then
    kill "${holder_pid}" 2>/dev/null || true
  fi
  if [[ "${KEEP_SCRATCH:-0}" != "1" ]]; then
    dropdb --if-exists "${SCRATCH}" 2>/dev/null || true
  fi
  rm -rf "${WORK}"
}
trap cleanup EXIT

command -v pg_dump >/dev/null || fail "pg_dump is not installed (apt-get install postgresql-client)"
psql -X -q -At -d "${SOURCE}" -c "SELECT 1" >/dev/null || fail "cannot connect to database ${SOURCE}"
mkdir -p "${BACKUP_DIR}"
say "drill of database ${SOURCE} (server $(psql -X -At -d "${SOURCE}" -c 'SHOW server_version'))"

# Hold a repeatable-read transaction open and export its snapshot: pg_dump and the source counts
# both read exactly that state.
coproc SNAPSHOT { psql -X -q -At -v ON_ERROR_STOP=1 -d "${SOURCE}"; }
holder_pid="${SNAPSHOT_PID}"
echo "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SELECT pg_export_snapshot();" >&"${SNAPSHOT[1]}"
read -r -t 30 snapshot <&"${SNAPSHOT[0]}" || fail "could not export a snapshot"
echo "${COUNT_SQL} SELECT '__end__';" >&"${SNAPSHOT[1]}"
: >"${WORK}/source.txt"
while read -r -t 600 line <&"${SNAPSHOT[0]}"; do
  [[ "${line}" == "__end__" ]] && break
  echo "${line}" >>"${WORK}/source.txt"
done
[[ -s "${WORK}/source.txt" ]] || fail "no tables found in ${SOURCE}"

start="$(now)"
pg_dump -Fc --snapshot="${snapshot}" -d "${SOURCE}" -f "${DUMP}"
say "backup: ${DUMP} ($(du -h "${DUMP}" | cut -f1), $(took "${start}")), sha256 $(sha256sum "${DUMP}" | cut -c1-16)..."
echo "COMMIT;" >&"${SNAPSHOT[1]}"
exec {SNAPSHOT[1]}>&-
wait "${holder_pid}" 2>/dev/null || true
holder_pid=""

pg_restore --list "${DUMP}" >/dev/null || fail "the backup file is not readable by pg_restore"
start="$(now)"
createdb "${SCRATCH}"
pg_restore --exit-on-error --no-owner --no-acl -j "${JOBS}" -d "${SCRATCH}" "${DUMP}"
say "restore into scratch database ${SCRATCH}: $(took "${start}")"

psql -X -q -At -v ON_ERROR_STOP=1 -d "${SCRATCH}" -c "${COUNT_SQL}" >"${WORK}/restored.txt"

tables=$(wc -l <"${WORK}/source.txt")
rows=$(awk -F'|' '{ s += $2 } END { print s + 0 }' "${WORK}/source.txt")
if ! diff -u "${WORK}/source.txt" "${WORK}/restored.txt" >"${WORK}/diff.txt"; then
  cat "${WORK}/diff.txt" >&2
  fail "row counts differ between the backup's snapshot and the restored copy (above)"
fi
say "row counts match: ${tables} tables, ${rows} rows"
awk -F'|' '$2 > 0 { printf "    %-44s %12d\n", $1, $2 }' "${WORK}/source.txt" | sort -k2 -nr | head -n 12
say "OK: the backup restores and holds every row"
