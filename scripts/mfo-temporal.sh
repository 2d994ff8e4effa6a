#!/usr/bin/env bash
# Operator recipes over the real `temporal` CLI. Payloads are encrypted, so the gateway's codec endpoint is used:
#   TEMPORAL_ADDRESS (default 127.0.0.1:7233), TEMPORAL_CODEC_ENDPOINT (default http://127.0.0.1:8080/codec),
#   TEMPORAL_CODEC_AUTH ("Bearer <api key>"; default: the key `npm start` wrote to .data/operator.key).
#
#   scripts/mfo-temporal.sh flows <tenant> [status]      list a tenant's flows (optionally by FlowStatus)
#   scripts/mfo-temporal.sh state <flowId>               the whole flow state (query)
#   scripts/mfo-temporal.sh pause|resume|retry|skip <flowId> <actor>
#   scripts/mfo-temporal.sh approve <flowId> <actor> [phase]
#   scripts/mfo-temporal.sh reject <flowId> <actor> <feedback>
#   scripts/mfo-temporal.sh history <flowId>             event history, decrypted
#   scripts/mfo-temporal.sh reset <flowId> <eventId> <reason>   re-run from a workflow task (e.g. before a phase)
#   scripts/mfo-temporal.sh reset-to-phase <flowId> <phase> [reason]   re-run the flow from its latest run of <phase>
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cli=${TEMPORAL_CLI_PATH:-$(command -v temporal || echo "$root/.tools/venv/bin/temporal")}
[ -x "$cli" ] || { echo "temporal CLI not found: run npm run setup, or set TEMPORAL_CLI_PATH" >&2; exit 1; }
export TEMPORAL_ADDRESS=${TEMPORAL_ADDRESS:-127.0.0.1:7233}
export TEMPORAL_CODEC_ENDPOINT=${TEMPORAL_CODEC_ENDPOINT:-http://127.0.0.1:8080/codec}
if [ -z "${TEMPORAL_CODEC_AUTH:-}" ] && [ -f "$root/.data/operator.key" ]; then
  TEMPORAL_CODEC_AUTH="Bearer $(cat "$root/.data/operator.key")"
fi
export TEMPORAL_CODEC_AUTH=${TEMPORAL_CODEC_AUTH:-}

json() { python3 -c 'import json,sys; print(json.dumps(dict(zip(sys.argv[1::2], sys.argv[2::2]))))' "$@"; }

# The event to reset to so that <phase> runs again: the workflow task completed just before the phase's latest
# activity was scheduled (the task that decided to run it). A reset there replays the flow up to that decision and
# runs the phase, and everything after it, anew. Phases are found by the activity summaries ("<phase>: <title>
# (run n)"), which are encrypted: the codec endpoint must answer, or no phase can be recognised.
phase_reset_point() {
  python3 -c '
import base64, json, sys
phase, events = sys.argv[1], json.load(sys.stdin)["events"]
def summary(event):
    try:
        return json.loads(base64.b64decode(event["userMetadata"]["summary"]["data"]))
    except (KeyError, ValueError):
        return ""
scheduled = [e for e in events if e["eventType"] == "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED" and str(summary(e)).startswith(phase + ":")]
if not scheduled:
    sys.exit(f"no activity of phase {phase} in the history (or the summaries could not be decoded: check TEMPORAL_CODEC_ENDPOINT and TEMPORAL_CODEC_AUTH)")
before = int(scheduled[-1]["eventId"])
tasks = [int(e["eventId"]) for e in events if e["eventType"] == "EVENT_TYPE_WORKFLOW_TASK_COMPLETED" and int(e["eventId"]) < before]
print(tasks[-1])
' "$1"
}

cmd=${1:?usage: see the header of this script}
shift
case "$cmd" in
  flows)
    query="TenantId='${1:?tenant}'"
    [ -n "${2:-}" ] && query="$query AND FlowStatus='$2'"
    "$cli" workflow list --query "$query"
    ;;
  state) "$cli" workflow query --workflow-id "${1:?flowId}" --name state --output json ;;
  pause | resume | retry | skip)
    "$cli" workflow update execute --workflow-id "${1:?flowId}" --name "$cmd" --input "$(json actor "${2:?actor}")" --output json
    ;;
  approve)
    input=$(json actor "${2:?actor}")
    [ -n "${3:-}" ] && input=$(json actor "$2" phase "$3")
    "$cli" workflow update execute --workflow-id "${1:?flowId}" --name approve --input "$input" --output json
    ;;
  reject)
    "$cli" workflow update execute --workflow-id "${1:?flowId}" --name reject --input "$(json actor "${2:?actor}" feedback "${3:?feedback}")" --output json
    ;;
  history) "$cli" workflow show --workflow-id "${1:?flowId}" ;;
  reset) "$cli" workflow reset --workflow-id "${1:?flowId}" --event-id "${2:?eventId}" --reason "${3:?reason}" ;;
  reset-to-phase)
    flow=${1:?flowId}
    phase=${2:?phase}
    event=$("$cli" workflow show --workflow-id "$flow" --output json | phase_reset_point "$phase")
    "$cli" workflow reset --workflow-id "$flow" --event-id "$event" --reason "${3:-re-run from phase $phase}"
    ;;
  *)
    echo "unknown command $cmd" >&2
    exit 2
    ;;
esac
