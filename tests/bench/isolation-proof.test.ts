import { strict as assert } from "assert";
import { benchIsolationProof, parseSize, renderIsolationProof } from "../../bench/isolation-proof";

/** Structure and sanity, never speed. */
describe("benchmark 6, smoke run at 5 tenants", function () {
    this.timeout(180_000);

    it("measures the whole run, its parts and the proof alone, and renders a row", async () => {
        const r = await benchIsolationProof([{ tenants: 5 }]);
        const [row] = r.rows;
        assert.equal(row.tenants, 5);
        assert.ok(row.wallMs >= row.planMs && row.planMs > 0, JSON.stringify(row));
        assert.ok(row.peakRssMiB > 0 && row.proofAlonePeakRssMiB > 0 && row.proofAloneWallMs > 0);
        // The plan worker runs beside npm start's own process, so the tree holds more than its largest process.
        assert.ok(row.peakTreeRssMiB! > row.peakRssMiB, JSON.stringify(row));
        assert.ok(row.evaluatorRequests > 5, JSON.stringify(row));
        assert.match(renderIsolationProof(r).join("\n"), /\| 5 \| 1 \| 1 \| [\d.]+ s \| \d+ MiB \| \d+ MiB \|/);
    });

    it("plans a fleet over ops accounts as one file per shard stack and proves them all", async () => {
        const r = await benchIsolationProof([parseSize("6x2")]);
        const [row] = r.rows;
        assert.deepStrictEqual([row.tenants, row.opsAccounts, row.stackFiles], [6, 2, 2]);
        assert.ok(row.evaluatorRequests > 6 && row.proofAloneWallMs > 0, JSON.stringify(row));
        assert.equal(row.wholeProofMs, undefined);
        assert.match(renderIsolationProof(r).join("\n"), /\| 6 \| 2 \| 2 \| [\d.]+ s \|/);
        assert.throws(() => parseSize("10000x"), /a size is N or NxK/);
    });
});
