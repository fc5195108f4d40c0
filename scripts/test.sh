#!/usr/bin/env bash
# Runs every test: installs Azurite (npm ci), starts it in memory on free ports of 127.0.0.1, builds the solution,
# runs the tests, stops Azurite, prints "N passed, N failed", and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/azurite.sh

ensure_node_modules || exit 1

# The console's browser tests drive Debian's Chromium (Playwright's own browser download cannot be reached here).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing Chromium for the browser tests (apt-get)..."
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null \
      || { echo "Installing Chromium failed: the console's browser tests will fail." >&2; }
  else
    echo "/usr/bin/chromium is missing and this is not root: run 'sudo apt-get install -y chromium' first, or the console's browser tests fail." >&2
  fi
fi
trap stop_azurite EXIT
start_azurite "$(free_port)" "$(free_port)" "$(free_port)" || exit 1
export DERISK_TEST_STORAGE="$AZURITE_CONNECTION"

echo "Building (Release)..."
if ! dotnet build DeRiskFunctions.sln -c Release -nologo -v quiet; then
  echo "0 passed, 1 failed"
  echo "Build failed." >&2
  exit 1
fi

# Infrastructure: bicep build and lint with the Bicep CLI from NuGet (any lint warning fails too).
infra_passed=0 infra_failed=0
if dotnet restore infra/tools/BicepCli.csproj -nologo -v quiet >/dev/null; then
  # The version is written once, in infra/tools/BicepCli.csproj.
  bicep_version=$(sed -nE 's/.*"Azure\.Bicep\.CommandLine\.linux-x64" Version="\[([0-9.]+)\]".*/\1/p' infra/tools/BicepCli.csproj)
  bicep="$(dotnet nuget locals global-packages --list | sed -E 's/^[^:]+: *//')/azure.bicep.commandline.linux-x64/${bicep_version}/tools/bicep"
  chmod +x "$bicep"
  if "$bicep" build infra/main.bicep --stdout >/dev/null && "$bicep" build-params infra/main.bicepparam --stdout >/dev/null; then
    echo "infra: bicep build ok"; infra_passed=$((infra_passed + 1))
  else
    echo "infra: bicep build FAILED"; infra_failed=$((infra_failed + 1))
  fi
  lint_out=$("$bicep" lint infra/main.bicep 2>&1); lint_status=$?
  if [ "$lint_status" -eq 0 ] && [ -z "$lint_out" ]; then
    echo "infra: bicep lint clean"; infra_passed=$((infra_passed + 1))
  else
    echo "$lint_out"; echo "infra: bicep lint FAILED"; infra_failed=$((infra_failed + 1))
  fi
else
  echo "infra: could not restore the Bicep CLI"; infra_failed=$((infra_failed + 2))
fi

log=$(mktemp)
# Progress: a line per test as it finishes ("Passed <name> [time]"); the host logs the tests print stay in the log,
# and each failure is printed in full (message and stack, without those logs) after the run.
dotnet test DeRiskFunctions.sln -c Release --no-build -nologo --logger "console;verbosity=normal" 2>&1 | tee "$log" \
  | grep --line-buffered -E '^  (Passed|Failed|Skipped) |^Total tests|^ +(Passed|Failed|Skipped): +[0-9]+ *$|^ Total time|: error [A-Z]+[0-9]+'
status=${PIPESTATUS[0]}

passed=0 failed=0
while read -r line; do
  p=$(sed -nE 's/.*Passed: +([0-9]+).*/\1/p' <<<"$line"); f=$(sed -nE 's/.*Failed: +([0-9]+).*/\1/p' <<<"$line")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done < <(grep -E '^(Passed|Failed)! |^ +(Passed|Failed): +[0-9]+ *$' "$log")

if [ "$failed" -gt 0 ]; then
  echo; echo "Failures:"
  awk '/^  Failed / { show = 1 } /^  (Passed|Skipped) |^Total tests/ { show = 0 }
       show && !/^(info|warn|fail|dbug|trce|crit): / && !/^      / && !/^  Standard Output Messages:/' "$log"
fi
rm -f "$log"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then echo "No tests ran." >&2; failed=1; fi
passed=$((passed + infra_passed)); failed=$((failed + infra_failed))
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
