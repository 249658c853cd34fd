import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";

const TENANTS_KEY = "bedrock-tenancy:tenants";
/** Synthetic customer accounts start here, clear of the example accounts. */
const FIRST_ACCOUNT = 100_000_000_000;

/**
 * Writes a project folder whose only stack is `ops` with `count` tenants, each
 * a copy of one of the example tenants in the real `Pulumi.ops.yaml` with its
 * own id and account, so scale runs exercise the same shapes users configure.
 */
export function writeSyntheticProject(projectDir: string, count: number, dir: string): { dir: string } {
    fs.copyFileSync(path.join(projectDir, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    const doc = parse(fs.readFileSync(path.join(projectDir, "Pulumi.ops.yaml"), "utf8"));
    const examples: Record<string, unknown>[] = doc.config[TENANTS_KEY];
    if (!Array.isArray(examples) || examples.length === 0) {
        throw new Error(`Pulumi.ops.yaml has no ${TENANTS_KEY} to copy synthetic tenants from`);
    }
    doc.config[TENANTS_KEY] = Array.from({ length: count }, (_, i) => ({
        ...examples[i % examples.length],
        id: `tenant-${String(i + 1).padStart(5, "0")}`,
        accounts: [String(FIRST_ACCOUNT + i)],
    }));
    fs.writeFileSync(path.join(dir, "Pulumi.ops.yaml"), stringify(doc));
    return { dir };
}
