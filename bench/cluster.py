"""Province-scale benchmark (not a test): synthetic schools built by the real `careportal build
--scheduler` on a Dask LocalCluster (2 worker processes on 127.0.0.1, no dashboard), measuring the
per-school task cost, the scheduler's own overhead and the main process's share, then projecting
the wall time of 20,000 schools on 10, 50 and 200 workers. Writes the "Province scale" section of
bench/RESULTS.md (the rest of the file is left as it is).

    .venv/bin/python bench/cluster.py [SCHOOLS]      # default 30 synthetic schools

Figures go to $CAREPORTAL_BENCH (default /tmp/careportal-bench)/results/cluster.json.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

from run import BASE, counts, load, machine, measure, output_bytes, save  # noqa: E402
from synth import generate  # noqa: E402

TARGET = 20_000
IDLE_TASK_S = 3.52  # one synthetic school in a warm worker on an idle core: the profile in RESULTS.md
WORKERS = (10, 50, 200)
NOOP_TASKS = 2_000
# Assumptions about the province's shared storage (not measurable here; see the table's notes).
STORAGE_BYTES_PER_S = 1_000 * 1024 ** 2  # sustained write bandwidth, all workers together
STORAGE_FILES_PER_S = 20_000  # file creations (and hard links) per second, all clients together
START = "<!-- province-scale: written by bench/cluster.py -->"
END = "<!-- /province-scale -->"


def _noop(i: int) -> int:
    return i


def school_files(out: Path) -> tuple[int, int]:
    """Mean files (links included) and mean bytes written per school (theme store excluded)."""
    folders = [p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")]
    files = sizes = 0
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file():
                files += 1
                sizes += path.stat().st_size
    return files // max(1, len(folders)), sizes // max(1, len(folders))


def stage(count: int) -> dict:
    from distributed import Client, LocalCluster
    from distributed.diagnostics.task_stream import TaskStreamPlugin

    base = BASE / f"cluster{count}"
    root, out, work = base / "root", base / "site", base / "work"
    generate(root, count)
    for folder in (out, work):
        if folder.exists():
            import shutil

            shutil.rmtree(folder)
    info = machine()
    env = {"PYTHONPATH": str(REPO), "DASK_LOGGING__DISTRIBUTED": "error"}
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                           dashboard_address=None)
    client = Client(cluster, set_as_default=False)
    try:
        stream = TaskStreamPlugin(cluster.scheduler)
        cluster.scheduler.add_plugin(stream)
        build = measure([sys.executable, "-m", "generator.cli", "build", "--root", str(root), "--out", str(out),
                         "--work", str(work), "--scheduler", cluster.scheduler_address], env=env)
        assert build["returncode"] == 0, build["stdout"] + build["stderr"]
        tasks = []
        for record in list(stream.buffer):
            if str(record["key"]).startswith("careportal-"):
                compute = [s for s in record["startstops"] if s["action"] == "compute"]
                tasks.append({"worker": record.get("worker"), "start": min(s["start"] for s in compute),
                              "seconds": sum(s["stop"] - s["start"] for s in compute)})
        # The scheduler's own cost: many tasks that do nothing, on the same two workers.
        started = time.perf_counter()
        futures = client.map(_noop, range(NOOP_TASKS), pure=False)
        client.gather(futures)
        noop_s = time.perf_counter() - started
        del futures
    finally:
        for thing in (client, cluster):
            try:
                thing.close()
            except Exception as exc:  # a loaded machine may be slow to stop a worker: the figures stand
                print(f"closing {type(thing).__name__}: {exc!r}", file=sys.stderr)
    # The join's cost: the portal of `count` schools from the cache (its key removed so it is rebuilt).
    for key in (work / "cache").glob("*/portal.key"):
        key.unlink()
    join = measure([sys.executable, "-m", "generator.cli", "build", "--root", str(root), "--out", str(out),
                    "--work", str(work), "--portal-only"], env=env)
    assert join["returncode"] == 0, join["stdout"] + join["stderr"]
    files, size = school_files(out)
    own = output_bytes(out)["own_mean"]
    # A worker's first school pays its start-up (imports, jieba's dictionary): kept apart.
    first = {}
    for task in sorted(tasks, key=lambda t: t["start"]):
        first.setdefault(task["worker"], task)
    steady = [t["seconds"] for t in tasks if t not in first.values()]
    result = {
        "machine": info, "schools": count, "counts": counts(build["stdout"]),
        "build_wall_s": build["wall_s"], "build_main_cpu_s": build["cpu_s"], "load_mean": build["load_mean"],
        "tasks": len(tasks), "task_mean_s": round(statistics.mean(steady), 3),
        "task_median_s": round(statistics.median(steady), 3), "task_p95_s": round(sorted(steady)[int(0.95 * (len(steady) - 1))], 3),
        "first_task_extra_s": round(statistics.mean(t["seconds"] for t in first.values()) - statistics.median(steady), 3),
        "task_sum_s": round(sum(t["seconds"] for t in tasks), 2),
        "noop_tasks": NOOP_TASKS, "noop_s": round(noop_s, 3), "scheduler_tasks_per_s": round(NOOP_TASKS / noop_s),
        "join_wall_s": join["wall_s"], "join_cpu_s": join["cpu_s"],
        "files_per_school": files, "bytes_per_school": size, "own_bytes_per_school": own,
    }
    save("cluster", result)
    return result


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def section(r: dict) -> list[str]:
    n, workers, cores = r["schools"], 2, r["machine"]["cores"]
    efficiency = r["task_sum_s"] / (r["build_wall_s"] * workers)
    corrected = r["task_mean_s"] * cores / r["load_mean"]  # the share of a core a task got on this machine
    task = max(IDLE_TASK_S, corrected)
    main_per_school = r["build_main_cpu_s"] / n
    join_per_school = r["join_cpu_s"] / n
    own = r.get("own_bytes_per_school", r["bytes_per_school"])
    rows = []
    for w in WORKERS:
        parts = {
            "compute": TARGET * task / w,
            "scheduler": TARGET / r["scheduler_tasks_per_s"],
            "main process": TARGET * main_per_school,
            "storage bytes": TARGET * own / STORAGE_BYTES_PER_S,
            "storage files": TARGET * r["files_per_school"] / STORAGE_FILES_PER_S,
        }
        bottleneck = max(parts, key=parts.get)
        wall = IDLE_TASK_S + parts[bottleneck] + TARGET * join_per_school
        rows.append(f"| {w} | {_duration(parts['compute'])} | {_duration(parts['scheduler'])} | "
                    f"{_duration(parts['main process'])} | {_duration(parts['storage bytes'])} | "
                    f"{_duration(parts['storage files'])} | {_duration(TARGET * join_per_school)} | "
                    f"**{_duration(wall)}** | {bottleneck} |")
    m = r["machine"]
    return [
        START,
        "## Province scale: 20,000 schools on a Dask cluster (projection)",
        "",
        f"Measured by `bench/cluster.py {n}`: **{n} synthetic schools** (fewer than the 200 the issue names: time "
        f"was short, and the machine was shared by several engineers during the run — load average "
        f"{r['load_mean']} on {cores} cores, so every wall time below is inflated several times) built by "
        f"`careportal build --scheduler` on a Dask LocalCluster of 2 worker processes (1 thread each, "
        f"127.0.0.1, no dashboard); result {r['counts']}.",
        "",
        "| Measured | Value |",
        "|---|---|",
        f"| Build wall time, {n} schools, 2 workers | {r['build_wall_s']:.0f} s |",
        f"| Task time per school on a worker (wall, warm worker) | mean {r['task_mean_s']:.1f} s, median "
        f"{r['task_median_s']:.1f} s, p95 {r['task_p95_s']:.1f} s; × {cores} cores ÷ load {r['load_mean']} = "
        f"**{corrected:.2f} s** of one core (the idle single-process profile above: {IDLE_TASK_S} s) |",
        f"| A worker's first school, extra (imports, jieba's dictionary; wall under load) | {r['first_task_extra_s']:.0f} s |",
        f"| Workers busy with schools ÷ (wall × workers) | {efficiency:.0%} |",
        f"| Scheduler throughput ({r['noop_tasks']} no-op tasks, same cluster, same load) | "
        f"{r['scheduler_tasks_per_s']} tasks/s ({1000 / r['scheduler_tasks_per_s']:.0f} ms per task) |",
        f"| Main process CPU, whole build (start-up, version check, keys, publishing, cache, gate report, portal) | "
        f"{r['build_main_cpu_s']:.1f} s = {1000 * main_per_school:.0f} ms per school |",
        f"| Portal-only join of {n} schools, CPU (start-up, keys, portal from the cache) | {r['join_cpu_s']:.1f} s = "
        f"{1000 * join_per_school:.0f} ms per school ({r['join_wall_s']:.0f} s wall under load) |",
        f"| Written per school | {r['files_per_school']} files (incl. hard links to the theme store), "
        f"{own / 1024 ** 2:.1f} MB of its own |",
        "",
        f"Projection for {TARGET:,} schools, every school rebuilt (e.g. after a theme change):",
        "",
        "| Workers | Compute | Scheduler | Main process | Storage (bytes) | Storage (files) | Portal (at the end) | Wall time | Bottleneck |",
        "|---|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        "Model and assumptions:",
        "",
        "- Wall ≈ one school (the pipeline filling) + the largest of the pipelined stages + the portal join at "
        "the end. The stages overlap (tasks stream through the scheduler, the main process publishes each "
        "school as it finishes, workers write while others compute), so the slowest sets the pace.",
        f"- Compute = schools × {task:.2f} s ÷ workers: the larger of the idle profile and the load-corrected "
        "task time measured here, one worker process per core, one school at a time each.",
        f"- Scheduler = schools ÷ {r['scheduler_tasks_per_s']} tasks/s, measured with no-op tasks on this "
        "overloaded machine: a floor. Dask's documentation gives about 1 ms of scheduler time per task "
        "(~1,000 tasks/s), which would make this column 20 s.",
        f"- Main process = schools × {1000 * main_per_school:.0f} ms, its measured CPU per school including its "
        "fixed start-up, so an upper bound: hashing each school's folder for its key, receiving each result, "
        "the atomic swap, the cache entry, the gate report. It is a single process: **from a few dozen "
        "workers on it is the limit** by this bound (the portal, also in this figure, is counted again in "
        "its own column). Measuring the fixed and per-school parts apart (a run with many "
        "more schools) is the next step; if it holds, keys could be hashed on the workers and cache entries "
        "written in batches.",
        f"- Storage (bytes) assumes {STORAGE_BYTES_PER_S // 1024 ** 2} MB/s of sustained writes to the shared output, "
        "all workers together (a modest NFS or CephFS tier).",
        f"- Storage (files) assumes {STORAGE_FILES_PER_S:,} file creations per second, all clients together: a "
        "hard link costs a metadata operation like a new file, and on a network file system metadata, not "
        "bandwidth, runs out first. Staging each school on a worker's local disk and copying it over as one "
        "archive would cut this; not built.",
        f"- Portal = schools × {1000 * join_per_school:.0f} ms (its CPU per school, fixed start-up included: an "
        "upper bound), serial, at the end of a build or in the portal-only join. One portal listing 20,000 schools is also not what a province "
        "would publish: a portal per county (not built yet) would run in parallel.",
        "- Not counted: pulling worker images and starting the cluster, queueing behind other jobs, retries.",
        END,
    ]


def write_section(lines: list[str]) -> None:
    path = HERE / "RESULTS.md"
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    if START in text:
        before, _, rest = text.partition(START)
        _, _, after = rest.partition(END)
        text = before.rstrip("\n") + "\n\n" + "\n".join(lines) + after
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n"
    path.write_text(text, encoding="utf-8")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    result = stage(count) if count else load("cluster")
    lines = section(result)
    write_section(lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
