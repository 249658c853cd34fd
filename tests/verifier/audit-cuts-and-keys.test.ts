/**
 * What a record line says beyond its chain hash: the tenant every record the
 * runtime writes names, a cut the runtime would not have made (the archive
 * copy holds the whole record, so the runtime's cut can be repeated), and a
 * key written twice (JSON.parse keeps the last, a reader may take the first).
 */
import * as assert from "assert";
import { randomUUID } from "crypto";
import { recordChainHash, sha256Hex } from "../../contract/audit-chain";
import { TRUNCATION_MARKER } from "../../contract/record-limits";
import { allBreaks, verifyAuditTrail } from "../../verifier/audit";
import { packInput, unpackInput } from "../../verifier/audit/packed";
import { readAuditInputs } from "../../verifier/audit/verify";
import { MAX_RECORD_LINE_BYTES } from "../../contract/record-limits";
import { repeatsKey } from "../../verifier/audit/segment";
import { archiveObjects, breaks, changedLines, jsonLines, runtimeTrail, trailCalls, type RuntimeTrail } from "../support/audit-trail";

function logWithRecord(t: RuntimeTrail, seq: number, change: (r: any) => unknown): string {
    return jsonLines(changedLines(t.lines, (r) => (r.chain.seq === seq ? change(r) : r)));
}

/** The log with the record at `seq` without its pointer and with its metadata cut to its first 3 of `kept` entries. */
function unpointedLog(t: RuntimeTrail, seq: number, kept: string[]): string {
    return logWithRecord(t, seq, (r) => ({ ...r, archive: undefined, metadata: Object.fromEntries(kept.slice(0, 3).map((k) => [k, r.metadata[k]])) }));
}

function recordAt(t: RuntimeTrail, seq: number): any {
    return t.lines.map((l) => JSON.parse(l)).find((r) => r.chain.seq === seq);
}

/** The first of the trail's call records with text and metadata (a started record has neither). */
function completed(t: RuntimeTrail): any {
    return t.lines.map((l) => JSON.parse(l)).find((r) => r.input?.inputText !== undefined && r.metadata !== undefined);
}

/** A metadata value whose JSON is over the runtime's metadata bound, in entries of about 1 KiB. */
function bigMetadata(): Record<string, unknown> {
    return Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`k${String(i).padStart(2, "0")}`, "m".repeat(1000)]));
}

