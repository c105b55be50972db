"""Throughput: many clients at once against gunicorn as deployed (docs/deploy.md: 2 × cores sync workers).

First /healthz alone at the same concurrency (what the server and this machine can do at all), then a mix of
signed-in pages, API calls and public pages in the proportions of a working day. Reports req/s of the mix
against /healthz's, p50/p99 and every error (a status other than 200, a timeout, a refused connection).
Called by bench/run.py (--clients, --seconds)."""

import http.client
import itertools
import statistics
import threading
import time
from urllib.parse import quote


def mix(info: dict) -> list[tuple[str, str, dict, int]]:
    """(name, path, headers, weight): what a province's users ask for over a working day, by weight."""
    admin = {"Cookie": f"sessionid={info['session']}"}
    unit = {"Cookie": f"sessionid={info['unit_session']}"}
    secretary = {"Cookie": f"sessionid={info['secretary_session']}"}
    member = {"Cookie": f"sessionid={info['member_session']}"}
    token = {"Authorization": f"Token {info['token']}"}
    site = f"/news/site/{info['site_unit']}"
    return [
        ("public article", f"{site}/a/{info['article']}/", {}, 20),
        ("public column", f"{site}/c/{info['column']}/", {}, 10),
        ("public site search", f"{site}/search/?q={info['search_words']}", {}, 4),
        ("workbench, member", "/", member, 10),
        ("workbench, secretary", "/", secretary, 8),
        ("workbench, unit admin", "/", unit, 4),
        ("person list, search", f"/people/?q={info['search']}&status=formal", admin, 6),
        ("branch ledger", f"/activities/org/{info['ledger_branch']}/ledger/{info['ledger_year']}/", admin, 4),
        ("dues, branch month", f"/dues/org/{info['ledger_branch']}/{info['year']}/{info['month']}/", secretary, 6),
        ("发展党员 pipeline", f"/development/?org={info['big_committee']}", admin, 3),
        ("referral list", "/alliances/referrals/", admin, 3),
        ("sector dashboard", f"/dashboards/?org={info['sector']}", admin, 2),
        ("API person page", "/api/v1/people/?page_size=50", token, 10),
        ("API activities page", "/api/v1/activities/?page_size=50", token, 5),
    ]


def drive(port: int, requests: list[tuple[str, str, dict]], clients: int, seconds: float) -> dict:
    """`clients` threads, each on its own keep-alive connection, taking requests round-robin from the list
    (shuffled per client by its starting point) until the time is up."""
    deadline = time.monotonic() + seconds
    times, errors, lock = [], [], threading.Lock()

    def client(start: int):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, failed = [], []
        for name, path, headers in itertools.islice(itertools.cycle(requests), start, None):
            if time.monotonic() > deadline:
                break
            began = time.perf_counter()
            try:
                conn.request("GET", quote(path, safe="/?=&"), headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    failed.append(f"{name}: HTTP {response.status}")
            except (OSError, http.client.HTTPException) as error:
                failed.append(f"{name}: {type(error).__name__} {error}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append((time.perf_counter() - began) * 1000)
        conn.close()
        with lock:
            times.extend(mine)
            errors.extend(failed)

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i * 7,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    ordered = sorted(times)

    def at(q):
        return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1)))] if ordered else 0.0

    return {
        "requests": len(times),
        "errors": len(errors),
        "error_examples": sorted(set(errors))[:10],
        "req_per_s": round(len(times) / elapsed, 1),
        "p50_ms": round(statistics.median(times), 2) if times else 0.0,
        "p99_ms": round(at(0.99), 2),
    }


def measure(port: int, info: dict, clients: int, seconds: float) -> dict:
    weighted = [(name, path, headers) for name, path, headers, weight in mix(info) for _ in range(weight)]
    # Interleave the weighted entries so that each client meets every kind of page early on.
    weighted = weighted[::2] + weighted[1::2]
    drive(port, weighted, clients, min(5.0, seconds / 6))  # warm-up: every worker started, caches filled
    floor = drive(port, [("healthz", "/healthz", {})], clients, seconds)
    load = drive(port, weighted, clients, seconds)
    return {
        "clients": clients,
        "seconds": seconds,
        "healthz": floor,
        "mix": load,
        "ratio_to_healthz": round(load["req_per_s"] / floor["req_per_s"], 3) if floor["req_per_s"] else None,
        "mix_weights": {name: weight for name, _, _, weight in mix(info)},
    }
