/**
 * No error a caller of the tenant model gets quotes a secret the runtime
 * holds (the ExternalId, the secret key and session token of the customer's
 * credentials and of the ops session), on any entry point, in its message,
 * stack, parsed fields or causes, even when the service's refusal quotes it.
 */
import { strict as assert } from "assert";
import { inspect } from "util";
import { ConverseCommand } from "@aws-sdk/client-bedrock-runtime";
import { useLocalAws, type LocalAws } from "../../testing/local-aws";
import { createTenantChatModel } from "../../runtime/tenant-chat-model";
import { REDACTED_SECRET, RuntimeSecrets, withoutSecrets } from "../../runtime/secrets";
import { EXTERNAL_ID, TENANT_ENV } from "../../testing/runtime-fixtures";
import type { AuditSink } from "../../runtime/sinks/audit-sink";
import { MemorySink } from "../support/memory-sink";

const CUSTOMER = { accessKeyId: "AKIACUSTOMERKEY", secretAccessKey: "customer-secret-key-4f1e", sessionToken: "customer-session-token-9a7c" };
/** What the local STS issues as every ops session's secret key. */
const OPS_SECRET = "opsSessionSecret";

/** Everything a caller could read or print of `err`. */
function everything(err: unknown): string {
    const chain: string[] = [];
    for (let e: unknown = err, i = 0; e !== undefined && i < 10; e = (e as { cause?: unknown }).cause, i++) {
        chain.push(String((e as Error)?.message), String((e as Error)?.stack));
    }
    return [inspect(err, { depth: 10, showHidden: true }), JSON.stringify(err), ...chain].join("\n");
}

async function failureOf(call: () => Promise<unknown>): Promise<unknown> {
    try {
        await call();
    } catch (err) {
        return err;
    }
    assert.fail("the call succeeded");
}

