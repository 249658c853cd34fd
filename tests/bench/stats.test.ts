import { strict as assert } from "assert";
import { median, percentile, summarize } from "../../bench/stats";
import { trustCapacity, trustPolicyChars } from "../../bench/trust-capacity";
import { growthPer10x } from "../../bench/planning";

describe("benchmark statistics", () => {
    it("takes the middle value, or the mean of the two middle values", () => {
        assert.equal(median([5, 1, 3]), 3);
        assert.equal(median([4, 1, 3, 2]), 2.5);
    });

    it("uses the nearest rank for percentiles", () => {
        const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
        assert.equal(percentile(samples, 99), 99);
        assert.equal(percentile(samples, 100), 100);
        assert.equal(percentile([7], 99), 7);
        assert.equal(percentile([1, 2, 3, 1000], 99), 1000);
    });

    it("rejects an empty sample set and a percentile outside (0, 100]", () => {
        assert.throws(() => median([]), /at least one sample/);
        assert.throws(() => percentile([1], 0), /p must be in \(0, 100\], got 0/);
        assert.throws(() => percentile([1], 101), /got 101/);
    });

    it("summarizes without reordering the caller's samples", () => {
        const samples = [3, 1, 2];
        assert.deepEqual(summarize(samples), { n: 3, median: 2, p99: 3, min: 1, max: 3 });
        assert.deepEqual(samples, [3, 1, 2]);
    });
});

describe("planning growth", () => {
    it("scales the growth between any two sizes to a factor of 10", () => {
        assert.equal(growthPer10x({ tenants: 10, medianTotalMs: 100 }, { tenants: 100, medianTotalMs: 1000 }), 10);
        assert.equal(growthPer10x({ tenants: 1000, medianTotalMs: 100 }, { tenants: 5000, medianTotalMs: 500 }), 10);
        assert.equal(growthPer10x({ tenants: 10, medianTotalMs: 1 }, { tenants: 100, medianTotalMs: 100 }), 100);
    });
});

describe("trust policy capacity", () => {
    it("finds the largest account count that fits each quota", () => {
        for (const quota of [2048, 4096]) {
            const c = trustCapacity(quota);
            assert.ok(c.maxAccounts >= 1);
            assert.ok(trustPolicyChars(c.maxAccounts) <= quota);
            assert.ok(trustPolicyChars(c.maxAccounts + 1) > quota);
        }
    });
});
