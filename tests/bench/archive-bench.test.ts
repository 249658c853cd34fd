import { strict as assert } from "assert";
import { benchArchive, renderArchive } from "../../bench/archive";

/** Structure and sanity, never speed. */
describe("archive benchmark, smoke run with tiny sizes", function () {
    this.timeout(120_000);

    it("times the handler with and without the archive, one object per archived call, nothing lost", async () => {
        const r = await benchArchive({ n: 20, warmup: 5 });
        for (const s of [r.without, r.with, r.logsWithout, r.logsWith]) {
            assert.equal(s.n, 20);
            assert.ok(s.min > 0 && s.min <= s.median && s.median <= s.p99, JSON.stringify(s));
        }
        // Two archived setups (stdout sink and CloudWatch Logs sink), 25 calls each.
        assert.equal(r.objects, 50);
        assert.equal(typeof r.meetsTarget, "boolean");
        assert.equal(r.lost, 0);
        assert.match(renderArchive(r).join("\n"), /\| handler, Lambda sink, archive \| [\d.]+ ms \|/);
        assert.match(renderArchive(r).join("\n"), /\| handler, CloudWatch Logs sink \(1000 ms batching timer\), archive \| [\d.]+ ms \|/);
    });
});
