/**
 * Plans the ops and customer programs under the mocks bedrock-tenancy/testing
 * ships, as the unit tests run them, and writes each plan in the shape of
 * `pulumi stack export --show-secrets`, so `npx bedrock-tenancy verify
 * plan/ops.json plan/customer-a.json` proves them without a Pulumi CLI or an
 * AWS account. The customer stack reads the ops plan's `tenants` output.
 */
import * as path from "path";
import { planStack, writeStackExport } from "bedrock-tenancy/testing";

const PROJECT = "acme-bedrock";
const OPS_STACK = `acme/${PROJECT}/ops`;
const SIG = "4dabf18193072939515e22adb298388d";

async function main(dir: string): Promise<void> {
    const ops = await planStack(() => ({ ...require("../ops") }), { project: PROJECT, stack: "ops", account: "999999999999", config: { "aws:region": "us-east-1" } });
    writeStackExport(path.join(dir, "ops.json"), ops);
    const exported = ops.deployment.resources.find((r) => r.type === "pulumi:pulumi:Stack")!.outputs as Record<string, any>;
    const tenants = exported.tenants?.[SIG] ? JSON.parse(exported.tenants.plaintext) : exported.tenants;
    const customer = await planStack(() => ({ ...require("../customer") }), {
        project: PROJECT,
        stack: "customer-a",
        account: "111111111111",
        config: { "aws:region": "us-east-1", [`${PROJECT}:tenantId`]: "customer-a", [`${PROJECT}:opsStack`]: OPS_STACK },
        stackOutputs: { [OPS_STACK]: { outputs: { tenants }, secretOutputNames: ["tenants"] } },
    });
    writeStackExport(path.join(dir, "customer-a.json"), customer);
}

main(path.resolve(process.argv[2] ?? "plan")).catch((err) => {
    console.error(err);
    process.exit(1);
});
