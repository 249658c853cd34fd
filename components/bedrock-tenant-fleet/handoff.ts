import * as pulumi from "@pulumi/pulumi";
import { show, tenantIdProblem, ArgumentError } from "../../contract";
import { TENANTS_OUTPUT_NAME, type TenantAccessEntry, type TenantAccessRecord } from "./tenant-access-entry";

/** One tenant's access as typed Outputs; only `externalId` is secret. */
export type TenantAccessOutputs = { [K in keyof TenantAccessEntry]-?: pulumi.Output<TenantAccessEntry[K]> };

export interface TenantAccessFromOptions {
    /**
     * Output of the ops stack that holds the fleet's record.
     * @default "tenants"
     */
    outputName?: string;
}

/**
 * Reads one tenant's entry from the ops stack's `tenants` output (a
 * `BedrockTenantFleet`'s `tenants`). `ops` is a `StackReference` or the ops
 * stack's fully qualified name (`org/project/ops`). Only this tenant's entry
 * reaches the returned values; a missing output or tenant fails the preview
 * with a message naming the tenant and the tenants the ops stack has.
 */
export function tenantAccessFrom(ops: pulumi.StackReference | string, tenantId: string, options: TenantAccessFromOptions = {}): TenantAccessOutputs {
    const problem = tenantIdProblem("tenantId", tenantId);
    if (problem !== undefined) throw new ArgumentError(problem);
    const outputName = options.outputName ?? TENANTS_OUTPUT_NAME;
    const ref = typeof ops === "string" ? new pulumi.StackReference(ops) : ops;
    const entry = pulumi.all([ref.name, ref.getOutput(outputName)]).apply(([stack, all]: [string, TenantAccessRecord | undefined]) => {
        if (all === undefined || all === null || typeof all !== "object") {
            throw new Error(`ops stack ${show(stack)} has no output ${show(outputName)}: export a BedrockTenantFleet's \`tenants\` there and run \`pulumi up\` first`);
        }
        const found = Object.prototype.hasOwnProperty.call(all, tenantId) ? all[tenantId] : undefined;
        if (found === undefined) {
            const known = Object.keys(all);
            throw new Error(
                `tenant ${show(tenantId)} is not in the ${show(outputName)} output of ops stack ${show(stack)} ` +
                    `(it has ${known.length > 0 ? known.map((t) => show(t)).join(", ") : "no tenants"}): add it to the ops stack and run \`pulumi up\` there first`,
            );
        }
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
