/**
 * With the archive given, what it contradicts in the log is a break: a log
 * copy's pointer naming an object the archive lacks or one with another
 * SHA-256, a log copy of an archiving writer without its pointer, and a
 * trail holding another tenant's records. The runtime's own trails verify
 * intact.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { createHash } from "crypto";
import { ChainWriter } from "../../runtime/chain/chain-writer";
import { allBreaks, readAuditInputs, verifyAuditTrail } from "../../verifier/audit";
import { packInput, unpackInput } from "../../verifier/audit/packed";
import { archiveObjects, auditCli, breaks, callRecord, changedLines, forgedWriter, jsonLines, logWith, runtimeTrail, trail, trailCalls, type RuntimeTrail } from "../support/audit-trail";

const closedTrail = () => runtimeTrail(trailCalls(3));

function objectKeyOf(t: RuntimeTrail, seq: number): string {
    return t.lines.map((l) => JSON.parse(l)).find((r) => r.chain.seq === seq).archive.key;
}

/** A writer's records one ms apart, each archived as the ArchivingSink archives a record of mode `none` (the same record), its log copy naming the object. */
function pointedTrail(count: number): { log: any[]; objects: Map<string, string> } {
    const objects = new Map<string, string>();
    const log = trail(count).records.map((r) => {
        const key = `tenant=customer-a/dt=2026-12-05/${r.chain!.seq}-call-success.json`;
        const body = `${JSON.stringify(r)}\n`;
        objects.set(key, body);
        return { ...r, archive: { key, sha256: createHash("sha256").update(body).digest("hex") } };
    });
    return { log, objects };
}

