/**
 * The class of hole: resources asked for beyond what the machine has. `--workers` is capped at the parallelism and at
 * what the address-space limit leaves room for, with one line saying so; a worker that cannot start costs a thread,
 * with one line, never the search or the process.
 */
import { spawnSync } from "node:child_process";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { startWorkers, thisMachine, workerCount, WORKER_ADDRESS_SPACE } from "../src/threads.js";

const machine = (parallelism: number, limit?: number, used = 0) => ({
  parallelism,
  addressSpaceLimit: limit,
  addressSpaceUsed: used,
});
const GB = 1024 ** 3;

describe("workerCount", () => {
  it("asked for more than the machine runs at once: capped, with one line saying so", () => {
    expect(workerCount(256, machine(2))).toEqual({
      count: 2,
      note: "--workers 256: this machine runs 2 threads at once; using 2 worker threads",
    });
  });

  it("asked for at most the parallelism, or nothing asked: no note", () => {
    expect(workerCount(2, machine(4))).toEqual({ count: 2 });
    expect(workerCount(undefined, machine(4))).toEqual({ count: 4 });
    expect(workerCount(1, machine(1))).toEqual({ count: 1 });
  });

  it("under an address-space limit: as many as fit (each reserves ~640 MB), at least the calling thread", () => {
    expect(workerCount(undefined, machine(8, 4 * GB, 1 * GB))).toEqual({
      count: 3,
      note: "--workers 8: the address-space limit (ulimit -v) leaves room for 3 worker threads; using 3 worker threads",
    });
    expect(workerCount(4, machine(2, 1.2 * GB, 1 * GB)).count).toBe(1);
    expect(workerCount(4, machine(2, 1.2 * GB, 1 * GB)).note).toMatch(
      /leaves room for 0 worker threads; searching in this thread alone$/,
    );
  });

  it("this process: the parallelism of os, and the limit /proc reports (unlimited here unless ulimit -v)", () => {
    const m = thisMachine();
    expect(m.parallelism).toBeGreaterThanOrEqual(1);
    const r = spawnSync(
      "sh",
      [
        "-c",
        `ulimit -v 3000000 && ${JSON.stringify(process.execPath)} -e "process.stdout.write(require('fs').readFileSync('/proc/self/limits','utf8'))"`,
      ],
      { encoding: "utf8" },
    );
    if (r.status === 0) expect(r.stdout).toMatch(/^Max address space\s+3072000000/m);
    expect(WORKER_ADDRESS_SPACE).toBeGreaterThan(500 * 1024 * 1024);
  });
});

describe("startWorkers", () => {
  const good = () =>
    new Worker("require('node:worker_threads').parentPort.postMessage('ready'); setInterval(() => {}, 1000)", {
      eval: true,
    });

  it("a worker that fails as it starts is dropped with one line; the others are kept", async () => {
    const spawned: Worker[] = [];
    const { workers, note } = await startWorkers(
      3,
      (i) => {
        const w = i === 1 ? new Worker("throw new Error('no heap for you')", { eval: true }) : good();
        spawned.push(w);
        return w;
      },
      (m) => m === "ready",
    );
    expect(workers).toHaveLength(2);
    expect(note).toBe("1 of 3 worker threads could not start (no heap for you); the search uses the other 2");
    await Promise.all(spawned.map((w) => w.terminate()));
  });

  it("one that throws on creation, and one out of memory at start", async () => {
    const { workers, note } = await startWorkers(
      2,
      (i) => {
        if (i === 0) throw new Error("ERR_WORKER_INIT_FAILED");
        return new Worker("const a = []; for (;;) a.push(new Array(1e5).fill(1))", {
          eval: true,
          resourceLimits: { maxOldGenerationSizeMb: 4 },
        });
      },
      (m) => m === "ready",
    );
    expect(workers).toEqual([]);
    expect(note).toMatch(
      /^2 of 2 worker threads could not start \(ERR_WORKER_INIT_FAILED\); searching in this thread alone$/,
    );
  });

  it("all start: no note", async () => {
    const { workers, note } = await startWorkers(2, good);
    expect(workers).toHaveLength(2);
    expect(note).toBeUndefined();
    await Promise.all(workers.map((w) => w.terminate()));
  });
});
