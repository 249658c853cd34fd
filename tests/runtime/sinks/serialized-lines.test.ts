/**
 * The chain hands a record's JSON to the line sink it links for, so the
 * record is serialized once; a sink in between sees a plain `write` and its
 * inner sink serializes the record as it receives it.
 */
import { strict as assert } from "assert";
import { HumanMessage, AIMessage } from "@langchain/core/messages";
import type { StoredRecord } from "../../../contract";
import { PrivateInvocationLogger } from "../../../runtime/private-invocation-logger";
import { StdoutSink } from "../../../runtime/sinks/stdout-sink";
import type { AuditSink } from "../../../runtime/sinks/audit-sink";
import { capturingStdout } from "../../../testing/stdout-capture";

async function oneCall(sink: AuditSink): Promise<void> {
    const logger = new PrivateInvocationLogger({ sink, tenantId: "customer-a", onWarning: () => undefined });
    await logger.runStarted("run-1", [new HumanMessage("hi")], { userId: "u-1" });
    const message = new AIMessage({ content: "ok", usage_metadata: { input_tokens: 2, output_tokens: 1, total_tokens: 3 } });
    await logger.runEnded("run-1", { generations: [[{ text: "ok", message }]] } as never);
    await logger.flush();
}

describe("lines written from the chain's JSON", () => {
    it("hands the line sink the JSON the chain wrote, which is the record's JSON", async () => {
        const inner = new StdoutSink();
        const handed: Array<[StoredRecord, string]> = [];
        const spy = Object.assign(Object.create(inner) as StdoutSink, {
            writeSerialized: (record: StoredRecord, json: string) => (handed.push([record, json]), inner.writeSerialized(record, json)),
        });
        const { lines } = await capturingStdout(() => oneCall(spy));
        assert.equal(handed.length, 1);
        assert.equal(handed[0][1], JSON.stringify(handed[0][0]));
        assert.deepEqual(lines, [handed[0][1]]);
    });

    it("writes what a sink in between changed, not the JSON the chain wrote before", async () => {
        const inner = new StdoutSink();
        const labelling: AuditSink = {
            write: (record) => {
                (record as unknown as Record<string, unknown>).deployment = "blue";
                return inner.write(record);
            },
            flush: () => inner.flush(),
            stats: () => inner.stats(),
        };
        const { lines } = await capturingStdout(() => oneCall(labelling));
        assert.equal(lines.length, 1);
        assert.equal((JSON.parse(lines[0]) as { deployment?: string }).deployment, "blue");
    });
});
