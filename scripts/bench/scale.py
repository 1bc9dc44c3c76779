#!/usr/bin/env python3
"""Builds the benchmark homes from the real-browser fixture (fixtures/home).

Every home starts as a copy of the fixture. Scaling replicates rows the real browsers wrote,
inside the real databases, and files they wrote, under new names; nothing is invented:

- Firefox `places.sqlite`: copies of the pages no bookmark references (`foreign_count = 0`),
  with a changed URL suffix, a fresh unique `guid` and the `url_hash` Firefox itself would
  compute, plus their visits (older dates) and their download annotations (`moz_annos`);
  each copied download record names a copy of the downloaded file in `~/Downloads`.
- Firefox `cookies.sqlite`: copies of every cookie with a changed name.
- Chromium `History`: copies of the URLs that no bookmark names, their visits and the
  per-visit `content_annotations`/`context_annotations`/`visited_links` rows; copies of the
  `downloads` (+ `downloads_url_chains`) rows naming copies of the downloaded file.
- Chromium `Cookies`: copies of every cookie with a changed name.
- Cache: copies of the cache entries under new names (Firefox `cache2/entries/<SHA1>`,
  Chromium `Cache/Cache_Data/<hex>_0`).
- Site data: copies of each site's storage under new origin names (Firefox
  `storage/default/<origin>`, Chromium `IndexedDB/<origin>.indexeddb.leveldb`).

A factor N gives N times the fixture's rows/entries of those kinds (N-1 copies of each). The
planted marker rows are kept (and copied), so what a cleaner leaves is still measurable with
the fixture's manifest.

Databases the browser left with a write-ahead log keep one: they are changed the way the
browser would (`wal_autocheckpoint` of 512 KiB, Firefox's own) and closed without the final
checkpoint a plain SQLite connection does, so an un-checkpointed WAL stays un-checkpointed.
Rollback-journal databases (Chromium) keep their empty `-journal` (`journal_mode=TRUNCATE`).

Download records hold absolute paths: they are rewritten to name the files of the home *at
the path it will be cleaned at* (`--records-home`), as the browsers would have written them.

Usage:
  scale.py home     --out DIR --factor N [--records-home PATH]
  scale.py profiles --out DIR --count 20 [--records-home PATH]
  scale.py machine  --out DIR --accounts 50 [--records-root PATH]
  scale.py stats    DIR        (prints the home's counts as JSON)
"""

import argparse
import configparser
import json
import os
import random
import re
import shutil
import sqlite3
import string
import sys
import tempfile
import traceback
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
FIXTURE = os.path.join(REPO, "fixtures", "home")
MANIFEST = os.path.join(REPO, "fixtures", "manifest.json")

# Deterministic names and GUIDs: the same command builds the same homes.
RNG = random.Random(20261123)

HOUR_US = 3600 * 1_000_000


def generated_home():
    with open(MANIFEST) as f:
        return json.load(f)["generated_home"]


# --- SQLite helpers -------------------------------------------------------------------------


def modify_db(path, change):
    """Runs `change(con)` on the database at `path`, keeping its journal state as the browser
    left it (see the module doc)."""
    if os.path.exists(path + "-wal"):
        # A plain close would checkpoint the WAL into the database and delete it. A child that
        # leaves with os._exit never closes, so the WAL stays as a browser killed at logoff
        # leaves it; its -shm (an index SQLite rebuilds) is removed like the fixture has none.
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                con = sqlite3.connect(path, isolation_level=None)
                con.execute("PRAGMA synchronous=OFF")
                # Firefox checkpoints every 512 KiB of WAL (16 pages of 32 KiB).
                con.execute("PRAGMA wal_autocheckpoint=16")
                change(con)
            except BaseException:
                traceback.print_exc()
                code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        if status != 0:
            sys.exit(f"scale: changing {path} failed")
        shm = path + "-shm"
        if os.path.exists(shm):
            os.remove(shm)
    else:
        had_journal = os.path.exists(path + "-journal")
        con = sqlite3.connect(path, isolation_level=None)
        con.execute("PRAGMA synchronous=OFF")
        if had_journal:
            con.execute("PRAGMA journal_mode=TRUNCATE")
        change(con)
        con.close()


