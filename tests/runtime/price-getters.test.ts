/** A price the caller gives by a getter is a live price: read by each call, never when the logger is built. */
import { strict as assert } from "assert";
import { randomUUID } from "crypto";
import { HumanMessage } from "@langchain/core/messages";
import type { LLMResult } from "@langchain/core/outputs";
import { PrivateInvocationLogger } from "../../runtime/private-invocation-logger";
import { findPrice, mergePriceTables, type ModelPrice, type PriceTable } from "../../runtime/pricing";
import { createTenantChatModel } from "../../runtime/tenant-chat-model";
import { HAIKU, TENANT_ENV } from "../../testing/runtime-fixtures";
import { MemorySink } from "../support/memory-sink";

const LIVE = "acme.live-v1";
const FIXED = "acme.fixed-v1";
// Static keys: nothing here calls AWS, the model is only built.
const ENV = { ...TENANT_ENV, AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "AKIDCUSTOMERA", AWS_SECRET_ACCESS_KEY: "secret" };

const reply = (): LLMResult => ({ generations: [[{ text: "ok", message: { content: "ok", response_metadata: { usage: { inputTokens: 1000, outputTokens: 1000 } } } } as never]] });

/** One call of `modelId` recorded through the logger, as the audited model records it. */
function call(logger: PrivateInvocationLogger, modelId: string): void {
    const runId = randomUUID();
    // Best-effort: nothing to wait for.
    void logger.runStarted(runId, [new HumanMessage("x")], { modelId });
    void logger.runEnded(runId, reply());
}

describe("prices given by a getter", () => {
    it("reads the getter on each call, never when the logger is built, and prices each call at the price of the moment", async () => {
        let reads = 0;
        let price = 0.001;
        const prices: PriceTable = {
            [FIXED]: { input: 0.5, output: 0.5 },
            get [LIVE](): ModelPrice {
                reads++;
                return { input: price, output: price };
            },
        };
        const sink = new MemorySink();
        const logger = new PrivateInvocationLogger({ sink, tenantId: "customer-a", prices, onWarning: () => undefined });
        assert.equal(reads, 0);

        for (const p of [0.001, 0.002, 0.003]) {
            price = p;
            call(logger, LIVE);
        }
        call(logger, FIXED);
        await logger.flush();

        assert.deepEqual(
            sink.records().map((r) => r.estimatedCostUsd),
            [0.002, 0.004, 0.006, 1],
        );
        assert.ok(reads >= 3, `read ${reads} times`);
    });

    it("calls the getter on the caller's own object, as it was written", () => {
        const feed = {
            current: { input: 1, output: 2 } as ModelPrice,
            get [LIVE](): ModelPrice {
                return this.current;
            },
        };
        const table = mergePriceTables(feed);
        feed.current = { input: 3, output: 4 };
        assert.deepEqual(findPrice(LIVE, table), { input: 3, output: 4 });
    });

    it("keeps a price given as plain data, and an own __proto__ id, as data", () => {
        const table = mergePriceTables(JSON.parse(`{"${FIXED}":{"input":1,"output":2},"__proto__":{"input":5,"output":6}}`) as PriceTable);
        assert.deepEqual(Object.getOwnPropertyDescriptor(table, FIXED)?.value, { input: 1, output: 2 });
        assert.deepEqual(Object.getOwnPropertyDescriptor(table, "__proto__")?.value, { input: 5, output: 6 });
        assert.equal(Object.getPrototypeOf(table), Object.prototype);
        assert.ok(findPrice(HAIKU, table), "the default table is still under it");
    });

    it("a getter that throws does not stop the logger (or the model) being built; the calls that read it are recorded with a null cost, reported", async () => {
        let reads = 0;
        const prices: PriceTable = {
            [FIXED]: { input: 0.5, output: 0.5 },
            get [LIVE](): ModelPrice {
                reads++;
                throw new Error("price feed down");
            },
        };
        const sink = new MemorySink();
        const warnings: string[] = [];
        const logger = new PrivateInvocationLogger({ sink, tenantId: "customer-a", prices, onWarning: (m) => warnings.push(m) });
        const model = createTenantChatModel({ sink: new MemorySink(), env: ENV, prices, onWarning: () => undefined });
        assert.ok(model.auditLogger);
        assert.equal(reads, 0);

        call(logger, LIVE);
        call(logger, FIXED);
        await logger.flush();

        assert.deepEqual(
            sink.records().map((r) => [r.modelId, r.outcome, r.estimatedCostUsd]),
            [
                [LIVE, "success", null],
                [FIXED, "success", 1],
            ],
        );
        assert.equal(logger.stats().lost, 0);
        assert.equal(logger.stats().activeRuns, 0);
        const priceWarnings = warnings.filter((w) => w.includes(`the price of model "${LIVE}" could not be read (Error thrown)`) && w.includes("estimatedCostUsd null"));
        assert.equal(priceWarnings.length, 1, warnings.join("\n"));
    });

    const malformed: [string, unknown, string][] = [
        ["null", null, "is null"],
        ["a number", 3, "is number"],
        ["a string input", { input: "0.5", output: 1 }, "has input string"],
        ["a negative output", { input: 0.5, output: -1 }, "has output -1"],
        ["a NaN cache read", { input: 0.5, output: 1, cacheRead: NaN }, "has cacheRead NaN"],
        ["no output", { input: 0.5 }, "has output undefined"],
    ];
    for (const [what, value, says] of malformed) {
        it(`a getter giving ${what} at call time: the call is recorded with a null cost, and the warning names the model and the problem`, async () => {
            const prices = {
                get [LIVE](): ModelPrice {
                    return value as ModelPrice;
                },
            };
            const sink = new MemorySink();
            const warnings: string[] = [];
            const logger = new PrivateInvocationLogger({ sink, tenantId: "customer-a", prices, onWarning: (m) => warnings.push(m) });

            call(logger, LIVE);
            await logger.flush();

            assert.deepEqual(
                sink.records().map((r) => [r.outcome, r.estimatedCostUsd]),
                [["success", null]],
            );
            assert.equal(logger.stats().lost, 0);
            assert.ok(
                warnings.some((w) => w.includes(`the price of model "${LIVE}" ${says}`)),
                warnings.join("\n"),
            );
        });
    }
});
