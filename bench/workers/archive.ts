/**
 * Worker of the archive benchmark: the real Lambda handler without and with
 * the archive (one S3 PutObject per call to a local S3 stand-in that verifies
 * each checksum), interleaved so machine drift hits both alike. Both write
 * their log copy to stdout (/dev/null), as in Lambda.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { reply } from "../child";
import { msSince } from "../stats";
import { createHandler } from "../../runtime/lambda/handler";
import { LocalS3Server } from "../../testing/local-aws";
import { assertAnswered, CONTEXT, opsRoleArnOf, startRig } from "./runtime-rig";

export interface ArchiveParams {
    n: number;
    warmup: number;
}

export interface ArchiveSamples {
    params: ArchiveParams;
    withoutMs: number[];
    withMs: number[];
    /** The same two with the CloudWatch Logs sink (its 1000 ms batching timer) in place of stdout. */
    logsWithoutMs: number[];
    logsWithMs: number[];
    /** Objects the stand-in stored: one per archived call, or the figures are not comparable. */
    objects: number;
    lost: number;
}

const BUCKET = "btn-bench-archive-111111111111";
const KEY_ARN = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";

async function main(params: ArchiveParams): Promise<ArchiveSamples> {
    const rig = await startRig();
    const s3 = await new LocalS3Server().start();
    const client = new S3Client({
        region: "us-east-1",
        endpoint: s3.url,
        forcePathStyle: true,
        credentials: { accessKeyId: "AKIDCUSTOMERA", secretAccessKey: "secret" },
        requestHandler: new NodeHttpHandler(),
    });
    const without = rig.lambdaHandler("bench-plain");
    const archived = createHandler({ tenantId: "bench-archive", opsRoleArn: opsRoleArnOf("bench-archive"), archiveBucket: BUCKET, archiveKmsKeyArn: KEY_ARN, archiveClient: client, onWarning: () => undefined });
    const logsWithout = rig.cloudWatchHandler("bench-logs-plain");
    const logsArchived = rig.cloudWatchHandler("bench-logs-archive", { archiveBucket: BUCKET, archiveKmsKeyArn: KEY_ARN, archiveClient: client });
    const setups = [without, archived, logsWithout.handler, logsArchived.handler];
    const samples: number[][] = [[], [], [], []];
    for (let i = 0; i < params.warmup + params.n; i++) {
        for (let k = 0; k < setups.length; k++) {
            const which = (i + k) % setups.length;
            const start = process.hrtime.bigint();
            assertAnswered(await setups[which](rig.event(i), CONTEXT));
            if (i >= params.warmup) samples[which].push(msSince(start));
        }
    }
    const objects = s3.objects.size;
    await Promise.all([rig.close(), s3.close()]);
    await Promise.all([logsWithout.sink.close(), logsArchived.sink.close()]);
    const lost = [without, archived, logsWithout.handler, logsArchived.handler].reduce((n, h) => n + h.logger.stats().lost, 0);
    return { params, withoutMs: samples[0], withMs: samples[1], logsWithoutMs: samples[2], logsWithMs: samples[3], objects, lost };
}

main(JSON.parse(process.argv[2])).then(reply, (err) => {
    console.error(err);
    process.exit(1);
});
