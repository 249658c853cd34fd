import { strict as assert } from "assert";
import { useLocalAws, type LocalAws } from "../../testing/local-aws";
import { createTenantChatModel } from "../../runtime/tenant-chat-model";
import { TENANT_ENV } from "../../testing/runtime-fixtures";
import { MemorySink } from "../support/memory-sink";
import { within } from "../support/within";

/** Twenty deltas a few ms apart, so the stream is still going when the caller leaves. */
const CHUNKS = Array.from({ length: 20 }, (_, i) => `w${i + 1} `);

describe("streamLog left early (createTenantChatModel, local ConverseStream)", () => {
    let aws: LocalAws;
    const localAws = useLocalAws();
    before(() => {
        aws = localAws();
    });
    beforeEach(() => {
        aws.bedrock.reply = () => ({ text: CHUNKS.join(""), chunks: CHUNKS, chunkDelayMs: 5 });
    });

    for (const auditMode of ["best-effort", "fail-closed"] as const) {
        it(`${auditMode}: a break returns, and the run ends with one StreamClosed record`, async () => {
            const sink = new MemorySink();
            const model = createTenantChatModel({ sink, env: { ...aws.env, ...TENANT_ENV }, userId: "user-17", contentMode: "full", auditMode, onWarning: () => undefined });
            const runId = `log-${auditMode}`;
            let patches = 0;

            await within(
                10_000,
                (async () => {
                    for await (const _patch of model.streamLog("hello", { runId })) if (++patches === 3) break;
                })(),
                "break out of streamLog",
            );
            await within(2000, model.auditLogger.runFinished(runId), "runFinished");

            assert.equal(model.auditLogger.stats().activeRuns, 0);
            const completions = sink.records().filter((r) => r.outcome !== "started");
            assert.deepEqual(completions.map((r) => [r.callId, r.outcome, r.errorCode]), [[runId, "error", "StreamClosed"]]);
        });
    }

    it("a streamLog read to its end records the call's success", async () => {
        const sink = new MemorySink();
        const model = createTenantChatModel({ sink, env: { ...aws.env, ...TENANT_ENV }, userId: "user-17", contentMode: "full", onWarning: () => undefined });

        for await (const _patch of model.streamLog("hello", { runId: "log-all" })) void _patch;

        assert.deepEqual(sink.records().map((r) => [r.outcome, (r.output as { outputText?: string }).outputText]), [["success", CHUNKS.join("")]]);
    });
});