def columns(con, table):
    return [r[1] for r in con.execute(f'PRAGMA table_info("{table}")')]


def has_table(con, table):
    return (
        con.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (table,)
        ).fetchone()
        is not None
    )


def insert(con, table, cols, row):
    names = ", ".join(f'"{c}"' for c in cols)
    marks = ", ".join("?" for _ in cols)
    cur = con.execute(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', [row[c] for c in cols])
    return cur.lastrowid


def rows(con, sql, args=()):
    cur = con.execute(sql, args)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def count(path, sql):
    """Counts on a scratch copy (database and WAL), so the home is not touched."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "db")
        shutil.copyfile(path, copy)
        if os.path.exists(path + "-wal"):
            shutil.copyfile(path + "-wal", copy + "-wal")
        con = sqlite3.connect(copy)
        try:
            return con.execute(sql).fetchone()[0]
        except sqlite3.Error:
            return 0
        finally:
            con.close()


# --- Firefox --------------------------------------------------------------------------------


def moz_hash_string(text):
    h = 0
    for c in text.encode("utf-8"):
        h = (0x9E3779B9 * ((((h << 5) | (h >> 27)) & 0xFFFFFFFF) ^ c)) & 0xFFFFFFFF
    return h


def moz_url_hash(url):
    """Places' `hash(url)`: 16 bits of the scheme's hash, then 32 bits of the URL's."""
    colon = url.find(":", 0, 50)
    prefix = moz_hash_string(url[:colon]) & 0xFFFF if colon > 0 else 0
    return (prefix << 32) + moz_hash_string(url[:1500])


GUID_CHARS = string.ascii_letters + string.digits + "-_"


def moz_guid(taken):
    while True:
        g = "".join(RNG.choice(GUID_CHARS) for _ in range(12))
        if g not in taken:
            taken.add(g)
            return g


def altered_url(url, k):
    """The URL with a suffix of its own, before any fragment."""
    base, hash_, frag = url.partition("#")
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}b={k}{hash_}{frag}"


def copy_download(home, recorded, k, style):
    """Copies the downloaded file `recorded` (an absolute path under `home`'s records path)
    to a new name in the same folder, the way the browser names a second download of the same
    file, and returns the new absolute path (as recorded) or None."""
    folder, name = os.path.split(recorded)
    stem, ext = os.path.splitext(name)
    new_name = f"{stem}({k}){ext}" if style == "firefox" else f"{stem} ({k}){ext}"
    return os.path.join(folder, new_name)


