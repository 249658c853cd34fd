import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { DEFAULT_REGION } from "../../contract";
import { BedrockTenantAccess } from "../bedrock-tenant-access/bedrock-tenant-access";
import { alreadyResolved } from "../bedrock-tenant-access/resolution";
import { BEDROCK_TENANT_FLEET_TYPE, TENANT_FLEET_DEFAULTS, type BedrockTenantFleetArgs } from "./args";
import { KNOWN_MODEL_IDS } from "./known-models";
import { checkModelsOffline, distinctModels, providerModelLookup, resolveCatalogueMode } from "./model-catalogue";
import type { TenantAccessEntry, TenantAccessRecord } from "./tenant-access-entry";
import { validateBedrockTenantFleetArgs, type FleetMemberPlan } from "./validation";

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
        // Reading aws:region parses the whole config, tenant list included: only when some tenant needs it.
        const everyTenantHasRegion = Array.isArray(args?.tenants) && args.tenants.every((t) => typeof t?.region === "string");
        const plan = validateBedrockTenantFleetArgs(args, args?.defaults?.region ?? (everyTenantHasRegion ? DEFAULT_REGION : aws.config.region ?? DEFAULT_REGION));
        this.checkedModels = this.checkModels(plan.members, resolveCatalogueMode(plan.modelCatalogue), new Set(plan.allowUnlistedModels));

        // One caller-identity call for the fleet instead of one per tenant.
        const accountId = args.defaults?.accountId ?? aws.getCallerIdentityOutput({}, { parent: this }).accountId;
        const externalIdSecret = this.externalIdSecret(name, plan.members);
        const members: Record<string, BedrockTenantAccess> = {};
        const entries: Record<string, pulumi.Output<TenantAccessEntry>> = {};
        for (const { args: tenantArgs, resolved } of plan.members) {
            const id = tenantArgs.tenantId;
            // The fleet's resolution holds for these arguments: what it adds (an account id, a secret) are values it does not check.
            const access = new BedrockTenantAccess(`${name}-${id}`, alreadyResolved({
                ...tenantArgs,
                accountId: tenantArgs.accountId ?? accountId,
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

    /**
     * Checks each distinct model id and Region: against the shipped table
     * (offline, failing at once on an id it does not know and the caller did
     * not allow) or by asking the provider (a real run, failing the preview).
     */
    private checkModels(members: FleetMemberPlan[], mode: "provider" | "offline" | "off", allowed: ReadonlySet<string>): pulumi.Output<string[]> {
        if (mode === "off") return pulumi.output([]);
        const seen = distinctModels(members);
        if (mode === "offline") {
            checkModelsOffline(seen, allowed);
            return pulumi.output([]);
        }
        const ids = [...seen.keys()].map((key) => key.split("|")[1]);
        const lookups = [...seen].map(([key, argName]) => {
            const [region, id] = key.split("|");
            return providerModelLookup(argName, id, region, this);
        });
        // Every answer before any verdict, so that an unknown id, not a known one the provider could not confirm, is named first.
        return pulumi.output(Promise.allSettled(lookups).then((results) => {
            const failures = results.flatMap((r, i) => (r.status === "rejected" ? [{ known: KNOWN_MODEL_IDS.has(ids[i]), error: r.reason as Error }] : []));
            if (failures.length > 0) {
                failures.sort((a, b) => Number(a.known) - Number(b.known));
                throw new pulumi.ResourceError(failures.map((f) => f.error.message).join("; "), this);
            }
            return [...new Set(results.map((r) => (r as PromiseFulfilledResult<string>).value))];
        }));
    }
}