describe("audit verify checks the log's archive pointers against the archive", () => {
    it("finds the runtime's trail intact, with pointers whose objects the archive holds, through the CLI and on reader threads' packing", async () => {
        const t = await closedTrail();
        const log = jsonLines(t.lines);
        const archive = archiveObjects(t.objects);
        const check = verifyAuditTrail([log, archive]);
        assert.deepEqual([breaks(check), check.newerThanArchive], [[], 0]);
        assert.equal(auditCli([log, archive]).code, 0);
        const { input } = readAuditInputs([log, archive], 1);
        assert.ok(input.entries.some((e) => e.pointer?.sha256 !== undefined) && input.archiveObjects.length > 0);
        assert.deepStrictEqual(unpackInput(packInput(input)), input);
    });

    it("names a log copy whose pointer's SHA-256 is not its object's", async () => {
        const t = await closedTrail();
        const log = logWith(t, 2, (r) => ({ ...r, archive: { ...r.archive, sha256: "0".repeat(64) } }));
        assert.deepEqual(breaks(verifyAuditTrail([log])), []);
        const check = verifyAuditTrail([log, archiveObjects(t.objects)]);
        assert.deepEqual(breaks(check), ["archive-pointer@2"]);
        assert.match(allBreaks(check)[0].message, /^seq 2 at .*:3 names the archive object tenant=customer-a\/dt=.* with another SHA-256 than the object .* has$/);
        assert.equal(auditCli([log, archiveObjects(t.objects)]).code, 1);
    });

    it("names a log copy whose pointer was removed, when the writer's records are archived", async () => {
        const t = await closedTrail();
        const log = logWith(t, 1, (r) => ({ ...r, archive: undefined }));
        const check = verifyAuditTrail([log, archiveObjects(t.objects)]);
        assert.deepEqual(breaks(check), ["archive-pointer@1"]);
        assert.match(allBreaks(check)[0].message, /^seq 1 at .*:2 has no archive pointer, though the writer's records are archived$/);
        // Every pointer removed: the archive still holds the writer's records.
        const bare = jsonLines(changedLines(t.lines, (r) => ({ ...r, archive: undefined })));
        assert.equal(breaks(verifyAuditTrail([bare, archiveObjects(t.objects)])).filter((b) => b.startsWith("archive-pointer@")).length, t.lines.length);
    });

    it("names a record whose archive object was deleted from the archive", async () => {
        const t = await closedTrail();
        const objects = new Map(t.objects);
        objects.delete(objectKeyOf(t, 3));
        const check = verifyAuditTrail([jsonLines(t.lines), archiveObjects(objects)]);
        assert.deepEqual(breaks(check), ["archive-pointer@3"]);
        assert.match(allBreaks(check)[0].message, /^seq 3 at .*:4 names the archive object tenant=customer-a\/dt=.*, which the archive does not hold \(deleted, or never written; or still being written when the archive was copied\)$/);
    });

    it("names a forged writer whose pointers name objects that do not exist, given the archive", async () => {
        const t = await closedTrail();
        const log = jsonLines([...t.lines, ...forgedWriter(t, 4, (r) => ({ key: r.archive.key.replace(/-(started|success)\.json$/, "-forged-$1.json"), sha256: "ab".repeat(32) }))]);
        // The log alone cannot tell it: its chain is consistent.
        assert.deepEqual(breaks(verifyAuditTrail([log])), []);
        const check = verifyAuditTrail([log, archiveObjects(t.objects)]);
        const forged = check.writers.find((w) => w.writer !== t.writer)!;
        assert.deepEqual(forged.breaks.map((b) => `${b.kind}@${b.seq}`), ["archive-pointer@0", "archive-pointer@1", "archive-pointer@2", "archive-pointer@3"]);
        assert.deepEqual(check.writers.find((w) => w.writer === t.writer)!.breaks, []);
    });

    it("accepts a pointer naming a failed write, and leaves unchecked an object written after the archive was copied", () => {
        const { log, objects } = pointedTrail(4);
        const failed = log.map((r) => (r.chain.seq === 1 ? { ...r, archive: { key: r.archive.key, errorCode: "ServiceUnavailable" } } : r));
        const withoutIt = new Map([...objects].filter(([key]) => key !== log[1].archive.key));
        assert.deepEqual(breaks(verifyAuditTrail([jsonLines(failed), archiveObjects(withoutIt)])), []);
        assert.deepEqual(breaks(verifyAuditTrail([jsonLines(log), archiveObjects(objects)])), []);

        // The archive copied before the last record was archived: the log has it, the copy does not.
        const early = new Map([...objects].filter(([key]) => key !== log[3].archive.key));
        const check = verifyAuditTrail([jsonLines(log), archiveObjects(early)]);
        assert.deepEqual([breaks(check), check.newerThanArchive], [[], 1]);
        assert.match(auditCli([jsonLines(log), archiveObjects(early)]).out, /^1 record newer than the archive copy \(written after its newest\): /m);
        // Not so a record before the copy's newest.
        const holed = new Map([...objects].filter(([key]) => key !== log[2].archive.key));
        assert.deepEqual(breaks(verifyAuditTrail([jsonLines(log), archiveObjects(holed)])), ["archive-pointer@2"]);
    });

    it("reads the archive copied with its tenant folder, or from inside it", async () => {
        const t = await closedTrail();
        const whole = archiveObjects(t.objects);
        const inside = path.join(whole, "tenant=customer-a");
        assert.ok(fs.statSync(inside).isDirectory());
        assert.deepEqual(breaks(verifyAuditTrail([jsonLines(t.lines), inside])), []);
        const log = logWith(t, 2, (r) => ({ ...r, archive: { ...r.archive, sha256: "0".repeat(64) } }));
        assert.deepEqual(breaks(verifyAuditTrail([log, inside])), ["archive-pointer@2"]);
    });
});

describe("audit verify checks whose records the trail holds", () => {
    /** Another tenant's writer, records chained as the runtime chains them. */
    function otherTenant(count: number): string[] {
        let clock = Date.UTC(2026, 11, 5, 2, 0, 0);
        const writer = new ChainWriter({ tenantId: "customer-b", identity: { instance: "vm/1", startedAt: new Date(clock).toISOString() }, now: () => clock++ });
        return Array.from({ length: count }, (_, i) => JSON.stringify(writer.link(callRecord(i, { tenantId: "customer-b" })).record));
    }

    it("names a trail holding records of two tenants, unless --tenant names both; and a writer of a tenant --tenant does not name", async () => {
        const t = await closedTrail();
        const log = jsonLines([...t.lines, ...otherTenant(3)]);
        const archive = archiveObjects(t.objects);

        const mixed = verifyAuditTrail([log, archive]);
        assert.deepEqual(breaks(mixed), ["tenant@undefined"]);
        assert.match(mixed.other[0].message, /^the trail holds records of 2 tenants, customer-a \(1 writer\), customer-b \(1 writer\), .*--tenant$/);

        const named = verifyAuditTrail([log, archive], { tenants: ["customer-a"] });
        const foreign = allBreaks(named);
        assert.deepEqual(foreign.map((b) => [b.kind, b.seq]), [["tenant", 0]]);
        assert.notEqual(foreign[0].writer, t.writer);
        assert.match(foreign[0].message, /^seq 0 at .* is a record of tenant customer-b, not of customer-a$/);
        assert.deepEqual(breaks(verifyAuditTrail([log, archive], { tenants: ["customer-a", "customer-b"] })), []);
        assert.deepEqual(breaks(verifyAuditTrail([jsonLines(t.lines), archive], { tenants: ["customer-a"] })), []);

        assert.equal(auditCli([log, archive]).code, 1);
        assert.equal(auditCli(["--tenant", "customer-a", log, archive]).code, 1);
        assert.equal(auditCli(["--tenant", "customer-a", "--tenant", "customer-b", log, archive]).code, 0);
        assert.equal(auditCli(["--tenant", "customer-b", jsonLines(t.lines), archive]).code, 1);
        const bad = auditCli(["--tenant", "Customer A", log]);
        assert.equal(bad.code, 2);
        assert.match(bad.err, /--tenant must be 1 to 32 lowercase letters, digits and hyphens/);
    });

    it("names a writer whose records name two tenants", () => {
        let clock = Date.UTC(2026, 11, 5, 2, 0, 0);
        const writer = new ChainWriter({ tenantId: "customer-a", identity: { instance: "vm/1", startedAt: new Date(clock).toISOString() }, now: () => clock++ });
        const records = [0, 1, 2].map((i) => JSON.stringify(writer.link(callRecord(i, { tenantId: i === 2 ? "customer-b" : "customer-a" })).record));
        assert.deepEqual(breaks(verifyAuditTrail([jsonLines(records)])), ["tenant@2", "tenant@undefined"]);
    });
});