def scale_firefox(profile, cache_dir, n, home, records_home):
    old_home = generated_home()
    places = os.path.join(profile, "places.sqlite")
    if os.path.exists(places):

        def change(con):
            con.execute("BEGIN")
            con.execute(
                "UPDATE moz_annos SET content = replace(content, 'file://' || ?1, 'file://' || ?2)",
                (old_home, records_home),
            )
            con.execute("COMMIT")
            if n <= 1:
                return
            pcols = [c for c in columns(con, "moz_places") if c != "id"]
            vcols = [c for c in columns(con, "moz_historyvisits") if c != "id"]
            acols = [c for c in columns(con, "moz_annos") if c != "id"]
            guids = {r[0] for r in con.execute("SELECT guid FROM moz_places")}
            dest_attr = con.execute(
                "SELECT id FROM moz_anno_attributes WHERE name = 'downloads/destinationFileURI'"
            ).fetchone()
            dest_attr = dest_attr[0] if dest_attr else None
            pages = rows(con, "SELECT * FROM moz_places WHERE foreign_count = 0 ORDER BY id")
            visits = {}
            for v in rows(con, "SELECT * FROM moz_historyvisits ORDER BY id"):
                visits.setdefault(v["place_id"], []).append(v)
            annos = {}
            for a in rows(con, "SELECT * FROM moz_annos ORDER BY id"):
                annos.setdefault(a["place_id"], []).append(a)
            for k in range(1, n):
                shift = k * HOUR_US
                con.execute("BEGIN")
                for page in pages:
                    new = dict(page)
                    new["url"] = altered_url(page["url"], k)
                    new["url_hash"] = moz_url_hash(new["url"])
                    new["guid"] = moz_guid(guids)
                    if new.get("last_visit_date"):
                        new["last_visit_date"] -= shift
                    pid = insert(con, "moz_places", pcols, new)
                    for v in visits.get(page["id"], []):
                        nv = dict(v)
                        nv["place_id"] = pid
                        nv["from_visit"] = 0
                        nv["visit_date"] = (v["visit_date"] or 0) - shift
                        if "triggeringPlaceId" in nv:
                            nv["triggeringPlaceId"] = None
                        insert(con, "moz_historyvisits", vcols, nv)
                    for a in annos.get(page["id"], []):
                        na = dict(a)
                        na["place_id"] = pid
                        if a["anno_attribute_id"] == dest_attr and a["content"].startswith(
                            "file://" + records_home + "/"
                        ):
                            recorded = a["content"][len("file://") :]
                            new_path = copy_download(home, recorded, k, "firefox")
                            src = os.path.join(home, os.path.relpath(recorded, records_home))
                            dst = os.path.join(home, os.path.relpath(new_path, records_home))
                            if os.path.isfile(src):
                                shutil.copyfile(src, dst)
                            na["content"] = "file://" + new_path
                        insert(con, "moz_annos", acols, na)
                con.execute("COMMIT")

        modify_db(places, change)

    cookies = os.path.join(profile, "cookies.sqlite")
    if n > 1 and os.path.exists(cookies):

        def change(con):
            cols = [c for c in columns(con, "moz_cookies") if c != "id"]
            all_rows = rows(con, "SELECT * FROM moz_cookies ORDER BY id")
            con.execute("BEGIN")
            for k in range(1, n):
                for r in all_rows:
                    new = dict(r)
                    new["name"] = f"{r['name']}_{k}"
                    insert(con, "moz_cookies", cols, new)
            con.execute("COMMIT")

        modify_db(cookies, change)

    if n > 1 and cache_dir:
        entries = os.path.join(cache_dir, "cache2", "entries")
        if os.path.isdir(entries):
            originals = sorted(os.listdir(entries))
            for _ in range(1, n):
                for name in originals:
                    new = "".join(RNG.choice("0123456789ABCDEF") for _ in range(40))
                    shutil.copy2(os.path.join(entries, name), os.path.join(entries, new))

    storage = os.path.join(profile, "storage", "default")
    if n > 1 and os.path.isdir(storage):
        origins = sorted(o for o in os.listdir(storage) if not o.startswith("moz-extension+++"))
        for k in range(1, n):
            for origin in origins:
                m = re.match(r"^(https?)\+\+\+([^+]+)(\+\d+)?$", origin)
                scheme, port = (m.group(1), m.group(3) or "") if m else ("http", "")
                new = f"{scheme}+++site{k}.localhost{port}"
                shutil.copytree(os.path.join(storage, origin), os.path.join(storage, new), symlinks=True)


# --- Chromium -------------------------------------------------------------------------------


def bookmarked_urls(profile):
    urls = set()

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("url"), str):
                urls.add(node["url"])
            for child in node.get("children", []) or []:
                walk(child)
            for root in (node.get("roots") or {}).values():
                walk(root)

    for name in ("Bookmarks", "AccountBookmarks"):
        try:
            with open(os.path.join(profile, name)) as f:
                walk(json.load(f))
        except (OSError, ValueError):
            pass
    return urls


