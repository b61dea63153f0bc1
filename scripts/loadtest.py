"""Load test: throughput, latency and cross-talk of the assistant under concurrent parents,
next to a stock `rasa init` bot on the same machine (and the cluster, when there is one).

Usage: python scripts/loadtest.py [--scenarios 20x20,50x10] [--skip-stock] [--skip-cluster]
                                  [--json PATH]
(`make loadtest` runs it after setting up.) Every server runs on free ports with a throw-away
tracker store and is stopped at the end, also on Ctrl-C or failure. Each simulated parent
sends its next message only after the reply to its previous one (closed loop).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import math
import random
import shlex
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import aiohttp

from contract.conversations import REST, conversation_key
from scripts import loadtest_servers as ls

QUESTIONS = ls.REPO / "scripts" / "load_questions.tsv"
TIMEOUT_S = 60.0
DEFAULT_SCENARIOS = "20x20,50x10"
TARGET_RATIO_STOCK = 1.0
TARGET_RATIO_CLUSTER = 1.5
BUSY_PCT = 25.0  # % of a core used by other processes above which a run is called disturbed


# --- the traffic: one script of messages per simulated parent ------------------------------


def load_bank(path: Path = QUESTIONS) -> Dict[str, List[str]]:
    """Messages by kind (open, ask, more, pick, followup, state, thanks)."""
    bank: Dict[str, List[str]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            bank.setdefault(row["kind"], []).append(row["text"])
    return bank


def build_script(rng: random.Random, bank: Dict[str, List[str]], turns: int) -> List[str]:
    """A parent's conversation, shaped like real ones: an opener, then questions, each
    sometimes followed by 'tell me more', a pick from the list ('2'), a follow-up or a
    state; a thank-you to close when there is room. Seeded, so every target gets the same."""
    script = [rng.choice(bank["open"])]
    while len(script) < turns:
        if len(script) == turns - 1 and turns > 2 and rng.random() < 0.5:
            script.append(rng.choice(bank["thanks"]))
            break
        script.append(rng.choice(bank["ask"]))
        if len(script) < turns and rng.random() < 0.6:
            kind = rng.choice(["more", "more", "pick", "followup", "state"])
            script.append(rng.choice(bank[kind]))
    return script[:turns]


@dataclass(frozen=True)
class Scenario:
    """``parents`` concurrent parents, ``turns`` messages each."""

    parents: int
    turns: int

    @property
    def name(self) -> str:
        return f"{self.parents}x{self.turns}"


def parse_scenarios(text: str) -> List[Scenario]:
    """'20x20,50x10' -> two scenarios (parents x turns)."""
    out = []
    for part in text.split(","):
        parents, _, turns = part.strip().lower().partition("x")
        if not (parents.isdigit() and turns.isdigit()) or int(parents) < 1 or int(turns) < 1:
            raise argparse.ArgumentTypeError(f"scenario {part!r} is not PARENTSxTURNS")
        out.append(Scenario(int(parents), int(turns)))
    return out


# --- one turn and its outcome ---------------------------------------------------------------


@dataclass
class Turn:
    """What happened to one message: the outcome decides which error column it lands in."""

    sender: str
    text: str
    outcome: str  # ok | empty | non200 | timeout | error
    latency_ms: float
    status: int = 0
    recipients: List[str] = field(default_factory=list)


def classify(status: int, body: Optional[list]) -> str:
    if status != 200:
        return "non200"
    return "ok" if body else "empty"


async def send(session: aiohttp.ClientSession, url: str, sender: str, text: str) -> Turn:
    started = time.perf_counter()
    try:
        async with session.post(url, json={"sender": sender, "message": text}) as resp:
            raw = await resp.read()
            status = resp.status
        body = json.loads(raw) if status == 200 and raw else []
        outcome = classify(status, body)
        recipients = [str(m.get("recipient_id")) for m in body if isinstance(m, dict)]
    except asyncio.TimeoutError:
        status, outcome, recipients = 0, "timeout", []
    except (aiohttp.ClientError, ValueError, OSError):
        status, outcome, recipients = 0, "error", []
    return Turn(sender, text, outcome, (time.perf_counter() - started) * 1000, status, recipients)


async def parent(
    session: aiohttp.ClientSession, url: str, sender: str, script: Sequence[str]
) -> List[Turn]:
    """Closed loop: the next message goes only after the reply to the previous one."""
    return [await send(session, url, sender, text) for text in script]


async def drive(url: str, scripts: Dict[str, List[str]]) -> Tuple[List[Turn], float, float]:
    """All parents at once; returns turns, wall seconds and this client's CPU seconds."""
    timeout = aiohttp.ClientTimeout(total=TIMEOUT_S)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        cpu0, wall0 = time.process_time(), time.perf_counter()
        per_parent = await asyncio.gather(
            *(parent(session, url, sender, script) for sender, script in scripts.items())
        )
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    return [t for turns in per_parent for t in turns], wall, cpu


