import { strict as assert } from "assert";
import { createHash } from "crypto";
import { useLocalAws, converseText, type LocalAws } from "../../testing/local-aws";
import { METADATA_DIGEST_PREFIX, REDACTED_METADATA_VALUE, describeMetadata } from "../../runtime/content";
import type { ContentMode } from "../../contract";
import { CONTEXT, EXTERNAL_ID, event, handlerWithCapture } from "../../testing/runtime-fixtures";
import { SENTINEL, capturingConsole, localLogsSink, streamRecords } from "../support/runtime-harness";

describe("secrecy: content and the ExternalId stay out of records, responses, warnings and errors", () => {
    let aws: LocalAws;
    const localAws = useLocalAws();
    before(() => {
        aws = localAws();
    });
    beforeEach(() => {
        // The model echoes the prompt, so content reaches the completion side too.
        aws.bedrock.reply = (call) => ({ text: `Echo: ${converseText(call)}`, usage: { inputTokens: 10, outputTokens: 10 } });
    });

    /**
     * Every path a sentinel can take: a success, a Bedrock error quoting the
     * input, throttling, a deadline, a rejection, a metadata value not marked
     * safe, all in one handler writing to both stdout and CloudWatch Logs.
     */
    async function everyPath(contentMode: ContentMode, stream: string) {
        const warnings: string[] = [];
        const sink = localLogsSink(aws, { logStreamName: stream, onWarning: (m) => warnings.push(m) });
        const { handler, stdout } = handlerWithCapture(aws.env, { contentMode, safeMetadataKeys: ["ticket"], onWarning: (m) => warnings.push(m) });
        const { handler: cwHandler } = handlerWithCapture(aws.env, { contentMode, sink, auditMode: "fail-closed", onWarning: (m) => warnings.push(m) });
        const metadata = { ticket: "T-42", patient: SENTINEL, nested: { note: SENTINEL } };
        const { result: responses, printed } = await capturingConsole(async () => {
            const out = [];
            for (const h of [handler, cwHandler]) {
                out.push(await h(event({ prompt: `Diagnose ${SENTINEL}`, metadata }), CONTEXT));
                aws.bedrock.failNext({ kind: "error", status: 400, errorType: "ValidationException", message: `Malformed input near '${SENTINEL}'` });
                out.push(await h(event({ prompt: `Diagnose ${SENTINEL}`, metadata }), CONTEXT));
                aws.bedrock.failNext({ kind: "throttle" }, { kind: "throttle" }, { kind: "throttle" });
                out.push(await h(event({ prompt: SENTINEL, metadata }), CONTEXT));
                aws.bedrock.failNext({ kind: "slow", ms: 5000 });
                out.push(await h(event({ prompt: SENTINEL, metadata }), { getRemainingTimeInMillis: () => 1200 }));
                out.push(await h(event({ prompt: SENTINEL, metadata, temperature: 3 }), CONTEXT));
            }
            return out;
        });
        await sink.close();
        const errors = responses.filter((r) => "error" in r);
        return {
            records: [...stdout.records(), ...streamRecords(aws, stream)],
            auditText: stdout.all() + JSON.stringify(streamRecords(aws, stream)),
            errorText: JSON.stringify(errors) + warnings.join("\n") + printed,
            errors,
        };
    }

    it("keeps a sentinel out of every sink, error response, warning and console line in none mode", async () => {
        const { records, auditText, errorText, errors } = await everyPath("none", "none-mode");

        // Five records per handler, and four started records of the fail-closed handler's model calls.
        assert.equal(records.length, 14);
        assert.equal(records.filter((r) => r.outcome === "started").length, 4);
        assert.deepEqual(errors.map((e) => "error" in e && e.error.code), ["ModelError", "ModelThrottled", "DeadlineExceeded", "InvalidField", "ModelError", "ModelThrottled", "DeadlineExceeded", "InvalidField"]);
        assert.ok(!auditText.includes(SENTINEL), "content reached an audit sink");
        assert.ok(!errorText.includes(SENTINEL), "content reached an error response, warning or console line");
        const success = records[0];
        assert.deepEqual(success.metadata, { ticket: "T-42", patient: REDACTED_METADATA_VALUE, nested: REDACTED_METADATA_VALUE });
        // Controls: Bedrock saw the sentinel and its error quoted it, so its absence above is the runtime's doing.
        assert.ok(converseText(aws.bedrock.calls[0]).includes(SENTINEL));
        assert.ok(aws.bedrock.requests.some((r) => r.outcome === "error"));
    });

    it("records digests of unmarked metadata in hash mode and still no sentinel", async () => {
        const { records, auditText, errorText } = await everyPath("hash", "hash-mode");

        const digest = (value: unknown) => METADATA_DIGEST_PREFIX + createHash("sha256").update(JSON.stringify(value)).digest("hex");
        assert.deepEqual(records[0].metadata, { ticket: "T-42", patient: digest(SENTINEL), nested: digest({ note: SENTINEL }) });
        assert.ok(!auditText.includes(SENTINEL) && !errorText.includes(SENTINEL));
    });

    it("records content in full mode but never in an error response or warning (the control for none mode)", async () => {
        const { records, auditText, errorText } = await everyPath("full", "full-mode");

        assert.ok(auditText.includes(SENTINEL), "full mode records the content");
        assert.deepEqual(records[0].metadata, { ticket: "T-42", patient: SENTINEL, nested: { note: SENTINEL } });
        assert.ok(!errorText.includes(SENTINEL), "content reached an error response, warning or console line");
    });

    it("never writes the ExternalId into a record, response, warning or console line, whatever fails", async () => {
        const texts: string[] = [];
        for (const mode of ["none", "full"] as ContentMode[]) {
            const { auditText, errorText } = await everyPath(mode, `external-id-${mode}`);
            texts.push(auditText, errorText);
        }
        aws.sts.requiredExternalId = "ext-something-else";
        const warnings: string[] = [];
        const { handler, stdout } = handlerWithCapture(aws.env, { contentMode: "full", onWarning: (m) => warnings.push(m) });
        const { result, printed } = await capturingConsole(() => handler(event(), CONTEXT));
        texts.push(JSON.stringify(result), stdout.all(), warnings.join("\n"), printed);

        assert.ok("error" in result && result.error.message === "AccessDenied (HTTP 403)");
        // Control: it was sent to STS on every AssumeRole.
        assert.ok(aws.sts.requests.every((r) => r.body.includes(EXTERNAL_ID)));
        assert.ok(!texts.join("\n").includes(EXTERNAL_ID), "the ExternalId leaked");
    });

    describe("describeMetadata", () => {
        const safe = new Set(["ticket"]);

        it("keeps safe keys, redacts the rest in none mode and drops undefined values", () => {
            assert.deepEqual(describeMetadata({ ticket: 7, note: "x", gone: undefined }, "none", safe), { ticket: 7, note: REDACTED_METADATA_VALUE });
        });

        it("hashes the JSON of unmarked values in hash mode, even values JSON cannot express", () => {
            const described = describeMetadata({ note: "x", fn: () => 1 }, "hash", safe);
            assert.equal(described.note, METADATA_DIGEST_PREFIX + createHash("sha256").update('"x"').digest("hex"));
            assert.match(String(described.fn), /^sha256:[0-9a-f]{64}$/);
        });

        it("keeps every value in full mode", () => {
            assert.deepEqual(describeMetadata({ note: "x" }, "full", safe), { note: "x" });
        });
    });
});
