#!/usr/bin/env python3
"""Compares signpost binaries on one-page rebuilds, each rebuild made by every binary in turn.

    scripts/ab-rebuild.py --site /tmp/signpost-incr/site-10000 --runs 30 BIN_A BIN_B ...

The site is copied first (its page is edited). Each run adds a paragraph to the page, or takes
it out again, then rebuilds with every binary, starting with a different one each run, each
into its own output folder and cache under --work (tmpfs by default). Prints each binary's
median wall time and CPU time (user + system, from wait4).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import time

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("binaries", nargs="+")
parser.add_argument("--site", required=True)
parser.add_argument("--page", default="section-050/page-05000.md")
parser.add_argument("--runs", type=int, default=30)
parser.add_argument("--work", default="/dev/shm/signpost-ab")
args = parser.parse_args()

shutil.rmtree(args.work, ignore_errors=True)
site = os.path.join(args.work, "site")
shutil.copytree(args.site, site)
page = os.path.join(site, args.page)
MARK = "A paragraph added for the rebuild comparison."


def build(k, binary):
    command = [binary, "build", "--root", site, "--no-search",
               "--out", os.path.join(args.work, f"out-{k}"),
               "--cache", os.path.join(args.work, f"cache-{k}")]
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{binary} failed (status {status})")
    return wall * 1000, (usage.ru_utime + usage.ru_stime) * 1000


for k, binary in enumerate(args.binaries):
    build(k, binary)
results = {k: [] for k in range(len(args.binaries))}
for run in range(args.runs):
    with open(page, encoding="utf-8") as f:
        text = f.read()
    if MARK in text:
        text = text.replace(f"\n{MARK}\n", "")
    else:
        text += f"\n{MARK}\n"
    with open(page, "w", encoding="utf-8") as f:
        f.write(text)
    order = list(range(len(args.binaries)))
    order = order[run % len(order):] + order[:run % len(order)]
    for k in order:
        results[k].append(build(k, args.binaries[k]))
for k, binary in enumerate(args.binaries):
    wall = [w for w, _ in results[k]]
    cpu = [c for _, c in results[k]]
    print(f"{binary}: wall median {statistics.median(wall):.1f} ms "
          f"(quartiles {statistics.quantiles(wall, n=4)[0]:.1f}–{statistics.quantiles(wall, n=4)[2]:.1f}), "
          f"CPU median {statistics.median(cpu):.0f} ms, {args.runs} runs")
shutil.rmtree(args.work, ignore_errors=True)