# --- statistics and cross-talk (pure) -------------------------------------------------------


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (no interpolation: every figure is a latency that happened)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summarize(turns: Sequence[Turn], wall_s: float) -> Dict[str, float]:
    """Messages/s counts answered turns (ok or empty: the server did the work); latency over
    every turn that got an HTTP response."""
    answered = [t.latency_ms for t in turns if t.outcome in ("ok", "empty", "non200")]
    count = lambda outcome: sum(1 for t in turns if t.outcome == outcome)
    done = count("ok") + count("empty")
    return {
        "turns": len(turns),
        "msgs_per_s": done / wall_s if wall_s > 0 else 0.0,
        "p50_ms": percentile(answered, 0.50),
        "p95_ms": percentile(answered, 0.95),
        "max_ms": max(answered) if answered else float("nan"),
        "non200": count("non200"),
        "timeouts": count("timeout"),
        "other_errors": count("error"),
        "empty": count("empty"),
        "wall_s": wall_s,
    }


def cpu_ms_per_turn(cpu_pct: float, stats: Dict[str, float]) -> float:
    """``cpu_pct`` % of a core over the scenario's wall time, divided by its answered turns."""
    answered = stats["msgs_per_s"] * stats["wall_s"]
    return 10 * cpu_pct * stats["wall_s"] / answered if answered else float("nan")


def recipient_mismatches(turns: Iterable[Turn]) -> int:
    """Replies addressed to someone other than the sender: (a) of the cross-talk check."""
    return sum(1 for t in turns if any(r != t.sender for r in t.recipients))


def stored_conversation_problems(
    sent: Dict[str, List[str]], stored: Dict[str, List[str]]
) -> List[str]:
    """(b) of the cross-talk check: each stored conversation holds exactly its own user
    turns, in order, and nothing else; and no stored conversation belongs to nobody."""
    problems = []
    for sender, texts in sent.items():
        got = stored.get(sender, [])
        if got != texts:
            problems.append(
                f"{sender}: stored {len(got)} user turns, sent {len(texts)}"
                + ("" if len(got) != len(texts) else " (different text or order)")
            )
    problems += [f"{sender}: stored but never sent" for sender in stored if sender not in sent]
    return problems


USER_TURNS_SQL = (
    "SELECT sender_id, data FROM events WHERE type_name = 'user' "
    "AND sender_id LIKE {p} ORDER BY id"
)


def read_user_turns(db: object, prefix: str) -> Dict[str, List[str]]:
    """User texts per REST sender whose id starts with ``prefix``, in stored order, read
    only: a SQLite file (the Rasa server may still hold it) or a PostgreSQL URL (cluster).
    Conversations are stored under their channel's key (``contract/conversations.py``)."""
    channel_prefix = conversation_key(REST, "")
    prefix = channel_prefix + prefix
    if isinstance(db, str) and db.startswith("postgresql://"):
        rows = _postgres_rows(db, prefix)
    else:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            rows = conn.execute(USER_TURNS_SQL.format(p="?"), (prefix + "%",)).fetchall()
        finally:
            conn.close()
    stored: Dict[str, List[str]] = {}
    for key, data in rows:
        stored.setdefault(key[len(channel_prefix) :], []).append(json.loads(data).get("text"))
    return stored


def _postgres_rows(url: str, prefix: str) -> List[Tuple[str, str]]:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SET TRANSACTION READ ONLY"))
            return [
                tuple(r)
                for r in conn.execute(sa.text(USER_TURNS_SQL.format(p=":p")), {"p": prefix + "%"})
            ]
    finally:
        engine.dispose()


