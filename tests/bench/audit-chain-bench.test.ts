import { strict as assert } from "assert";
import { benchAuditChain, renderAuditChain } from "../../bench/audit-chain";

/** Structure and sanity, never speed. */
describe("audit-chain benchmark, smoke run with tiny sizes", function () {
    this.timeout(120_000);

    it("times a call's records with and without the chain, and audit verify beside a bare parse, on a trail with no break", async () => {
        const r = await benchAuditChain({ calls: 30, warmup: 5, records: 2_000, reads: 2 });
        for (const s of [r.plain, r.chained]) {
            assert.equal(s.n, 30);
            assert.ok(s.min > 0 && s.min <= s.median && s.median <= s.p99, JSON.stringify(s));
        }
        assert.equal(r.breaks, 0);
        assert.ok(r.verifyRecordsPerSecond > 0 && r.oneThreadRecordsPerSecond > 0 && r.parseRecordsPerSecond > 0);
        assert.equal(r.readerThreads, 1, "a trail this small is read on the calling thread");
        assert.match(renderAuditChain(r, (v) => `${v} ms`, (m) => (m ? "met" : "missed")).join("\n"), /\| records, chained \| [\d.]+ ms \|/);
    });
});
