import { strict as assert } from "assert";
import { PassThrough, type Readable } from "stream";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { useLocalAws, type LocalAws } from "../../testing/local-aws";
import { createTenantChatModel } from "../../runtime/tenant-chat-model";
import type { AuditedChatBedrockConverse } from "../../runtime/audited-chat-model";
import { AUDIT_SCHEMA_TYPE, type AuditRecord, type StoredRecord } from "../../contract";
import { TENANT_ENV } from "../../testing/runtime-fixtures";
import { MemorySink } from "../support/memory-sink";
import { within } from "../support/within";

/** Twenty deltas of "w1 ", "w2 ", ... a few ms apart, so a stream is still going when the caller acts. */
const CHUNKS = Array.from({ length: 20 }, (_, i) => `w${i + 1} `);

/** A sink that refuses every `error` record: fail-closed, the completion of a stream cut short cannot be written. */
class RefusingErrorsSink extends MemorySink {
    write(record: StoredRecord): Promise<void> {
        if (record.schemaType === AUDIT_SCHEMA_TYPE && record.outcome === "error") return Promise.reject(new Error("log group gone"));
        return super.write(record);
    }
}

/** Cuts every ConverseStream response after its first few network reads, as a reset connection would. */
class ResettingHandler extends NodeHttpHandler {
    async handle(...[request, options]: Parameters<NodeHttpHandler["handle"]>): ReturnType<NodeHttpHandler["handle"]> {
        const result = await super.handle(request, options);
        if (!request.path.endsWith("/converse-stream")) return result;
        const body = result.response.body as Readable;
        const cut = new PassThrough();
        let reads = 0;
        body.on("data", (data: Buffer) => {
            if (++reads > 3) cut.destroy(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
            else cut.write(data);
        });
        body.on("end", () => cut.end());
        result.response.body = cut;
        return result;
    }
}

describe("a stream that ends early writes its one record and releases its run (createTenantChatModel, local ConverseStream)", () => {
    let aws: LocalAws;
    const localAws = useLocalAws();
    before(() => {
        aws = localAws();
    });
    beforeEach(() => {
        aws.bedrock.reply = () => ({ text: CHUNKS.join(""), chunks: CHUNKS, chunkDelayMs: 5 });
    });

    const modelWith = (sink: MemorySink, options: Record<string, unknown> = {}) =>
        createTenantChatModel({ sink, env: { ...aws.env, ...TENANT_ENV }, userId: "user-17", contentMode: "full", onWarning: () => undefined, ...options });

    /** The completion records, and a check that the run is over: no run open, and `runFinished` resolves. */
    async function completions(model: AuditedChatBedrockConverse, sink: MemorySink, runId: string): Promise<AuditRecord[]> {
        await within(2000, model.auditLogger.runFinished(runId), "runFinished");
        await model.auditLogger.flush();
        assert.equal(model.auditLogger.stats().activeRuns, 0);
        return sink.records().filter((r) => r.outcome !== "started");
    }

    for (const auditMode of ["best-effort", "fail-closed"] as const) {
        describe(auditMode, () => {
            it("the caller aborts its own signal inside its loop: one error record with exactly the text it received", async () => {
                const sink = new MemorySink();
                const model = modelWith(sink, { auditMode });
                const ac = new AbortController();
                let received = "";
                let thrown: unknown;

                try {
                    for await (const chunk of await model.stream("hello", { runId: `in-loop-${auditMode}`, signal: ac.signal })) {
                        received += chunk.text;
                        if (received.includes("w5 ")) ac.abort();
                    }
                } catch (err) {
                    thrown = err;
                }

                assert.equal((thrown as Error | undefined)?.name, "AbortError");
                const records = await completions(model, sink, `in-loop-${auditMode}`);
                assert.deepEqual(
                    records.map((r) => [r.outcome, r.errorCode, r.operation]),
                    [["error", "AbortError", "ConverseStream"]],
                );
                assert.equal((records[0].output as { outputText: string }).outputText, received);
                assert.equal(received, CHUNKS.slice(0, 5).join(""));
                if (auditMode === "fail-closed") assert.equal(sink.records()[0].outcome, "started");
            });

            it("the caller aborts from a timer while the stream waits for the next chunk: the same one record", async () => {
                const sink = new MemorySink();
                const model = modelWith(sink, { auditMode });
                const ac = new AbortController();
                let received = "";

                await assert.rejects(async () => {
                    for await (const chunk of await model.stream("hello", { runId: `timer-${auditMode}`, signal: ac.signal })) {
                        received += chunk.text;
                        if (received === "w1 ") setTimeout(() => ac.abort(), 12);
                    }
                });

                const records = await completions(model, sink, `timer-${auditMode}`);
                assert.deepEqual(records.map((r) => [r.outcome, r.errorCode]), [["error", "AbortError"]]);
                assert.equal((records[0].output as { outputText: string }).outputText, received);
            });

            it("an abort with a reason of the caller's is recorded under that reason", async () => {
                const sink = new MemorySink();
                const model = modelWith(sink, { auditMode });
                const ac = new AbortController();
                const reason = Object.assign(new Error("the user pressed stop"), { name: "UserStopped" });

                await assert.rejects(async () => {
                    for await (const _ of await model.stream("hello", { runId: `reason-${auditMode}`, signal: ac.signal })) ac.abort(reason);
                }, reason);

                const records = await completions(model, sink, `reason-${auditMode}`);
                assert.deepEqual(records.map((r) => [r.outcome, r.errorCode]), [["error", "UserStopped"]]);
            });

            it("break, a throw inside the loop, and return() before reading each give one StreamClosed record", async () => {
                const sink = new MemorySink();
                const model = modelWith(sink, { auditMode });

                for await (const chunk of await model.stream("hello", { runId: `break-${auditMode}` })) {
                    if (chunk.text.startsWith("w2")) break;
                }
                await assert.rejects(async () => {
                    for await (const chunk of await model.stream("hello", { runId: `throw-${auditMode}` })) {
                        if (chunk.text.startsWith("w3")) throw new Error("the caller's own bug");
                    }
                }, /the caller's own bug/);
                const unread = await model.stream("hello", { runId: `return-${auditMode}` });
                await within(2000, unread.return(), "return()");

                for (const runId of [`break-${auditMode}`, `throw-${auditMode}`, `return-${auditMode}`]) {
                    const records = (await completions(model, sink, runId)).filter((r) => r.callId === runId);
                    assert.deepEqual(records.map((r) => [r.outcome, r.errorCode]), [["error", "StreamClosed"]], runId);
                }
                const text = (runId: string) => (sink.records().find((r) => r.callId === runId && r.outcome === "error")!.output as { outputText: string }).outputText;
                assert.equal(text(`break-${auditMode}`), "w1 w2 ");
                assert.equal(text(`throw-${auditMode}`), "w1 w2 w3 ");
            });

            it("a caller that awaits between chunks and then leaves: the record holds the chunks it read, none fetched ahead", async () => {
                const sink = new MemorySink();
                const model = modelWith(sink, { auditMode });
                const left: Record<string, string> = {};
                for (const how of ["break", "throw", "return"] as const) {
                    const runId = `slow-${how}-${auditMode}`;
                    let received = "";
                    const stream = await model.stream("hello", { runId });
                    try {
                        for await (const chunk of stream) {
                            received += chunk.text;
                            // Work per chunk (a relay awaiting its socket, say): the next chunk has long arrived meanwhile.
                            await new Promise((resolve) => setTimeout(resolve, 30));
                            if (received.includes("w2 ")) {
                                if (how === "break") break;
                                if (how === "throw") throw new Error("the caller's own bug");
                                await stream.return();
                                break;
                            }
                        }
                    } catch (err) {
                        assert.match((err as Error).message, /the caller's own bug/);
                    }
                    left[runId] = received;
                }
                for (const [runId, received] of Object.entries(left)) {
                    assert.equal(received, "w1 w2 ", runId);
                    const records = (await completions(model, sink, runId)).filter((r) => r.callId === runId);
                    assert.deepEqual(records.map((r) => [r.outcome, r.errorCode, (r.output as { outputText: string }).outputText]), [["error", "StreamClosed", received]], runId);
                }
            });

            it("return() while a next() still waits records only the text that reached the caller", async () => {
                // Deltas far apart: the caller leaves while the next one is on its way.
                aws.bedrock.reply = () => ({ text: CHUNKS.join(""), chunks: CHUNKS, chunkDelayMs: 300 });
                const sink = new MemorySink();
                const model = modelWith(sink, { auditMode });
                const runId = `return-waiting-${auditMode}`;
                const stream = await model.stream("hello", { runId });
                let received = "";
                while (received === "") received += (await stream.next()).value?.text ?? "";

                const waiting = stream.next();
                await new Promise((resolve) => setTimeout(resolve, 20));
                const [next] = await within(5000, Promise.all([waiting, stream.return()]), "next() and return()");
                if (!next.done) received += next.value.text;

                assert.equal(received, "w1 ");
                const records = await completions(model, sink, runId);
                assert.deepEqual(records.map((r) => [r.outcome, r.errorCode, (r.output as { outputText: string }).outputText]), [["error", "StreamClosed", received]]);
            });

            it("Bedrock's stream breaking off mid-way gives one error record with the output so far", async () => {
                const sink = new MemorySink();
                const model = modelWith(sink, { auditMode, bedrockClientConfig: { requestHandler: new ResettingHandler(), maxAttempts: 1 } });
                let received = "";

                await assert.rejects(async () => {
                    for await (const chunk of await model.stream("hello", { runId: `reset-${auditMode}` })) received += chunk.text;
                });

                const records = await completions(model, sink, `reset-${auditMode}`);
                assert.ok(received.startsWith("w1 "), received);
                assert.equal(records.length, 1);
                assert.equal(records[0].outcome, "error");
                // Node's code of the broken connection, not the bare "Error" it is thrown as.
                assert.equal(records[0].errorCode, "ECONNRESET");
                assert.equal((records[0].output as { outputText?: string }).outputText ?? "", received);
            });
        });
    }

    it("a chunk that arrives after the abort never reaches a caller that reads on", async () => {
        const sink = new MemorySink();
        const model = modelWith(sink);
        const ac = new AbortController();
        const options = { runId: "reads-on", signal: ac.signal };
        const stream = model._streamIterator("hello", options);
        const first = await stream.next();
        ac.abort();

        // LangChain's own `stream` throws at once; a caller of the generator itself resumes it.
        await assert.rejects(stream.next(), (err: Error) => err.name === "AbortError");
        const records = await completions(model, sink, "reads-on");
        assert.deepEqual(records.map((r) => [r.outcome, r.errorCode]), [["error", "AbortError"]]);
        assert.equal((records[0].output as { outputText: string }).outputText, first.value?.text ?? "");
    });

    it("fail-closed: an aborted stream whose record cannot be written is counted as lost, reported, and releases its run", async () => {
        const sink = new RefusingErrorsSink();
        const warnings: string[] = [];
        const model = modelWith(sink, { auditMode: "fail-closed", onWarning: (w: string) => warnings.push(w) });
        const ac = new AbortController();

        await assert.rejects(async () => {
            for await (const chunk of await model.stream("hello", { runId: "lost", signal: ac.signal })) {
                if (chunk.text.startsWith("w2")) ac.abort();
            }
        });

        await within(2000, model.auditLogger.runFinished("lost"), "runFinished");
        assert.deepEqual(model.auditLogger.stats(), { ...model.auditLogger.stats(), activeRuns: 0, lost: 1 });
        assert.ok(warnings.some((w) => w.startsWith("audit record lost")), warnings.join("\n"));
        assert.deepEqual(sink.records().map((r) => r.outcome), ["started"]);
    });

    it("fail-closed: a caller that reads on after such an abort gets AuditWriteError, not more text", async () => {
        const sink = new RefusingErrorsSink();
        const model = modelWith(sink, { auditMode: "fail-closed" });
        const ac = new AbortController();
        const options = { runId: "reads-on-lost", signal: ac.signal };
        const stream = model._streamIterator("hello", options);
        await stream.next();
        ac.abort();

        await assert.rejects(stream.next(), (err: Error) => err.name === "AuditWriteError");
        assert.equal(model.auditLogger.stats().activeRuns, 0);
    });
});