describe("secrets in the errors a caller gets", () => {
    let aws: LocalAws;
    const localAws = useLocalAws();
    before(() => {
        aws = localAws();
    });

    const model = () => createTenantChatModel({ sink: new MemorySink(), env: { ...aws.env, ...TENANT_ENV }, customerCredentials: async () => CUSTOMER, onWarning: () => undefined });

    /** The model's client called in the SDK's callback form, with or without options before the callback. */
    const callbackSend = (m: ReturnType<typeof model>, withOptions: boolean) =>
        new Promise<unknown>((resolve, reject) => {
            const command = new ConverseCommand({ modelId: m.model, messages: [{ role: "user", content: [{ text: "hi" }] }] });
            const callback = (err: unknown, output?: unknown) => (err instanceof Error ? reject(err) : err ? reject(new Error("a non-Error failure")) : resolve(output));
            if (withOptions) m.client.send(command, {}, callback);
            else m.client.send(command, callback);
        });

    const entries: [string, (m: ReturnType<typeof model>) => Promise<unknown>][] = [
        ["invoke", (m) => m.invoke("hi")],
        ["invoke with a signal", (m) => m.invoke("hi", { signal: new AbortController().signal })],
        ["batch", (m) => m.batch(["hi", "there"])],
        [
            "stream",
            async (m) => {
                for await (const _ of await m.stream("hi")) {
                    // reads to the end
                }
            },
        ],
        [
            "streamEvents",
            async (m) => {
                for await (const _ of m.streamEvents("hi", { version: "v2" })) {
                    // reads to the end
                }
            },
        ],
    ];

    it("answers the model's client in the SDK's callback forms, and keeps the ExternalId out of the error they pass", async () => {
        const answer = (await callbackSend(model(), false)) as { output?: unknown };
        assert.ok(answer.output !== undefined, "the two-argument form answers");
        assert.ok(((await callbackSend(model(), true)) as { output?: unknown }).output !== undefined, "the three-argument form answers");
        aws.sts.requiredExternalId = "ext-the-ops-side-expects";

        for (const withOptions of [false, true]) {
            const err = await failureOf(() => callbackSend(model(), withOptions));

            const text = everything(err);
            assert.ok(text.includes("AccessDenied"), text.slice(0, 300));
            assert.ok(!text.includes(EXTERNAL_ID), `the ExternalId reached the callback: ${text.slice(0, 300)}`);
        }
    });

    for (const [name, call] of entries) {
        it(`keeps the ExternalId out of ${name}'s error when STS's refusal quotes it`, async () => {
            aws.sts.requiredExternalId = "ext-the-ops-side-expects";

            const err = await failureOf(() => call(model()));

            assert.ok(aws.sts.requests.some((r) => r.body.includes(EXTERNAL_ID)), "control: the ExternalId was sent");
            assert.ok(everything(err).includes("AccessDenied"), everything(err).slice(0, 300));
            assert.ok(!everything(err).includes(EXTERNAL_ID), `the ExternalId reached the caller: ${everything(err).slice(0, 300)}`);
        });
    }

    it("keeps the customer's secret key and session token out of an STS refusal that quotes them", async () => {
        const quoted = `the canonical request was signed with ${CUSTOMER.sessionToken} and ${CUSTOMER.secretAccessKey}`;
        aws.sts.faultFor = () => ({ kind: "error", status: 403, errorType: "SignatureDoesNotMatch", message: quoted });

        const err = await failureOf(() => model().invoke("hi"));

        const text = everything(err);
        assert.ok(text.includes("SignatureDoesNotMatch") && text.includes(REDACTED_SECRET), text.slice(0, 300));
        assert.ok(!text.includes(CUSTOMER.sessionToken) && !text.includes(CUSTOMER.secretAccessKey), text.slice(0, 300));
    });

    it("keeps the ops session's secret key and token out of a Bedrock refusal that quotes them", async () => {
        // The session token of the model's own session, the latest the local STS issued.
        const quoted = () => `signed with ${OPS_SECRET} and token opsSessionToken${aws.sts.assumeRoleCalls.length}`;
        aws.bedrock.faultFor = () => ({ kind: "error", status: 403, errorType: "InvalidSignatureException", message: quoted() });

        for (const [, call] of entries) {
            const err = await failureOf(() => call(model()));
            // The SDK's error itself, cleaned: a caller still reads its fields.
            assert.equal((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode, 403);
            const text = everything(err);
            assert.ok(text.includes("InvalidSignatureException"), text.slice(0, 300));
            assert.ok(!text.includes(OPS_SECRET) && !text.includes("opsSessionToken"), text.slice(0, 300));
        }
    });

    it("keeps the customer's secret key and session token out of a fail-closed call's AuditUnavailable on the first call, before any AssumeRole", async () => {
        // A Logs refusal quoting the signed request, as a signature mismatch does, made before the ops role was ever assumed.
        const quoting: AuditSink = {
            write: () => Promise.reject(Object.assign(new Error(`signed with ${CUSTOMER.sessionToken} and ${CUSTOMER.secretAccessKey}`), { name: "InvalidSignatureException" })),
            flush: () => Promise.resolve(),
            stats: () => ({ delivered: 0, pending: 0, lost: 0, rejected: 0 }),
        };
        for (const [name, call] of entries) {
            const m = createTenantChatModel({ sink: quoting, env: { ...aws.env, ...TENANT_ENV }, auditMode: "fail-closed", customerCredentials: async () => CUSTOMER, onWarning: () => undefined });
            const assumed = aws.sts.assumeRoleCalls.length;

            const err = await failureOf(() => call(m));

            assert.equal(aws.sts.assumeRoleCalls.length, assumed, `${name}: control: no AssumeRole before the record was refused`);
            const text = everything(err);
            assert.ok(text.includes("InvalidSignatureException") && text.includes(REDACTED_SECRET), `${name}: ${text.slice(0, 300)}`);
            assert.ok(!text.includes(CUSTOMER.sessionToken) && !text.includes(CUSTOMER.secretAccessKey), `${name}: ${text.slice(0, 300)}`);
        }
    });

    describe("withoutSecrets", () => {
        const secrets = new RuntimeSecrets("ext-secret");

        it("cleans causes, aggregated errors and plain fields, and leaves other text as it was", () => {
            const inner = new Error("inner ext-secret");
            const err = new AggregateError([new Error("one ext-secret")], "outer ext-secret and more", { cause: inner });
            Object.assign(err, { Error: { Message: "parsed ext-secret" } });

            assert.equal(withoutSecrets(err, secrets), err);
            assert.ok(!everything(err).includes("ext-secret"), everything(err));
            assert.equal(err.message, `outer ${REDACTED_SECRET} and more`);
        });

        it("replaces an error that will not be changed with a plain one of the same name", () => {
            const err = new TypeError("frozen ext-secret");
            Object.freeze(err);

            const clean = withoutSecrets(err, secrets) as Error;

            assert.notEqual(clean, err);
            assert.deepEqual([clean.name, clean.message], ["TypeError", `frozen ${REDACTED_SECRET}`]);
            assert.ok(!String(clean.stack).includes("ext-secret"));
        });
    });
});