def scale_chromium(profile, cache_dir, n, home, records_home):
    old_home = generated_home()
    history = os.path.join(profile, "History")
    if os.path.exists(history):
        keep = bookmarked_urls(profile)

        def change(con):
            con.execute("BEGIN")
            con.execute(
                "UPDATE downloads SET target_path = replace(target_path, ?1, ?2), "
                "current_path = replace(current_path, ?1, ?2)",
                (old_home, records_home),
            )
            con.execute("COMMIT")
            if n <= 1:
                return
            ucols = [c for c in columns(con, "urls") if c != "id"]
            vcols = [c for c in columns(con, "visits") if c != "id"]
            urls = [u for u in rows(con, "SELECT * FROM urls ORDER BY id") if u["url"] not in keep]
            visits = {}
            for v in rows(con, "SELECT * FROM visits ORDER BY id"):
                visits.setdefault(v["url"], []).append(v)
            per_visit = {}
            for table in ("content_annotations", "context_annotations"):
                if has_table(con, table):
                    per_visit[table] = (
                        columns(con, table),
                        {r["visit_id"]: r for r in rows(con, f"SELECT * FROM {table}")},
                    )
            links = {}
            if has_table(con, "visited_links"):
                lcols = [c for c in columns(con, "visited_links") if c != "id"]
                for r in rows(con, "SELECT * FROM visited_links"):
                    links.setdefault(r["link_url_id"], []).append(r)
            dcols = columns(con, "downloads")
            ccols = columns(con, "downloads_url_chains")
            downloads = rows(con, "SELECT * FROM downloads ORDER BY id")
            chains = {}
            for r in rows(con, "SELECT * FROM downloads_url_chains ORDER BY id, chain_index"):
                chains.setdefault(r["id"], []).append(r)
            next_download = (con.execute("SELECT max(id) FROM downloads").fetchone()[0] or 0) + 1
            for k in range(1, n):
                shift = k * HOUR_US
                con.execute("BEGIN")
                for u in urls:
                    nu = dict(u)
                    nu["url"] = altered_url(u["url"], k)
                    nu["last_visit_time"] = max(0, (u["last_visit_time"] or 0) - shift)
                    uid = insert(con, "urls", ucols, nu)
                    for v in visits.get(u["id"], []):
                        nv = dict(v)
                        nv["url"] = uid
                        nv["visit_time"] = v["visit_time"] - shift
                        for c in ("from_visit", "opener_visit", "originator_visit_id",
                                  "originator_from_visit", "originator_opener_visit"):
                            if c in nv:
                                nv[c] = 0
                        vid = insert(con, "visits", vcols, nv)
                        for table, (cols, by_visit) in per_visit.items():
                            if v["id"] in by_visit:
                                nr = dict(by_visit[v["id"]])
                                nr["visit_id"] = vid
                                insert(con, table, cols, nr)
                    for link in links.get(u["id"], []):
                        nl = dict(link)
                        nl["link_url_id"] = uid
                        insert(con, "visited_links", lcols, nl)
                for d in downloads:
                    nd = dict(d)
                    nd["id"] = next_download
                    nd["guid"] = str(uuid.UUID(int=RNG.getrandbits(128), version=4))
                    for col in ("target_path", "current_path"):
                        path = d[col]
                        if path.startswith(records_home + "/"):
                            new_path = copy_download(home, path, k, "chromium")
                            src = os.path.join(home, os.path.relpath(path, records_home))
                            dst = os.path.join(home, os.path.relpath(new_path, records_home))
                            if os.path.isfile(src) and not os.path.exists(dst):
                                shutil.copyfile(src, dst)
                            nd[col] = new_path
                    insert(con, "downloads", dcols, nd)
                    for c in chains.get(d["id"], []):
                        nc = dict(c)
                        nc["id"] = next_download
                        insert(con, "downloads_url_chains", ccols, nc)
                    next_download += 1
                con.execute("COMMIT")

        modify_db(history, change)

    for cookies in (os.path.join(profile, "Network", "Cookies"), os.path.join(profile, "Cookies")):
        if n > 1 and os.path.exists(cookies):

            def change(con):
                cols = columns(con, "cookies")
                all_rows = rows(con, "SELECT * FROM cookies")
                con.execute("BEGIN")
                for k in range(1, n):
                    for r in all_rows:
                        new = dict(r)
                        new["name"] = f"{r['name']}_{k}"
                        insert(con, "cookies", cols, new)
                con.execute("COMMIT")

            modify_db(cookies, change)

    if n > 1 and cache_dir:
        data = os.path.join(cache_dir, "Cache", "Cache_Data")
        if os.path.isdir(data):
            originals = sorted(f for f in os.listdir(data) if re.match(r"^[0-9a-f]{16}_0$", f))
            for _ in range(1, n):
                for name in originals:
                    new = "".join(RNG.choice("0123456789abcdef") for _ in range(16)) + "_0"
                    shutil.copy2(os.path.join(data, name), os.path.join(data, new))

    idb = os.path.join(profile, "IndexedDB")
    if n > 1 and os.path.isdir(idb):
        stores = sorted(
            s for s in os.listdir(idb)
            if not s.startswith("chrome-extension_") and s.endswith(".indexeddb.leveldb")
        )
        for k in range(1, n):
            for store in stores:
                m = re.match(r"^(https?)_(.+)_(\d+)\.indexeddb\.leveldb$", store)
                scheme, port = (m.group(1), m.group(3)) if m else ("http", "0")
                new_origin = f"{scheme}_site{k}.localhost_{port}"
                shutil.copytree(os.path.join(idb, store),
                                os.path.join(idb, new_origin + ".indexeddb.leveldb"), symlinks=True)
                blob = store[: -len(".leveldb")] + ".blob"
                if os.path.isdir(os.path.join(idb, blob)):
                    shutil.copytree(os.path.join(idb, blob),
                                    os.path.join(idb, new_origin + ".indexeddb.blob"), symlinks=True)