# --- one target ------------------------------------------------------------------------------


@dataclass
class Result:
    """One target under one scenario: the numbers printed and written to --json."""

    target: str
    scenario: str
    stats: Dict[str, float]
    crosstalk_ids: int
    crosstalk_store: Optional[int]  # None: not checked (no readable tracker store)
    client_cpu_pct: float  # of one core
    server_cpu_pct: Dict[str, float]  # of one core, per server process
    store_problems: List[str] = field(default_factory=list)
    other_cpu_pct: float = 0.0  # the rest of the machine: other engineers, nginx, db

    @property
    def cpu_ms_per_turn(self) -> float:
        """Server CPU (Rasa + actions) per answered turn: what a turn costs, whatever else
        the machine was doing, so it compares targets even when throughput is disturbed."""
        return cpu_ms_per_turn(sum(self.server_cpu_pct.values()), self.stats)


def scripts_for(
    scenario: Scenario, bank: Dict[str, List[str]], prefix: str
) -> Dict[str, List[str]]:
    """Unique sender ids per run; the same messages for every target (seeded per parent)."""
    return {
        f"{prefix}{i:03d}": build_script(
            random.Random(f"{scenario.name}/{i}"), bank, scenario.turns
        )
        for i in range(scenario.parents)
    }


def warm_up(url: str, bank: Dict[str, List[str]], run_id: str) -> None:
    """A few turns first, so lazy loading is not measured as latency."""
    warm = {
        f"warmup-{run_id}-{i}": [bank["open"][0], bank["ask"][0], bank["more"][0]] for i in range(2)
    }
    asyncio.run(drive(url + "/webhooks/rest/webhook", warm))


def measure(
    target: str,
    info: Dict[str, object],
    scenario: Scenario,
    bank: Dict[str, List[str]],
    run_id: str,
) -> Result:
    prefix = f"lt-{run_id}-{target}-{scenario.name}-"
    scripts = scripts_for(scenario, bank, prefix)
    servers: List[ls.Server] = info["servers"]  # type: ignore[assignment]
    cpu0 = {s.name: ls.cpu_seconds(s.pid) for s in servers}
    machine0 = ls.machine_busy_seconds()
    turns, wall, client_cpu = asyncio.run(drive(f"{info['url']}/webhooks/rest/webhook", scripts))
    machine = 100 * (ls.machine_busy_seconds() - machine0) / wall
    server_cpu = {s.name: 100 * (ls.cpu_seconds(s.pid) - cpu0[s.name]) / wall for s in servers}
    problems: List[str] = []
    checked: Optional[int] = None
    if info.get("tracker_db"):
        problems = stored_conversation_problems(
            scripts, read_user_turns(info["tracker_db"], prefix)
        )
        checked = len(problems)
    return Result(
        target,
        scenario.name,
        summarize(turns, wall),
        recipient_mismatches(turns),
        checked,
        100 * client_cpu / wall,
        server_cpu,
        problems[:5],
        other_cpu_pct=machine - 100 * client_cpu / wall - sum(server_cpu.values()),
    )


# --- the report ------------------------------------------------------------------------------

COLUMNS = (
    "target",
    "scen.",
    "turns",
    "msg/s",
    "p50 ms",
    "p95 ms",
    "max ms",
    "non200",
    "tmout",
    "other",
    "empty",
    "xtalk id",
    "xtalk db",
    "cpu % client/rasa/actions/rest",
    "cpu ms/turn",
)


def row(r: Result) -> List[str]:
    s = r.stats
    by_kind = lambda word: sum(v for k, v in r.server_cpu_pct.items() if word in k.lower())
    cpus = f"{by_kind('rasa'):.0f}/{by_kind('action'):.0f}/{max(0.0, r.other_cpu_pct):.0f}"
    return [
        r.target,
        r.scenario,
        str(int(s["turns"])),
        f"{s['msgs_per_s']:.1f}",
        f"{s['p50_ms']:.0f}",
        f"{s['p95_ms']:.0f}",
        f"{s['max_ms']:.0f}",
        str(int(s["non200"])),
        str(int(s["timeouts"])),
        str(int(s["other_errors"])),
        str(int(s["empty"])),
        str(r.crosstalk_ids),
        "-" if r.crosstalk_store is None else str(r.crosstalk_store),
        f"{r.client_cpu_pct:.0f}/{cpus}",
        f"{r.cpu_ms_per_turn:.0f}",
    ]


