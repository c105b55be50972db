"""make bench: build the province scale on SQLite and PostgreSQL, time the key pages through gunicorn against
/healthz in the same run, time a 100k-row people import and news page extraction, print a table and write
bench/results.json.

    .venv/bin/python bench/run.py [--scale province|small] [--engines sqlite,postgresql] [--requests 300]
"""

import argparse
import datetime
import http.client
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PORT = 8765


def engine_env(engine: str, workdir: Path, scale: str) -> dict:
    # A local machine: keys generated in the engine's data dir and kept with its cached database (gongjian/keys.py).
    env = dict(
        os.environ, DJANGO_SETTINGS_MODULE="gongjian.settings", GONGJIAN_DATA_DIR=str(workdir), GONGJIAN_LOCAL="1"
    )
    if engine == "postgresql":
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database_name(scale)}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{workdir / f'bench-{scale}.sqlite3'}"
    return env


def database_name(scale: str) -> str:
    return f"gongjian_bench_{scale.replace('-', '_')}"


def manage(env, *args, check=True):
    return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=check, capture_output=True, text=True)


def psql(*args: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", *args], check=True)


def build(engine: str, env: dict, scale: str, workdir: Path) -> None:
    marker = workdir / f"built-{engine}-{scale}"
    if scale == SEARCH_SLICE:  # a copy of the province: its fixtures and later data came with it
        if not marker.exists():
            build_search_slice(engine, workdir, marker)
        manage(env, "migrate", "-v0")
        return
    if marker.exists():
        manage(env, "migrate", "-v0")  # a cached database follows the schema of the code being measured
        manage(env, "generate_cooperation", "--scale", scale, "--if-missing")  # data added after it was built
        manage(env, "generate_news", "--scale", scale, "--if-missing")
        manage(env, "generate_oversight", "--scale", scale, "--if-missing")
        subprocess.run([PYTHON, str(ROOT / "bench" / "fixtures.py")], cwd=ROOT, env=env, check=True)
        manage(env, "generate_lifecycle")  # 党费 and 发展党员 for whoever has none (the fixtures' people too)
        return
    if engine == "postgresql":
        db = f"gongjian_bench_{scale}"
        psql("-c", f"DROP DATABASE IF EXISTS {db}", "-c", f"CREATE DATABASE {db}")
    else:
        for f in workdir.glob(f"bench-{scale}.sqlite3*"):
            f.unlink()
    started = time.monotonic()
    manage(env, "migrate", "-v0")
    manage(env, "generate", "--scale", scale)
    subprocess.run([PYTHON, str(ROOT / "bench" / "fixtures.py")], cwd=ROOT, env=env, check=True)
    manage(env, "generate_lifecycle")
    if engine == "postgresql":
        psql("-d", f"gongjian_bench_{scale}", "-c", "VACUUM ANALYZE")
    else:
        manage(env, "shell", "-c", "from django.db import connection; connection.cursor().execute('ANALYZE')")
    print(f"  built {scale} on {engine} in {time.monotonic() - started:.0f} s", flush=True)
    marker.touch()


SEARCH_SLICE = "national-search"


def build_search_slice(engine: str, workdir: Path, marker: Path) -> None:
    """The province with a national-size search table (bench/search_slice.py), built from the cached province."""
    import psycopg
    from search_slice import build as build_slice

    if engine != "postgresql":
        raise SystemExit(f"--scale {SEARCH_SLICE} is measured on PostgreSQL only")
    build(engine, engine_env(engine, workdir, "province"), "province", workdir)
    build_slice(
        database_name("province"),
        database_name(SEARCH_SLICE),
        lambda db: psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{db}"),
    )
    marker.touch()


CSRF = "benchcsrfsecret0123456789abcdef0"  # 32 characters: Django compares the header with the cookie


def timed_requests(path: str, headers: dict, n: int, body: str | None = None) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    times = []
    if body is not None:
        headers = dict(headers, **{"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": CSRF})
        headers["Cookie"] = headers.get("Cookie", "") + f"; csrftoken={CSRF}"
    for i in range(n + 10):
        started = time.perf_counter()
        conn.request("GET" if body is None else "POST", path, body=body, headers=headers)
        response = conn.getresponse()
        content = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            raise SystemExit(f"{path} answered {response.status}: {content[:300]!r}")
        if i >= 10:  # warm-up
            times.append(elapsed)
    conn.close()
    return times


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def fixture_info(env: dict) -> dict:
    command = [PYTHON, str(ROOT / "bench" / "fixtures.py"), "--info"]
    return json.loads(subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout)


def start_server(env: dict, workers: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [GUNICORN, "gongjian.wsgi", "--bind", f"127.0.0.1:{PORT}", "--workers", str(workers), "--log-level", "error"],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/healthz")
            break
        except OSError:
            time.sleep(0.1)
    return server


def measure_throughput(engine: str, env: dict, clients: int, seconds: float, workers: int) -> dict:
    """gunicorn as deployed (docs/deploy.md: 2 workers per core unless told) under `clients` at once
    (bench/throughput.py)."""
    from throughput import measure

    info = fixture_info(env)
    server = start_server(env, workers)
    try:
        return {"engine": engine, "workers": workers, **measure(PORT, info, clients, seconds)}
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def measure_pages(engine: str, env: dict, scale: str, n: int, only: str = "") -> list[dict]:
    info = fixture_info(env)
    server = start_server(env, 1)
    try:
        session = {"Cookie": f"sessionid={info['session']}"}
        secretary = {"Cookie": f"sessionid={info['secretary_session']}"}
        token = {"Authorization": f"Token {info['token']}"}
        cases = [
            ("healthz", "/healthz", {}),
            ("person list, search + filter (50 rows)", f"/people/?q={info['search']}&status=formal", session),
            ("person list, pinyin initials", f"/people/?q={info['initials']}", session),
            ("organisation picker, common word (20 of many)", "/orgs/lookup/?role=20&q=党支部", session),
            ("organisation picker, initials of a common word", "/orgs/lookup/?role=20&q=dzb", session),
            ("organisation picker, no match (reads the scope)", "/orgs/lookup/?role=20&q=无此组织", session),
            ("person picker, name", f"/people/lookup/?q={info['search']}", session),
            ("party committee page (100 branches)", f"/orgs/{info['big_committee']}/", session),
            ("subtree warnings list", f"/orgs/warnings/?org={info['city']}", session),
            ("API person list page (50)", "/api/v1/people/?page_size=50", token),
            ("branch ledger page, one year", f"/activities/org/{info['ledger_branch']}/ledger/{info['ledger_year']}/",
             session),
            ("sector compliance overview", f"/activities/compliance/?org={info['sector']}", session),
            ("person attendance history", f"/activities/person/{info['busy_person']}/", session),
            ("QR check-in (POST; first writes, then replays)", "/activities/checkin/",
             {"Cookie": f"sessionid={info['member_session']}"}, f"t={quote(info['checkin_token'])}"),
            ("pairing page (1+N, with joint activities)", f"/pairings/{info['pairing']}/", session),
            ("co-construction network of a city (JSON)", f"/pairings/network/data/?org={info['city']}", session),
            ("sector co-construction statistics", "/pairings/network/", session),
            ("referral list (50 rows)", "/alliances/referrals/", session),
            ("public article page (cached)", f"/news/site/{info['site_unit']}/a/{info['article']}/", {}),
            ("public column list (20 rows)", f"/news/site/{info['site_unit']}/c/{info['column']}/", {}),
            ("public site search, common word", f"/news/site/{info['site_unit']}/search/?q={info['common_word']}", {}),
            ("public site search, several words (as in the throughput mix)",
             f"/news/site/{info['site_unit']}/search/?q={info['search_words']}", {}),
            ("public site search of the sector, common word", f"/news/site/{info['sector']}/search/?q={info['common_word']}",
             {}),
            ("public site search of the sector, two common words",
             f"/news/site/{info['sector']}/search/?q={info['common_words']}", {}),
            ("public site search of the sector, common word by date",
             f"/news/site/{info['sector']}/search/?q={info['common_word']}&order=date", {}),
            ("search articles + activities, signed in", f"/news/search/?q={info['search_words']}", session),
            ("search, common word", f"/news/search/?q={info['common_word']}", session),
            ("search, two common words", f"/news/search/?q={info['common_words']}", session),
            ("search, common word by date", f"/news/search/?q={info['common_word']}&order=date", session),
            ("search, common word, a branch secretary", f"/news/search/?q={info['common_word']}", secretary),
            ("search, common word, page 10", f"/news/search/?q={info['common_word']}&offset=180", session),
            ("sector dashboard (precomputed figures)", f"/dashboards/?org={info['sector']}", session),
            ("workbench, sector admin of the province", "/", session),
            ("workbench, unit admin (100 branches)", "/", {"Cookie": f"sessionid={info['unit_session']}"}),
            ("workbench, branch secretary", "/", {"Cookie": f"sessionid={info['secretary_session']}"}),
            ("workbench, member", "/", {"Cookie": f"sessionid={info['member_session']}"}),
            ("message centre, all (5000 messages)", "/workbench/notices/?state=all", session),
            ("dues, a branch's month (50 members)",
             f"/dues/org/{info['ledger_branch']}/{info['year']}/{info['month']}/", secretary),
            ("dues, arrears list of a committee (2,500 members)", f"/dues/arrears/?org={info['big_committee']}", session),
            ("dues, arrears of the province, 6 months", "/dues/arrears/?months=6", session),
            ("dues, the sector's yearly sums", f"/dues/?org={info['sector']}&year={info['year']}", session),
            ("发展党员, pipeline list of a committee", f"/development/?org={info['big_committee']}", session),
            ("发展党员, due this month in the province", "/development/?due=month", session),
            ("光荣在党50年 list (50 rows)", "/honours/golden/", session),
            ("survey round comparison (changed units)", f"/coverage/{info['survey']}/compare/", session),
            ("assessment results page (50 branches)", f"/honours/schemes/{info['scheme']}/results/", session),
            ("yearly ledger .docx (50 members, ~60 meetings)",
             f"/activities/org/{info['ledger_branch']}/ledger/{info['ledger_year']}/?format=docx", session),
        ]  # fmt: skip
        if only:  # /healthz stays first: every ratio is against it
            cases = [cases[0]] + [c for c in cases[1:] if any(word in c[0] for word in only.split(","))]
        results, floor = [], None
        for name, path, headers, *body in cases:
            count = 20 if "docx" in path else n
            times = timed_requests(quote(path, safe="/?=&"), headers, count, body[0] if body else None)
            p50, p95 = statistics.median(times), percentile(times, 95)
            if floor is None:
                floor = (p50, p95)
            results.append(
                {
                    "name": name,
                    "engine": engine,
                    "scale": scale,
                    "p50_ms": round(p50, 3),
                    "p95_ms": round(p95, 3),
                    "p50_ratio": round(p50 / floor[0], 2),
                    "p95_ratio": round(p95 / floor[1], 2),
                    "path": path,
                }
            )
        return results
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)


def scratch_copy(engine: str, env: dict, scale: str, workdir: Path) -> dict:
    """A throwaway copy of the built database, so that every run imports new people into the same data."""
    env = dict(env)
    if engine == "postgresql":
        source = database_name(scale)
        copy = f"{source}_import"
        psql("-c", f"DROP DATABASE IF EXISTS {copy}", "-c", f"CREATE DATABASE {copy} TEMPLATE {source}")
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{copy}"
    else:
        checkpoint = "from django.db import connection; connection.cursor().execute('PRAGMA wal_checkpoint(TRUNCATE)')"
        manage(env, "shell", "-c", checkpoint)
        copy = workdir / f"bench-{scale}-import.sqlite3"
        shutil.copyfile(workdir / f"bench-{scale}.sqlite3", copy)
        env["DATABASE_URL"] = f"sqlite:///{copy}"
    return env


def measure_import(engine: str, env: dict, rows: int, workdir: Path, scale: str) -> dict:
    env = scratch_copy(engine, env, scale, workdir)
    path = workdir / f"people-{rows}.xlsx"
    if not path.exists():
        fixture = [PYTHON, str(ROOT / "bench" / "fixtures.py"), "--import-file", str(path), "--rows", str(rows)]
        subprocess.run(fixture, cwd=ROOT, env=env, check=True)
    started = time.monotonic()
    # A child of its own so that ru_maxrss is the import's peak alone.
    code = (
        "import resource,subprocess,sys;"
        f"r=subprocess.run({[PYTHON, 'manage.py', 'import_registry', 'people', str(path), '--user', 'bench_admin']!r},"
        "capture_output=True,text=True);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss);print(r.returncode);print(r.stderr[-2000:])"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True).stdout.split(
        "\n"
    )
    elapsed = time.monotonic() - started
    if out[1].strip() != "0":
        raise SystemExit(f"import failed on {engine}: {out[2:]}")
    return {
        "engine": engine,
        "rows": rows,
        "seconds": round(elapsed, 1),
        "rows_per_s": round(rows / elapsed),
        "peak_rss_mb": round(int(out[0]) / 1024),
    }


def merged_results(record: dict, scale: str, cases: list, throughput: list, imports: list, extraction: dict) -> dict:
    """bench/results.json keeps the last measurement of every case on every scale and engine: a run replaces the
    rows it measured (a run with --only replaces only its cases) and keeps the others, each with its date."""
    when = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    runs = record.get("runs", {})
    for engine in {c["engine"] for c in cases} | {t["engine"] for t in throughput} | {i["engine"] for i in imports}:
        run = runs.setdefault(scale, {}).setdefault(engine, {"cases": []})
        fresh = [{**c, "measured_at": when} for c in cases if c["engine"] == engine]
        names = {c["name"] for c in fresh}
        run["cases"] = [c for c in run["cases"] if c["name"] not in names] + fresh
        for key, rows in (("throughput", throughput), ("import", imports)):
            for row in rows:
                if row["engine"] == engine:
                    run[key] = {**row, "measured_at": when}
    return {
        "about": "The last measurement of each case, per scale and engine (bench/run.py); ratios are against "
        "/healthz of the same run. Machines: 2 cores, 24 GiB; see the issue notes for the day's context.",
        "extraction": {**extraction, "measured_at": when},
        "runs": runs,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--scale",
        default="province",
        choices=["small", "province", "national", SEARCH_SLICE],
        help=f"{SEARCH_SLICE}: the province with its search table at national size (PostgreSQL)",
    )
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--import-rows", type=int, default=100_000, help="0 skips the import case")
    parser.add_argument("--workdir", default=str(ROOT / "var" / "bench"))
    parser.add_argument("--only", default="", help="measure only the cases whose name has one of these words")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients of the throughput case")
    parser.add_argument("--seconds", type=float, default=60, help="length of each throughput phase; 0 skips it")
    parser.add_argument("--web-workers", type=int, default=2 * (os.cpu_count() or 1),
                        help="gunicorn workers of the throughput case (deploy.md: 2 per core)")
    parser.add_argument("--build-only", action="store_true", help="build (or refresh) the cached data and stop")
    args = parser.parse_args()
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    all_cases, imports = [], []
    extraction = json.loads(subprocess.run([PYTHON, str(ROOT / "bench" / "extraction.py")], cwd=ROOT, check=True,
                                           capture_output=True, text=True).stdout)  # fmt: skip
    print(f"extraction: {extraction['pages_per_s']} pages/s on one core (goal 50, ×{extraction['ratio_to_goal']})")
    engines = args.engines.split(",")
    for engine in engines:
        env = engine_env(engine, workdir, args.scale)
        print(f"== {engine}: building {args.scale} (once; cached in {workdir})", flush=True)
        build(engine, env, args.scale, workdir)
    if args.build_only:
        return
    # Pages of every engine first, imports after: an import copies the whole database (gigabytes) and its
    # writing back to disk went on during the next engine's pages, which measured 20-60% slower for it.
    for engine in engines:
        subprocess.run(["sync"], check=False)
        all_cases += measure_pages(
            engine, engine_env(engine, workdir, args.scale), args.scale, args.requests, args.only
        )
    throughput = []
    for engine in engines if args.seconds else []:
        subprocess.run(["sync"], check=False)
        throughput.append(measure_throughput(engine, engine_env(engine, workdir, args.scale), args.clients,
                                             args.seconds, args.web_workers))  # fmt: skip
    for engine in engines if args.import_rows else []:
        imports.append(measure_import(engine, engine_env(engine, workdir, args.scale), args.import_rows, workdir,
                                      args.scale))  # fmt: skip
    print(f"\n{'case':<42}{'engine':<12}{'p50 ms':>9}{'p95 ms':>9}{'p50 ×':>8}{'p95 ×':>8}")
    for c in all_cases:
        print(
            f"{c['name']:<42}{c['engine']:<12}{c['p50_ms']:>9.2f}{c['p95_ms']:>9.2f}{c['p50_ratio']:>8.1f}{c['p95_ratio']:>8.1f}"
        )
    for t in throughput:
        mix, floor = t["mix"], t["healthz"]
        print(f"throughput on {t['engine']}, {t['workers']} workers, {t['clients']} clients: mix {mix['req_per_s']} req/s "
              f"(p50 {mix['p50_ms']} ms, p99 {mix['p99_ms']} ms, {mix['errors']} errors) against /healthz "
              f"{floor['req_per_s']} req/s (p99 {floor['p99_ms']} ms): {t['ratio_to_healthz']:.0%}")  # fmt: skip
    for i in imports:
        print(f"import {i['rows']} people on {i['engine']}: {i['rows_per_s']} rows/s, peak {i['peak_rss_mb']} MB")
    path = ROOT / "bench" / "results.json"
    record = merged_results(json.loads(path.read_text()) if path.exists() else {}, args.scale, all_cases,
                            throughput, imports, extraction)  # fmt: skip
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    print("\nwrote bench/results.json")


if __name__ == "__main__":
    main()
