/**
 * A record built elsewhere and handed straight to a sink, whose fields the
 * logger does not know keep its line over 256 KiB: refused, and lost as the
 * docs say, counted in the sink's own stats (and reported where the sink
 * reports).
 */
import { strict as assert } from "assert";
import { Writable } from "stream";
import type { StoredRecord } from "../../../contract";
import { OversizedRecordError } from "../../../runtime/record-line";
import { CloudWatchLogsSink } from "../../../runtime/sinks/cloudwatch-logs-sink";
import { StdoutSink } from "../../../runtime/sinks/stdout-sink";
import { callRecord } from "../../support/audit-trail";

/** A record whose field of someone else's cannot be cut: its line stays over the limit. */
const oversized = (): StoredRecord => ({ ...callRecord(1), custom: "z".repeat(300_000) }) as unknown as StoredRecord;

describe("a record too large for any line, handed straight to a sink", () => {
    it("StdoutSink refuses it, writes nothing and counts it lost", async () => {
        const written: string[] = [];
        const stream = new Writable({ write: (chunk: Buffer, _encoding, done) => { written.push(chunk.toString()); done(); } });
        const sink = new StdoutSink({ stream });
        await assert.rejects(sink.write(oversized()), OversizedRecordError);
        await sink.write(callRecord(2));
        assert.deepEqual(sink.stats(), { delivered: 1, lost: 1, rejected: 0, pending: 0 });
        assert.equal(written.length, 1);
    });

    it("CloudWatchLogsSink refuses it, sends nothing, counts it lost and reports it", async () => {
        const warnings: string[] = [];
        const sent: unknown[] = [];
        const client = { send: (command: unknown) => { sent.push(command); return Promise.resolve({}); } };
        const sink = new CloudWatchLogsSink({ client: client as never, logGroupName: "/audit/customer-a", logStreamName: "direct", onWarning: (w) => warnings.push(w), flushOnExit: false });
        await assert.rejects(sink.write(oversized()), OversizedRecordError);
        const settled: (Error | undefined)[] = [];
        sink.enqueue(oversized(), undefined, (err) => settled.push(err));
        assert.equal(settled.length, 1);
        assert.ok(settled[0] instanceof Error);
        await sink.close();
        assert.deepEqual([sink.stats().lost, sink.stats().delivered, sink.stats().pending], [2, 0, 0]);
        assert.equal(warnings.filter((w) => w.startsWith("audit record lost")).length, 2, warnings.join("\n"));
        assert.equal(sent.length, 0);
    });
});