def table(rows: List[List[str]]) -> str:
    widths = [max(len(c[i]) for c in [list(COLUMNS)] + rows) for i in range(len(COLUMNS))]
    fmt = lambda cells: "  ".join(
        c.rjust(w) if i > 1 else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))
    )
    return "\n".join([fmt(list(COLUMNS)), fmt(["-" * w for w in widths])] + [fmt(r) for r in rows])


def ratio_lines(results: List[Result], top: str, bottom: str, goal: float, label: str) -> List[str]:
    """msgs/s of ``top`` over ``bottom`` per scenario, with the target next to it, and the
    CPU each spent per turn (the figure that survives a busy machine)."""
    by = {(r.target, r.scenario): r for r in results}
    lines = []
    for (target, scen), r in by.items():
        other = by.get((bottom, scen))
        if target != top or other is None or other.stats["msgs_per_s"] <= 0:
            continue
        ratio = r.stats["msgs_per_s"] / other.stats["msgs_per_s"]
        verdict = "met" if ratio >= goal else "NOT met"
        lines.append(
            f"  {label} {scen}: {ratio:.2f}x  (target >= {goal:.1f}x: {verdict}); "
            f"cpu per turn {r.cpu_ms_per_turn:.0f} vs {other.cpu_ms_per_turn:.0f} ms"
        )
    return lines


def error_lines(results: List[Result], target: str) -> List[str]:
    lines = []
    for r in (r for r in results if r.target == target):
        s = r.stats
        errors = (
            int(s["non200"] + s["timeouts"] + s["other_errors"])
            + r.crosstalk_ids
            + (r.crosstalk_store or 0)
        )
        verdict = "met" if errors == 0 and not s["empty"] else "NOT met"
        lines.append(
            f"  {target} {r.scenario}: {errors} errors/cross-talk, {int(s['empty'])} empty "
            f"replies  (target 0: {verdict})"
        )
        lines += [f"    store check: {p}" for p in r.store_problems]
    return lines


# --- orchestration ---------------------------------------------------------------------------


def say(text: str) -> None:
    """Progress on stderr, one line per phase: the table stays clean on stdout."""
    print(f"loadtest: {text}", file=sys.stderr, flush=True)


