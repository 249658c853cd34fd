/**
 * The whole-account proof over one file per stack: every resource of every
 * file, every tenant of every ops stack, every customer stack, no sampling.
 * Both what the program asked for (`inputs`) and what AWS holds (`outputs`)
 * are proved; a violation only the second shows is reported as drift.
 * Linear in resources.
 */
import { opsMessagingPolicyViolations } from "./messaging-policies";
import { customerViolations, stackViolations } from "./account-checks";
import { sharedAccountViolations, stackAccount } from "./account-stacks";
import { archiveViolations } from "./archive-checks";
import { customerAccountViolations } from "./customer-account";
import { violation, type Violation } from "./findings";
import { fleetViolations } from "./fleet-checks";
import { functionRoleViolations } from "./function-checks";
import { routeReferenceViolations } from "./route-references";
import { buildAccountIam, HELD_STATE_KEYS } from "./iam-graph";
import { readCustomerIntents, readTenantIntents, type CustomerIntent, type TenantIntent } from "./intent";
import { opsAccountViolations } from "./ops-account";
import { opsEgressViolations } from "./ops-egress";
import { forgetScannedTexts } from "./policy-text";
import { asOneProof } from "./proof-run";
import { sameValue, sameWhenRead } from "./same-value";
import { opsIdentityReachViolations } from "./identity-reach";
import { ownReads, planViolations } from "./plan-integrity";
import { deleteResetViolations } from "./delete-resets";
import { unknownViolations } from "./unknowns";
import { readPlanText } from "./plan-input";
import { deepInputError, READ_KEYS, readStackState, UNKNOWN_VALUE, UnreadableInputError, type StackResource, type StackState } from "./pulumi-formats";
import { checkedRuntimeRoleNames, runtimeRolesOf, trustedCallersOf, type TrustedCallers } from "./runtime-roles";
import { proveTenant, type TenantProof } from "./tenant-proof";

export interface VerificationResult {
    stacks: { stack: string; file: string; format: string; resources: number }[];
    tenants: TenantProof[];
    customers: CustomerIntent[];
    /** Tenants of the ops files with an account whose customer stack was not given: their customer side is not proved. */
    customersNotProved: string[];
    /**
     * Each account a tenant lists (its runtime role there is admitted by the
     * tenant's role) whose customer stack was not given, for the tenants of
     * {@link customersNotProved}.
     */
    accountsNotProved: { tenant: string; account: string }[];
    violations: Violation[];
    facts: string[];
    /** Whether `outputs` differed from `inputs` anywhere the proof reads, so both were proved. */
    outputsProved: boolean;
    durationMs: number;
}

export interface VerifyOptions {
    /**
     * Refuse files that hold no tenant (exit 2): without the ops stack's file, nothing about
     * isolation can be proved. Off only for one stack at a time (the policy pack).
     * @default true
     */
    requireOps?: boolean;
    /** A tenant without a customer stack among the files is a violation. @default false */
    requireCustomers?: boolean;
}

/** Reads and verifies the given files; unreadable input throws `UnreadableInputError`. */
export function verifyFiles(files: string[], options: VerifyOptions = {}): VerificationResult {
    if (files.length === 0) throw new UnreadableInputError("no input files: give one `pulumi stack export` or `pulumi preview --json` file per stack");
    const states = files.map((f) => {
        const text = readPlanText(f);
        return ofFile(f, () => readStackState(f, text));
    });
    return verifyStates(states, options);
}

interface Intents {
    tenants: TenantIntent[];
    customers: CustomerIntent[];
    byState: Map<StackState, { tenants: TenantIntent[]; customers: CustomerIntent[] }>;
}

export function verifyStates(states: StackState[], options: VerifyOptions = {}): VerificationResult {
    try {
        return asOneProof(() => proveStates(states, options));
    } finally {
        forgetScannedTexts();
    }
}

