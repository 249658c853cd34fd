import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { DEFAULT_REGION, accountIdProblem, raise, recordProblem, unknownOptionProblem } from "../../contract";
import { opsAccountInAccountsProblem } from "../bedrock-tenant-access/validation";
import { inputError } from "../input-error";
import { BedrockTenantAccess } from "../bedrock-tenant-access/bedrock-tenant-access";
import { alreadyResolved } from "../bedrock-tenant-access/resolution";
import { BEDROCK_TENANT_FLEET_TYPE, TENANT_FLEET_DEFAULTS, TENANT_FLEET_OPTIONS, type BedrockTenantFleetArgs } from "./args";
import { checkModelCatalogue, distinctModels } from "./model-catalogue";
import type { TenantAccessEntry, TenantAccessRecord } from "./tenant-access-entry";
import { fleetEntryName, validateBedrockTenantFleetArgs, type FleetMemberPlan } from "./validation";
import { stackRegion } from "../stack-region";

/**
 * Every tenant of the operations account: one `BedrockTenantAccess` per
 * entry of `tenants`, with fleet-wide defaults, the fleet rules checked at
 * preview, model ids checked against the Bedrock catalogue, and one secret
 * output to export as is for customer stacks (`tenantAccessFrom`).
 */
export class BedrockTenantFleet extends pulumi.ComponentResource {
    /**
     * Every tenant's entry keyed by tenant id. Secret, because it holds the
     * ExternalIds: export it as `tenants` (`export const tenants = fleet.tenants`).
     */
    public readonly tenants: pulumi.Output<TenantAccessRecord>;
    /** The `BedrockTenantAccess` child of each tenant, keyed by tenant id. */
    public readonly members: Readonly<Record<string, BedrockTenantAccess>>;
    /** The distinct model ids checked against the catalogue (empty when `modelCatalogue` is `off` or `offline`). */
    public readonly checkedModels: pulumi.Output<string[]>;

    constructor(name: string, args: BedrockTenantFleetArgs, opts: pulumi.ComponentResourceOptions = {}) {
        super(BEDROCK_TENANT_FLEET_TYPE, name, {}, opts);
        // Every option read once, before any is used: a getter that throws or a revoked Proxy is named by its option.
        raise(recordProblem("args", args, "an object of BedrockTenantFleet arguments"), unknownOptionProblem("", args, TENANT_FLEET_OPTIONS, "BedrockTenantFleet"));
        // Reading aws:region parses the whole config, tenant list included: only when some tenant needs it.
        const everyTenantHasRegion = tenantsAllGiveRegion(args.tenants);
        const plan = validateBedrockTenantFleetArgs(args, args?.defaults?.region ?? (everyTenantHasRegion ? DEFAULT_REGION : stackRegion(aws.config.region)));
        this.checkedModels = checkModelCatalogue(distinctModels(plan.members), plan.modelCatalogue, new Set(plan.allowUnlistedModels), this);

        // One caller-identity call for the fleet instead of one per tenant.
        const fleetAccount = args.defaults?.accountId;
        // A tenant's merged arguments carry the fleet's account when it gave none of its own.
        const takesFleetAccount = (tenantArgs: { accountId?: unknown }) => tenantArgs.accountId === undefined || tenantArgs.accountId === fleetAccount;
        const accountId = this.checkedAccount(
            fleetAccount ?? aws.getCallerIdentityOutput({}, { parent: this }).accountId,
            fleetAccount === undefined ? "the caller identity's account" : "defaults.accountId",
            plan.members.map((m) => (takesFleetAccount(m.args) ? m : undefined)),
        );
        const externalIdSecret = this.externalIdSecret(name, plan.members);
        const members: Record<string, BedrockTenantAccess> = {};
        const entries: Record<string, pulumi.Output<TenantAccessEntry>> = {};
        for (const { args: tenantArgs, resolved } of plan.members) {
            const id = tenantArgs.tenantId;
            // The fleet's resolution holds for these arguments: what it adds (an account id, a secret) are values it does not check.
            const access = new BedrockTenantAccess(`${name}-${id}`, alreadyResolved({
                ...tenantArgs,
                accountId: takesFleetAccount(tenantArgs) ? accountId : tenantArgs.accountId,
                externalIdSecret: tenantArgs.externalIdSecret ?? (tenantArgs.externalId === undefined ? externalIdSecret : undefined),
            }, resolved), { parent: this });
            members[id] = access;
            entries[id] = pulumi.output({
                roleArn: access.roleArn,
                externalId: access.externalId,
                runtimeRoleName: access.runtimeRoleName,
                accounts: access.accounts,
                allowedModels: access.allowedModels,
                inferenceProfileArns: access.inferenceProfileArns,
                region: access.region,
                ...(tenantArgs.guardrail && { guardrail: { arn: tenantArgs.guardrail.arn, version: String(tenantArgs.guardrail.version) } }),
            });
        }
        this.members = Object.freeze(members);
        // Secret as a whole, whatever each field's own secrecy: the record is exported as one value.
        this.tenants = pulumi.secret(pulumi.output(entries) as pulumi.Output<TenantAccessRecord>);
        this.registerOutputs({ tenants: this.tenants, checkedModels: this.checkedModels });
    }

    /**
     * The fleet's ops account, checked once known against every tenant that
     * takes it: one error naming the entry (`tenants[1] (customer-b): ...`),
     * raised where the account arrives, before any tenant's policies read it.
     * A plain id was checked with the arguments.
     */
    private checkedAccount(accountId: pulumi.Input<string>, argName: string, members: (FleetMemberPlan | undefined)[]): pulumi.Input<string> {
        if (typeof accountId === "string") return accountId;
        return pulumi.output(accountId).apply((acct) => {
            const bad = accountIdProblem(argName, acct);
            if (bad !== undefined) throw inputError(bad, this);
            for (const [i, member] of members.entries()) {
                // A tenant with an account id of its own is checked against that one, by its own component.
                const problem = member && opsAccountInAccountsProblem(member.resolved.accounts, acct);
                if (problem) throw inputError(`${fleetEntryName(i, member.resolved.tenantId)}: ${problem}`, this);
            }
            return acct;
        });
    }

    /**
     * What tenants without an `externalId` or `externalIdSecret` of their own
     * derive their ExternalIds from: one secret for the whole fleet, generated
     * once and kept in state, so a tenant added later is known at preview.
     * Never a random ExternalId per tenant.
     */
    private externalIdSecret(name: string, members: FleetMemberPlan[]): pulumi.Output<string> | undefined {
        if (members.every(({ args }) => args.externalId !== undefined || args.externalIdSecret !== undefined)) return undefined;
        return new random.RandomPassword(`${name}-external-id-secret`, {
            length: TENANT_FLEET_DEFAULTS.generatedExternalIdSecretLength,
            special: false,
        }, { parent: this }).result;
    }
}

/** Whether every tenant entry names its Region; false when the list or an entry cannot be read (the check names that). */
function tenantsAllGiveRegion(tenants: unknown): boolean {
    try {
        return Array.isArray(tenants) && tenants.every((t) => typeof (t as { region?: unknown } | undefined)?.region === "string");
    } catch {
        return false;
    }
}