def run_target(
    name: str,
    start,
    scenarios: List[Scenario],
    bank: Dict[str, List[str]],
    run_id: str,
    fleet: ls.Fleet,
    notes: List[str],
) -> List[Result]:
    """Start a target, measure each scenario, stop it (so targets never share the CPU)."""
    try:
        info = start()
        starts = ", ".join(f"{s.name} {s.start_seconds:.1f} s" for s in info["servers"])
        notes.append(
            f"{name}: tracker store {info['tracker_store']}; started with "
            f"{info['commands']} ({starts})"
        )
        warm_up(str(info["url"]), bank, run_id)
        results = []
        for scenario in scenarios:
            say(f"{name}: {scenario.parents} parents x {scenario.turns} turns")
            results.append(measure(name, info, scenario, bank, run_id))
        return results
    finally:
        fleet.stop()


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM takes the Ctrl-C path, so the servers are stopped either way."""
    raise KeyboardInterrupt


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--scenarios",
        type=parse_scenarios,
        default=parse_scenarios(DEFAULT_SCENARIOS),
        help=f"PARENTSxTURNS, comma-separated (default {DEFAULT_SCENARIOS})",
    )
    ap.add_argument("--skip-stock", action="store_true", help="do not train and measure rasa init")
    ap.add_argument("--skip-cluster", action="store_true", help="do not measure scripts/cluster.sh")
    ap.add_argument("--json", type=Path, help="write every number to this file")
    ap.add_argument("--model", type=Path, default=ls.REPO / "models" / "iep.tar.gz")
    args = ap.parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)

    run_id = uuid.uuid4().hex[:8]
    bank = load_bank()
    fleet = ls.Fleet()
    results: List[Result] = []
    notes: List[str] = []
    skipped: List[str] = []
    with tempfile.TemporaryDirectory(prefix="iep-loadtest-") as tmp:
        work = Path(tmp)
        try:
            if not args.skip_stock:
                say(
                    "training the stock rasa init bot (about 1.5 min; log var/logs/"
                    f"loadtest-{run_id}-stock-train.log)"
                )
                (work / "stock").mkdir()
                seconds = ls.train_stock(
                    work / "stock", ls.LOGS / f"loadtest-{run_id}-stock-train.log"
                )
                notes.append(f"stock: rasa init trained in {seconds:.0f} s")
            (work / "ours").mkdir()
            say("our assistant")
            results += run_target(
                "ours",
                lambda: ls.start_ours(fleet, work / "ours", args.model, f"{run_id}-ours"),
                args.scenarios,
                bank,
                run_id,
                fleet,
                notes,
            )
            if not args.skip_stock:
                results += run_target(
                    "stock",
                    lambda: ls.start_stock(fleet, work / "stock", f"{run_id}-stock"),
                    args.scenarios,
                    bank,
                    run_id,
                    fleet,
                    notes,
                )
            results += cluster_results(args, bank, run_id, fleet, work, notes, skipped)
        except KeyboardInterrupt:
            say("interrupted; stopping every server started")
            return 130
        finally:
            fleet.stop()
    print(report(results, notes, skipped, args))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(
                {
                    "command": command_line(),
                    "notes": notes,
                    "skipped": skipped,
                    "results": [asdict(r) for r in results],
                },
                indent=2,
            )
        )
    return 0


def cluster_results(
    args: argparse.Namespace,
    bank: Dict[str, List[str]],
    run_id: str,
    fleet: ls.Fleet,
    work: Path,
    notes: List[str],
    skipped: List[str],
) -> List[Result]:
    """The cluster (2 instances behind nginx), when scripts/cluster.sh exists and starts."""
    if args.skip_cluster:
        skipped.append("cluster: skipped: --skip-cluster")
        return []
    if not ls.CLUSTER_SH.exists():
        skipped.append("cluster: skipped: scripts/cluster.sh does not exist")
        return []
    start = ls.start_cluster
    try:
        return run_target(
            "cluster2",
            lambda: start(fleet, work, f"{run_id}-cluster"),
            args.scenarios,
            bank,
            run_id,
            fleet,
            notes,
        )
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        skipped.append(f"cluster: skipped: failed ({str(exc).splitlines()[0]})")
        return []


def command_line() -> str:
    return " ".join(shlex.quote(a) for a in [Path(sys.argv[0]).name] + sys.argv[1:])


def report(
    results: List[Result], notes: List[str], skipped: List[str], args: argparse.Namespace
) -> str:
    lines = [f"$ {command_line()}", ""]
    lines += [table([row(r) for r in results]), ""]
    lines += notes
    lines += [
        "errors: non200 / tmout (> %.0f s) / other (connection); empty = 200 with no message;"
        % TIMEOUT_S,
        "xtalk id = replies whose recipient_id is not the sender; xtalk db = stored "
        "conversations that are not exactly their own user turns in order (- = not readable);",
        "cpu = % of one core during the scenario (2 cores = 200 %, shared by the client, "
        "the servers and the rest: other processes, and for the cluster nginx, "
        "PostgreSQL and Redis); cpu ms/turn = Rasa + action server CPU per answered turn.",
        "",
    ]
    busy = [
        f"{r.target} {r.scenario} ({r.other_cpu_pct:.0f} %)"
        for r in results
        if r.other_cpu_pct > BUSY_PCT and r.target != "cluster2"
    ]
    if busy:
        lines += [
            f"warning: other processes kept the machine busy during {', '.join(busy)}: "
            "msg/s is understated there; cpu ms/turn still compares the targets.",
            "",
        ]
    lines.append("throughput ratios:")
    lines += ratio_lines(results, "ours", "stock", TARGET_RATIO_STOCK, "ours/stock")
    if not any(r.target == "stock" for r in results):
        lines.append(
            "  ours/stock: skipped: " + ("--skip-stock" if args.skip_stock else "no stock run")
        )
    lines += ratio_lines(results, "cluster2", "ours", TARGET_RATIO_CLUSTER, "cluster(2)/ours")
    lines += [f"  {s}" for s in skipped]
    lines.append("errors:")
    lines += error_lines(results, "ours") + error_lines(results, "cluster2")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
