/**
 * Runs policy/index.ts as the Pulumi CLI does (a child process that prints
 * the port of its analyzer server on 127.0.0.1) and talks to it over the
 * analyzer protocol, so the pack's wiring, enforcement levels and the
 * engine's handling of values unknown at preview are exercised for real.
 */
import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { BEDROCK_TENANT_ACCESS_TYPE } from "../../contract/naming";
import { tenantRoleTrustPolicy } from "../../policy/rules";
import { urnOf } from "../support/policy-harness";

const POLICY_DIR = path.resolve(__dirname, "../../policy");
const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const LEVEL_NAMES = new Map<number, string>(Object.entries(analyzer.EnforcementLevel).map(([name, value]) => [value as number, name]));

function startPack(): Promise<{ child: ChildProcess; port: string }> {
    const child = spawn(process.execPath, ["-r", "ts-node/register", "index.ts"], {
        cwd: POLICY_DIR,
        env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
        stdio: ["ignore", "pipe", "pipe"],
    });
    return new Promise((resolve, reject) => {
        let stderr = "";
        child.stderr.on("data", (chunk) => (stderr += chunk));
        child.once("exit", (code) => reject(new Error(`policy pack exited with ${code}: ${stderr}`)));
        child.stdout.once("data", (chunk) => resolve({ child, port: String(chunk).trim() }));
    });
}

function call<Req, Res>(method: (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown, req: Req): Promise<Res> {
    return new Promise((resolve, reject) => method(req, (err, res) => (err ? reject(err) : resolve(res))));
}

function diagnostics(response: analyzer.AnalyzeResponse) {
    return response.getDiagnosticsList().map((d) => ({
        policy: d.getPolicyname(),
        level: LEVEL_NAMES.get(d.getEnforcementlevel()),
        message: d.getMessage(),
    }));
}

type ResourceMessage = analyzer.AnalyzeRequest | analyzer.AnalyzerResource;

// Analyze and AnalyzeStack describe a resource with the same fields.
function fill<T extends ResourceMessage>(message: T, type: string, name: string, props: Record<string, unknown>): T {
    message.setType(type).setName(name).setUrn(urnOf([type], name));
    message.setProperties(Struct.fromJavaScript(props as never)).setOptions(new analyzer.AnalyzerResourceOptions());
    return message;
}

function analyzeRequest(type: string, name: string, props: Record<string, unknown>): analyzer.AnalyzeRequest {
    return fill(new analyzer.AnalyzeRequest(), type, name, props);
}

function stackResource(type: string, name: string, props: Record<string, unknown>): analyzer.AnalyzerResource {
    return fill(new analyzer.AnalyzerResource(), type, name, props);
}

describe("policy pack served over the analyzer protocol", function () {
    this.timeout(60000);
    let child: ChildProcess;
    let client: AnalyzerClient;

    before(async () => {
        const started = await startPack();
        child = started.child;
        child.removeAllListeners("exit");
        client = new AnalyzerClient(`127.0.0.1:${started.port}`, grpc.credentials.createInsecure());
    });

    after(() => {
        client?.close();
        child?.kill();
    });

    it("describes every rule with its enforcement level", async () => {
        const info = await call<Empty, analyzer.AnalyzerInfo>(client.getAnalyzerInfo.bind(client), new Empty());
        const policies = info.getPoliciesList().map((p) => [p.getName(), LEVEL_NAMES.get(p.getEnforcementlevel())]);
        assert.strictEqual(info.getName(), "bedrock-tenancy");
        assert.deepStrictEqual(policies, [
            ["no-bedrock-invocation-logging-in-ops", "MANDATORY"],
            ["bedrock-invocation-logging-metadata-only-in-ops", "ADVISORY"],
            ["tenant-role-trust-requires-external-id", "MANDATORY"],
            ["tenant-role-no-wildcard-models", "MANDATORY"],
            ["tenant-log-group-encrypted-with-retention", "MANDATORY"],
            ["archive-bucket-write-once-customer-key", "MANDATORY"],
            ["tenant-isolation-proof", "MANDATORY"],
            ["tenant-isolation-proof-complete", "ADVISORY"],
        ]);
    });

    it("blocks a tenant role whose trust policy lacks the ExternalId", async () => {
        const trust = { Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "sts:AssumeRole" }] };
        const request = analyzeRequest("aws:iam/role:Role", "tenant", { name: "BedrockTenantAccess-customer-a", assumeRolePolicy: JSON.stringify(trust) });
        const response = await call<analyzer.AnalyzeRequest, analyzer.AnalyzeResponse>(client.analyze.bind(client), request);
        assert.deepStrictEqual(diagnostics(response), [
            {
                policy: "tenant-role-trust-requires-external-id",
                level: "MANDATORY",
                // The server puts the rule's description in front of each violation.
                message: `${tenantRoleTrustPolicy.description}\nStatement 1 allows sts:AssumeRole without a StringEquals condition on sts:ExternalId`,
            },
        ]);
    });

    it("downgrades a trust policy unknown at preview to an advisory instead of failing", async () => {
        const request = analyzeRequest("aws:iam/role:Role", "tenant", { name: "BedrockTenantAccess-customer-a", assumeRolePolicy: UNKNOWN_STRING });
        const found = diagnostics(await call<analyzer.AnalyzeRequest, analyzer.AnalyzeResponse>(client.analyze.bind(client), request));
        assert.strictEqual(found.length, 1);
        assert.strictEqual(found[0].level, "ADVISORY");
        assert.match(found[0].message, /can't run policy 'tenant-role-trust-requires-external-id' .* during preview/);
    });

    it("reports metadata-only invocation logging in an operations stack as advisory", async () => {
        const loggingType = "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration";
        const off = { textDataDeliveryEnabled: false, imageDataDeliveryEnabled: false, embeddingDataDeliveryEnabled: false, videoDataDeliveryEnabled: false };
        const resources = [stackResource(BEDROCK_TENANT_ACCESS_TYPE, "customer-a", {}), stackResource(loggingType, "logging", { loggingConfig: off })];
        const response = await call<analyzer.AnalyzeStackRequest, analyzer.AnalyzeResponse>(
            client.analyzeStack.bind(client),
            new analyzer.AnalyzeStackRequest().setResourcesList(resources),
        );
        assert.deepStrictEqual(
            diagnostics(response).map((d) => [d.policy, d.level]),
            // The component carries no outputs here, so the complete proof says it cannot run yet.
            [["bedrock-invocation-logging-metadata-only-in-ops", "ADVISORY"], ["tenant-isolation-proof-complete", "ADVISORY"]],
        );
    });
});
