/**
 * The worker pool that plans shards and runs the cross-check: workers are
 * reused, each job's warnings and errors stay its own, and a worker that
 * fails or dies never takes a job down silently.
 */
import * as assert from "assert";
import * as path from "path";
import { inParallel } from "../../../scripts/lib/in-parallel";
import { JsonWorkerPool } from "../../../scripts/lib/json-worker";

const WORKER = path.join(__dirname, "fixtures", "echo-worker.ts");

interface EchoJob {
    value: number;
    warn?: string;
    fail?: string;
    die?: boolean;
}
type Echo = { value: number; pid: number };

describe("JSON worker pool", function () {
    this.timeout(60_000);
    let pool: JsonWorkerPool<EchoJob, Echo>;
    afterEach(() => pool?.close());

    it("runs many jobs on at most its size of workers, each result to its own job", async () => {
        pool = new JsonWorkerPool<EchoJob, Echo>(WORKER, 2);
        const results: Echo[] = [];
        await inParallel(Array.from({ length: 12 }, (_, i) => i), (value) => pool.run({ value }, { failure: "echo failed" }), (r) => results.push(r));
        assert.deepStrictEqual(results.map((r) => r.value), Array.from({ length: 12 }, (_, i) => i));
        const pids = new Set(results.map((r) => r.pid));
        assert.ok(pids.size >= 1 && pids.size <= 2, `12 jobs ran in ${pids.size} processes`);
        await pool.close();
        for (const pid of pids) assert.throws(() => process.kill(pid, 0), /ESRCH/, `worker ${pid} outlived close()`);
    });

    it("hands each job the warnings it wrote, and only those", async () => {
        pool = new JsonWorkerPool<EchoJob, Echo>(WORKER, 1);
        const seen: string[] = [];
        await Promise.all(["first", "second", "third"].map((warn, value) => pool.run({ value, warn }, { failure: "echo failed", onStderr: (t) => seen.push(`${value}:${t.trim()}`) })));
        assert.deepStrictEqual(seen.sort(), ["0:first", "1:second", "2:third"]);
    });

    it("rejects a failed job with its failure line and error, then runs the next job on a fresh worker", async () => {
        pool = new JsonWorkerPool<EchoJob, Echo>(WORKER, 1);
        const before = await pool.run({ value: 1 }, { failure: "echo failed" });
        await assert.rejects(pool.run({ value: 2, warn: "about to fail", fail: "value 2 is out of range" }, { failure: 'job "two" failed' }), (err: Error) => {
            assert.strictEqual(err.message, 'job "two" failed:\nabout to fail\nRangeError: value 2 is out of range');
            return true;
        });
        const after = await pool.run({ value: 3 }, { failure: "echo failed" });
        assert.strictEqual(after.value, 3);
        assert.notStrictEqual(after.pid, before.pid, "a failed worker served another job");
    });

    it("rejects the job of a worker that dies, quoting what the worker wrote", async () => {
        pool = new JsonWorkerPool<EchoJob, Echo>(WORKER, 1);
        await assert.rejects(pool.run({ value: 1, die: true }, { failure: 'job "one" failed' }), (err: Error) => {
            assert.strictEqual(err.message, 'job "one" failed:\ndying on purpose\nthe worker exited with code 3 before it finished');
            return true;
        });
        assert.strictEqual((await pool.run({ value: 4 }, { failure: "echo failed" })).value, 4);
    });

    it("refuses jobs once closed, and a size below one", async () => {
        pool = new JsonWorkerPool<EchoJob, Echo>(WORKER, 1);
        await pool.close();
        await assert.rejects(pool.run({ value: 1 }, { failure: "echo failed" }), /echo failed: the worker pool is closed/);
        assert.throws(() => new JsonWorkerPool(WORKER, 0), /at least one worker, got 0/);
    });
});
