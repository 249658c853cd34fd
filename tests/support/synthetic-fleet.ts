/**
 * A large ops stack export built from the shipped plan: customer-b's
 * resources copied once per tenant with its own id, account and ExternalId,
 * so fleet-size tests run in seconds instead of planning thousands of tenants.
 */
import * as fs from "fs";
import * as path from "path";
import { openPolicySecrets, type StackDoc } from "./plan-files";
import { makeTempDir } from "./temp-dir";

export function syntheticTenantId(i: number): string {
    return `tenant-${String(i).padStart(5, "0")}`;
}

export function syntheticAccount(i: number): string {
    return String(100_000_000_000 + i);
}

/** Writes `ops.json` with `count` tenants (1-based ids) into a fresh folder and returns the folder. */
export function writeSyntheticFleet(shippedOps: string, count: number, edit?: (doc: StackDoc) => void): string {
    const doc: StackDoc = JSON.parse(fs.readFileSync(shippedOps, "utf8"));
    const all = doc.deployment.resources;
    const isB = (r: any) => r.urn.includes("::tenants-customer-b") || r.parent?.endsWith("::tenants-customer-b");
    const template = JSON.stringify(all.filter(isB));
    const externalId = all.find((r: any) => r.urn.endsWith("BedrockTenantAccess::tenants-customer-b")).outputs.externalId.plaintext.replace(/"/g, "");
    const copies: any[] = [];
    for (let i = 1; i <= count; i++) {
        const text = template
            .split("customer-b").join(syntheticTenantId(i))
            .split("222222222222").join(syntheticAccount(i))
            .split(externalId).join(`${externalId.slice(0, 20)}${String(i).padStart(12, "0")}`);
        copies.push(...JSON.parse(text));
    }
    doc.deployment.resources = [all.find((r: any) => r.type === "pulumi:pulumi:Stack"), all.find((r: any) => r.type === "bedrock-tenancy:index:BedrockTenantFleet"), ...copies];
    if (edit) {
        openPolicySecrets(doc);
        edit(doc);
    }
    const dir = makeTempDir("bedrock-tenancy-fleet-");
    fs.writeFileSync(path.join(dir, "ops.json"), JSON.stringify(doc));
    return dir;
}
