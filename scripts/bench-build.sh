#!/usr/bin/env bash
# Build benchmark driver: signpost vs Hugo vs Jekyll on the same synthetic site.
#
# Needs (installs nothing itself):
#   apt-get update && apt-get install -y hugo jekyll time
#
# Usage: scripts/bench-build.sh [extra bench_build flags, e.g. --runs 5 --pages 1000]
# Environment:
#   CARGO_TARGET_DIR  where the release build goes (default: target)
#   BENCH_WORK        scratch folder for the generated sites (default: /tmp/signpost-bench)
#   BENCH_OUT         where builds write (default: $BENCH_WORK/out; /dev/shm takes the disk out)
#   BENCH_PRIORITY    1 (default): raise this session's scheduling priority when allowed, so
#                     a shared machine's other work disturbs all three tools less. 0: leave it.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in hugo jekyll /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "error: $tool not found; apt-get install -y hugo jekyll time" >&2; exit 2; }
done

target="${CARGO_TARGET_DIR:-target}"
cargo build --release --quiet --bin signpost --example bench_build --example synth

if [ "${BENCH_PRIORITY:-1}" = 1 ]; then
  # Autogroup nice applies to this whole session (every build below); needs root.
  echo -10 > /proc/self/autogroup 2>/dev/null || true
  renice -n -10 -p $$ >/dev/null 2>&1 || true
fi

work="${BENCH_WORK:-/tmp/signpost-bench}"
out_flag=()
[ -n "${BENCH_OUT:-}" ] && out_flag=(--out-root "$BENCH_OUT")

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/Mem:/ {print $2}') GB RAM"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "signpost: $("$target/release/signpost" --version)"
echo "hugo: $(hugo version | cut -d' ' -f1-2)"
echo "jekyll: $(jekyll --version)"
echo "output: ${BENCH_OUT:-$work/out} ($(df -T "$(dirname "${BENCH_OUT:-$work}")" | awk 'NR==2 {print $2}'))"
echo
"$target/release/examples/bench_build" --signpost "$target/release/signpost" --work "$work" "${out_flag[@]}" "$@"
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