# --- Homes ----------------------------------------------------------------------------------


def firefox_profiles(home):
    root = os.path.join(home, ".mozilla", "firefox")
    if not os.path.isdir(root):
        return []
    return sorted(
        os.path.join(root, d) for d in os.listdir(root)
        if os.path.isfile(os.path.join(root, d, "prefs.js"))
        or os.path.isfile(os.path.join(root, d, "places.sqlite"))
        or os.path.isfile(os.path.join(root, d, "times.json"))
    )


def chromium_profiles(home):
    root = os.path.join(home, ".config", "chromium")
    if not os.path.isdir(root):
        return []
    return sorted(
        os.path.join(root, d) for d in os.listdir(root)
        if os.path.isfile(os.path.join(root, d, "Preferences"))
    )


def firefox_cache(home, profile):
    c = os.path.join(home, ".cache", "mozilla", "firefox", os.path.basename(profile))
    return c if os.path.isdir(c) else None


def chromium_cache(home, profile):
    c = os.path.join(home, ".cache", "chromium", os.path.basename(profile))
    return c if os.path.isdir(c) else None


def fresh_copy(out):
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    shutil.copytree(FIXTURE, out, symlinks=True)


def build_home(out, factor, records_home):
    """A copy of the fixture with every replicable kind of trace times `factor`."""
    fresh_copy(out)
    records_home = os.path.abspath(records_home)
    for p in firefox_profiles(out):
        scale_firefox(p, firefox_cache(out, p), factor, out, records_home)
    for p in chromium_profiles(out):
        scale_chromium(p, chromium_cache(out, p), factor, out, records_home)


def own_downloads(profile, family, home, records_home, tag):
    """Gives a copied profile its own downloaded files: its records name copies of the files
    (`recu-<tok>[tag].txt`), as if that profile had downloaded them itself."""

    def renamed(path):
        if not path.startswith(records_home + "/"):
            return path
        stem, ext = os.path.splitext(path)
        new = f"{stem}[{tag}]{ext}"
        src = os.path.join(home, os.path.relpath(path, records_home))
        dst = os.path.join(home, os.path.relpath(new, records_home))
        if os.path.isfile(src) and not os.path.exists(dst):
            shutil.copyfile(src, dst)
        return new

    if family == "firefox":
        db = os.path.join(profile, "places.sqlite")

        def change(con):
            con.execute("BEGIN")
            for rowid, content in con.execute(
                    "SELECT a.id, a.content FROM moz_annos a JOIN moz_anno_attributes n "
                    "ON n.id = a.anno_attribute_id WHERE n.name = 'downloads/destinationFileURI'"
            ).fetchall():
                if content.startswith("file://"):
                    new = "file://" + renamed(content[len("file://"):])
                    con.execute("UPDATE moz_annos SET content = ? WHERE id = ?", (new, rowid))
            con.execute("COMMIT")
    else:
        db = os.path.join(profile, "History")

        def change(con):
            con.execute("BEGIN")
            for rowid, target, current in con.execute(
                    "SELECT id, target_path, current_path FROM downloads").fetchall():
                con.execute("UPDATE downloads SET target_path = ?, current_path = ? WHERE id = ?",
                            (renamed(target), renamed(current), rowid))
            con.execute("COMMIT")

    if os.path.exists(db):
        modify_db(db, change)


