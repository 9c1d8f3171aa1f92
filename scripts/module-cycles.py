#!/usr/bin/env python3
"""List import cycles between the files of src/ (issue 25: the pipeline should import one way).

Each .rs file is a node; `crate::a::b` and `super::x` paths (in `use` lines and in code) are
edges to the file that defines that module. Prints each strongly connected component of more
than one file and exits 1 when there is one; `--children` also reports (and fails on) a
child file that imports its own folder's mod.rs; `--max-lines N` fails on a file longer than N
lines, except those listed in LONG_FILES with the reason; `--layers` fails on a module that
imports one from a higher layer of LAYERS (docs/architecture.md). CI runs them all (.ci/run).
"""
import pathlib
import re
import sys

SRC = pathlib.Path(__file__).resolve().parent.parent / "src"

# The layers of docs/architecture.md, bottom first: a top-level module may import only modules
# of its own layer or below.
LAYERS = [
    ["text", "lines", "timing", "fingerprint", "memory"],
    ["error", "codes", "diagnostic"],
    ["liquid", "checklist", "markdown"],
    ["site", "theme"],
    ["output", "cache"],
    ["render"],
    ["resolve"],
    ["emit", "search"],
    ["compile", "check", "serve"],
]

# Files allowed past --max-lines, each with why splitting it would not help a reader.
LONG_FILES = {}


def module_of(path):
    rel = path.relative_to(SRC).with_suffix("")
    parts = list(rel.parts)
    if parts == ["main"]:
        return ("<main>",)
    if parts[-1] in ("mod", "lib"):
        parts = parts[:-1]
    return tuple(parts)


def main():
    files = {module_of(p): p for p in SRC.rglob("*.rs")}
    path_re = re.compile(r"\b(crate|super)((?:::\w+)+)")
    group_re = re.compile(r"\b(crate|super)((?:::\w+)*)::\{([^}]*)\}", re.S)
    edges = {m: set() for m in files}

    def resolve(start, segments):
        best = None
        for i in range(len(segments) + 1):
            cand = tuple(start) + tuple(segments[:i])
            if cand in files:
                best = cand
        return best

    for mod, path in files.items():
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"//[^\n]*", "", text)
        refs = []
        for m in group_re.finditer(text):
            base = [s for s in m.group(2).split("::") if s]
            for item in m.group(3).split(","):
                item = item.strip().split(" as ")[0]
                segs = [s for s in item.split("::") if s and s != "self"]
                refs.append((m.group(1), base + segs))
        for m in path_re.finditer(text):
            refs.append((m.group(1), [s for s in m.group(2).split("::") if s]))
        # A module that declares a child and names its items (`guard::check`) imports it.
        here = mod if path.name in ("mod.rs", "lib.rs") else mod
        for child in re.findall(r"^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;", text, re.M):
            if re.search(r"(?<![:\w])" + child + r"::", text):
                target = resolve(here, [child])
                if target is not None and target != mod:
                    edges[mod].add(target)
        for root, segs in refs:
            if root == "crate":
                start = ()
            else:
                start = mod[:-1]
                while segs and segs[0] == "super":
                    start, segs = start[:-1], segs[1:]
            target = resolve(start, segs)
            # lib.rs only declares the modules; an edge to it is not an import.
            if target is not None and target not in (mod, ()):
                edges[mod].add(target)

    # Tarjan's strongly connected components.
    index, low, stack, on, comps = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            comps.append(comp)

    sys.setrecursionlimit(10000)
    for v in sorted(files):
        if v not in index:
            visit(v)
    name = lambda m: str(files[m].relative_to(SRC.parent))
    bad = 0
    for comp in comps:
        if len(comp) > 1:
            bad += 1
            print(f"cycle of {len(comp)} files: " + ", ".join(sorted(name(m) for m in comp)))
    if "--children" in sys.argv:
        for mod, path in sorted(files.items()):
            if path.name != "mod.rs" and len(mod) > 1 and mod[:-1] in edges[mod]:
                bad += 1
                print(f"child imports its mod.rs: {name(mod)} -> {name(mod[:-1])}")
    if "--max-lines" in sys.argv:
        limit = int(sys.argv[sys.argv.index("--max-lines") + 1])
        for mod, path in sorted(files.items()):
            count = len(path.read_text(encoding="utf-8").splitlines())
            if count > limit and name(mod) not in LONG_FILES:
                bad += 1
                print(f"{name(mod)}: {count} lines (over {limit})")
    if "--layers" in sys.argv:
        level = {m: i for i, names in enumerate(LAYERS) for m in names}
        for mod in sorted(files):
            if not mod or mod[0] == "<main>":
                continue
            if mod[0] not in level:
                bad += 1
                print(f"{name(mod)}: module `{mod[0]}` is in no layer of LAYERS")
                continue
            for target in sorted(edges[mod]):
                if target[0] in level and level[target[0]] > level[mod[0]]:
                    bad += 1
                    print(f"{name(mod)} imports {name(target)}, a higher layer")
    print(f"{len(files)} files, {bad} problem(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
