import { strict as assert } from "assert";
import { describeContent, truncateUtf8, TRUNCATION_MARKER } from "../../runtime/content";
import { contentModeProblem } from "../../contract";
import { estimateCostUsd, mergePriceTables, DEFAULT_PRICE_TABLE } from "../../runtime/pricing";
import { MAX_SERIALIZED_VALUES, UnserializableRecordError, safeStringify, stringifyRecord } from "../../runtime/serialize";
import { planBatches, rejectedIndexes, eventSize } from "../../runtime/sinks/log-batches";
import { backoffDelay, isRetryableAwsError } from "../../runtime/sinks/retry";
import { describeError } from "../../runtime/audit-record";
import { splitMetadata } from "../../runtime/run-data";

describe("content modes", () => {
    it("keeps only the length in none mode", () => {
        assert.deepEqual(describeContent("secret text", "none"), { charCount: 11 });
    });

    it("hashes with SHA-256 in hash mode", () => {
        assert.deepEqual(describeContent("abc", "hash"), {
            charCount: 3,
            sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        });
    });

    it("truncates full text at a given byte limit with a marker and the complete text's SHA-256", () => {
        const text = "é".repeat(1000);
        const fields = describeContent(text, "full", 1000);
        assert.equal(fields.truncated, true);
        assert.ok(fields.text!.endsWith(TRUNCATION_MARKER));
        assert.equal(Buffer.byteLength(fields.text!.slice(0, -TRUNCATION_MARKER.length)), 1000);
        assert.equal(fields.charCount, 1000);
        assert.equal(fields.sha256, "" + require("crypto").createHash("sha256").update(text).digest("hex"));
    });

    it("keeps full text whole when no limit is given", () => {
        const text = "é".repeat(200_000);
        assert.deepEqual(describeContent(text, "full"), { charCount: 200_000, text });
    });

    it("never splits a multi-byte character", () => {
        assert.deepEqual(truncateUtf8("a€b", 3), { text: "a", truncated: true });
        assert.deepEqual(truncateUtf8("a€b", 5), { text: "a€b", truncated: false });
        // A lone surrogate is kept as itself (3 bytes, as its replacement encodes), never replaced.
        assert.deepEqual(truncateUtf8(`\ud800${"a".repeat(10)}`, 5), { text: "\ud800aa", truncated: true });
        assert.deepEqual(truncateUtf8(`a\ud83d\ude00${"a".repeat(10)}`, 4), { text: "a", truncated: true });
        assert.deepEqual(truncateUtf8(`a\ud83d\ude00${"a".repeat(10)}`, 5), { text: "a\ud83d\ude00", truncated: true });
    });

    it("rejects an unknown mode, naming the setting", () => {
        assert.match(contentModeProblem("contentMode", "partial") ?? "", /contentMode must be one of none, hash, full, got "partial"/);
    });
});

describe("pricing", () => {
    it("prices Claude 3 Haiku per 1,000 tokens", () => {
        // 1,000 input at $0.00025 + 2,000 output at $0.00125 per 1k.
        assert.equal(estimateCostUsd("anthropic.claude-3-haiku-20240307-v1:0", { inputTokens: 1000, outputTokens: 2000 }, DEFAULT_PRICE_TABLE), 0.00275);
    });

    it("finds a cross-Region profile id under its model's price", () => {
        assert.equal(estimateCostUsd("us.amazon.nova-micro-v1:0", { inputTokens: 1000, outputTokens: 1000 }, DEFAULT_PRICE_TABLE), 0.000175);
    });

    it("bills cache reads and writes at their own prices", () => {
        const table = { m: { input: 1, output: 2, cacheRead: 0.1, cacheWrite: 1.25 } };
        assert.equal(estimateCostUsd("m", { inputTokens: 1000, outputTokens: 0, cacheReadInputTokens: 1000, cacheWriteInputTokens: 1000 }, table), 2.35);
    });

    it("gives null, not 0, for an unknown model or missing usage", () => {
        assert.equal(estimateCostUsd("acme.unknown-v1", { inputTokens: 10, outputTokens: 10 }, DEFAULT_PRICE_TABLE), null);
        assert.equal(estimateCostUsd(undefined, { inputTokens: 10 }, DEFAULT_PRICE_TABLE), null);
        assert.equal(estimateCostUsd("anthropic.claude-3-haiku-20240307-v1:0", {}, DEFAULT_PRICE_TABLE), null);
    });

    it("lets overrides replace and extend the default table", () => {
        const table = mergePriceTables({ "anthropic.claude-3-haiku-20240307-v1:0": { input: 1, output: 1 }, "acme.m": { input: 2, output: 2 } });
        assert.equal(estimateCostUsd("anthropic.claude-3-haiku-20240307-v1:0", { inputTokens: 1000, outputTokens: 1000 }, table), 2);
        assert.equal(estimateCostUsd("acme.m", { inputTokens: 500, outputTokens: 0 }, table), 1);
        assert.ok(estimateCostUsd("amazon.nova-pro-v1:0", { inputTokens: 1 }, table)! > 0);
    });
});

