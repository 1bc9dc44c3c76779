#!/usr/bin/env python3
"""The gomme performance benchmark (issue 10). Run it through `scripts/bench/run`.

For each home (fixture ×1, ×10, ×100, ×1000, 20 profiles, 50 accounts) it measures, in one
session, with hyperfine: `gomme clean --dry-run`, `gomme clean`, BleachBit and the floor (each
destructive run on a fresh copy restored by hyperfine's --prepare); then, on one more fresh
copy per tool, the peak memory (GNU time %M) and what the tool left behind (the trace scanner,
`examples/scan.rs`, with the fixture's manifest). Results go to target/bench/results.{md,json}.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import scale  # noqa: E402

MANIFEST = os.path.join(REPO, "fixtures", "manifest.json")
BLEACHBIT_OPTIONS = ["firefox.*", "chromium.*"]

# name, kind, parameter, hyperfine runs (gomme dry-run, gomme clean, bleachbit, floor)
HOMES = [
    ("x1", "home", 1, 20),
    ("x10", "home", 10, 10),
    ("x100", "home", 100, 10),
    ("x1000", "home", 1000, 5),
    ("profiles20", "profiles", 20, 10),
    ("accounts50", "machine", 50, 3),
]

LABELS = {
    "x1": "×1 (the fixture)",
    "x10": "×10",
    "x100": "×100",
    "x1000": "×1000 (heavy user)",
    "profiles20": "20 profiles (×1 each)",
    "accounts50": "50 accounts (×1 each)",
}

TOOLS = ["gomme-dry-run", "gomme-clean", "bleachbit", "floor"]


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def sh(cmd, **kw):
    return subprocess.run(cmd, shell=isinstance(cmd, str), check=True, **kw)


class Home:
    def __init__(self, root, name, kind, param, runs):
        self.name, self.kind, self.param, self.runs = name, kind, param, runs
        self.dir = os.path.join(root, name)
        self.pristine = os.path.join(self.dir, "pristine")
        self.work = os.path.join(self.dir, "work")
        self.floor_list = os.path.join(self.dir, "floor.list")

    def build(self):
        if self.kind == "home":
            scale.build_home(self.pristine, self.param, self.work)
        elif self.kind == "profiles":
            scale.build_profiles(self.pristine, self.param, self.work)
        else:
            scale.build_machine(self.pristine, self.param, self.work)

    def homes(self):
        """The home folders cleaned (one, or one per account)."""
        if self.kind == "machine":
            return [os.path.join(self.work, os.path.relpath(h, self.pristine))
                    for h in scale.machine_homes(self.pristine)]
        return [self.work]

    def restore_cmd(self):
        w, p = shlex.quote(self.work), shlex.quote(self.pristine)
        # sync: what the copy wrote must not be flushed during the measured run.
        return f"rm -rf {w} && cp -a {p} {w} && sync"

    def restore(self):
        sh(self.restore_cmd())

    def commands(self, gomme, floor, all_users):
        homes = " ".join(f"--home {shlex.quote(h)}" for h in self.homes())
        opts = " ".join(shlex.quote(o) for o in BLEACHBIT_OPTIONS)
        g = shlex.quote(gomme)
        if self.kind == "machine":
            if all_users:
                # The machine's accounts from its etc/passwd, under an injected root.
                g = f"GOMME_SYSROOT={shlex.quote(self.work)} {g}"
                homes = "--all-users"
            # BleachBit cleans the account HOME points to: once per account.
            bb = (f"for h in {shlex.quote(self.work)}/home/user*; do "
                  f"HOME=\"$h\" bleachbit --clean {opts}; done")
        else:
            bb = f"HOME={shlex.quote(self.work)} bleachbit --clean {opts}"
        return {
            "gomme-dry-run": f"{g} clean --dry-run {homes}",
            "gomme-clean": f"{g} clean {homes}",
            "bleachbit": bb,
            "floor": f"{shlex.quote(floor)} {shlex.quote(self.floor_list)}",
        }


# --- The floor's work list: what a gomme clean changed --------------------------------------


def snapshot(root):
    """Every file, link and folder under root: path -> (kind, size, mtime_ns, inode)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            st = os.lstat(p)
            kind = "d" if os.path.isdir(p) and not os.path.islink(p) else "f"
            out[p] = (kind, st.st_size, st.st_mtime_ns, st.st_ino)
    return out


