/**
 * Entries of an `aws logs` events list that are no event (null, a number, a
 * list, ...) hold no record: counted and skipped as other lines, never a
 * crash; an export that holds nothing else is unreadable input (exit 2) named by its file.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { verifyAuditTrail } from "../../verifier/audit";
import { auditCli, breaks, tempDir, trail } from "../support/audit-trail";

const ODD_ENTRIES: [string, unknown][] = [
    ["null", null],
    ["a number", 5],
    ["a string", "START RequestId: 1"],
    ["true", true],
    ["a list", [{ message: "x" }]],
    ["an empty object", {}],
    ["an event whose message is a number", { message: 7 }],
    ["an event whose message is null", { message: null, logStreamName: "s" }],
    ["an event whose message is an object", { message: { text: "x" } }],
];

/** `aws logs filter-log-events` output holding `events` as given. */
function eventsFile(events: unknown[]): string {
    const file = path.join(tempDir(), "events.json");
    fs.writeFileSync(file, JSON.stringify({ events, searchedLogStreams: [] }, null, 2));
    return file;
}

/** The records of a trail as the events `aws logs` prints. */
function recordEvents(count: number): unknown[] {
    return trail(count).records.map((r, i) => ({ logStreamName: "s", timestamp: Date.parse(r.chain!.at), message: JSON.stringify(r), eventId: `e${i}` }));
}

describe("audit verify: entries of an aws logs events list that are no event", () => {
    for (const [what, entry] of ODD_ENTRIES) {
        it(`${what} alone: exit 2, one line naming the file, no stack trace`, () => {
            const file = eventsFile([entry]);
            const result = auditCli([file]);
            assert.strictEqual(result.code, 2, result.err);
            assert.strictEqual(result.out, "");
            assert.strictEqual(result.err, `no audit record found in ${file} (1 other line)\n`);
        });
    }

    it("among records: each counted as an other line, the trail checked and intact", () => {
        const [first, ...rest] = recordEvents(3);
        const file = eventsFile([null, first, ...ODD_ENTRIES.map(([, e]) => e), ...rest, 5]);
        const check = verifyAuditTrail([file]);
        assert.deepStrictEqual([check.records, check.skipped, breaks(check)], [3, ODD_ENTRIES.length + 2, []]);
        const result = auditCli([file]);
        assert.strictEqual(result.code, 0, result.err);
        assert.match(result.out, new RegExp(`${ODD_ENTRIES.length + 2} other lines skipped: intact`));
    });

    it("read on worker threads alike", () => {
        const [first, ...rest] = recordEvents(3);
        const file = eventsFile([null, first, [1], ...rest, "x"]);
        const result = auditCli(["--threads", "2", file]);
        assert.strictEqual(result.code, 0, result.err);
        assert.match(result.out, /3 other lines skipped: intact/);
    });
});
