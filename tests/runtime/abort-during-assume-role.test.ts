/**
 * A caller's abort while AssumeRole is still pending (STS accepts the
 * connection and never answers) ends the call at the abort, not after every
 * STS attempt has timed out, and its one record says it ended at AssumeRole:
 * for `invoke` and for `stream`.
 */
import { strict as assert } from "assert";
import { useLocalAws, type LocalAws } from "../../testing/local-aws";
import { createTenantChatModel } from "../../runtime/tenant-chat-model";
import { TENANT_ENV } from "../../testing/runtime-fixtures";
import { MemorySink } from "../support/memory-sink";
import { within } from "../support/within";

/** Far beyond the abort, well short of the three STS attempts (about 15 s) the call used to wait out. */
const PROMPTLY_MS = 6000;

describe("an abort while AssumeRole is pending", () => {
    let aws: LocalAws;
    const localAws = useLocalAws();
    before(() => {
        aws = localAws();
    });

    function hangingSts() {
        aws.sts.faultFor = () => ({ kind: "slow", ms: 60_000 });
        const sink = new MemorySink();
        const model = createTenantChatModel({ sink, env: { ...aws.env, ...TENANT_ENV }, onWarning: () => undefined });
        const controller = new AbortController();
        setTimeout(() => controller.abort(), 200);
        return { sink, model, signal: controller.signal };
    }

    it("ends an invoke at the abort, recorded once with operation AssumeRole", async () => {
        const { sink, model, signal } = hangingSts();

        const failure = await within(PROMPTLY_MS, model.invoke("hi", { signal }).then(() => undefined, (err: unknown) => err), "invoke after the abort");
        await within(PROMPTLY_MS, model.auditLogger.flush(), "flush");

        assert.ok(failure instanceof Error, "the aborted invoke resolved");
        const ended = sink.records().filter((r) => r.outcome !== "started");
        assert.equal(ended.length, 1);
        assert.deepEqual([ended[0].outcome, ended[0].operation], ["error", "AssumeRole"]);
        assert.equal(aws.bedrock.calls.length, 0);
    });

    it("ends a stream at the abort, recorded once with operation AssumeRole", async () => {
        const { sink, model, signal } = hangingSts();

        const read = async () => {
            for await (const _chunk of await model.stream("hi", { signal })) {
                // nothing arrives
            }
        };
        const failure = await within(PROMPTLY_MS, read().then(() => undefined, (err: unknown) => err), "stream after the abort");
        await within(PROMPTLY_MS, model.auditLogger.flush(), "flush");

        assert.ok(failure instanceof Error, "the aborted stream ended without an error");
        const ended = sink.records().filter((r) => r.outcome !== "started");
        assert.equal(ended.length, 1);
        assert.deepEqual([ended[0].outcome, ended[0].operation], ["error", "AssumeRole"]);
        assert.equal(aws.bedrock.calls.length, 0);
    });
});