def is_sqlite(path):
    try:
        with open(path, "rb") as f:
            return f.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def open_copy(path, tmp, tag):
    """A read-only look at a database as it is (its WAL included), through a scratch copy."""
    copy = os.path.join(tmp, tag)
    shutil.copyfile(path, copy)
    if os.path.exists(path + "-wal"):
        shutil.copyfile(path + "-wal", copy + "-wal")
    return sqlite3.connect(copy)


def ranges(ids):
    out = []
    for i in ids:
        if out and i == out[-1][1] + 1:
            out[-1][1] = i
        else:
            out.append([i, i])
    return out


def deleted_rows(before_db, after_db, tmp):
    """SQL deleting, by rowid, the rows that are in `before_db` and not in `after_db`."""
    before = open_copy(before_db, tmp, "before")
    after = open_copy(after_db, tmp, "after")
    sql = []
    try:
        tables = [r[0] for r in before.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        after_tables = {r[0] for r in after.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        for t in tables:
            q = '"' + t.replace('"', '""') + '"'
            if t not in after_tables:
                continue
            try:
                ids_before = [r[0] for r in before.execute(f"SELECT rowid FROM {q} ORDER BY rowid")]
                ids_after = {r[0] for r in after.execute(f"SELECT rowid FROM {q}")}
            except sqlite3.OperationalError:  # WITHOUT ROWID: only "emptied" is replayed
                n_before = before.execute(f"SELECT count(*) FROM {q}").fetchone()[0]
                n_after = after.execute(f"SELECT count(*) FROM {q}").fetchone()[0]
                if n_before and not n_after:
                    sql.append(f"DELETE FROM {q}")
                continue
            gone = [i for i in ids_before if i not in ids_after]
            if not gone:
                continue
            if not ids_after:
                sql.append(f"DELETE FROM {q}")
                continue
            spans = ranges(gone)
            if len(spans) <= 200:
                cond = " OR ".join(f"rowid BETWEEN {a} AND {b}" for a, b in spans)
            else:
                cond = "rowid IN (" + ",".join(map(str, gone)) + ")"
            sql.append(f"DELETE FROM {q} WHERE {cond}")
    finally:
        before.close()
        after.close()
        for name in os.listdir(tmp):
            os.remove(os.path.join(tmp, name))
    return sql


def make_floor_list(home, clean_cmd, env):
    """Runs gomme clean once on a fresh copy and lists what it changed: deleted files and
    folders, changed databases (with the rows that went), rewritten files."""
    home.restore()
    before = snapshot(home.work)
    sh(clean_cmd, env=env, stdout=subprocess.DEVNULL)
    after = snapshot(home.work)
    vacuum, files, dirs, rewrite = [], [], [], []
    for p, (kind, size, mtime, ino) in before.items():
        if kind == "d":
            if p not in after:
                dirs.append(p)
            continue
        if p not in after:
            files.append(p)
        elif after[p] != (kind, size, mtime, ino):
            if is_sqlite(p):
                vacuum.append(p)
            elif not re.search(r"-(wal|journal|shm)$", p):
                rewrite.append(p)
    sidecars = {db + s for db in vacuum for s in ("-wal", "-journal", "-shm")}
    files = [f for f in files if f not in sidecars]
    dirs.sort(key=lambda d: -d.count(os.sep))  # deepest first
    rows = 0
    scratch = os.path.join(home.dir, "scratch")
    os.makedirs(scratch, exist_ok=True)
    with open(home.floor_list, "w") as f:
        for db in sorted(vacuum):
            pristine = os.path.join(home.pristine, os.path.relpath(db, home.work))
            f.write(f"V {db}\n")
            for q in deleted_rows(pristine, db, scratch):
                rows += 1
                f.write(f"Q {q}\n")
        for op, paths in (("R", sorted(rewrite)), ("F", sorted(files)), ("D", dirs)):
            for p in paths:
                f.write(f"{op} {p}\n")
    shutil.rmtree(scratch, ignore_errors=True)
    return {"vacuum": len(vacuum), "deletes": rows, "rewrite": len(rewrite),
            "files": len(files), "dirs": len(dirs)}


# --- Residue --------------------------------------------------------------------------------


def load_markers():
    with open(MANIFEST) as f:
        return {m["token"]: m for m in json.load(f)["markers"]}


def place(rel):
    """Where a finding is, for counting: the profile (or user-data) folder it is in, whatever
    the file; a downloaded file is its own place."""
    parts = rel.split(os.sep)
    for i, part in enumerate(parts[:-1]):
        if part in ("firefox", "chromium") and i + 1 < len(parts) - 1:
            return part + "/" + parts[i + 1]
    return rel


def findings(home, scan_bin):
    """(home, token, place) -> set of states ("Live", "Leftover"), from the trace scanner."""
    found = {}
    for h in home.homes():
        out = subprocess.run([scan_bin, h, MANIFEST, "--details"], check=True,
                             capture_output=True, text=True).stdout
        token = None
        for line in out.splitlines():
            m = re.match(r"^(gmk[a-z0-9]+) \[", line)
            if m:
                token = m.group(1)
                continue
            m = re.match(r"^\s+(Live|Leftover) (.*) \([^()]*\)$", line)
            if m and token:
                found.setdefault((h, token, place(m.group(2))), set()).add(m.group(1))
    return found


PROFILE_PLACE = re.compile(r"^(firefox/[^/]+\.[^/]+|chromium/(Default|Profile \d+|Guest Profile))$")


def residue(before, after, markers):
    """What a tool left: of the (marker, place) pairs present before, the trace markers still
    found (live, or only as leftovers in free pages, WAL frames, journals…) and the kept data
    (bookmarks, settings) no longer live. A place is a profile, or a downloaded file; so a
    marker left in 3 of 20 copied profiles counts 3. Neither tool is given a cookie keep list,
    so the keep-domain cookies count as traces."""
    r = {"traces_planted": 0, "traces_live": 0, "traces_leftover_only": 0,
         "keepers_planted": 0, "keepers_lost": 0, "by_category": {}}
    for key, states in before.items():
        m = markers.get(key[1])
        if m is None:
            continue
        now = after.get(key, set())
        if m.get("keep"):
            # Kept data is looked for in the profiles themselves: a bookmarked page's visit in
            # a user-data-wide history store (Chromium's ukm_db) is history, and goes.
            if not PROFILE_PLACE.match(key[2]):
                continue
            if "Live" in states:
                r["keepers_planted"] += 1
                if "Live" not in now:
                    r["keepers_lost"] += 1
            continue
        r["traces_planted"] += 1
        if now:
            r["by_category"][m["category"]] = r["by_category"].get(m["category"], 0) + 1
            if "Live" in now:
                r["traces_live"] += 1
            else:
                r["traces_leftover_only"] += 1
    r["traces_left"] = r["traces_live"] + r["traces_leftover_only"]
    return r


# --- Measuring ------------------------------------------------------------------------------


def hyperfine(home, tool, cmd, runs, raw_dir, env):
    out = os.path.join(raw_dir, f"{home.name}-{tool}.json")
    args = ["hyperfine", "--style", "basic", "--runs", str(runs), "--export-json", out]
    if tool == "gomme-dry-run":
        home.restore()
        args += ["--warmup", "2"]
    else:
        args += ["--prepare", home.restore_cmd()]
    if tool == "bleachbit":
        args += ["--ignore-failure"]
    sh(args + [cmd], env=env, stdout=sys.stderr)
    with open(out) as f:
        r = json.load(f)["results"][0]
    return {"mean": r["mean"], "stddev": r["stddev"] or 0.0, "median": r["median"],
            "min": r["min"], "max": r["max"], "user": r["user"], "system": r["system"],
            "runs": len(r["times"])}


# Homes whose already-clean state is measured too: a public PC is cleaned at every logoff, most
# often with little to remove.
CLEAN_HOME = ("x1", "x100")


def clean_home(home, cmds, runs, raw_dir, env):
    """`gomme clean` and `gomme audit` of the home once cleaned: a clean that finds nothing
    writes nothing, and must cost no more than 1.5 times the audit."""
    home.restore()
    sh(cmds["gomme-clean"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out = {}
    for tool, cmd in (("clean", cmds["gomme-clean"]),
                      ("audit", cmds["gomme-clean"].replace(" clean ", " audit ", 1))):
        path = os.path.join(raw_dir, f"{home.name}-clean-home-{tool}.json")
        args = ["hyperfine", "--style", "basic", "--runs", str(runs), "--warmup", "2",
                "--export-json", path, cmd]
        sh(args, env=env, stdout=sys.stderr)
        with open(path) as f:
            r = json.load(f)["results"][0]
        out[tool] = {"mean": r["mean"], "stddev": r["stddev"] or 0.0,
                     "user": r["user"], "system": r["system"]}
    return out


def one_run(home, cmd, env, raw_dir, tool):
    """One more run on a fresh copy, under GNU time: peak memory and exit status."""
    home.restore()
    tfile = os.path.join(raw_dir, f"{home.name}-{tool}.time")
    logf = os.path.join(raw_dir, f"{home.name}-{tool}.log")
    with open(logf, "w") as lf:
        p = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", tfile, "sh", "-c", cmd],
                           env=env, stdout=lf, stderr=subprocess.STDOUT)
    with open(tfile) as f:
        line = f.read().strip().splitlines()[-1]
    elapsed, rss = line.split()
    return {"exit": p.returncode, "max_rss_kib": int(rss), "elapsed": float(elapsed)}


def env_info(gomme):
    def out(cmd):
        try:
            return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
        except OSError:
            return ""
    cpu = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": out(f"git -C {shlex.quote(REPO)} describe --always --dirty"),
        "gomme": out(f"{shlex.quote(gomme)} --version"),
        "bleachbit": out("dpkg-query -W -f '${Version}' bleachbit"),
        "hyperfine": out("hyperfine --version"),
        "kernel": platform.release(),
        "cpu": f"{cpu}, {os.cpu_count()} cores",
        "os": out(". /etc/os-release && echo $PRETTY_NAME"),
    }


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


# --- Report ---------------------------------------------------------------------------------


def fmt_time(s):
    if s is None:
        return "—"
    if abs(s) < 0.01:
        return f"{s * 1000:.1f} ms"
    return f"{s * 1000:.0f} ms" if abs(s) < 1 else f"{s:.2f} s"


def fmt_home(st):
    mb = st["bytes"] / 1e6
    return (f"{st['profiles']} profiles, {st['visits']:,} visits, {st['cookies']:,} cookies, "
            f"{st['downloads']:,} downloads, {st['cache_entries']:,} cache entries, "
            f"{st['site_origins']:,} site origins; {st['files']:,} files, {mb:.0f} MB")


def verdicts(results):
    v = []
    by = {h["name"]: h for h in results["homes"]}

    def t(name, tool):
        return by[name]["tools"][tool]["time"]["mean"] if name in by else None

    worst_bb = max((h["tools"]["gomme-clean"]["time"]["mean"] / h["tools"]["bleachbit"]["time"]["mean"], h["name"])
                   for h in results["homes"])
    best_floor_bb = min(h["tools"]["floor"]["time"]["mean"] / h["tools"]["bleachbit"]["time"]["mean"]
                        for h in results["homes"])
    v.append(("`gomme clean` ≥ 10× faster than BleachBit at every size (gomme ÷ BleachBit ≤ 0.10)",
              worst_bb[0] <= 0.1,
              f"worst: {worst_bb[0]:.2f} ({LABELS[worst_bb[1]]}); even the floor is at "
              f"{best_floor_bb:.2f} at best"))
    worst_floor = max((h["tools"]["gomme-clean"]["time"]["mean"] / h["tools"]["floor"]["time"]["mean"], h["name"])
                      for h in results["homes"])
    v.append(("`gomme clean` within 1.5× of the floor",
              worst_floor[0] <= 1.5,
              f"worst: {worst_floor[0]:.2f}× the floor ({LABELS[worst_floor[1]]})"))
    if "x1" in by:
        d = t("x1", "gomme-dry-run")
        v.append(("`--dry-run` on ×1 under 100 ms", d < 0.1, f"{fmt_time(d)}"))
    sizes = {n: f for n, f in (("x1", 1), ("x10", 10), ("x100", 100), ("x1000", 1000)) if n in by}
    if {"x1", "x100", "x1000"} <= set(sizes):
        for tool in ("gomme-clean", "gomme-dry-run"):
            # CPU time (user+sys): other load on the machine disturbs it far less than wall time.
            def cpu(name):
                tm = by[name]["tools"][tool]["time"]
                return tm["user"] + tm["system"]
            low = (cpu("x100") - cpu("x1")) / 99
            high = (cpu("x1000") - cpu("x100")) / 900
            ok = high <= 1.5 * max(low, 1e-5)
            label = "gomme clean --dry-run" if tool == "gomme-dry-run" else "gomme clean"
            v.append((f"`{label}` time grows at most linearly", ok,
                      f"CPU time per extra ×1 of data: {fmt_time(low)} from ×1 to ×100, "
                      f"{fmt_time(high)} from ×100 to ×1000"))
    if "x100" in by:
        rss = by["x100"]["tools"]["gomme-clean"]["max_rss_kib"]
        rss_d = by["x100"]["tools"]["gomme-dry-run"]["max_rss_kib"]
        m = max(rss, rss_d) / 1024
        v.append(("peak memory under 64 MiB at ×100", m < 64, f"{m:.1f} MiB"))
    again = [(h["clean_home"]["clean"]["mean"] / h["clean_home"]["audit"]["mean"], h["name"])
             for h in results["homes"] if "clean_home" in h]
    if again:
        worst = max(again)
        v.append(("a clean of a clean home costs at most 1.5× an audit of it", worst[0] <= 1.5,
                  f"worst: {worst[0]:.2f}× ({LABELS[worst[1]]})"))
    left = [(h["name"], h["tools"]["gomme-clean"]["residue"]) for h in results["homes"]]
    bad = [(n, r) for n, r in left if r["traces_left"] or r["keepers_lost"]]
    v.append(("`gomme clean` leaves no marker and keeps bookmarks/settings", not bad,
              "none left anywhere" if not bad else
              "; ".join(f"{LABELS[n]}: {r['traces_left']} left, {r['keepers_lost']} kept lost" for n, r in bad)))
    return v


def markdown(results, command):
    e = results["env"]
    lines = []
    lines.append(f"Measured {e['date']} on {e['os']}, {e['cpu']}, kernel {e['kernel']}; "
                 f"gomme `{e['commit']}`, BleachBit {e['bleachbit']} (Debian), {e['hyperfine']}. "
                 f"Homes on {results['storage']}. Load average before/after: "
                 f"{results['load_before']} / {results['load_after']}.")
    lines.append("")
    lines.append("| Home | Tool | Mean ± σ | CPU (user+sys) | gomme clean ÷ BleachBit | gomme clean ÷ floor | Max RSS | Traces left | Kept data lost |")
    lines.append("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    names = {"gomme-dry-run": "`gomme clean --dry-run`", "gomme-clean": "`gomme clean`",
             "bleachbit": "BleachBit", "floor": "floor"}
    for h in results["homes"]:
        g = h["tools"]["gomme-clean"]["time"]["mean"]
        for i, tool in enumerate(TOOLS):
            r = h["tools"][tool]
            tm = r["time"]
            vs_bb = vs_floor = ""
            if tool == "gomme-clean":
                vs_bb = f"{g / h['tools']['bleachbit']['time']['mean']:.2f}"
                vs_floor = f"{g / h['tools']['floor']['time']['mean']:.2f}"
            if tool == "gomme-dry-run":
                left = "(removes nothing)"
                lost = ""
            else:
                res = r["residue"]
                left = f"{res['traces_left']:,} / {res['traces_planted']:,}"
                if res["traces_leftover_only"]:
                    left += f" ({res['traces_leftover_only']} leftover-only)"
                lost = f"{res['keepers_lost']} / {res['keepers_planted']}"
            home_cell = f"**{LABELS[h['name']]}**" if i == 0 else ""
            lines.append(
                f"| {home_cell} | {names[tool]} | {fmt_time(tm['mean'])} ± {fmt_time(tm['stddev'])} "
                f"| {fmt_time(tm['user'] + tm['system'])} | {vs_bb} | {vs_floor} "
                f"| {r['max_rss_kib'] / 1024:.1f} MiB | {left} | {lost} |")
    again = [h for h in results["homes"] if "clean_home" in h]
    if again:
        lines.append("")
        lines.append("The same homes once cleaned (a logoff with nothing left to remove):")
        lines.append("")
        lines.append("| Home | `gomme clean` | `gomme audit` | clean ÷ audit |")
        lines.append("|---|---:|---:|---:|")
        for h in again:
            c, a = h["clean_home"]["clean"], h["clean_home"]["audit"]
            lines.append(f"| {LABELS[h['name']]} | {fmt_time(c['mean'])} ± {fmt_time(c['stddev'])} "
                         f"| {fmt_time(a['mean'])} ± {fmt_time(a['stddev'])} "
                         f"| {c['mean'] / a['mean']:.2f} |")
    lines.append("")
    lines.append("Homes (counts are what the home holds before cleaning):")
    lines.append("")
    for h in results["homes"]:
        f = h["floor_work"]
        lines.append(f"- **{LABELS[h['name']]}**: {fmt_home(h['stats'])}. Floor work: "
                     f"{f['files']:,} files and {f['dirs']:,} folders deleted, {f['deletes']} row deletes in "
                     f"{f['vacuum']} databases then vacuumed, {f['rewrite']} files rewritten. "
                     f"Runs: {h['runs']}."
                     + (f" gomme gets the accounts through {results['accounts_via']}; BleachBit, "
                        f"which cleans one account per run, runs once per account with `HOME` set."
                        if h["name"] == "accounts50" else ""))
    lines.append("")
    lines.append("| Target | Met | Measured |")
    lines.append("|---|---|---|")
    for name, ok, detail in results["verdicts"]:
        lines.append(f"| {name} | {'yes' if ok else '**no**'} | {detail} |")
    lines.append("")
    lines.append(f"Produced by `{command}`.")
    return "\n".join(lines) + "\n"


# --- Main -----------------------------------------------------------------------------------


def render(out):
    """Writes results.md again from results.json (after a change of the report's layout)."""
    with open(os.path.join(out, "results.json")) as f:
        results = json.load(f)
    results["verdicts"] = verdicts(results)
    md = markdown(results, results.get("command", "scripts/bench/run"))
    with open(os.path.join(out, "results.md"), "w") as f:
        f.write(md)
    print(md)


def main():
    if sys.argv[1:2] == ["--render"]:
        return render(sys.argv[2])
    ap = argparse.ArgumentParser()
    ap.add_argument("--gomme", required=True)
    ap.add_argument("--scan", required=True)
    ap.add_argument("--floor", required=True)
    ap.add_argument("--homes-dir", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--only", help="comma-separated home names")
    ap.add_argument("--runs-scale", type=float, default=1.0)
    ap.add_argument("--storage", default="")
    ap.add_argument("--command", default="scripts/bench/run")
    ap.add_argument("--commit", default="")
    a = ap.parse_args()

    os.makedirs(a.out, exist_ok=True)
    raw = os.path.join(a.out, "raw")
    os.makedirs(raw, exist_ok=True)
    tmp = os.path.join(a.homes_dir, "tmp")
    os.makedirs(tmp, exist_ok=True)
    env = dict(os.environ, LANG="C.UTF-8", TMPDIR=tmp)
    for k in ("LC_ALL", "LC_MESSAGES", "GOMME_LANG", "GOMME_LOG", "GOMME_KEEP_COOKIES"):
        env.pop(k, None)
    markers = load_markers()
    only = set(a.only.split(",")) if a.only else None
    help_text = subprocess.run([a.gomme, "clean", "--help"], capture_output=True, text=True).stdout
    all_users = "--all-users" in help_text

    info = env_info(a.gomme)
    if a.commit:
        info["commit"] = a.commit
    results = {"env": info, "storage": a.storage or a.homes_dir,
               "accounts_via": "--all-users (GOMME_SYSROOT)" if all_users else "50 --home",
               "load_before": loadavg(), "homes": []}
    for name, kind, param, runs in HOMES:
        if only and name not in only:
            continue
        runs = max(2, round(runs * a.runs_scale))
        home = Home(a.homes_dir, name, kind, param, runs)
        log(f"{name}: building")
        home.build()
        stats = scale.stats(home.pristine)
        log(f"{name}: {fmt_home(stats)}")
        home.restore()
        before = findings(home, a.scan)
        cmds = home.commands(a.gomme, a.floor, all_users)
        floor_work = make_floor_list(home, cmds["gomme-clean"], env)
        entry = {"name": name, "runs": runs, "stats": stats, "floor_work": floor_work,
                 "commands": cmds, "tools": {}}
        for tool in TOOLS:
            log(f"{name}: {tool}: hyperfine, {runs} runs")
            timing = hyperfine(home, tool, cmds[tool], runs, raw, env)
            once = one_run(home, cmds[tool], env, raw, tool)
            res = (residue(before, findings(home, a.scan), markers)
                   if tool != "gomme-dry-run" else None)
            entry["tools"][tool] = {"time": timing, "max_rss_kib": once["max_rss_kib"],
                                    "exit": once["exit"], "residue": res,
                                    "elapsed_once": once["elapsed"]}
            log(f"{name}: {tool}: {fmt_time(timing['mean'])} ± {fmt_time(timing['stddev'])}, "
                f"{once['max_rss_kib'] / 1024:.1f} MiB, exit {once['exit']}"
                + (f", traces left {res['traces_left']}, kept lost {res['keepers_lost']}" if res else ""))
        if name in CLEAN_HOME:
            log(f"{name}: the home once cleaned: clean and audit, {runs} runs each")
            entry["clean_home"] = clean_home(home, cmds, runs, raw, env)
        results["homes"].append(entry)
        shutil.rmtree(home.work, ignore_errors=True)
        shutil.rmtree(home.pristine, ignore_errors=True)
    results["load_after"] = loadavg()
    results["verdicts"] = [(n, ok, d) for n, ok, d in verdicts(results)] if results["homes"] else []
    results["command"] = a.command
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1, ensure_ascii=False)
    md = markdown(results, a.command)
    with open(os.path.join(a.out, "results.md"), "w") as f:
        f.write(md)
    print(md)


if __name__ == "__main__":
    main()