def build_profiles(out, total, records_home):
    """A home with `total` profiles: the fixture's five, plus copies of its used Firefox and
    Chromium profiles, listed in `profiles.ini` and `Local State` like the browsers list
    theirs. Half are Firefox, half Chromium."""
    build_home(out, 1, records_home)
    ff_root = os.path.join(out, ".mozilla", "firefox")
    cr_root = os.path.join(out, ".config", "chromium")
    ff = firefox_profiles(out)
    cr = chromium_profiles(out)
    want_ff = total // 2
    want_cr = total - want_ff
    # Used Firefox profiles (with places.sqlite) are the ones copied.
    ff_sources = [p for p in ff if os.path.exists(os.path.join(p, "places.sqlite"))]
    ini_path = os.path.join(ff_root, "profiles.ini")
    ini = configparser.RawConfigParser()
    ini.optionxform = str
    ini.read(ini_path)
    next_section = 1 + max(int(s[len("Profile"):]) for s in ini.sections() if s.startswith("Profile"))
    i = 0
    while len(ff) < want_ff:
        src = ff_sources[i % len(ff_sources)]
        base_name = os.path.basename(src).split(".", 1)[1]
        salt = "".join(RNG.choice(string.ascii_lowercase + string.digits) for _ in range(8))
        name = f"{base_name}{i + 2}"
        dst = os.path.join(ff_root, f"{salt}.{name}")
        shutil.copytree(src, dst, symlinks=True)
        cache = firefox_cache(out, src)
        if cache:
            shutil.copytree(cache, os.path.join(out, ".cache", "mozilla", "firefox", os.path.basename(dst)), symlinks=True)
        own_downloads(dst, "firefox", out, os.path.abspath(records_home), name)
        section = f"Profile{next_section}"
        ini[section] = {"Name": name, "IsRelative": "1", "Path": os.path.basename(dst)}
        next_section += 1
        ff.append(dst)
        i += 1
    with open(ini_path, "w") as f:
        ini.write(f, space_around_delimiters=False)

    state_path = os.path.join(cr_root, "Local State")
    with open(state_path) as f:
        state = json.load(f)
    cache_info = state["profile"]["info_cache"]
    order = state["profile"].setdefault("profiles_order", list(cache_info))
    n = 2
    i = 0
    while len(cr) < want_cr:
        while os.path.exists(os.path.join(cr_root, f"Profile {n}")):
            n += 1
        src = cr[i % 2] if len(cr) >= 2 else cr[0]
        dst = os.path.join(cr_root, f"Profile {n}")
        shutil.copytree(src, dst, symlinks=True)
        cache = chromium_cache(out, src)
        if cache:
            shutil.copytree(cache, os.path.join(out, ".cache", "chromium", f"Profile {n}"), symlinks=True)
        own_downloads(dst, "chromium", out, os.path.abspath(records_home), f"p{n}")
        info = dict(cache_info[os.path.basename(src)])
        info["name"] = f"Person {n}"
        info["metrics_bucket_index"] = n + 1
        cache_info[f"Profile {n}"] = info
        order.append(f"Profile {n}")
        cr.append(dst)
        i += 1
        n += 1
    with open(state_path, "w") as f:
        json.dump(state, f, separators=(",", ":"))


def build_machine(out, accounts, records_root):
    """A machine's root with `accounts` accounts: `etc/passwd` listing them and their homes
    `home/user01`... (each a copy of the fixture whose download records name its own files,
    as they will be under `records_root`). gomme's `--all-users` reads it through
    `GOMME_SYSROOT`."""
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(os.path.join(out, "etc"))
    lines = ["root:x:0:0:root:/root:/bin/bash", "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin"]
    for i in range(1, accounts + 1):
        name = f"user{i:02d}"
        lines.append(f"{name}:x:{1000 + i}:{1000 + i}:{name}:/home/{name}:/bin/bash")
        build_home(os.path.join(out, "home", name), 1, os.path.join(records_root, "home", name))
    with open(os.path.join(out, "etc", "passwd"), "w") as f:
        f.write("\n".join(lines) + "\n")


