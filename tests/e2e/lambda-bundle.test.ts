import { strict as assert } from "assert";
import * as fs from "fs";
import { pathToFileURL } from "url";
import { defaultLambdaBundlePath } from "../../components/private-invocation-logging/lambda-bundle";
import { useLocalAws, type LocalAws } from "../../testing/local-aws";
import { CONTEXT, TENANT_ENV, event } from "../../testing/runtime-fixtures";

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

        const lines: string[] = [];
        const write = process.stdout.write;
        process.stdout.write = ((chunk: string, ...rest: unknown[]) => {
            lines.push(String(chunk));
            const callback = rest.find((r) => typeof r === "function") as (() => void) | undefined;
            callback?.();
            return true;
        }) as typeof process.stdout.write;
        let response;
        try {
            response = await mod.handler(event({ requestId: "bundle-1" }), CONTEXT);
        } finally {
            process.stdout.write = write;
        }

        assert.equal(response.output, "ok");
        assert.equal(aws.sts.assumeRoleCalls.length, 1);
        assert.equal(aws.bedrock.requests[0].accessKeyId, "ASIAOPSSESSION1");
        const records = lines.join("").split("\n").filter(Boolean).map((l) => JSON.parse(l));
        assert.equal(records.length, 1);
        assert.equal(records[0].clientRequestId, "bundle-1");
        assert.equal(records[0].outcome, "success");
        assert.equal(records[0].input.inputTokenCount, 23);
    });
});
