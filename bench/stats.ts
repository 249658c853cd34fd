/** Order statistics for benchmark samples: medians and percentiles, never a single run. */

export interface Summary {
    /** Number of samples. */
    n: number;
    median: number;
    p99: number;
    min: number;
    max: number;
}

/** Nearest-rank percentile (0 < p <= 100) of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
    if (samples.length === 0) {
        throw new RangeError("percentile needs at least one sample, got none");
    }
    if (!(p > 0 && p <= 100)) {
        throw new RangeError(`p must be in (0, 100], got ${p}`);
    }
    const sorted = [...samples].sort((a, b) => a - b);
    return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Median (mean of the two middle values for an even count). */
export function median(samples: readonly number[]): number {
    if (samples.length === 0) {
        throw new RangeError("median needs at least one sample, got none");
    }
    const sorted = [...samples].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function summarize(samples: readonly number[]): Summary {
    return {
        n: samples.length,
        median: median(samples),
        p99: percentile(samples, 99),
        min: Math.min(...samples),
        max: Math.max(...samples),
    };
}

/** Rounds for reporting: 3 decimals keeps microseconds of a millisecond figure. */
/** The lowest and the highest of `values`, rounded. */
export function rangeOf(values: readonly number[], decimals = 3): [number, number] {
    return [round(Math.min(...values), decimals), round(Math.max(...values), decimals)];
}

export function round(value: number, decimals = 3): number {
    const f = 10 ** decimals;
    return Math.round(value * f) / f;
}

export function roundSummary(s: Summary, decimals = 3): Summary {
    return { n: s.n, median: round(s.median, decimals), p99: round(s.p99, decimals), min: round(s.min, decimals), max: round(s.max, decimals) };
}

/** Milliseconds since `start` (a `process.hrtime.bigint()` reading). */
export function msSince(start: bigint): number {
    return Number(process.hrtime.bigint() - start) / 1e6;
}
