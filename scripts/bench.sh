#!/usr/bin/env bash
# Runs the BenchmarkDotNet benchmarks (Release), with an in-memory Azurite on free ports for the ones that need
# storage. Pass BenchmarkDotNet arguments, e.g.: bash scripts/bench.sh --filter '*Dispatcher*' --job short
# The API load run: bash scripts/bench.sh load [requests] [concurrency]
# The dispatcher draining N notifications with D dispatchers at once: bash scripts/bench.sh dispatch [N] [D]
# The full tick for N subscribers (single instance, then fanned out to W workers): bash scripts/bench.sh tick [N] [W] [fan-out]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/azurite.sh
ensure_node_modules
trap stop_azurite EXIT
start_azurite "$(free_port)" "$(free_port)" "$(free_port)"
export DERISK_BENCH_STORAGE="$AZURITE_CONNECTION" DERISK_BENCH_AZURITE_PID="$AZURITE_PID"
dotnet run -c Release --project tests/DeRisk.Benchmarks -- "${@:---filter *}"