def machine_homes(root):
    base = os.path.join(root, "home")
    return sorted(os.path.join(base, d) for d in os.listdir(base))


def stats(home):
    """What a home holds, counted on scratch copies of its databases."""
    s = {"visits": 0, "pages": 0, "cookies": 0, "downloads": 0, "download_files": 0,
         "cache_entries": 0, "site_origins": 0, "profiles": 0, "files": 0, "bytes": 0}
    homes = [home]
    if os.path.isfile(os.path.join(home, "etc", "passwd")):
        homes = machine_homes(home)
    for h in homes:
        for p in firefox_profiles(h):
            s["profiles"] += 1
            places = os.path.join(p, "places.sqlite")
            if os.path.exists(places):
                s["visits"] += count(places, "SELECT count(*) FROM moz_historyvisits")
                s["pages"] += count(places, "SELECT count(*) FROM moz_places WHERE foreign_count = 0")
                s["downloads"] += count(places, "SELECT count(*) FROM moz_annos WHERE anno_attribute_id IN "
                                        "(SELECT id FROM moz_anno_attributes WHERE name = 'downloads/destinationFileURI')")
            cookies = os.path.join(p, "cookies.sqlite")
            if os.path.exists(cookies):
                s["cookies"] += count(cookies, "SELECT count(*) FROM moz_cookies")
            c = firefox_cache(h, p)
            if c and os.path.isdir(os.path.join(c, "cache2", "entries")):
                s["cache_entries"] += len(os.listdir(os.path.join(c, "cache2", "entries")))
            st = os.path.join(p, "storage", "default")
            if os.path.isdir(st):
                s["site_origins"] += sum(1 for o in os.listdir(st) if not o.startswith("moz-extension"))
        for p in chromium_profiles(h):
            s["profiles"] += 1
            hist = os.path.join(p, "History")
            if os.path.exists(hist):
                s["visits"] += count(hist, "SELECT count(*) FROM visits")
                s["pages"] += count(hist, "SELECT count(*) FROM urls")
                s["downloads"] += count(hist, "SELECT count(*) FROM downloads")
            for ck in (os.path.join(p, "Network", "Cookies"), os.path.join(p, "Cookies")):
                if os.path.exists(ck):
                    s["cookies"] += count(ck, "SELECT count(*) FROM cookies")
            c = chromium_cache(h, p)
            if c and os.path.isdir(os.path.join(c, "Cache", "Cache_Data")):
                s["cache_entries"] += sum(1 for f in os.listdir(os.path.join(c, "Cache", "Cache_Data"))
                                          if f.endswith("_0"))
            idb = os.path.join(p, "IndexedDB")
            if os.path.isdir(idb):
                s["site_origins"] += sum(1 for o in os.listdir(idb)
                                         if o.endswith(".indexeddb.leveldb") and not o.startswith("chrome-extension_"))
        dl = os.path.join(h, "Downloads")
        if os.path.isdir(dl):
            s["download_files"] += len(os.listdir(dl))
    for root, dirs, files in os.walk(home):
        for f in files:
            s["files"] += 1
            try:
                s["bytes"] += os.lstat(os.path.join(root, f)).st_blocks * 512
            except OSError:
                pass
    return s


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    h = sub.add_parser("home")
    h.add_argument("--out", required=True)
    h.add_argument("--factor", type=int, required=True)
    h.add_argument("--records-home")
    p = sub.add_parser("profiles")
    p.add_argument("--out", required=True)
    p.add_argument("--count", type=int, default=20)
    p.add_argument("--records-home")
    m = sub.add_parser("machine")
    m.add_argument("--out", required=True)
    m.add_argument("--accounts", type=int, default=50)
    m.add_argument("--records-root")
    s = sub.add_parser("stats")
    s.add_argument("home")
    a = ap.parse_args()
    if a.cmd == "home":
        build_home(a.out, a.factor, a.records_home or a.out)
    elif a.cmd == "profiles":
        build_profiles(a.out, a.count, a.records_home or a.out)
    elif a.cmd == "machine":
        build_machine(a.out, a.accounts, a.records_root or a.out)
    elif a.cmd == "stats":
        print(json.dumps(stats(a.home)))


if __name__ == "__main__":
    main()
