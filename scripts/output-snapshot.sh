#!/usr/bin/env bash
# Build the guide (both baseurls) and every fixture site with one signpost binary into a folder,
# keeping each build's exit code and messages, so two binaries can be compared byte for byte:
#   scripts/output-snapshot.sh target/release/signpost /tmp/before
#   ... change the code, build again ...
#   scripts/output-snapshot.sh target/release/signpost /tmp/after
#   diff -r /tmp/before /tmp/after && echo identical
# A restructure (issue 25) must leave this diff empty.
set -uo pipefail
bin=$(realpath "$1")
out=$2
cd "$(dirname "$0")/.."
rm -rf "$out"
mkdir -p "$out"

snapshot() { # name root [build options...]
  local name=$1 root=$2
  shift 2
  # No build cache (it would be written into the fixture), and no output record (it keeps
  # each file's time).
  "$bin" build --no-cache --root "$root" --out "$out/$name/site" "$@" >"$out/$name.stdout" 2>"$out/$name.stderr"
  echo $? >"$out/$name.status"
  rm -f "$out/$name/site/.signpost-output"
  # Timings and the output folder differ from run to run; everything else must not.
  sed -i -E -e 's/ in [0-9.]+ ?(ms|s)\b/ in TIME/g' -e "s#$out#OUT#g" "$out/$name.stdout" "$out/$name.stderr"
}

snapshot guide content
snapshot guide-root content --baseurl /
while IFS= read -r config; do
  root=$(dirname "$config")
  snapshot "$(echo "${root#tests/fixtures/}" | tr / -)" "$root"
done < <(find tests/fixtures -name _config.yml -not -path '*/node_modules/*' | sort)
echo "$(ls "$out" | grep -c '\.status$') builds in $out"
