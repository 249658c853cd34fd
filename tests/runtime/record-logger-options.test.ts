/** Every option of the logger is checked at construction: an ArgumentError naming the option and the value received. */
import { strict as assert } from "assert";
import { PrivateInvocationLogger, type PrivateInvocationLoggerOptions } from "../../runtime/private-invocation-logger";
import { MemorySink } from "../support/memory-sink";

const good = (): PrivateInvocationLoggerOptions => ({ sink: new MemorySink(), tenantId: "customer-a" });

const cases: [string, Record<string, unknown>, string | RegExp][] = [
    ["prices that are not a table", { prices: "cheap" }, 'prices must be an object of model id to { input, output } prices, got "cheap"'],
    ["a price that is not a number", { prices: { m: { input: "x", output: 1 } } }, 'prices["m"].input must be a non-negative number of US dollars per 1,000 tokens, got "x"'],
    ["a negative price", { prices: { m: { input: 1, output: -1 } } }, 'prices["m"].output must be a non-negative number of US dollars per 1,000 tokens, got -1'],
    ["a price without output", { prices: { m: { input: 1 } } }, 'prices["m"].output must be a non-negative number of US dollars per 1,000 tokens, got undefined'],
    ["a price of null", { prices: { m: null } }, 'prices["m"] must be an object of US dollars per 1,000 tokens ({ input, output }), got null'],
    ["a price field misspelt", { prices: { m: { input: 1, output: 1, cachRead: 1 } } }, 'prices["m"] has no field "cachRead" (fields: input, output, cacheRead, cacheWrite)'],
    ["a Region that is not one", { region: 42 }, 'region must be an AWS Region name such as "us-east-1", got 42'],
    ["a warning handler that is not a function", { onWarning: "log" }, 'onWarning must be a function, got "log"'],
    ["chain options that are not an object", { chain: "daily" }, 'chain must be an object of chain options, got "daily"'],
    ["a checkpoint store without writeCheckpoint()", { chain: { checkpoints: {} } }, "chain.checkpoints must be a CheckpointStore (with writeCheckpoint()), got {}, which has no writeCheckpoint()"],
    ["a checkpoint interval that is not a whole number", { chain: { checkpointEveryRecords: 2.5 } }, /^chain\.checkpointEveryRecords must be an integer from 1 to \d+, got 2\.5$/],
    ["a chain environment that is not an object", { chain: { env: "prod" } }, 'chain.env must be an object of environment variables, got "prod"'],
    ["a text limit given as a string", { maxContentBytes: "10" }, 'maxContentBytes must be a whole number of bytes (at least 1) or Infinity, got "10"'],
    ["a text limit that is not whole", { maxContentBytes: 1.5 }, "maxContentBytes must be a whole number of bytes (at least 1) or Infinity, got 1.5"],
    ["a text limit below 1", { maxContentBytes: 0 }, "maxContentBytes must be at least 1, got 0"],
    ["a sink without flush() and stats()", { sink: { write: () => Promise.resolve() } }, "sink must implement AuditSink (write(), flush(), stats()), got {\"write\":function write}, which has no flush(), stats()"],
    ["no sink", { sink: undefined }, "sink must implement AuditSink (write(), flush(), stats()), got undefined, which has no write(), flush(), stats()"],
];

describe("PrivateInvocationLogger options", () => {
    for (const [what, change, message] of cases) {
        it(`refuses ${what}, naming the option and the value`, () => {
            assert.throws(() => new PrivateInvocationLogger({ ...good(), ...change }), { name: "ArgumentError", message });
        });
    }

    it("refuses options that are not an object with an ArgumentError, not a TypeError of its own", () => {
        assert.throws(() => new PrivateInvocationLogger(undefined as unknown as PrivateInvocationLoggerOptions), { name: "ArgumentError", message: "PrivateInvocationLogger options must be an object, got undefined" });
    });

    it("takes good options, a price given by a getter (a live price, read on each call) and no text limit", () => {
        const live = {
            output: 1,
            get input(): number {
                return 2;
            },
        };
        const logger = new PrivateInvocationLogger({
            ...good(),
            prices: { "acme.m-v1": { input: 1, output: 2, cacheRead: 0.1, cacheWrite: 0 }, "acme.live-v1": live },
            region: "eu-west-1",
            onWarning: () => undefined,
            maxContentBytes: Infinity,
            chain: { checkpointEveryRecords: 10, checkpointEveryMs: 1000, env: {} },
        });
        assert.equal(logger.tenantId, "customer-a");
        assert.ok(new PrivateInvocationLogger({ ...good(), maxContentBytes: 16 }));
    });
});
