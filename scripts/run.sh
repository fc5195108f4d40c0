#!/usr/bin/env bash
# Runs DeRisk locally: Azurite, the local host (the Functions app's functions without Core Tools), the replay of
# real May 2022 history at one replayed day per two seconds, a local Twilio sink that prints each SMS, and a demo
# subscriber. Ctrl-C stops everything this started.
#
#   bash scripts/run.sh          replay (offline, fast market clock)
#   bash scripts/run.sh --live   live: CoinGecko and alternative.me on the real clock, the real schedules and staleness
#                                limits of local.settings.json (CoinGecko__Plan/ApiKey there or in the environment)
set -euo pipefail
cd "$(dirname "$0")/.."
live=false
for arg in "$@"; do
  case "$arg" in
    --live) live=true ;;
    *) echo "usage: bash scripts/run.sh [--live]" >&2; exit 2 ;;
  esac
done
[ "${Market__Mode:-}" = "Live" ] && live=true
source scripts/azurite.sh

[ -f local.settings.json ] || cp local.settings.sample.json local.settings.json
# npm ci (Azurite, and uPlot, which the build embeds in the console) must finish before the build starts.
ensure_node_modules || { echo "Installing Azurite and uPlot (npm ci) failed" >&2; exit 1; }
echo "Building..."
# The compiler server cuts the first build by a few seconds; it is stopped again right after. The local host reads
# the function classes' attributes itself, so the Functions SDK's extension project and functions.metadata (which
# only the real Functions host needs) are skipped: 11 s less on a fresh clone. The code analyzers are skipped too
# (the test command builds with them, warnings as errors): the build shares two cores with npm ci here.
build_log=$(mktemp)
if ! dotnet build src/DeRisk.LocalHost -c Release -v quiet -nologo -p:UseSharedCompilation=true -p:_FunctionsBuildEnabled=false -p:RunAnalyzers=false >"$build_log" 2>&1; then
  cat "$build_log" >&2; rm -f "$build_log"; dotnet build-server shutdown >/dev/null 2>&1 || true
  exit 1
fi
rm -f "$build_log"
dotnet build-server shutdown >/dev/null 2>&1 || true
trap stop_azurite EXIT
trap 'exit 130' INT TERM
start_azurite 10000 10001 10002
echo "Azurite on 127.0.0.1:10000-10002 (in memory)"

export Storage__ConnectionString="$AZURITE_CONNECTION"
if [ "$live" = true ]; then
  # Live: the app's clock is the wall clock; schedules, staleness and assets are those of local.settings.json (the
  # sample's defaults: a poll every 5 minutes, prices stale after 15 minutes, the top 20 and the main stablecoins).
  export Market__Mode=Live
else
  export Market__Mode=Replay
  export Replay__Start="${Replay__Start:-2022-05-08T00:00:00Z}"
  export Replay__Speed="${Replay__Speed:-43200}"                  # one replayed day per two seconds
  export MarketPollSchedule="${MarketPollSchedule:-30 0 0 * * *}"  # daily, just after the daily close (replayed time)
  export DispatchSchedule="${DispatchSchedule:-0 0 * * * *}"       # every replayed hour (83 ms of wall time)
  export HousekeepingSchedule="${HousekeepingSchedule:-0 15 3 * * *}" # daily (replayed time)
  export Market__Assets="${Market__Assets:-BTC=bitcoin,UST=terrausd,LUNA=terra-luna,USDC=usd-coin}" # what the shipped history holds
  export Market__PriceStalenessLimit="${Market__PriceStalenessLimit:-02:00:00}" # 2 replayed hours = 170 ms of wall time
  export Dispatch__LockDuration="${Dispatch__LockDuration:-00:00:30}"
  export Dispatch__MaxAlertAge="${Dispatch__MaxAlertAge:-2.00:00:00}"   # replayed time: two days = 4 s of wall time
fi
export Demo__Enabled=true
export LocalSinks__Twilio__Enabled="${LocalSinks__Twilio__Enabled:-true}"
export LocalSettings="$PWD/local.settings.json"
export Logging__LogLevel__Default="${Logging__LogLevel__Default:-Warning}"
export Logging__LogLevel__DeRisk="${Logging__LogLevel__DeRisk:-Information}"

echo "Console: http://127.0.0.1:7071/api/console/ (sign up, confirm with the code printed below, preview and save rules)"
if [ "$live" = true ]; then
  echo "LIVE market: CoinGecko and alternative.me on the real clock and schedules (at start, the backfill: a year of daily rows, 8 days of hourly and a day of 5-minute points); API on http://127.0.0.1:7071/api; Ctrl-C to stop."
  dotnet run --project src/DeRisk.LocalHost -c Release --no-build &
else
  echo "Replaying from $Replay__Start at ${Replay__Speed}x; API on http://127.0.0.1:7071/api; Ctrl-C to stop."
  dotnet run --project src/DeRisk.LocalHost -c Release --no-build -- --Logging:LogLevel:DeRisk.Market=Error &
fi

# The host runs in the background and the script waits for it, so a TERM sent to this script (not only Ctrl-C to the
# whole terminal) stops the host first and then Azurite, instead of waiting for a host that never ends.
host=$!
trap 'kill -TERM "$host" 2>/dev/null; wait "$host" 2>/dev/null; exit 130' INT TERM
wait "$host"
