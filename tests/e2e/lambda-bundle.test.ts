import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { pathToFileURL } from "url";
import { defaultLambdaBundlePath } from "../../components/private-invocation-logging/lambda-bundle";
import { useLocalAws, type LocalAws } from "../../testing/local-aws";
import { CONTEXT, TENANT_ENV, event } from "../../testing/runtime-fixtures";
import { capturingStdout } from "../../testing/stdout-capture";
import { awslambdaHarness, invokeStreaming } from "../support/lambda-stream-harness";

describe("built Lambda bundle (dist/lambda/index.mjs)", () => {
    let aws: LocalAws;
    const localAws = useLocalAws(TENANT_ENV);
    before(() => {
        aws = localAws();
    });

    it("answers one invocation and writes its record as one raw JSON line on stdout", async () => {
        const bundle = defaultLambdaBundlePath();
        assert.ok(fs.existsSync(bundle), `${bundle} is missing: run npm run build:lambda`);
        const mod = await import(pathToFileURL(bundle).href);

        const { value: response, lines } = await capturingStdout(() => mod.handler(event({ requestId: "bundle-1" }), CONTEXT) as Promise<{ output: string }>);

        assert.equal(response.output, "ok");
        assert.equal(aws.sts.assumeRoleCalls.length, 1);
        assert.equal(aws.bedrock.requests[0].accessKeyId, "ASIAOPSSESSION1");
        const records = lines.map((l) => JSON.parse(l));
        assert.equal(records.length, 1);
        assert.equal(records[0].clientRequestId, "bundle-1");
        assert.equal(records[0].outcome, "success");
        assert.equal(records[0].input.inputTokenCount, 23);
    });

    it("bundles the langsmith stand-in, never the langsmith package, and the S3 client for a require at first use", () => {
        const meta = JSON.parse(fs.readFileSync(path.join(path.dirname(defaultLambdaBundlePath()), "..", "lambda-bundle.meta.json"), "utf8")) as { inputs: Record<string, unknown> };
        const inputs = Object.keys(meta.inputs);
        assert.deepEqual(inputs.filter((f) => f.includes("node_modules/langsmith/")), []);
        assert.ok(inputs.includes("runtime/lambda/langsmith-stand-in.ts"));
        // Bundled (Lambda has no node_modules), so the lazy require resolves inside the bundle.
        assert.ok(inputs.some((f) => f.startsWith("node_modules/@aws-sdk/client-s3/")));
        assert.ok(!fs.readFileSync(defaultLambdaBundlePath(), "utf8").includes('"@aws-sdk/client-s3"'));
    });

    it("exports no streaming handler where Lambda's streamifyResponse is absent, and the buffered one still", async () => {
        const mod = await import(pathToFileURL(defaultLambdaBundlePath()).href);
        assert.equal(mod.streamingHandler, undefined);
        assert.equal(typeof mod.handler, "function");
    });

    it("streams through streamifyResponse when Lambda provides it: chunks, then the end line, and one record", async () => {
        const g = globalThis as { awslambda?: Record<string, unknown> };
        const saved = g.awslambda;
        g.awslambda = { ...saved, streamifyResponse: awslambdaHarness.streamifyResponse };
        let mod;
        try {
            // A second instance of the bundle, loaded while the global is present (as at a Lambda cold start).
            mod = await import(`${pathToFileURL(defaultLambdaBundlePath()).href}?streaming`);
        } finally {
            g.awslambda = saved;
        }
        aws.bedrock.reply = () => ({ text: "alpha beta gamma", usage: { inputTokens: 23, outputTokens: 3 } });
        const { value: { stream }, lines } = await capturingStdout(() => invokeStreaming(mod.streamingHandler, event({ requestId: "bundle-s" }), CONTEXT));

        assert.deepEqual(stream.lines.map((l) => l.line.type), ["chunk", "chunk", "chunk", "end"]);
        const records = lines.map((l) => JSON.parse(l));
        assert.equal(records.length, 1);
        assert.equal(records[0].operation, "ConverseStream");
        assert.equal(records[0].clientRequestId, "bundle-s");
        assert.equal(records[0].requestId, aws.bedrock.calls[0].requestId);
    });
});
