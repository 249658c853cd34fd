/**
 * createHandler refuses a bad option when it is built, naming it: the
 * Bedrock clients are made per user at the first call, so an option only
 * they read would otherwise fail every call, and leave no record.
 */
import { strict as assert } from "assert";
import { ArgumentError } from "../../../contract";
import { createHandler, type HandlerOptions } from "../../../runtime/lambda/handler";
import { TENANT_ENV } from "../../../testing/runtime-fixtures";

const env = { ...TENANT_ENV, AWS_REGION: "us-east-1" };

describe("createHandler's options", () => {
    const bad: [string, Record<string, unknown>][] = [
        ["bedrockMaxSockets", { bedrockMaxSockets: -1 }],
        ["bedrockMaxSockets", { bedrockMaxSockets: "x" }],
        ["bedrockConnectionTimeoutMs", { bedrockConnectionTimeoutMs: -5 }],
        // Zero would turn the connection timeout off: a silent endpoint would hold the call until the deadline.
        ["bedrockConnectionTimeoutMs", { bedrockConnectionTimeoutMs: 0 }],
        ["bedrockEndpoint", { bedrockEndpoint: "not a url" }],
        ["bedrockClientConfig", { bedrockClientConfig: "fast" }],
        ["maxUserSessions", { maxUserSessions: -1 }],
        ["maxUserSessions", { maxUserSessions: "x" }],
        ["maxUserSessions", { maxUserSessions: 1.5 }],
    ];
    for (const [name, options] of bad) {
        it(`refuses ${name}: ${JSON.stringify(options[name])} when built, naming it`, () => {
            assert.throws(() => createHandler({ env, ...options }), (err: Error) => err instanceof ArgumentError && err.message.includes(name));
        });
    }

    it("refuses options that are not an object", () => {
        assert.throws(() => createHandler("fast" as unknown as HandlerOptions), (err: Error) => err instanceof ArgumentError && err.message.includes("createHandler options"));
    });

    it("builds with good values and the defaults", () => {
        assert.equal(typeof createHandler({ env, bedrockMaxSockets: 10, maxUserSessions: 5, bedrockConnectionTimeoutMs: 1, bedrockEndpoint: "http://127.0.0.1:9" }), "function");
        assert.equal(typeof createHandler({ env }), "function");
    });
});