describe("safeStringify", () => {
    it("survives errors, bigints and cycles", () => {
        const value: Record<string, unknown> = { n: 10n, err: new TypeError("bad") };
        value.self = value;
        assert.deepEqual(JSON.parse(safeStringify(value)), { n: "10", err: { name: "TypeError", message: "bad" }, self: "[Circular]" });
    });

    it("keeps a repeated, non-cyclic object", () => {
        const shared = { a: 1 };
        assert.deepEqual(JSON.parse(safeStringify({ x: shared, y: shared })), { x: { a: 1 }, y: { a: 1 } });
    });

    it("does not throw when a getter throws", () => {
        const value = { get boom(): never { throw new RangeError("no"); } };
        assert.deepEqual(JSON.parse(safeStringify(value)), { unserializable: true, reason: "RangeError" });
    });

    it(`stops a value whose shared parts JSON would write out past ${MAX_SERIALIZED_VALUES} values, and says so`, () => {
        // 4 ** 11 leaves as JSON; 12 objects in memory. Every read of a member is counted.
        let reads = 0;
        let level: unknown = { leaf: 1 };
        for (let i = 0; i < 11; i++) {
            const below = level;
            const object = {};
            for (let k = 0; k < 4; k++) Object.defineProperty(object, `k${k}`, { enumerable: true, get: () => (reads++, below) });
            level = object;
        }

        const line = safeStringify({ metadata: level });

        assert.deepEqual(JSON.parse(line), { unserializable: true, reason: "SerializationBudgetError" });
        assert.ok(reads <= MAX_SERIALIZED_VALUES, `${reads} members read`);
        assert.throws(() => stringifyRecord({ metadata: level }), UnserializableRecordError);
    });
});

describe("PutLogEvents batching", () => {
    const ev = (timestamp: number, size = 10) => ({ timestamp, message: "m".repeat(size) });

    it("caps a batch at 10,000 events", () => {
        const { batches } = planBatches(Array.from({ length: 20_001 }, (_, i) => ev(i)));
        assert.deepEqual(batches.map((b) => b.length), [10_000, 10_000, 1]);
    });

    it("caps a batch at 1,048,576 bytes counting 26 bytes per event", () => {
        // Each event is 100,000 + 26 bytes: ten fit (1,000,260), the eleventh does not.
        const { batches } = planBatches(Array.from({ length: 11 }, (_, i) => ev(i, 100_000)));
        assert.deepEqual(batches.map((b) => b.length), [10, 1]);
        assert.equal(eventSize(ev(0, 100_000)), 100_026);
    });

    it("sorts events and starts a new batch when they span 24 hours", () => {
        const day = 86_400_000;
        const { batches } = planBatches([ev(day + 5), ev(0), ev(day - 1), ev(3 * day)]);
        assert.deepEqual(batches.map((b) => b.map((e) => e.timestamp)), [[0, day - 1], [day + 5], [3 * day]]);
    });

    it("sets aside an event too large for any call", () => {
        const { batches, oversized } = planBatches([ev(1, 1_048_551), ev(2, 1_048_550)]);
        assert.equal(oversized.length, 1);
        assert.equal(batches.length, 1);
    });

    it("reads rejectedLogEventsInfo indexes as inclusive ranges", () => {
        assert.deepEqual([...rejectedIndexes(6, { tooOldLogEventEndIndex: 1, tooNewLogEventStartIndex: 4 })], [0, 1, 4, 5]);
        assert.deepEqual([...rejectedIndexes(3, { expiredLogEventEndIndex: 0 })], [0]);
        assert.equal(rejectedIndexes(3, undefined).size, 0);
    });
});