function proveStates(states: StackState[], options: VerifyOptions): VerificationResult {
    const started = performance.now();
    const requireOps = options.requireOps ?? true;
    const seen = new Map<string, string>();
    for (const s of states) {
        const other = seen.get(s.stack);
        if (other !== undefined) throw new UnreadableInputError(`${s.file} and ${other} are both of stack ${s.stack}; give one file per stack`);
        seen.set(s.stack, s.file);
    }
    const intents: Intents = { tenants: [], customers: [], byState: new Map() };
    for (const state of states) {
        const own = { tenants: readTenantIntents(state), customers: readCustomerIntents(state) };
        if (requireOps && own.tenants.length === 0 && own.customers.length === 0) {
            throw new UnreadableInputError(`${state.file}: stack ${state.stack} holds no BedrockTenantAccess and no PrivateInvocationLogging: it is not a stack of the fleet, and the proof cannot tell which account it deploys to`);
        }
        intents.byState.set(state, own);
        intents.tenants.push(...own.tenants);
        intents.customers.push(...own.customers);
    }
    if (requireOps && intents.tenants.length === 0) {
        throw new UnreadableInputError("no BedrockTenantAccess in the files: give the ops stack's file too; without the tenants' roles nothing about their isolation can be proved");
    }

    const inputs = proveView(states, intents, options);
    const violations = inputs.violations;
    // A read of the stack's own resource is what AWS held: its outputs join the resource's own as what AWS holds.
    const reads = new Map(states.map((s) => [s, ownReads(s)]));
    const outputsProved = states.some((s) => ofFile(s.file, () => outputsDiffer(s) || readsDiffer(reads.get(s)!)));
    if (outputsProved) {
        // What AWS holds after a refresh can differ from what the program asked for: prove it too.
        const asHeld = states.map((s) => ({ ...s, resources: s.resources.map((r) => ({ ...r, inputs: { ...r.inputs, ...r.outputs, ...heldByRead(reads.get(s)!.get(r)) }, asked: r.inputs })) }));
        const heldIntents: Intents = { ...intents, byState: new Map(states.map((s, i) => [asHeld[i], intents.byState.get(s)!])) };
        const known = new Set(violations.map(key));
        for (const v of proveView(asHeld, heldIntents, options).violations) {
            if (!known.has(key(v))) violations.push({ ...v, drift: true, why: `drift (only in what AWS holds): ${v.why}` });
        }
    }
    // Each account a tenant lists is one its role admits: a customer stack of one account proves nothing of another.
    const provedAccounts = new Map<string, Set<string>>();
    for (const c of intents.customers) provedAccounts.set(c.tenantId, (provedAccounts.get(c.tenantId) ?? new Set()).add(c.accountId));
    const customersNotProved: string[] = [];
    const accountsNotProved: { tenant: string; account: string }[] = [];
    for (const t of intents.tenants) {
        const proved = provedAccounts.get(t.tenantId);
        const missing = t.accounts.filter((a) => !proved?.has(a));
        if (proved !== undefined && missing.length === 0) continue;
        customersNotProved.push(t.tenantId);
        accountsNotProved.push(...missing.map((account) => ({ tenant: t.tenantId, account })));
        if (!options.requireCustomers) continue;
        const where = { tenant: t.tenantId, stack: t.stack, resource: t.urn.split("::").pop()!, urn: t.urn };
        if (proved === undefined) {
            violations.push(violation("BT-FLEET-CUSTOMER-MISSING", where, "-", "no customer stack of this tenant is among the files: its customer side is not proved"));
        } else {
            for (const account of missing) violations.push(violation("BT-FLEET-CUSTOMER-MISSING", where, "-", `no customer stack of account ${account}, which the tenant lists and its role admits, is among the files: that account's customer side is not proved`));
        }
    }
    return {
        stacks: states.map((s) => ({ stack: s.stack, file: s.file, format: s.format, resources: s.resources.length })),
        tenants: inputs.tenants,
        customers: intents.customers,
        customersNotProved,
        accountsNotProved,
        violations,
        facts: inputs.facts,
        outputsProved,
        durationMs: performance.now() - started,
    };
}

const key = (v: Violation) => `${v.code}\u0000${v.tenant}\u0000${v.stack}\u0000${v.resource}\u0000${v.statement}\u0000${v.why}`;

/** `work` on one file's values: a walker that runs out of stack on them is that file's unreadable input. */
function ofFile<T>(file: string, work: () => T): T {
    try {
        return work();
    } catch (err) {
        throw deepInputError(err, file);
    }
}

/** One view of every stack (inputs first, or outputs first): every check, every resource. */
function proveView(states: StackState[], intents: Intents, options: VerifyOptions): { tenants: TenantProof[]; violations: Violation[]; facts: string[] } {
    const tenants: TenantProof[] = [];
    const violations: Violation[] = [];
    const facts: string[] = [];
    const intentsById = new Map(intents.tenants.map((t) => [t.tenantId, t]));
    const roleOwners = new Map(intents.tenants.map((t) => [t.roleName.toLowerCase(), t.tenantId]));
    // What each tenant's ops role trusts, read before any customer stack: those roles are the tenant's runtime, whatever a component's outputs say.
    const trusted = new Map<string, string[]>();
    for (const state of states) {
        const own = intents.byState.get(state)!;
        if (own.tenants.length > 0) ofFile(state.file, () => trustedCallersOf(own.tenants, buildAccountIam(state, stackAccount(own)), trusted));
    }
    for (const state of states) ofFile(state.file, () => proveState(state, intents, options, { tenants, violations, facts, intentsById, roleOwners, trusted }));
    violations.push(...sharedAccountViolations(states.map((state) => ({ state, ...intents.byState.get(state)! })), violations));
    violations.push(...fleetViolations(tenants, states));
    return { tenants, violations, facts };
}