describe("audit verify: tenants, cuts and keys a line alone can misstate", () => {
    it("names a record without a tenant as a tenant break when tenants are expected, a call's record or a close record", async () => {
        const t = await runtimeTrail(trailCalls(3));
        const archive = archiveObjects(t.objects);
        assert.deepEqual(breaks(verifyAuditTrail([jsonLines(t.lines), archive], { tenants: ["customer-a"] })), []);
        // A writer re-chained with no tenant on any record (the chain has no secret), its archive writes said to have failed.
        const writer = randomUUID();
        let prev: string | null = null;
        const forged = t.lines.map((line, seq) => {
            const r = JSON.parse(line);
            delete r.tenantId;
            r.chain = { ...r.chain, writer, seq, prev };
            r.archive = { key: r.archive.key, errorCode: "AccessDenied" };
            prev = recordChainHash(r);
            return JSON.stringify(r);
        });
        for (const inputs of [[jsonLines([...t.lines, ...forged])], [jsonLines([...t.lines, ...forged]), archive]]) {
            const check = verifyAuditTrail(inputs, { tenants: ["customer-a"] });
            assert.deepEqual(breaks(check), ["tenant@0"]);
            assert.match(allBreaks(check)[0].message, /^seq 0 at .* names no tenant \(its tenantId is missing or not a string\), where every record the runtime writes names its own; expected customer-a$/);
        }
        // Only the close record stripped: it carries the tenant too.
        const close = t.lines.length - 1;
        const lastOnly = jsonLines(changedLines(forged, (r) => (r.chain.seq === close ? r : { ...r, tenantId: "customer-a" })));
        assert.equal(recordAt({ ...t, lines: forged }, close).schemaType, "BedrockTenancyAuditChain");
        assert.ok(breaks(verifyAuditTrail([lastOnly], { tenants: ["customer-a"] })).includes(`tenant@${close}`));
    });

    it("passes the runtime's own cuts: a prompt over the line limit, metadata over its bound, maxContentBytes", async () => {
        const calls = [...trailCalls(2), { prompt: "x\"\n".repeat(100 * 1024), completion: "y".repeat(40 * 1024), metadata: { ticket: "T" } }, { prompt: "p", completion: "c", metadata: bigMetadata() }];
        const t = await runtimeTrail(calls);
        const records = t.lines.map((l) => JSON.parse(l));
        assert.ok(records.some((r) => r.input?.inputTruncated === true), "the runtime cuts the long prompt");
        assert.ok(records.some((r) => r.metadataTruncated === true && r.metadataSha256 !== undefined), "the runtime cuts the large metadata");
        assert.deepEqual(breaks(verifyAuditTrail([jsonLines(t.lines), archiveObjects(t.objects)])), []);
        assert.deepEqual(breaks(verifyAuditTrail([jsonLines(t.lines)])), []);
        const input = readAuditInputs([jsonLines(t.lines)], 1).input;
        assert.ok(input.entries.some((e) => (e.content?.lineBytes ?? 0) > MAX_RECORD_LINE_BYTES - 64));
        assert.deepEqual(unpackInput(packInput(input)), input);
        for (const maxContentBytes of [1, 2, 40]) {
            const small = await runtimeTrail([{ prompt: "prompt", completion: "éclair ".repeat(20) }, { prompt: "☃ snow", completion: "x" }], { maxContentBytes });
            assert.deepEqual(breaks(verifyAuditTrail([jsonLines(small.lines), archiveObjects(small.objects)])), [], `maxContentBytes ${maxContentBytes}`);
        }
    });

    it("names a text the log marks cut where the runtime would not have cut it, given the archive", async () => {
        const t = await runtimeTrail(trailCalls(3));
        const archive = archiveObjects(t.objects);
        const seq = completed(t).chain.seq as number;
        const whole = completed(t).input.inputText as string;
        const emptied = logWithRecord(t, seq, (r) => ({ ...r, input: { ...r.input, inputText: TRUNCATION_MARKER, inputSha256: sha256Hex(whole), inputTruncated: true } }));
        const check = verifyAuditTrail([emptied, archive]);
        assert.deepEqual(breaks(check), [`edit@${seq}`]);
        assert.match(allBreaks(check)[0].message, /was changed: its inputText is cut to nothing in a line of \d+ bytes, where the runtime cuts a text only to fill a line of 262144 bytes or to its maxContentBytes \(at least 1 byte\)/);
        const marked = logWithRecord(t, seq, (r) => ({ ...r, input: { ...r.input, inputText: whole + TRUNCATION_MARKER, inputSha256: sha256Hex(whole), inputTruncated: true } }));
        assert.match(allBreaks(verifyAuditTrail([marked, archive]))[0]?.message ?? "", /its inputText is marked cut, but holds the whole text/);
    });

    it("names metadata the log cut where or shorter than the runtime would have, given the archive; metadata marked cut over its bound without it", async () => {
        const t = await runtimeTrail([...trailCalls(2), { prompt: "q", completion: "a", metadata: { ticket: "T-9", team: "claims", other: { deep: 1 } } }, { prompt: "p", completion: "c", metadata: bigMetadata() }]);
        const archive = archiveObjects(t.objects);
        const small = t.lines.map((l) => JSON.parse(l)).find((r) => r.metadata?.team !== undefined);
        const firstOnly = logWithRecord(t, small.chain.seq, (r) => ({ ...r, metadata: { [Object.keys(small.metadata)[0]]: Object.values(small.metadata)[0] }, metadataTruncated: true, metadataSha256: sha256Hex(JSON.stringify(small.metadata)) }));
        const check = verifyAuditTrail([firstOnly, archive]);
        assert.deepEqual(breaks(check), [`edit@${small.chain.seq}`]);
        assert.match(allBreaks(check)[0].message, /its metadata is marked cut, but the whole is within the 16384 bytes the runtime leaves uncut/);

        const cut = t.lines.map((l) => JSON.parse(l)).find((r) => r.metadataSha256 !== undefined);
        const kept = Object.keys(cut.metadata);
        const shorter = logWithRecord(t, cut.chain.seq, (r) => ({ ...r, metadata: Object.fromEntries(kept.slice(0, 3).map((k) => [k, r.metadata[k]])) }));
        const shorterCheck = verifyAuditTrail([shorter, archive]);
        assert.deepEqual(breaks(shorterCheck), [`edit@${cut.chain.seq}`]);
        assert.match(allBreaks(shorterCheck)[0].message, new RegExp(`its metadata is cut to 3 entries, where the runtime keeps ${kept.length} within 16384 bytes`));

        // What reader threads send back keeps the size cut's mark and a cut text's line size.
        const input = readAuditInputs([unpointedLog(t, cut.chain.seq, kept), archive], 1).input;
        assert.ok(input.entries.some((e) => e.content?.metadataCut === true));
        assert.deepEqual(unpackInput(packInput(input)), input);

        const over = logWithRecord(t, cut.chain.seq, (r) => ({ ...r, metadata: { ...bigMetadata() } }));
        const overCheck = verifyAuditTrail([over]);
        assert.deepEqual(breaks(overCheck), [`edit@${cut.chain.seq}`]);
        assert.match(allBreaks(overCheck)[0].message, /its metadata, marked cut, is over the 16384 bytes the runtime cuts metadata to/);
    });

    it("reports a line that names a key twice as damaged, however spelled; passes lines re-spelled without a repeat", async () => {
        const t = await runtimeTrail(trailCalls(3));
        const archive = archiveObjects(t.objects);
        const lines = [...t.lines];
        const [first, second] = lines.flatMap((l, i) => (l.includes('"outputText"') ? [i] : []));
        lines[first] = lines[first].replace(/^\{/, '{"outcome":"error",');
        lines[second] = lines[second].replace(/"output":\{/, '"output":{"\\u006futputText":"other",');
        for (const inputs of [[jsonLines(lines)], [jsonLines(lines), archive]]) {
            const check = verifyAuditTrail(inputs);
            const damaged = allBreaks(check).filter((b) => b.kind === "damaged");
            assert.deepEqual(damaged.map((b) => b.message.replace(/^.*:(\d+): /, "$1: ")), [first + 1, second + 1].map((n) => `${n}: an audit record that names one key twice in one object (JSON.parse reads the last value, another reader may take the first; the runtime writes each key once)`));
        }
        // Re-spelled (spaces, keys reordered, escapes, CRLF) but with each key once: read as the records they are.
        const respelled = t.lines.map((l, i) => {
            const r = JSON.parse(l);
            const reordered = Object.fromEntries(Object.entries(r).reverse());
            return (i % 2 === 0 ? JSON.stringify(reordered, null, 1).replace(/\n/g, "") : JSON.stringify(r).replace(/"schemaType"/, '"\\u0073chemaType"')) + "\r";
        });
        assert.deepEqual(breaks(verifyAuditTrail([jsonLines(respelled), archive])), []);
        assert.equal(repeatsKey('{"a":[{"a":1},{"a":2}],"b":{"a":{"a":[]}}}'), false);
        assert.equal(repeatsKey('{"a":[{"a":1,"b":2,"a":3}]}'), true);
        assert.equal(repeatsKey('{"a\\"":1,"a\\u0022":2}'), true);
    });
});
