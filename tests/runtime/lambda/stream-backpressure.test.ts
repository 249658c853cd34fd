import { strict as assert } from "assert";
import { Writable } from "stream";
import { AIMessageChunk } from "@langchain/core/messages";
import { streamInvocation } from "../../../runtime/lambda/streaming";

/** A caller that reads slowly: every write fills the buffer, so each line waits for `drain`. */
class SlowCaller extends Writable {
    lines = 0;
    maxCloseListeners = 0;
    maxDrainListeners = 0;

    constructor() {
        super({ highWaterMark: 1 });
    }

    _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
        this.lines += chunk.toString("utf8").split("\n").length - 1;
        this.maxCloseListeners = Math.max(this.maxCloseListeners, this.listenerCount("close"));
        this.maxDrainListeners = Math.max(this.maxDrainListeners, this.listenerCount("drain"));
        setImmediate(callback);
    }
}

describe("streamed answer backpressure", () => {
    it("keeps the listener count constant over 10,000 slowed writes, with no MaxListenersExceededWarning", async function () {
        this.timeout(30_000);
        const warnings: string[] = [];
        const onWarning = (w: Error) => warnings.push(w.name);
        process.on("warning", onWarning);
        const out = new SlowCaller();
        const baseline = { close: out.listenerCount("close"), drain: out.listenerCount("drain") };
        async function* chunks() {
            for (let i = 0; i < 10_000; i++) yield new AIMessageChunk({ content: `t${i} ` });
        }

        try {
            await streamInvocation({
                responseStream: out,
                start: async () => chunks(),
                runFinished: async () => undefined,
                armDeadline: () => undefined,
                describe: () => ({ code: "ModelError", message: "unexpected" }),
                ids: { modelId: "m" },
            });
            await new Promise((resolve) => setImmediate(resolve));
        } finally {
            process.removeListener("warning", onWarning);
        }

        assert.equal(out.lines, 10_001);
        // The handler's own close/error listeners plus at most one pending wait.
        assert.ok(out.maxCloseListeners <= baseline.close + 2, `${out.maxCloseListeners} close listeners`);
        assert.ok(out.maxDrainListeners <= baseline.drain + 1, `${out.maxDrainListeners} drain listeners`);
        assert.ok(!warnings.includes("MaxListenersExceededWarning"), warnings.join(", "));
    });
});
