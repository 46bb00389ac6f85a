"""Fault runs against real `python -m bot run` processes on PostgreSQL: prints lost and duplicated reminders.

Scenarios (each on its own scratch database, a fan-out of one reminder to N Telegram groups through
bench/fake_bot_api.py, two bot processes sharing the database):
  crash    --runs runs; in each, --kills kill -9 at random moments of the fan-out (random victim), the victim
           restarted after a random pause, half the runs with INSTANCE_ID set and half with none (the default
           id: host + data directory); a Bot API round trip of --latency s (Telegram: ~150 ms); production lease;
  kill     kill -9 one process in the middle of the fan-out, then restart it;
  outage   the database unreachable (a TCP proxy between the bots and PostgreSQL is cut) for --outage s;
  telegram Telegram answers 502 (--fail-rate) or too late for the client (--delay-rate: the message is
           accepted, the answer comes after PTB's 5 s read timeout).

    .venv/bin/python bench/faults.py [--groups 500] [--outage 60] [--only crash,kill,outage,telegram]
        [--runs 6] [--kills 2] [--latency 0.15] [--seed 1]

The engine's tick (30 s) and claim lease (10 min) are shortened with --tick/--lease so that a run
takes minutes; everything else is the production code path.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._harness import (  # noqa: E402
    BotProcess, CountingApi, bench_app, delivery_states, drop_database, fresh_database, lost_and_duplicated,
    plan_reminder_due_now, print_table, seed_groups, wait_until, workdir,
)
from bench._proxy import CuttableProxy  # noqa: E402
from bot.core.config import Settings  # noqa: E402


@dataclass
class Outcome:
    scenario: str
    groups: int
    sent: int = 0
    lost: int = 0
    duplicated: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


def settle(app, api: CountingApi, chats: list[str], timeout: float) -> bool:  # type: ignore[no-untyped-def]
    """Until every chat got its reminder and no delivery is left pending or in flight."""
    def done() -> bool:
        if sum(1 for c in chats if api.per_chat.get(c, 0)) < len(chats):
            return False
        states = delivery_states(app)
        return states.get("pending", 0) == 0 and states.get("sending", 0) == 0

    return wait_until(done, timeout, step=0.5)


def unsettled(app) -> list[str]:  # type: ignore[no-untyped-def]
    """The deliveries still pending or in flight: their next attempt and last outcome (a retry is not a loss)."""
    from sqlalchemy import select

    from scheduler.models import Delivery

    with app.db.session() as s:
        rows = s.scalars(select(Delivery).where(Delivery.status.in_(("pending", "sending")),
                                                Delivery.scheduled_for <= datetime.now(timezone.utc))).all()
        return [f"{r.id}: {r.status}, attempts {r.attempts}, next attempt {r.next_attempt_at}, claimed by "
                f"{r.claimed_by or '-'}, {r.outcome or 'no error'}" for r in rows]


def result(name: str, app, api: CountingApi, chats: list[str], started: float, finished: bool) -> Outcome:  # type: ignore[no-untyped-def]
    per_chat = api.stats()["per_chat"]
    lost, dup = lost_and_duplicated(chats, per_chat)
    out = Outcome(name, len(chats), sum(per_chat.get(c, 0) for c in chats), lost, dup, time.monotonic() - started)
    if not finished:
        out.notes.append(f"not settled within the time limit; deliveries: {delivery_states(app)}")
        for row in unsettled(app):
            out.notes.append(f"  delivery {row}")
    return out


def start_bots(names: list[str], *, db_url: str, api_url: str, work: Path, args: argparse.Namespace) -> list[BotProcess]:
    # Each its own data directory: two replicas sharing a host and data directory would share the default id.
    bots = [BotProcess(n, db_url=db_url, api_url=api_url, workdir=work, tick=args.tick, lease=args.lease,
                       data_dir=work / f"data-{n}") for n in names]
    for b in bots:  # one after the other: the first start also loads the bundled knowledge base
        b.start()
        b.wait_ready()
    return bots


def scenario_kill(args: argparse.Namespace) -> Outcome:
    work = workdir("faults-kill-")
    db_url = fresh_database("cchc_faults_kill")
    api = CountingApi()
    api_url = f"http://127.0.0.1:{api.start()}/bot"
    bots: list[BotProcess] = []
    try:
        bots = start_bots(["kill-a", "kill-b"], db_url=db_url, api_url=api_url, work=work, args=args)
        app = bench_app(db_url, work / "planner")
        chats = seed_groups(app, args.groups)
        started = time.monotonic()
        plan_reminder_due_now(app)
        kill_at = int(args.groups * args.kill_at)
        wait_until(lambda: api.total_sent() >= kill_at, 120, step=0.02)
        victim = bots[0]
        victim.kill9()
        at_kill = api.total_sent()
        in_flight = delivery_states(app).get("sending", 0)
        time.sleep(1.0)
        victim.start()
        victim.wait_ready()
        finished = settle(app, api, chats, args.lease + 240)  # past two retry backoffs (30 s, 60 s)
        out = result("kill -9 + restart", app, api, chats, started, finished)
        out.notes.append(f"killed {victim.name} after {at_kill} messages; {in_flight} claim(s) in flight at the kill, "
                         f"taken back by its restart under the same default instance id")
        return out
    finally:
        for b in bots:
            b.stop()
        api.stop()
        drop_database("cchc_faults_kill")


def scenario_outage(args: argparse.Namespace) -> Outcome:
    from sqlalchemy.engine import make_url

    work = workdir("faults-outage-")
    db_url = fresh_database("cchc_faults_outage")
    u = make_url(db_url)
    proxy = CuttableProxy(u.host or "127.0.0.1", u.port or 5432)
    via_proxy = u.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    api = CountingApi(latency=0.02)  # a realistic round trip, so that the cut lands mid fan-out
    api_url = f"http://127.0.0.1:{api.start()}/bot"
    bots: list[BotProcess] = []
    try:
        bots = start_bots(["outage-a", "outage-b"], db_url=via_proxy, api_url=api_url, work=work, args=args)
        app = bench_app(db_url, work / "planner")  # the script itself talks to PostgreSQL directly
        chats = seed_groups(app, args.groups)
        started = time.monotonic()
        plan_reminder_due_now(app)
        wait_until(lambda: api.total_sent() >= args.groups // 5, 120, step=0.02)
        proxy.cut()
        at_cut = api.total_sent()
        time.sleep(args.outage)
        during = api.total_sent() - at_cut
        proxy.restore()
        restored = time.monotonic()
        finished = settle(app, api, chats, args.lease + 180)
        out = result(f"database down {args.outage:g} s", app, api, chats, started, finished)
        out.notes.append(f"cut after {at_cut} messages; {during} sent while the database was down "
                         f"(in-flight sends); {proxy.refused} connection attempts refused; "
                         f"all delivered {time.monotonic() - restored:.1f} s after it came back")
        dead = [b.name for b in bots if not b.alive()]
        out.notes.append(f"processes that died: {', '.join(dead) or 'none'}")
        return out
    finally:
        for b in bots:
            b.stop()
        api.stop()
        proxy.close()
        drop_database("cchc_faults_outage")


def scenario_telegram(args: argparse.Namespace) -> Outcome:
    work = workdir("faults-telegram-")
    db_url = fresh_database("cchc_faults_telegram")
    api = CountingApi(fail_rate=args.fail_rate, delay_rate=args.delay_rate, delay=args.delay, seed=7)
    api_url = f"http://127.0.0.1:{api.start()}/bot"
    bots: list[BotProcess] = []
    try:
        bots = start_bots(["tg-a", "tg-b"], db_url=db_url, api_url=api_url, work=work, args=args)
        app = bench_app(db_url, work / "planner")
        chats = seed_groups(app, args.groups)
        started = time.monotonic()
        plan_reminder_due_now(app)
        finished = settle(app, api, chats, 300)
        out = result(f"Telegram 502 {args.fail_rate:.0%}, timeouts {args.delay_rate:.0%}", app, api, chats, started,
                     finished)
        stats = api.stats()
        adapter_retries = sum(b.log_count("retrying (") for b in bots)
        engine_retries = sum(b.log_count("; retrying in") for b in bots)
        out.notes.append(f"{stats['failures']} answered 502, {api.slow} answered after the client's timeout "
                         f"(accepted by Telegram); {adapter_retries} immediate adapter retries, "
                         f"{engine_retries} engine retries with backoff")
        out.notes.append(f"duplicates explained by timeouts after acceptance: {min(out.duplicated, api.slow)} "
                         f"of {out.duplicated}")
        return out
    finally:
        for b in bots:
            b.stop()
        api.stop()
        drop_database("cchc_faults_telegram")


@dataclass
class CrashRun:
    run: int
    mode: str
    groups: int
    kills: int
    sent: int
    lost: int
    duplicated: int
    seconds: float
    pauses: list[float]
    settled: bool
    notes: list[str] = field(default_factory=list)


def crash_run(n: int, same_id: bool, args: argparse.Namespace, rng: random.Random) -> CrashRun:
    """One run: two replicas, `args.kills` kill -9 at random moments of the fan-out, each victim restarted."""
    name = f"cchc_faults_crash{n}"
    work = workdir(f"faults-crash{n}-")
    db_url = fresh_database(name)
    api = CountingApi(latency=args.latency)
    api_url = f"http://127.0.0.1:{api.start()}/bot"
    bots: list[BotProcess] = []
    try:
        for who in ("a", "b"):
            extra = {"INSTANCE_ID": f"replica-{who}"} if same_id else {}
            extra["REMINDER_SEND_CONCURRENCY"] = str(args.concurrency)
            bots.append(BotProcess(f"crash{n}-{who}", db_url=db_url, api_url=api_url, workdir=work, tick=args.tick,
                                   lease=args.crash_lease, data_dir=work / f"data-{who}", extra_env=extra,
                                   heartbeat=args.heartbeat, stale=args.stale))
        for b in bots:
            b.start()
            b.wait_ready()
        app = bench_app(db_url, work / "planner")
        chats = seed_groups(app, args.groups)
        started = time.monotonic()
        plan_reminder_due_now(app)
        # Kill moments: random shares of the fan-out, in order (the fan-out takes about groups × latency / 2 s).
        marks = sorted(rng.uniform(0.05, 0.85) for _ in range(args.kills))
        pauses: list[float] = []
        for mark in marks:
            if not wait_until(lambda: api.total_sent() >= int(mark * args.groups), 300, step=0.01):
                break
            time.sleep(rng.uniform(0, 0.3))  # not on a message boundary
            victim = rng.choice(bots)
            victim.kill9()
            pause = rng.uniform(0.2, args.stale * 1.5)  # some restarts come after the heartbeat went stale
            pauses.append(round(pause, 1))
            time.sleep(pause)
            victim.start()
            victim.wait_log("instance id:")  # registered (its first tick may be the rest of the fan-out)
        finished = settle(app, api, chats, 240)
        per_chat = api.stats()["per_chat"]
        lost, dup = lost_and_duplicated(chats, per_chat)
        out = CrashRun(n, "INSTANCE_ID set" if same_id else "no INSTANCE_ID", len(chats), len(pauses),
                       sum(per_chat.get(c, 0) for c in chats), lost, dup, time.monotonic() - started, pauses, finished)
        if not finished:
            out.notes.append(f"not settled; deliveries: {delivery_states(app)}")
            out.notes += [f"  delivery {row}" for row in unsettled(app)]
        refused = sum(b.log_count("Bot không khởi động") for b in bots)
        if refused:
            out.notes.append(f"{refused} restart(s) refused as a live duplicate")
        return out
    finally:
        for b in bots:
            b.stop()
        api.stop()
        drop_database(name)


def scenario_crash(args: argparse.Namespace) -> list[CrashRun]:
    rng = random.Random(args.seed)
    runs = []
    for n in range(1, args.runs + 1):
        same_id = n % 2 == 1
        print(f"  run {n}: {'INSTANCE_ID set' if same_id else 'no INSTANCE_ID'}", flush=True)
        runs.append(crash_run(n, same_id, args, rng))
    return runs


def within(r: CrashRun, concurrency: int) -> bool:
    """The bound: a killed process repeats at most the messages it had in flight, one per concurrent send."""
    return r.lost == 0 and r.duplicated <= r.kills * concurrency


def print_crash_runs(runs: list[CrashRun], concurrency: int) -> None:
    print_table(["run", "restart", "groups", "kills", "messages", "lost", "duplicated", "≤ kills",
                 f"≤ kills × {concurrency}", "restart pauses s", "seconds"],
                [[r.run, r.mode, r.groups, r.kills, r.sent, r.lost, r.duplicated,
                  "yes" if r.duplicated <= r.kills else "NO", "yes" if within(r, concurrency) else "NO",
                  ", ".join(f"{p:g}" for p in r.pauses), f"{r.seconds:.1f}"] for r in runs])
    kills = sum(r.kills for r in runs)
    print(f"total: {len(runs)} runs, {kills} kills, {sum(r.lost for r in runs)} lost, "
          f"{sum(r.duplicated for r in runs)} duplicated (REMINDER_SEND_CONCURRENCY {concurrency}: a kill may repeat "
          f"up to {concurrency}, the messages in flight)")
    for r in runs:
        for note in r.notes:
            print(f"- run {r.run}: {note}")


SCENARIOS = {"crash": scenario_crash, "kill": scenario_kill, "outage": scenario_outage, "telegram": scenario_telegram}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--groups", type=int, default=500)
    ap.add_argument("--only", default=",".join(SCENARIOS), help="comma-separated: crash,kill,outage,telegram")
    ap.add_argument("--outage", type=float, default=60.0, help="seconds the database is unreachable")
    ap.add_argument("--kill-at", type=float, default=0.3, help="share of the fan-out sent before the kill")
    ap.add_argument("--fail-rate", type=float, default=0.1)
    ap.add_argument("--delay-rate", type=float, default=0.02)
    ap.add_argument("--delay", type=float, default=8.0, help="seconds a delayed answer takes (PTB times out at 5)")
    ap.add_argument("--tick", type=float, default=2.0, help="engine tick in seconds (production: 30)")
    ap.add_argument("--lease", type=float, default=20.0, help="claim lease in seconds (production: 600)")
    ap.add_argument("--runs", type=int, default=6, help="crash: runs (odd ones with INSTANCE_ID, even ones without)")
    ap.add_argument("--kills", type=int, default=2, help="crash: kill -9 per run")
    ap.add_argument("--latency", type=float, default=0.15, help="crash: Bot API round trip in seconds")
    ap.add_argument("--crash-lease", type=float, default=600.0, help="crash: claim lease (production: 600)")
    ap.add_argument("--heartbeat", type=float, default=2.0, help="crash: heartbeat period (production: 10)")
    ap.add_argument("--stale", type=float, default=10.0, help="crash: heartbeat staleness (production: 60)")
    ap.add_argument("--concurrency", type=int, default=Settings().reminder_send_concurrency,
                    help="REMINDER_SEND_CONCURRENCY of every bot (1: one message in flight, at most one duplicate a kill)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    outcomes: list[Outcome] = []
    crash_runs: list[CrashRun] = []
    for name in args.only.split(","):
        print(f"… {name}", flush=True)
        if name.strip() == "crash":
            crash_runs = scenario_crash(args)
        else:
            outcomes.append(SCENARIOS[name.strip()](args))
    print()
    if crash_runs:
        print_crash_runs(crash_runs, args.concurrency)
        print()
    if not outcomes:
        return 0 if all(within(r, args.concurrency) for r in crash_runs) else 1
    print_table(["scenario", "groups", "messages", "lost", "duplicated", "seconds"],
                [[o.scenario, o.groups, o.sent, o.lost, o.duplicated, f"{o.seconds:.1f}"] for o in outcomes])
    print()
    for o in outcomes:
        for note in o.notes:
            print(f"- {o.scenario}: {note}")
    ok = all(within(r, args.concurrency) for r in crash_runs)
    return 0 if ok and all(o.lost == 0 for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
