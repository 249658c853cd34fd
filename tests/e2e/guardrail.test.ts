import { strict as assert } from "assert";
import { useLocalAws, type LocalAws } from "../../testing/local-aws";
import { ArgumentError, RuntimeEnv } from "../../contract";
import { createTenantChatModel } from "../../runtime/tenant-chat-model";
import { awslambdaHarness, invokeStreaming } from "../support/lambda-stream-harness";
import { MemorySink } from "../support/memory-sink";
import { CONTEXT, TENANT_ENV, event, handlerWithCapture } from "../../testing/runtime-fixtures";

const GUARDRAIL_ARN = "arn:aws:bedrock:us-east-1:999999999999:guardrail/a1b2c3d4e5f6";
const GUARDRAIL_ENV = { [RuntimeEnv.guardrailArn]: GUARDRAIL_ARN, [RuntimeEnv.guardrailVersion]: "1" };
const SENT = { guardrailIdentifier: GUARDRAIL_ARN, guardrailVersion: "1" };

describe("the configured guardrail reaches Bedrock (local Bedrock, STS and CloudWatch Logs)", () => {
    let aws: LocalAws;
    const localAws = useLocalAws();
    before(() => {
        aws = localAws();
    });
    const sentGuardrails = () => aws.bedrock.calls.map((c) => [c.operation, (c.body as { guardrailConfig?: unknown }).guardrailConfig]);

    it("the handler sends it with buffered and streamed calls", async () => {
        const built = handlerWithCapture({ ...aws.env, ...GUARDRAIL_ENV });
        const buffered = await built.handler(event({ requestId: "req-g1" }), CONTEXT);
        assert.ok(!("error" in buffered), JSON.stringify(buffered));
        const { stream } = await invokeStreaming(awslambdaHarness.streamifyResponse(built.handler.stream), event({ requestId: "req-g2" }), CONTEXT);
        assert.equal(stream.lines.at(-1)?.line.type, "end");
        assert.deepEqual(sentGuardrails(), [["Converse", SENT], ["ConverseStream", SENT]]);
    });

    it("the handler sends none when none is configured", async () => {
        const { handler } = handlerWithCapture(aws.env);
        await handler(event(), CONTEXT);
        assert.deepEqual(sentGuardrails(), [["Converse", undefined]]);
    });

    it("createTenantChatModel sends it with invoke and stream, keeping a trace setting", async () => {
        const model = createTenantChatModel({
            sink: new MemorySink(),
            env: { ...aws.env, ...TENANT_ENV, ...GUARDRAIL_ENV },
            modelFields: { guardrailConfig: { ...SENT, trace: "enabled" } },
        });
        await model.invoke("hello");
        for await (const _ of await model.stream("hello again")) void _;
        const traced = { ...SENT, trace: "enabled" };
        assert.deepEqual(sentGuardrails(), [["Converse", traced], ["ConverseStream", traced]]);
    });

    it("createTenantChatModel refuses a model set up with another guardrail than the configured one", () => {
        assert.throws(
            () => createTenantChatModel({
                sink: new MemorySink(),
                env: { ...aws.env, ...TENANT_ENV, ...GUARDRAIL_ENV },
                modelFields: { guardrailConfig: { guardrailIdentifier: GUARDRAIL_ARN, guardrailVersion: "2" } },
            }),
            (e: Error) => e instanceof ArgumentError && e.message.includes("guardrailVersion (BEDROCK_TENANCY_GUARDRAIL_VERSION)") && e.message.includes(`${GUARDRAIL_ARN}:1`),
        );
    });
});
