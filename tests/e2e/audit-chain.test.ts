/**
 * Trails the shipped runtime writes, read back as an auditor exports them and
 * checked by `audit verify`: the built Lambda bundle across invocations and a
 * container restart, and createTenantChatModel with the CloudWatch Logs sink
 * and the archive under concurrent calls (local AWS stand-ins).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { pathToFileURL } from "url";
import { S3Client } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { defaultLambdaBundlePath } from "../../components/private-invocation-logging/lambda-bundle";
import { RuntimeEnv } from "../../contract";
import { CloudWatchLogsSink } from "../../runtime/sinks/cloudwatch-logs-sink";
import { createTenantChatModel } from "../../runtime/tenant-chat-model";
import { CUSTOMER_ACCESS_KEY_ID, LocalS3Server, converseText, useLocalAws, type LocalAws } from "../../testing/local-aws";
import { CONTEXT, TENANT_ENV, event, fastRetries } from "../../testing/runtime-fixtures";
import { capturingStdout } from "../../testing/stdout-capture";
import { allBreaks, verifyAuditTrail, type AuditCheck } from "../../verifier/audit";
import { tempDir } from "../support/audit-trail";

const BUCKET = "btn-customer-a-archive-111111111111";
const KEY_ARN = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const LOG_GROUP = "/bedrock-tenancy/customer-a/audit";

function breaks(check: AuditCheck): string[] {
    return allBreaks(check).map((b) => `${b.kind}@${b.seq}`);
}

describe("audit trails of the shipped runtime verify clean (local AWS stand-ins)", () => {
    let aws: LocalAws;
    let s3: LocalS3Server;
    const localAws = useLocalAws(TENANT_ENV);
    before(async () => {
        aws = localAws();
        s3 = await new LocalS3Server().start();
        s3.requiredKmsKeyArn = KEY_ARN;
    });
    after(() => s3.close());

    it("chains the built Lambda bundle's records across invocations of one container, and a restarted container starts its own chain", async () => {
        const bundle = defaultLambdaBundlePath();
        assert.ok(fs.existsSync(bundle), `${bundle} is missing: run npm run build:lambda`);
        const first = await import(`${pathToFileURL(bundle).href}?container=1`);
        const lines: string[] = [];
        // Between invocations the container is frozen; Lambda adds its platform lines around each.
        for (const [i, e] of [event({ requestId: "b-1" }), { prompt: "no user" }, event({ requestId: "b-3" })].entries()) {
            lines.push(`START RequestId: r-${i} Version: $LATEST`);
            lines.push(...(await capturingStdout(() => first.handler(e, CONTEXT))).lines);
            lines.push(`END RequestId: r-${i}`, `REPORT RequestId: r-${i}\tDuration: 3.10 ms`);
        }
        const log = path.join(tempDir(), "stream.log");
        fs.writeFileSync(log, lines.join("\n") + "\n");

        let check = verifyAuditTrail([log]);
        assert.deepEqual(breaks(check), []);
        assert.deepEqual(check.writers.map((w) => [w.records, w.firstSeq, w.lastSeq, w.closed]), [[3, 0, 2, false]]);
        assert.equal(check.skipped, 9);

        const restarted = await import(`${pathToFileURL(bundle).href}?container=2`);
        lines.push(...(await capturingStdout(() => restarted.handler(event({ requestId: "b-4" }), CONTEXT))).lines);
        fs.writeFileSync(log, lines.join("\n") + "\n");
        check = verifyAuditTrail([log]);
        assert.deepEqual(breaks(check), []);
        assert.deepEqual(check.writers.map((w) => w.records).sort(), [1, 3]);

        // An auditor's edit of the middle record shows, named by writer and sequence.
        const recordLines = lines.filter((l) => l.startsWith("{"));
        const firstWriter = JSON.parse(recordLines[0]).chain.writer;
        const middle = lines.indexOf(recordLines[1]);
        lines[middle] = lines[middle].replace('"outcome":"rejected"', '"outcome":"success"');
        fs.writeFileSync(log, lines.join("\n") + "\n");
        assert.deepEqual(allBreaks(verifyAuditTrail([log])).map((b) => [b.kind, b.writer, b.seq]), [["edit", firstWriter, 1]]);
    });

    it("chains createTenantChatModel's concurrent fail-closed calls in the log stream's stored order and in the archive, closed with a final checkpoint", async function () {
        this.timeout(60_000);
        s3.reset();
        aws.logs.createLogGroup(LOG_GROUP);
        aws.bedrock.reply = (call) => ({ text: `answer to ${converseText(call)}`, usage: { inputTokens: 3, outputTokens: 3 } });
        const archiveClient = new S3Client({
            region: "us-east-1",
            endpoint: s3.url,
            forcePathStyle: true,
            credentials: { accessKeyId: CUSTOMER_ACCESS_KEY_ID, secretAccessKey: "secret" },
            requestHandler: new NodeHttpHandler({ connectionTimeout: 500 }),
            ...fastRetries(3),
        });
        const sink = new CloudWatchLogsSink({ logGroupName: LOG_GROUP, flushOnExit: false, onWarning: () => undefined });
        const model = createTenantChatModel({
            sink,
            archiveClient,
            onWarning: () => undefined,
            env: { ...aws.env, ...TENANT_ENV, [RuntimeEnv.auditMode]: "fail-closed", [RuntimeEnv.contentMode]: "full", [RuntimeEnv.archiveBucket]: BUCKET, [RuntimeEnv.archiveKmsKeyArn]: KEY_ARN },
        });
        // One prompt over the line limit: the log copy is cut, the archive keeps it whole, both verify.
        const prompts = Array.from({ length: 20 }, (_, i) => (i === 7 ? "é".repeat(200_000) : `prompt ${i}`));
        // And one call's metadata over the line's metadata limit: cut in the log, whole in the archive.
        await Promise.all(prompts.map((p, i) => model.invoke(p, { metadata: { userId: "user-17", note: "x".repeat(i === 3 ? 20_000 : 10) } })));
        await model.auditLogger.close();
        await sink.close();

        // What `aws logs filter-log-events` prints: the stream's events in CloudWatch's order (by timestamp).
        const stored = [...aws.logs.groups.get(LOG_GROUP)!.entries()].flatMap(([stream, events]) => events.map((e) => ({ logStreamName: stream, ...e })));
        stored.sort((a, b) => a.timestamp - b.timestamp);
        const dir = tempDir();
        const exportFile = path.join(dir, "events.json");
        fs.writeFileSync(exportFile, JSON.stringify({ events: stored }));
        const archive = path.join(dir, "archive");
        for (const { key, object } of s3.records(BUCKET)) {
            fs.mkdirSync(path.dirname(path.join(archive, key)), { recursive: true });
            fs.writeFileSync(path.join(archive, key), object.body);
        }

        const check = verifyAuditTrail([exportFile, archive]);
        assert.deepEqual(breaks(check), []);
        assert.equal(check.writers.length, 1);
        const [w] = check.writers;
        // 20 calls, each a started and a completion record, then the close record.
        assert.deepEqual([w.records, w.firstSeq, w.lastSeq, w.closed, w.checkpoints], [41, 0, 40, true, 1]);
        assert.deepEqual(breaks(verifyAuditTrail([exportFile])), []);
        assert.deepEqual(breaks(verifyAuditTrail([archive])), []);
        assert.ok(stored.some((e) => e.message.includes('"inputTruncated":true')), "the long prompt's log copy is cut");

        // A tail cut from the log (close record included) shows against the archive's final checkpoint.
        const checkpoints = path.join(dir, "checkpoints");
        fs.mkdirSync(checkpoints);
        for (const { key, object } of s3.records(BUCKET).filter((r) => path.basename(r.key).startsWith("checkpoint-"))) fs.writeFileSync(path.join(checkpoints, path.basename(key)), object.body);
        fs.writeFileSync(exportFile, JSON.stringify({ events: stored.slice(0, -3) }));
        assert.deepEqual(breaks(verifyAuditTrail([exportFile, checkpoints])), ["tail-cut@38", "missing-close@40"]);
        assert.ok(stored.some((e) => e.message.includes('"metadataTruncated":true')), "the long metadata's log copy is cut");
    });
});
