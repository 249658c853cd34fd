import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";

const TENANTS_KEY = "bedrock-tenancy:tenants";
const PROFILE_QUOTA_KEY = "bedrock-tenancy:applicationProfileQuota";
const COST_ATTRIBUTION_KEY = "bedrock-tenancy:costAttribution";
/** Synthetic customer accounts start here, clear of the example accounts. */
const FIRST_ACCOUNT = 100_000_000_000;

/** `count` copies of the example tenants, each with its own id and customer account. */
export function syntheticTenants(examples: Record<string, unknown>[], count: number): { id: string; accounts: string[]; [key: string]: unknown }[] {
    return Array.from({ length: count }, (_, i) => ({
        ...examples[i % examples.length],
        id: `tenant-${String(i + 1).padStart(5, "0")}`,
        accounts: [String(FIRST_ACCOUNT + i)],
    }));
}

/**
 * Writes a project folder whose only stack is `ops` with `count` tenants, each
 * a copy of one of the example tenants in the real `Pulumi.ops.yaml` with its
 * own id and account, so scale runs exercise the same shapes users configure.
 */
export function writeSyntheticProject(projectDir: string, count: number, dir: string): { dir: string; notes: string[] } {
    fs.copyFileSync(path.join(projectDir, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    const doc = parse(fs.readFileSync(path.join(projectDir, "Pulumi.ops.yaml"), "utf8"));
    const examples: Record<string, unknown>[] = doc.config[TENANTS_KEY];
    if (!Array.isArray(examples) || examples.length === 0) {
        throw new Error(`Pulumi.ops.yaml has no ${TENANTS_KEY} to copy synthetic tenants from`);
    }
    doc.config[TENANTS_KEY] = syntheticTenants(examples, count);
    const notes: string[] = [];
    const profiles = (doc.config[TENANTS_KEY] as { models?: unknown[]; costAttribution?: boolean }[])
        .filter((t) => t.costAttribution !== false && doc.config[COST_ATTRIBUTION_KEY] !== false)
        .reduce((n, t) => n + (t.models?.length ?? 0), 0);
    const quota = Number(doc.config[PROFILE_QUOTA_KEY] ?? 0);
    if (profiles > quota) {
        // A real account of this size would have asked Service Quotas for the increase.
        doc.config[PROFILE_QUOTA_KEY] = profiles;
        notes.push(`synthetic stack: ${PROFILE_QUOTA_KEY} raised from ${quota || "its default"} to ${profiles} to fit ${count} tenants' application inference profiles`);
    }
    // Copies share nested lists; written as anchors they would trip the parser's alias limit.
    fs.writeFileSync(path.join(dir, "Pulumi.ops.yaml"), stringify(doc, { aliasDuplicateObjects: false }));
    return { dir, notes };
}
