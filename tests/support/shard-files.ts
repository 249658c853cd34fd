/**
 * Two ops shards cut from the shipped ops plan: `ops-1` keeps customer-a in
 * the shipped ops account, `ops-2` holds customer-b in another ops account,
 * each its own stack file, as a fleet spread over shards deploys them.
 */
import * as fs from "fs";
import * as path from "path";
import { openPolicySecrets, type StackDoc } from "./plan-files";
import { makeTempDir } from "./temp-dir";

export const SHIPPED_OPS_ACCOUNT = "999999999999";
export const SECOND_OPS_ACCOUNT = "888888888888";

const ofTenant = (tenant: string) => (r: any) => r.urn.includes(`::tenants-${tenant}`) || r.parent?.endsWith(`::tenants-${tenant}`);

/** A copy of the ops export as stack `stack` without the resources `drop` selects, with `from` replaced by `to` everywhere. */
function shard(doc: StackDoc, stack: string, drop: (r: any) => boolean, replace: [string, string][]): StackDoc {
    let text = JSON.stringify({ ...doc, deployment: { ...doc.deployment, resources: doc.deployment.resources.filter((r) => !drop(r)) } });
    for (const [from, to] of [["urn:pulumi:ops::", `urn:pulumi:${stack}::`], ...replace]) text = text.split(from).join(to);
    return JSON.parse(text);
}

/** Writes ops-1.json and ops-2.json (and a copy of customer-a.json) into a fresh folder; `edit` may change either shard first. */
export function writeShardFiles(shippedDir: string, edit?: (shards: { "ops-1": StackDoc; "ops-2": StackDoc }) => void): string[] {
    const doc: StackDoc = JSON.parse(fs.readFileSync(path.join(shippedDir, "ops.json"), "utf8"));
    const isA = ofTenant("customer-a");
    const isB = ofTenant("customer-b");
    const shards = {
        "ops-1": shard(doc, "ops-1", isB, []),
        // customer-b has no quota or cost cap: the second shard needs no enforcer.
        "ops-2": shard(doc, "ops-2", (r) => isA(r) || r.urn.includes("QuotaEnforcer") || r.parent?.includes("QuotaEnforcer"), [[SHIPPED_OPS_ACCOUNT, SECOND_OPS_ACCOUNT]]),
    };
    const dir = makeTempDir("bedrock-tenancy-shards-");
    if (edit) {
        Object.values(shards).forEach(openPolicySecrets);
        edit(shards);
    }
    const files = Object.entries(shards).map(([stack, d]) => {
        const file = path.join(dir, `${stack}.json`);
        fs.writeFileSync(file, JSON.stringify(d));
        return file;
    });
    fs.copyFileSync(path.join(shippedDir, "customer-a.json"), path.join(dir, "customer-a.json"));
    return [...files, path.join(dir, "customer-a.json")];
}
