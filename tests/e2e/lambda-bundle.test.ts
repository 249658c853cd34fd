import { strict as assert } from "assert";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { pathToFileURL } from "url";
import { bundleFiles, defaultLambdaBundlePath } from "../../components/private-invocation-logging/lambda-bundle";
import { LocalS3Server, setEnv, useLocalAws, type LocalAws } from "../../testing/local-aws";
import { MAX_RECORD_LINE_BYTES, RuntimeEnv } from "../../contract";
import { CONTEXT, TENANT_ENV, event } from "../../testing/runtime-fixtures";
import { capturingStdout } from "../../testing/stdout-capture";
import { awslambdaHarness, invokeStreaming } from "../support/lambda-stream-harness";
import { capturingConsole } from "../support/runtime-harness";

const ARCHIVE_BUCKET = "btn-customer-a-archive-111111111111";
const ARCHIVE_KEY_ARN = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";

function bundleMeta(): { inputs: Record<string, unknown>; outputs: Record<string, { inputs: Record<string, unknown> }> } {
    return JSON.parse(fs.readFileSync(path.join(path.dirname(defaultLambdaBundlePath()), "..", "lambda-bundle.meta.json"), "utf8"));
}

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

    it("bundles the langsmith stand-in, never the langsmith package", () => {
        const inputs = Object.keys(bundleMeta().inputs);
        assert.deepEqual(inputs.filter((f) => f.includes("node_modules/langsmith/")), []);
        assert.ok(inputs.includes("runtime/lambda/langsmith-stand-in.ts"));
    });

    it("keeps the S3 client in a chunk of its own that a cold start does not read, shipped beside the entry", () => {
        const files = bundleFiles(defaultLambdaBundlePath());
        const relative = (f: string) => path.relative(path.resolve(path.dirname(defaultLambdaBundlePath()), "..", ".."), f);
        const outputsWith = (pkg: string) =>
            Object.entries(bundleMeta().outputs)
                .filter(([, o]) => Object.keys(o.inputs).some((i) => i.includes(`node_modules/${pkg}/`)))
                .map(([file]) => file);
        // Bundled (Lambda has no node_modules), so the first archive write imports it from beside the entry.
        assert.ok(outputsWith("@aws-sdk/client-s3").length > 0);
        for (const file of outputsWith("@aws-sdk/client-s3")) {
            assert.ok(!files.startup.map(relative).includes(file), `${file} is read at every cold start`);
            assert.ok(files.all.map(relative).includes(file), `${file} is not shipped`);
        }
        // Everything esbuild wrote is shipped: no chunk is left behind.
        assert.deepEqual(files.all.map(relative).sort(), Object.keys(bundleMeta().outputs).sort());
        for (const file of files.all) assert.ok(!fs.readFileSync(file, "utf8").includes('"@aws-sdk/client-s3"'), `${file} loads the S3 package from node_modules`);
    });

    it("archives through the S3 chunk when an archive is configured: the first write loads it", async () => {
        const s3 = await new LocalS3Server().start();
        const restore = setEnv({ AWS_ENDPOINT_URL_S3: s3.url, [RuntimeEnv.archiveBucket]: ARCHIVE_BUCKET, [RuntimeEnv.archiveKmsKeyArn]: ARCHIVE_KEY_ARN });
        try {
            // A cold start of its own: the handler reads its configuration when the module loads.
            const mod = await import(`${pathToFileURL(defaultLambdaBundlePath()).href}?archive`);
            const { value: response, lines } = await capturingStdout(() => mod.handler(event({ requestId: "bundle-archived" }), CONTEXT) as Promise<{ output: string }>);

            assert.equal(response.output, "ok");
            const archived = s3.records(ARCHIVE_BUCKET).filter((o) => o.record.clientRequestId === "bundle-archived");
            assert.equal(archived.length, 1);
            const logged = lines.map((l) => JSON.parse(l)).find((r) => r.clientRequestId === "bundle-archived");
            assert.equal(logged.archive.key, archived[0].key);
        } finally {
            restore();
            await s3.close();
        }
    });

    it("fail-closed, with the archive refusing every write: the streaming handler streams nothing, never calls Bedrock, and ends with AuditUnavailable", async () => {
        const s3 = await new LocalS3Server().start();
        s3.faultFor = () => ({ kind: "error", status: 403, errorType: "AccessDenied" });
        // The S3 client is built at the first archive write, so the endpoint stays set through the call.
        const restore = setEnv({ AWS_ENDPOINT_URL_S3: s3.url, [RuntimeEnv.archiveBucket]: ARCHIVE_BUCKET, [RuntimeEnv.archiveKmsKeyArn]: ARCHIVE_KEY_ARN, [RuntimeEnv.auditMode]: "fail-closed" });
        const g = globalThis as { awslambda?: Record<string, unknown> };
        const saved = g.awslambda;
        try {
            g.awslambda = { ...saved, streamifyResponse: awslambdaHarness.streamifyResponse };
            const mod = await import(`${pathToFileURL(defaultLambdaBundlePath()).href}?fail-closed-archive`);
            g.awslambda = saved;
            aws.bedrock.reply = () => ({ text: "alpha beta gamma", usage: { inputTokens: 23, outputTokens: 3 } });

            const { result: { value: { stream }, lines }, printed } = await capturingConsole(() => capturingStdout(() => invokeStreaming(mod.streamingHandler, event({ requestId: "bundle-fc" }), CONTEXT)));

            assert.deepEqual(stream.lines.map((l) => l.line.type), ["error"]);
            assert.equal((stream.lines[0].line as { error: { code: string } }).error.code, "AuditUnavailable");
            assert.equal(aws.bedrock.calls.length, 0, "Bedrock was called before the call was on record");
            const records = lines.map((l) => JSON.parse(l));
            assert.deepEqual(records.map((r) => r.outcome), ["started"]);
            assert.equal(records[0].archive.errorCode, "AccessDenied");
            assert.match(printed, /audit record lost \(AuditDeliveryError\); 1 lost so far/);
        } finally {
            g.awslambda = saved;
            restore();
            await s3.close();
        }
    });

    it("full mode: a prompt of control characters (six bytes each in JSON) is cut to one line of at most 256 KiB, and archived whole", async () => {
        const s3 = await new LocalS3Server().start();
        const restore = setEnv({ AWS_ENDPOINT_URL_S3: s3.url, [RuntimeEnv.archiveBucket]: ARCHIVE_BUCKET, [RuntimeEnv.archiveKmsKeyArn]: ARCHIVE_KEY_ARN, [RuntimeEnv.contentMode]: "full" });
        try {
            const mod = await import(`${pathToFileURL(defaultLambdaBundlePath()).href}?full-control`);
            const prompt = "\u0001".repeat(199_000);
            const reply = "\u001f\"".repeat(200_000);
            aws.bedrock.reply = () => ({ text: reply, usage: { inputTokens: 23, outputTokens: 3 } });

            const { value: response, lines } = await capturingStdout(() => mod.handler(event({ prompt, requestId: "bundle-full" }), CONTEXT) as Promise<{ output: string }>);

            assert.equal(response.output, reply);
            assert.equal(lines.length, 1);
            assert.ok(Buffer.byteLength(`${lines[0]}\n`) <= MAX_RECORD_LINE_BYTES, `${Buffer.byteLength(lines[0])} bytes`);
            const logged = JSON.parse(lines[0]);
            const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");
            assert.equal(logged.input.inputSha256, sha256(prompt));
            assert.equal(logged.output.outputSha256, sha256(reply));
            const archived = s3.records(ARCHIVE_BUCKET).filter((o) => o.record.clientRequestId === "bundle-full");
            assert.equal(archived.length, 1);
            assert.equal(archived[0].record.input.inputText, prompt);
            assert.equal(archived[0].record.output.outputText, reply);
        } finally {
            restore();
            await s3.close();
        }
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