/** Every check of one stack, adding to `into`. */
function proveState(state: StackState, intents: Intents, options: VerifyOptions, into: { tenants: TenantProof[]; violations: Violation[]; facts: string[]; intentsById: Map<string, TenantIntent>; roleOwners: Map<string, string>; trusted: TrustedCallers }): void {
    const { tenants, violations, facts, intentsById, roleOwners, trusted } = into;
    const own = intents.byState.get(state)!;
    const account = stackAccount(own);
    const iam = buildAccountIam(state, account);
    violations.push(...iam.findings, ...planViolations(state, account), ...deleteResetViolations(state), ...functionRoleViolations(state, iam, account), ...routeReferenceViolations(state));
    const runtimes = new Map(own.customers.map((c) => [c, runtimeRolesOf(c, intentsById.get(c.tenantId), trusted)]));
    const bindingRoles = new Set([...own.tenants.map((t) => t.roleName.toLowerCase()), ...own.customers.flatMap((c) => checkedRuntimeRoleNames(c, runtimes.get(c)!, iam))]);
    const unknowns = unknownViolations(state, { iam, roles: bindingRoles });
    violations.push(...unknowns.violations);
    facts.push(...unknowns.facts);
    for (const intent of own.tenants) {
        if (account !== undefined && intent.opsAccount !== account) {
            violations.push(violation("BT-TENANT-ROLE-MISSING", { tenant: intent.tenantId, stack: state.stack, resource: intent.urn.split("::").pop()!, urn: intent.urn }, "opsAccount", `its component says the tenant's ops account is ${intent.opsAccount}, but the stack deploys into account ${account}: the tenant's runtime would assume a role of an account the files do not hold`));
        }
        const roles = iam.byName.role.get(intent.roleName.toLowerCase()) ?? [];
        const proofs = roles.length === 0 ? [proveTenant(intent, undefined, iam)] : roles.map((r) => proveTenant(intent, r, iam));
        tenants.push(proofs[0]);
        for (const p of proofs) violations.push(...p.violations);
    }
    if (own.tenants.length > 0 && account !== undefined) violations.push(...opsAccountViolations({ state, account, iam, tenants: own.tenants }), ...opsEgressViolations(state, account), ...opsIdentityReachViolations(state, account, iam, own.tenants), ...opsMessagingPolicyViolations(state, account));
    const stack = stackViolations({ state, account, tenant: own.customers[0]?.tenantId ?? "(stack)", iam, roleOwners, ops: own.tenants.length > 0 && own.customers.length === 0 });
    violations.push(...stack.violations);
    facts.push(...stack.facts);
    for (const c of own.customers) {
        const tenant = intentsById.get(c.tenantId);
        const runtime = runtimes.get(c)!;
        if (options.requireOps ?? true) violations.push(...customerViolations(c, intentsById, runtime));
        violations.push(...customerAccountViolations({ state, account: c.accountId, iam, customer: c, tenant, runtimeRoles: runtime.roles }));
        const archive = archiveViolations(c, state, runtime.roles[0]);
        violations.push(...archive.violations);
        facts.push(...archive.facts);
    }
}

/**
 * The reads' outputs without Pulumi's own keys: what AWS held for the
 * resource they read. Reads that disagree are a finding of their own
 * (plan-integrity.ts); here the last one read stands.
 */
function heldByRead(reads: readonly StackResource[] | undefined): Record<string, unknown> {
    const held: Record<string, unknown> = {};
    for (const read of reads ?? []) for (const [k, v] of Object.entries(read.outputs)) if (!k.startsWith("__") && v !== UNKNOWN_VALUE) held[k] = v;
    return held;
}

/** Whether a read of the stack's own resource records a property the proof reads otherwise than the resource does. */
function readsDiffer(pairs: ReadonlyMap<StackResource, readonly StackResource[]>): boolean {
    for (const [own, reads] of pairs) {
        const held = heldByRead(reads);
        for (const k in held) {
            if (!READ_KEYS.has(k)) continue;
            const mine = k in own.outputs ? own.outputs[k] : own.inputs[k];
            if (!sameValue(mine, held[k])) return true;
        }
    }
    return false;
}

/** Whether any property the proof reads holds another value in `outputs` than in `inputs`. */
function outputsDiffer(state: StackState): boolean {
    const known = sameWhenRead(state);
    for (let i = 0; i < state.resources.length; i++) {
        const r = state.resources[i];
        for (const k in r.outputs) {
            if (!READ_KEYS.has(k)) continue;
            if (!(k in r.inputs) ? HELD_STATE_KEYS.has(k) && canonical(r.outputs[k]) !== "[]" : !known(r, i, r.inputs[k], r.outputs[k]) && !sameValue(r.inputs[k], r.outputs[k])) return true;
        }
    }
    return false;
}

function canonical(value: unknown): string {
    return JSON.stringify(value) ?? "undefined";
}
