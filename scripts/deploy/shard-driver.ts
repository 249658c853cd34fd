/**
 * The orchestration of deploying a fleet's shards: preview every shard,
 * export each plan for the verifier, stop at the first violation, and update
 * the shards with a bounded number at a time, retrying updates that CloudWatch
 * throttled (PutMetricAlarm, 3 calls a second per account and Region). The
 * stack runner is injected: with Pulumi's Automation API it wraps
 * `LocalWorkspace.selectStack(...).preview()` / `.up()`; this project's tests
 * inject a fake and never run the Pulumi CLI.
 */

export interface ShardRunner {
    /** Previews the shard's stack; `plan` is what the verifier reads (a `pulumi preview --json`), `violations` what refused it. */
    preview(stack: string): Promise<{ plan: unknown; violations: string[] }>;
    update(stack: string): Promise<void>;
}

export interface DriveOptions {
    stacks: readonly string[];
    runner: ShardRunner;
    /** Shards previewed or updated at once (at least 1). */
    parallelism: number;
    /** Receives every previewed shard's plan, for the verifier over all of them. */
    exportPlan(stack: string, plan: unknown): Promise<void>;
    /**
     * Runs after every shard previewed clean and before any update: the proof
     * over all the exported plans together (with the customer stacks' files),
     * whose fleet-wide checks no single shard's preview can make. Returns the
     * violations; any stops the run.
     */
    verifyAll?(stacks: readonly string[]): Promise<string[]>;
    /** Preview only, or preview every shard and then update them. */
    update: boolean;
    /** Attempts per update when it fails on throttling. @default 5 */
    attempts?: number;
    /** Waits before retry n (1-based). @default 2^n × 10 s */
    backoffMs?(retry: number): number;
    sleep?(ms: number): Promise<void>;
}

export interface DriveResult {
    previewed: string[];
    updated: string[];
    /** The first shard whose preview showed violations or whose run failed; nothing started after it. */
    stopped?: { stack: string; phase: "preview" | "verify" | "update"; reason: string };
    /** Shards never started because of the stop. */
    skipped: string[];
    /** Throttled update attempts retried, per shard. */
    retries: Record<string, number>;
}

/** Whether an update failed on CloudWatch's (or any AWS) request throttling, so a rerun resumes it. */
export function isThrottle(error: unknown): boolean {
    const text = error instanceof Error ? error.message : String(error);
    return ["Throttling", "ThrottlingException", "Rate exceeded", "TooManyRequests"].some((s) => text.includes(s));
}

/** Runs `work` over `items`, at most `limit` at a time, starting none once `stop()` is true; returns the items not started. */
async function bounded<T>(items: readonly T[], limit: number, stop: () => boolean, work: (item: T) => Promise<void>): Promise<T[]> {
    let next = 0;
    const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
        while (next < items.length && !stop()) await work(items[next++]);
    });
    await Promise.all(lanes);
    return items.slice(next);
}

/** How a stop names the whole fleet rather than one shard. */
export const FLEET = "(all shards)";

export async function driveShards(options: DriveOptions): Promise<DriveResult> {
    if (!Number.isInteger(options.parallelism) || options.parallelism < 1) throw new RangeError(`parallelism must be a whole number of at least 1, got ${options.parallelism}`);
    const attempts = options.attempts ?? 5;
    const backoff = options.backoffMs ?? ((n: number) => 2 ** n * 10_000);
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const result: DriveResult = { previewed: [], updated: [], skipped: [], retries: {} };
    const stopped = () => result.stopped !== undefined;
    const stopAt = (stack: string, phase: "preview" | "verify" | "update", reason: string) => {
        result.stopped ??= { stack, phase, reason };
    };

    // Every shard is previewed (and its plan exported) before any is updated: a breach anywhere stops the whole fleet.
    result.skipped = await bounded(options.stacks, options.parallelism, stopped, async (stack) => {
        try {
            const { plan, violations } = await options.runner.preview(stack);
            await options.exportPlan(stack, plan);
            result.previewed.push(stack);
            if (violations.length > 0) stopAt(stack, "preview", violations.join("; "));
        } catch (e) {
            stopAt(stack, "preview", e instanceof Error ? e.message : String(e));
        }
    });
    if (stopped()) return result;
    if (options.verifyAll) {
        try {
            const violations = await options.verifyAll(result.previewed);
            if (violations.length > 0) stopAt(FLEET, "verify", violations.join("; "));
        } catch (e) {
            stopAt(FLEET, "verify", e instanceof Error ? e.message : String(e));
        }
        if (stopped()) {
            result.skipped = options.update ? [...options.stacks] : [];
            return result;
        }
    }
    if (!options.update) return result;

    result.skipped = await bounded(options.stacks, options.parallelism, stopped, async (stack) => {
        for (let attempt = 1; ; attempt++) {
            try {
                await options.runner.update(stack);
                result.updated.push(stack);
                return;
            } catch (e) {
                if (!isThrottle(e) || attempt >= attempts) {
                    stopAt(stack, "update", `${e instanceof Error ? e.message : String(e)}${isThrottle(e) ? ` (still throttled after ${attempts} attempts)` : ""}`);
                    return;
                }
                result.retries[stack] = (result.retries[stack] ?? 0) + 1;
                await sleep(backoff(attempt));
            }
        }
    });
    return result;
}
