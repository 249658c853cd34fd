import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentError, opsRoleArnProblem, opsRoleName, optionNames, parseArn, raise, recordProblem, runtimeRoleName, show, showBrief, tenantIdProblem, unknownOptionProblem } from "../../contract";
import { TENANTS_OUTPUT_NAME, type TenantAccessEntry, type TenantAccessRecord } from "./tenant-access-entry";
import { keepingMessage } from "../input-error";

/** One tenant's access as typed Outputs; only `externalId` is secret. */
export type TenantAccessOutputs = { [K in keyof TenantAccessEntry]-?: pulumi.Output<TenantAccessEntry[K]> };

export interface TenantAccessFromOptions {
    /**
     * Output of the ops stack that holds the fleet's record.
     * @default "tenants"
     */
    outputName?: string;
    /**
     * The customer account the stack deploys into. It must be one of the
     * accounts the ops stack trusts for the tenant (the entry's `accounts`),
     * or the tenant's runtime could never assume its role: the preview fails
     * naming the tenant and both accounts. Give it when the stack deploys
     * with a provider of another account than the default one.
     * @default - the caller identity's account
     */
    accountId?: pulumi.Input<string>;
}

/** Every option of {@link TenantAccessFromOptions}; any other key is refused. */
export const TENANT_ACCESS_FROM_OPTIONS = optionNames<TenantAccessFromOptions>({ outputName: true, accountId: true });

/**
 * Why the customer account `accountId` cannot use the tenant's ops role: the
 * ops stack trusts other accounts for it. Undefined when it can.
 */
export function tenantAccountProblem(entry: Pick<TenantAccessEntry, "accounts">, tenantId: string, accountId: string, opsStack: string): string | undefined {
    if (entry.accounts.includes(accountId)) return undefined;
    return `account ${accountId} is not among the accounts ops stack ${show(opsStack)} trusts for tenant ${show(tenantId)} (${entry.accounts.join(", ")}): ` +
        "deploy the tenant's customer stack with credentials of one of those accounts, or add this account to the tenant in the ops stack";
}

/**
 * Why `value` is not `tenantId`'s entry as a fleet exports it; undefined when
 * it is one. The settings the component checks again (models, Region) are
 * left to it; what names the tenant or the ops account is checked here, so
 * an entry edited by hand or copied from another tenant fails naming the
 * ops stack instead of planning a runtime that IAM would refuse.
 */
function entryShapeProblem(value: unknown, tenantId: string): string | undefined {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return `${showBrief(value)}, not a tenant's entry`;
    const { accounts, roleArn, runtimeRoleName: runtimeRole, inferenceProfileArns } = value as Record<string, unknown>;
    if (!Array.isArray(accounts) || !accounts.every((a) => typeof a === "string")) return `accounts ${showBrief(accounts)}, not a list of account ids`;
    if (opsRoleArnProblem("roleArn", roleArn, tenantId) !== undefined) return `roleArn ${showBrief(roleArn)}, not the ARN of this tenant's ops role ${show(opsRoleName(tenantId))} (with no path)`;
    if (runtimeRole !== runtimeRoleName(tenantId)) return `runtimeRoleName ${showBrief(runtimeRole)}, not this tenant's runtime role name ${show(runtimeRoleName(tenantId))}`;
    return profilesProblem(inferenceProfileArns, parseArn(roleArn as string)?.account);
}

/** Why the entry's inference profiles are not all of the ops account (the account of the tenant's role): its role can call no other account's profile. */
function profilesProblem(profiles: unknown, opsAccount: string | undefined): string | undefined {
    if (typeof profiles !== "object" || profiles === null || Array.isArray(profiles)) return `inferenceProfileArns ${showBrief(profiles)}, not an object of model id to inference profile ARN`;
    for (const [model, arn] of Object.entries(profiles)) {
        const account = typeof arn === "string" ? parseArn(arn)?.account : undefined;
        if (account !== opsAccount) return `inferenceProfileArns[${show(model)}] ${showBrief(arn)}, not an inference profile of the ops account ${opsAccount}`;
    }
    return undefined;
}

/**
 * Reads one tenant's entry from the ops stack's `tenants` output (a
 * `BedrockTenantFleet`'s `tenants`). `ops` is a `StackReference` or the ops
 * stack's fully qualified name (`org/project/ops`). Only this tenant's entry
 * reaches the returned values; a missing output or tenant fails the preview
 * with a message naming the tenant and the tenants the ops stack has, and a
 * stack deploying into an account the ops stack does not trust for the
 * tenant (`options.accountId`) fails it naming the tenant and both accounts.
 */
export function tenantAccessFrom(ops: pulumi.StackReference | string, tenantId: string, options: TenantAccessFromOptions = {}): TenantAccessOutputs {
    const problem = tenantIdProblem("tenantId", tenantId);
    if (problem !== undefined) throw new ArgumentError(problem);
    raise(recordProblem("tenantAccessFrom options", options), unknownOptionProblem("", options, TENANT_ACCESS_FROM_OPTIONS, "tenantAccessFrom"));
    const outputName = options.outputName ?? TENANTS_OUTPUT_NAME;
    const ref = typeof ops === "string" ? new pulumi.StackReference(ops) : ops;
    const account = options.accountId ?? aws.getCallerIdentityOutput().accountId;
    const entry = pulumi.all([ref.name, ref.getOutput(outputName), account]).apply(([stack, all, accountId]: [string, TenantAccessRecord | undefined, string]) => {
        if (all === undefined || all === null || typeof all !== "object") {
            throw keepingMessage(new Error(`ops stack ${show(stack)} has no output ${show(outputName)}, so it has no entry for tenant ${show(tenantId)}: export a BedrockTenantFleet's \`tenants\` there and run \`pulumi up\` first`));
        }
        const found = Object.prototype.hasOwnProperty.call(all, tenantId) ? all[tenantId] : undefined;
        if (found === undefined) {
            const known = Object.keys(all);
            throw keepingMessage(
                new Error(
                    `tenant ${show(tenantId)} is not in the ${show(outputName)} output of ops stack ${show(stack)} ` +
                        `(it has ${known.length > 0 ? known.map((t) => show(t)).join(", ") : "no tenants"}): add it to the ops stack and run \`pulumi up\` there first`,
                ),
            );
        }
        // Another stack's output, perhaps of another version: its shape is checked before anything of it is read.
        const misshapen = entryShapeProblem(found, tenantId);
        if (misshapen !== undefined) {
            throw keepingMessage(new Error(`the ${show(outputName)} output of ops stack ${show(stack)} holds for tenant ${show(tenantId)} ${misshapen}: run \`pulumi up\` on the ops stack with this version of bedrock-tenancy`));
        }
        // Checked where the trusted accounts arrive: otherwise the customer side would deploy and never reach its role.
        const untrusted = tenantAccountProblem(found, tenantId, accountId, stack);
        if (untrusted !== undefined) throw keepingMessage(new Error(untrusted));
        return found;
    });
    // The record is secret because of the ExternalIds; ARNs and model ids read better in diffs.
    const open = pulumi.unsecret(entry);
    return {
        roleArn: open.roleArn,
        externalId: pulumi.secret(entry.externalId),
        runtimeRoleName: open.runtimeRoleName,
        accounts: open.accounts,
        allowedModels: open.allowedModels,
        inferenceProfileArns: open.inferenceProfileArns,
        region: open.region,
        // Absent from records exported before the guardrail travelled with them: the runtime then sends none.
        guardrail: open.apply((e) => e.guardrail),
    };
}