describe("retry policy", () => {
    it("retries what the SDK's own classification retries: its throttling codes, 429, 5xx, timeouts and socket errors", () => {
        // Beyond a hand-kept list: every throttling code the SDK's standard retry strategy knows.
        for (const name of ["ThrottlingException", "ProvisionedThroughputExceededException", "RequestThrottledException", "SlowDown", "PriorRequestNotComplete", "BandwidthLimitExceeded"]) {
            assert.equal(isRetryableAwsError({ name, $metadata: { httpStatusCode: 400 } }), true, name);
        }
        assert.equal(isRetryableAwsError({ name: "X", $metadata: { httpStatusCode: 429 } }), true);
        assert.equal(isRetryableAwsError({ name: "X", $metadata: { httpStatusCode: 503 } }), true);
        assert.equal(isRetryableAwsError({ name: "X", $metadata: { httpStatusCode: 501 } }), true);
        assert.equal(isRetryableAwsError({ name: "RequestTimeoutException", $metadata: { httpStatusCode: 408 } }), true);
        assert.equal(isRetryableAwsError({ name: "X", $retryable: {}, $metadata: { httpStatusCode: 400 } }), true);
        assert.equal(isRetryableAwsError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })), true);
        assert.equal(isRetryableAwsError(Object.assign(new Error("getaddrinfo"), { code: "EAI_AGAIN" })), true);
    });

    it("does not retry what the caller must fix", () => {
        assert.equal(isRetryableAwsError({ name: "InvalidParameterException", $metadata: { httpStatusCode: 400 } }), false);
        assert.equal(isRetryableAwsError({ name: "AccessDeniedException", $metadata: { httpStatusCode: 403 } }), false);
        assert.equal(isRetryableAwsError({ name: "DataAlreadyAcceptedException", $metadata: { httpStatusCode: 400 } }), false);
        assert.equal(isRetryableAwsError(Object.assign(new Error("aborted"), { name: "AbortError" })), false);
        assert.equal(isRetryableAwsError(undefined), false);
        assert.equal(isRetryableAwsError("ThrottlingException"), false);
    });

    it("grows the backoff ceiling exponentially up to the cap", () => {
        assert.deepEqual([1, 2, 3, 10].map((a) => backoffDelay(a, 100, 1000, () => 0.999999)), [99, 199, 399, 999]);
        assert.equal(backoffDelay(3, 100, 1000, () => 0), 0);
    });
});

describe("describeError", () => {
    it("keeps name and status but never the message", () => {
        const err = Object.assign(new Error("Input contains SECRET"), { name: "ValidationException", $metadata: { httpStatusCode: 400, attempts: 1 } });
        const facts = describeError(err);
        assert.deepEqual(facts, { errorCode: "ValidationException", errorMessage: "ValidationException (HTTP 400)", httpStatusCode: 400, throttled: false, requestId: undefined, attempts: 1 });
        assert.ok(!JSON.stringify(facts).includes("SECRET"));
    });

    it("marks 429 as throttled and replaces an odd error name", () => {
        assert.equal(describeError({ name: "ModelNotReadyException", $metadata: { httpStatusCode: 429 } }).throttled, true);
        assert.equal(describeError({ name: "contains the prompt text!" }).errorCode, "Error");
    });

    it("names a bare Error by Node's code (a reset connection), and only by a code of Node's form", () => {
        assert.equal(describeError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })).errorCode, "ECONNRESET");
        assert.equal(describeError(Object.assign(new Error("premature close"), { code: "ERR_STREAM_PREMATURE_CLOSE" })).errorCode, "ERR_STREAM_PREMATURE_CLOSE");
        // A code that could be text of the request, or a name that already says what failed, is not taken.
        assert.equal(describeError(Object.assign(new Error("x"), { code: "Ignore previous instructions" })).errorCode, "Error");
        assert.equal(describeError(Object.assign(new Error("x"), { code: "Econnreset" })).errorCode, "Error");
        assert.equal(describeError(Object.assign(new Error("x"), { name: "TimeoutError", code: "ETIMEDOUT" })).errorCode, "TimeoutError");
        const throwing = Object.defineProperty(new Error("x"), "code", { get: () => { throw new Error("no"); } });
        assert.equal(describeError(throwing).errorCode, "Error");
    });
});

describe("splitMetadata", () => {
    it("lifts the well-known ids and keeps a caller's key named like an Object method as metadata", () => {
        const split = splitMetadata({ userId: "u-1", requestId: 7, constructor: "c", toString: "t", ls_provider: "amazon_bedrock", versions: {}, ticket: "T-9" });
        assert.deepEqual(split.ids, { userId: "u-1", clientRequestId: "7" });
        assert.deepEqual(split.extra, { constructor: "c", toString: "t", ticket: "T-9" });
    });
});
