#!/usr/bin/env bash
# Search benchmark: `signpost build` of the synthetic site (examples/synth.rs) with the
# Pagefind index and without it (--no-search), at 1,000 and 10,000 pages; the index's size;
# and what a reader downloads for one query (tests/browser/search-bytes.mjs in Chromium).
#
# Needs hyperfine (apt-get install -y hyperfine); the query figures also need Chromium and
# `npm ci` in tests/browser. Installs nothing itself.
#
# Environment: PAGES (default "1000 10000"), RUNS (default 5), BENCH_WORK (generated sites,
# default /tmp/signpost-search-bench), BENCH_OUT (build output, default /dev/shm/… so the
# disk is not measured), QUERY (default "planning", on every page; a rarer word fetches less).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "error: hyperfine not found; apt-get install -y hyperfine" >&2; exit 2; }
target="${CARGO_TARGET_DIR:-target}"
cargo build --release --quiet --bin signpost --example synth
work="${BENCH_WORK:-/tmp/signpost-search-bench}"
out="${BENCH_OUT:-/dev/shm/signpost-search-bench}"
mkdir -p "$work" "$out"

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/Mem:/ {print $2}') GB RAM"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for n in ${PAGES:-1000 10000}; do
  site="$work/site-$n"
  [ -f "$site/.synth-site" ] || "$target/release/examples/synth" --pages "$n" --out "$site" >/dev/null
  echo
  echo "## $n pages"
  hyperfine -N --warmup 1 --runs "${RUNS:-5}" --style basic \
    -n "with search" "$target/release/signpost build --root $site --out $out/with-$n" \
    -n "no search" "$target/release/signpost build --root $site --out $out/without-$n --no-search"
  bundle="$out/with-$n/pagefind"
  echo "index: $(find "$bundle" -type f | wc -l) files, $(du -sb "$bundle" | cut -f1) bytes;" \
    "$(ls "$bundle/index" | wc -l) word chunks ($(du -sb "$bundle/index" | cut -f1) bytes)," \
    "$(ls "$bundle/fragment" | wc -l) fragments ($(du -sb "$bundle/fragment" | cut -f1) bytes)"
  echo "site without the index: $(du -sb "$out/without-$n" | cut -f1) bytes"
  if [ -d tests/browser/node_modules ] && [ -x /usr/bin/chromium ]; then
    (cd tests/browser && SITE_DIR="$out/with-$n" BASEURL="" QUERY="${QUERY:-planning}" node search-bytes.mjs)
  fi
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
