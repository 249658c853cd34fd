import * as assert from "assert";
import { PrivateInvocationLogger } from "../../runtime/private-invocation-logger";
import { RecentIds } from "../../runtime/recent-ids";
import { MemorySink } from "../support/memory-sink";

const REPLY = { generations: [[{ text: "ok", message: { content: "ok", response_metadata: { usage: { inputTokens: 1, outputTokens: 1 } } } } as never]] };

describe("RecentIds", () => {
    it("remembers the newest `capacity` ids, and forgets what is older than twice that", () => {
        const recent = new RecentIds(4);
        for (let i = 0; i < 20; i++) recent.add(`id-${i}`);
        for (let i = 16; i < 20; i++) assert.equal(recent.delete(`id-${i}`), true, `id-${i}`);
        for (let i = 0; i < 12; i++) assert.equal(recent.delete(`id-${i}`), false, `id-${i}`);
    });

    it("forgets an id once it is deleted", () => {
        const recent = new RecentIds(4);
        recent.add("a");
        assert.equal(recent.delete("a"), true);
        assert.equal(recent.delete("a"), false);
    });
});

describe("PrivateInvocationLogger: a late second end of a run", () => {
    async function endRuns(logger: PrivateInvocationLogger, ids: string[]): Promise<void> {
        for (const id of ids) {
            await logger.handleChatModelStart(undefined, [[]], id);
            await logger.handleLLMEnd(REPLY, id);
        }
    }

    it("is taken quietly after 4,095 other runs ended, and is an orphan once far more have", async () => {
        const warnings: string[] = [];
        const logger = new PrivateInvocationLogger({ sink: new MemorySink(), tenantId: "customer-b", onWarning: (m) => warnings.push(m) });
        await endRuns(logger, ["first"]);
        await endRuns(logger, Array.from({ length: 4095 }, (_, i) => `other-${i}`));
        await logger.handleLLMEnd(REPLY, "first");
        assert.equal(logger.stats().orphanEvents, 0);

        await endRuns(logger, ["second"]);
        await endRuns(logger, Array.from({ length: 10_000 }, (_, i) => `later-${i}`));
        await logger.handleLLMEnd(REPLY, "second");
        assert.equal(logger.stats().orphanEvents, 1);
        assert.match(warnings[0], /end event for unknown run second/);
        await logger.flush();
    });
});
