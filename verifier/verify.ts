/**
 * The complete isolation proof over one file per stack: every tenant of
 * every ops stack, every customer stack, no sampling. Linear in tenants.
 */
import * as fs from "fs";
import { customerViolations, stackViolations } from "./account-checks";
import { archiveViolations } from "./archive-checks";
import { fleetViolations } from "./fleet-checks";
import { readCustomerIntents, readTenantIntents, type CustomerIntent, type TenantIntent } from "./intent";
import { readStackState, UnreadableInputError, type StackResource, type StackState } from "./pulumi-formats";
import { ATTACHMENT_TYPES, prop, proveTenant, ROLE_POLICY_TYPE, ROLE_TYPE, type TenantProof, type TenantRole, type Violation } from "./tenant-proof";

export interface VerificationResult {
    stacks: { stack: string; file: string; format: string; resources: number }[];
    tenants: TenantProof[];
    customers: CustomerIntent[];
    violations: Violation[];
    facts: string[];
    durationMs: number;
}

/** Reads and verifies the given files; unreadable input throws `UnreadableInputError`. */
export function verifyFiles(files: string[]): VerificationResult {
    if (files.length === 0) throw new UnreadableInputError("no input files: give one `pulumi stack export` or `pulumi preview --json` file per stack");
    const states = files.map((f) => {
        let text: string;
        try {
            text = fs.readFileSync(f, "utf8");
        } catch (err) {
            throw new UnreadableInputError(`cannot read ${f}: ${(err as Error).message}`, { cause: err });
        }
        return readStackState(f, text);
    });
    return verifyStates(states);
}

export function verifyStates(states: StackState[]): VerificationResult {
    const started = performance.now();
    const seen = new Map<string, string>();
    for (const s of states) {
        const other = seen.get(s.stack);
        if (other !== undefined) throw new UnreadableInputError(`${s.file} and ${other} are both of stack ${s.stack}; give one file per stack`);
        seen.set(s.stack, s.file);
    }
    const tenants: TenantProof[] = [];
    const customers: CustomerIntent[] = [];
    const violations: Violation[] = [];
    const facts: string[] = [];
    const intentsById = new Map<string, TenantIntent>();
    for (const state of states) {
        const intents = readTenantIntents(state);
        const roles = rolesOf(state);
        for (const intent of intents) {
            tenants.push(proveTenant(intent, roles.get(intent.roleName)));
            intentsById.set(intent.tenantId, intent);
        }
        customers.push(...readCustomerIntents(state));
    }
    for (const p of tenants) violations.push(...p.violations);
    violations.push(...fleetViolations(tenants, states));
    const roleOwners = new Map(tenants.map((t) => [t.intent.roleName, t.intent.tenantId]));
    for (const state of states) {
        const own = customers.find((c) => c.stack === state.stack);
        const ops = tenants.find((t) => t.intent.stack === state.stack);
        const result = stackViolations({ state, account: own?.accountId ?? ops?.intent.opsAccount, tenant: own?.tenantId ?? "(stack)", roleOwners });
        violations.push(...result.violations);
        facts.push(...result.facts);
    }
    for (const c of customers) {
        violations.push(...customerViolations(c, intentsById));
        const archive = archiveViolations(c, states.find((s) => s.stack === c.stack)!);
        violations.push(...archive.violations);
        facts.push(...archive.facts);
    }
    return {
        stacks: states.map((s) => ({ stack: s.stack, file: s.file, format: s.format, resources: s.resources.length })),
        tenants,
        customers,
        violations,
        facts,
        durationMs: performance.now() - started,
    };
}

/** Each role of the stack by name, with the policies and attachments that name it. */
function rolesOf(state: StackState): Map<string, TenantRole> {
    const roles = new Map<string, TenantRole>();
    const byId = new Map<string, TenantRole>();
    for (const r of state.resources) {
        if (r.type !== ROLE_TYPE) continue;
        const name = String(prop(r, "name") ?? r.name);
        const entry: TenantRole = { role: r, policies: [], attachments: [] };
        roles.set(name, entry);
        byId.set(name, entry);
        // A policy names its role by id (IAM's id is the name), ARN or name.
        for (const key of [r.id, r.outputs.arn]) if (typeof key === "string") byId.set(key, entry);
    }
    const attach = (r: StackResource, list: "policies" | "attachments") => {
        const target = prop(r, "role");
        const targets = Array.isArray(prop(r, "roles")) ? (prop(r, "roles") as unknown[]) : [target];
        for (const t of targets) {
            const entry = typeof t === "string" ? byId.get(t) ?? byId.get(t.split("/").pop() ?? "") : undefined;
            entry?.[list].push(r);
        }
    };
    for (const r of state.resources) {
        if (r.type === ROLE_POLICY_TYPE) attach(r, "policies");
        else if (ATTACHMENT_TYPES.includes(r.type)) attach(r, "attachments");
    }
    return roles;
}
