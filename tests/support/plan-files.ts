/**
 * Plan files in the `pulumi stack export` shape, for the verifier tests: the
 * shipped stacks planned once by `npm start`, copies edited as JSON (never
 * the source), and an in-process run of the `bedrock-tenancy verify` CLI.
 */
import * as fs from "fs";
import * as path from "path";
import { Writable } from "stream";
import { main } from "../../verifier/cli";
import type { Violation } from "../../verifier/findings";
import { SECRET_SIG, SIG_KEY, stackStateOf } from "../../verifier/pulumi-formats";
import { verifyStates } from "../../verifier/verify";
import { runStart } from "./run-cli";
import { makeTempDir } from "./temp-dir";

export type StackDoc = { version: number; deployment: { resources: any[] } };

let shipped: Promise<string> | undefined;

/** The shipped stacks' plan folder (ops.json, customer-a.json), planned once per test run. */
export function shippedPlan(): Promise<string> {
    shipped ??= runStart(["--quiet"]).then((run) => {
        if (run.code !== 0) throw new Error(`npm start failed (${run.code}): ${run.stderr}`);
        return run.out;
    });
    return shipped;
}

/** The shipped plan's ops and customer-a exports, each call a fresh copy to edit. */
export async function shippedDocs(): Promise<{ ops: StackDoc; customer: StackDoc }> {
    const plan = await shippedPlan();
    const read = (stack: string) => JSON.parse(fs.readFileSync(path.join(plan, `${stack}.json`), "utf8")) as StackDoc;
    return { ops: read("ops"), customer: read("customer-a") };
}

/** The violations of `code` once `edit` has changed a copy of the ops stack, proved beside the customer stack as it is. */
export function opsViolationsAfter(docs: { ops: StackDoc; customer: StackDoc }, code: string, edit: (ops: StackDoc) => void): Violation[] {
    const ops = JSON.parse(JSON.stringify(docs.ops)) as StackDoc;
    edit(ops);
    return verifyStates([stackStateOf("ops.json", ops), stackStateOf("customer-a.json", docs.customer)]).violations.filter((v) => v.code === code);
}

export function stackFiles(dir: string): string[] {
    return fs.readdirSync(dir).filter((f) => f.endsWith(".json") && !f.startsWith("isolation-report")).sort().map((f) => path.join(dir, f));
}

/** A copy of `dir` with `edit` applied to the parsed `<stack>.json`. */
export function editedPlan(dir: string, stack: string, edit: (doc: StackDoc) => void): string {
    const copy = makeTempDir("bedrock-tenancy-edited-plan-");
    for (const file of stackFiles(dir)) fs.copyFileSync(file, path.join(copy, path.basename(file)));
    const file = path.join(copy, `${stack}.json`);
    const doc = JSON.parse(fs.readFileSync(file, "utf8"));
    openPolicySecrets(doc);
    edit(doc);
    fs.writeFileSync(file, JSON.stringify(doc));
    return copy;
}

/**
 * Policy inputs held as decrypted secrets (a trust policy holding a secret
 * ExternalId is one as a whole) become the documents themselves, so tests edit
 * them as JSON; the verifier reads both forms alike.
 */
export function openPolicySecrets(doc: StackDoc): void {
    for (const r of doc.deployment.resources) {
        for (const key of ["assumeRolePolicy", "policy"]) {
            const value = r.inputs?.[key];
            if (value && typeof value === "object" && value[SIG_KEY] === SECRET_SIG && typeof value.plaintext === "string") r.inputs[key] = JSON.parse(value.plaintext);
        }
    }
}

/** The URN of the file's root stack resource, every added resource's parent. */
export function stackUrn(doc: StackDoc): string {
    return doc.deployment.resources.find((r) => r.type === "pulumi:pulumi:Stack").urn;
}

/** Adds a custom resource under the stack, with `inputs`, empty outputs and `extra` over both (an id, outputs, ...). */
export function addResource(doc: StackDoc, type: string, name: string, inputs: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): void {
    const stack = stackUrn(doc);
    const prefix = stack.split("::pulumi:pulumi:Stack::")[0];
    doc.deployment.resources.push({ urn: `${prefix}::${type}::${name}`, type, custom: true, id: `${name}-id`, parent: stack, inputs, outputs: {}, ...extra });
}

/** Adds `statement` to the `policy` of `[type, name]`, in its inputs and outputs alike, kept as text or object as recorded. */
export function addPolicyStatement(doc: StackDoc, [type, name]: readonly [string, string], statement: Record<string, unknown>): void {
    const r = resource(doc, type, name);
    for (const side of [r.inputs, r.outputs]) {
        const recorded = side.policy;
        const policy = typeof recorded === "string" ? JSON.parse(recorded) : structuredClone(recorded);
        policy.Statement.push(statement);
        side.policy = typeof recorded === "string" ? JSON.stringify(policy) : policy;
    }
}

/** The resource of `type` whose `inputs.name` (or URN name) is `name`. */
export function resource(doc: StackDoc, type: string, name: string): any {
    const found = doc.deployment.resources.find((r) => r.type === type && (r.inputs?.name === name || r.urn.endsWith(`::${name}`)));
    if (!found) throw new Error(`no ${type} named ${name} in the plan`);
    return found;
}

export const ROLE = "aws:iam/role:Role";
export const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";

/** The inline policy document attached to role `roleName`. */
export function policyOf(doc: StackDoc, roleName: string): any {
    const p = doc.deployment.resources.find((r) => r.type === ROLE_POLICY && r.inputs.role === roleName);
    if (!p) throw new Error(`no policy on ${roleName}`);
    return p.inputs.policy;
}

export interface VerifyRun {
    code: number;
    stdout: string;
    stderr: string;
    report: any;
}

/** Runs `bedrock-tenancy verify` in process on every stack file of `dir` (or on `files`). */
export function verify(dirOrFiles: string | string[], flags: string[] = []): VerifyRun {
    const files = typeof dirOrFiles === "string" ? stackFiles(dirOrFiles) : dirOrFiles;
    const out = makeTempDir("bedrock-tenancy-verify-");
    let stdout = "";
    let stderr = "";
    const sink = (append: (s: string) => void) => new Writable({ write(chunk, _enc, done) { append(String(chunk)); done(); } });
    const code = main(["verify", ...flags, "--out", out, ...files], sink((s) => (stdout += s)), sink((s) => (stderr += s)));
    const reportFile = path.join(out, "isolation-report.json");
    return { code, stdout, stderr, report: fs.existsSync(reportFile) ? JSON.parse(fs.readFileSync(reportFile, "utf8")) : undefined };
}
