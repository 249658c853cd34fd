import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
    BEDROCK_TENANT_ACCESS_TYPE,
    DEFAULT_REGION,
    INLINE_POLICY_SIZE_QUOTA,
    applicationProfileName,
    externalIdProblem,
    foundationModelArn,
    opsRoleName,
    policySizeError,
    systemProfileArn,
    type Problem,
} from "../../contract";
import { TENANT_ACCESS_DEFAULTS, type BedrockTenantAccessArgs } from "./args";
import { createCostCap } from "./cost-cap";
import { createQuotaAlarms, type MeteredProfile } from "./quota-alarms";
import { costCapArnProblem, enforcerFunctionArnProblem } from "./quota-validation";
import { tenantTrustPolicy } from "./trust-policy";
import { permissionsPolicyFor, validateBedrockTenantAccessArgs, type ResolvedTenantAccess } from "./validation";

/**
 * One tenant's access to Bedrock in the operations account: a role only the
 * tenant's runtime role may assume (with the tenant's ExternalId), allowed to
 * invoke only the tenant's models in the tenant's Regions, plus per-tenant
 * application inference profiles for cost attribution and an optional budget.
 */
export class BedrockTenantAccess extends pulumi.ComponentResource {
    /** ARN of the tenant's role in the ops account. */
    public readonly roleArn: pulumi.Output<string>;
    /** `opsRoleName(tenantId)`. */
    public readonly roleName: pulumi.Output<string>;
    /** The ExternalId the runtime must present; always a secret. */
    public readonly externalId: pulumi.Output<string>;
    /** Name the customer's runtime role must have: `runtimeRoleName(tenantId)`. */
    public readonly runtimeRoleName: pulumi.Output<string>;
    /** Customer account ids trusted to assume the role. */
    public readonly accounts: pulumi.Output<string[]>;
    /** Model and system profile ids the tenant may invoke, as given. */
    public readonly allowedModels: pulumi.Output<string[]>;
    /** Model id to the tenant's application inference profile ARN (empty without cost attribution). */
    public readonly inferenceProfileArns: pulumi.Output<Record<string, string>>;
    /** The Bedrock home Region. */
    public readonly region: pulumi.Output<string>;
    /**
     * With a `quota`: `quota.enforcerFunctionArn`, checked once known to be a
     * function of the ops account in the tenant's Region.
     */
    public readonly enforcerFunctionArn?: pulumi.Output<string>;
    /** With a `costCap`: `costCap.policyArn`, checked once known to be a policy of the ops account. */
    public readonly costCapPolicyArn?: pulumi.Output<string>;
    /** With a `costCap`: `costCap.executionRoleArn`, checked once known to be a role of the ops account. */
    public readonly costCapExecutionRoleArn?: pulumi.Output<string>;

    constructor(name: string, args: BedrockTenantAccessArgs, opts: pulumi.ComponentResourceOptions = {}) {
        super(BEDROCK_TENANT_ACCESS_TYPE, name, {}, opts);
        // Reading aws:region parses the whole stack config, tenant list included: skip it when the Region is given.
        const r = validateBedrockTenantAccessArgs(args, args.region ?? aws.config.region ?? DEFAULT_REGION);
        const tags = { ...(args.tags ?? {}), [r.costTagKey]: r.tenantId };
        const account = pulumi.output(args.accountId ?? aws.getCallerIdentityOutput({}, { parent: this }).accountId);

        const externalId = this.externalIdFor(name, args.externalId);
        const trustPolicy = externalId.apply((id) => {
            const document = tenantTrustPolicy({ accounts: r.accounts, runtimeRoleName: r.runtimeRoleName, externalId: id });
            const error = policySizeError("the trust policy", document, r.trustPolicySizeQuota);
            if (error) {
                throw new pulumi.ResourceError(`accounts: ${error}`, this);
            }
            return document;
        });

        const role = new aws.iam.Role(`${name}-role`, {
            name: opsRoleName(r.tenantId),
            description: `Bedrock access for tenant ${r.tenantId}, assumable only by its runtime role`,
            assumeRolePolicy: trustPolicy,
            maxSessionDuration: TENANT_ACCESS_DEFAULTS.maxSessionDurationSeconds,
            permissionsBoundary: args.permissionsBoundary,
            tags,
        }, { parent: this });

        const metered: MeteredProfile[] = [];
        const profiles = r.costAttribution ? this.applicationProfiles(name, r, account, tags, metered) : {};
        const profileArns = pulumi.output(profiles) as pulumi.Output<Record<string, string>>;
        const permissions = pulumi.all([account, profileArns]).apply(([acct, arns]) => {
            const document = permissionsPolicyFor(r, acct, arns);
            const error = policySizeError("the permissions policy", document, INLINE_POLICY_SIZE_QUOTA);
            if (error) {
                throw new pulumi.ResourceError(`models: ${error}`, this);
            }
            return document;
        });
        new aws.iam.RolePolicy(`${name}-invoke`, { role: role.id, name: "bedrock-invoke", policy: permissions }, { parent: this });

        if (r.budget) {
            this.budget(name, r);
        }
        if (r.quota && args.quota) {
            createQuotaAlarms(name, { tenantId: r.tenantId, region: r.region, quota: r.quota, profiles: metered, tags, warningTopicArn: args.quota.warningTopicArn }, this);
            // The enforcer's own rule routes the alarm; the ARN is checked so that no tenant gets alarms that no enforcer sees.
            this.enforcerFunctionArn = this.checked(args.quota.enforcerFunctionArn, account, (arn, acct) => enforcerFunctionArnProblem("quota.enforcerFunctionArn", arn, r.region, acct));
        }
        if (r.costCap && args.costCap) {
            this.costCapPolicyArn = this.checked(args.costCap.policyArn, account, (arn, acct) => costCapArnProblem("policyArn", arn, acct));
            this.costCapExecutionRoleArn = this.checked(args.costCap.executionRoleArn, account, (arn, acct) => costCapArnProblem("executionRoleArn", arn, acct));
            createCostCap(name, {
                tenantId: r.tenantId, cap: r.costCap, costTagKey: r.costTagKey, role, tags,
                policyArn: this.costCapPolicyArn, executionRoleArn: this.costCapExecutionRoleArn,
            }, this);
        }

        this.roleArn = role.arn;
        this.roleName = role.name;
        this.externalId = pulumi.secret(externalId);
        this.runtimeRoleName = pulumi.output(r.runtimeRoleName);
        this.accounts = pulumi.output(r.accounts);
        this.allowedModels = pulumi.output(r.models.map((m) => m.ref.id));
        this.inferenceProfileArns = profileArns;
        this.region = pulumi.output(r.region);
        this.registerOutputs({
            roleArn: this.roleArn,
            roleName: this.roleName,
            externalId: this.externalId,
            runtimeRoleName: this.runtimeRoleName,
            accounts: this.accounts,
            allowedModels: this.allowedModels,
            inferenceProfileArns: this.inferenceProfileArns,
            region: this.region,
            enforcerFunctionArn: this.enforcerFunctionArn,
            costCapPolicyArn: this.costCapPolicyArn,
            costCapExecutionRoleArn: this.costCapExecutionRoleArn,
            // What the isolation verifier compares the policies against: the tenant's intent, from the arguments.
            tenantId: r.tenantId,
            opsAccount: account,
            regions: r.regions,
            modelDestinations: Object.fromEntries(r.models.filter((m) => m.destinations).map((m) => [m.ref.id, m.destinations!])),
            guardrailIdentifier: r.guardrailIdentifier,
        });
    }

    /** An ARN of the ops stack's shared resources, passed through once known or failing the deployment naming the input. */
    private checked(arn: pulumi.Input<string>, account: pulumi.Output<string>, problem: (arn: string, account: string) => Problem): pulumi.Output<string> {
        return pulumi.all([arn, account]).apply(([value, acct]) => {
            const message = problem(value, acct);
            if (message !== undefined) {
                throw new pulumi.ResourceError(message, this);
            }
            return value;
        });
    }

    /**
     * The caller's ExternalId (checked once known), or a random one kept in
     * state: stable across updates, unique per tenant, and not derivable from
     * anything the tenant knows.
     */
    private externalIdFor(name: string, supplied: pulumi.Input<string> | undefined): pulumi.Output<string> {
        if (supplied !== undefined) {
            return pulumi.output(supplied).apply((id) => {
                const problem = externalIdProblem("externalId", id);
                if (problem !== undefined) {
                    throw new pulumi.ResourceError(problem, this);
                }
                return id;
            });
        }
        const generated = new random.RandomPassword(`${name}-external-id`, {
            length: TENANT_ACCESS_DEFAULTS.generatedExternalIdLength,
            special: false,
        }, { parent: this });
        return generated.result;
    }

    /** One application inference profile per model, copied from the model (or its system profile) in the home Region. */
    private applicationProfiles(
        name: string,
        r: ResolvedTenantAccess,
        account: pulumi.Output<string>,
        tags: Record<string, string>,
        metered: MeteredProfile[],
    ): Record<string, pulumi.Output<string>> {
        const arns: Record<string, pulumi.Output<string>> = {};
        for (const { ref } of r.models) {
            const copyFrom = ref.kind === "foundation-model"
                ? pulumi.output(foundationModelArn(r.region, ref.foundationModelId))
                : account.apply((acct) => systemProfileArn(r.region, acct, ref.id));
            const profile = new aws.bedrock.InferenceProfile(`${name}-${ref.id.replace(/[^A-Za-z0-9.-]/g, "-")}`, {
                name: applicationProfileName(r.tenantId, ref.id),
                description: `Tenant ${r.tenantId}: ${ref.id}`,
                region: r.region,
                modelSource: { copyFrom },
                tags,
            }, { parent: this });
            arns[ref.id] = profile.arn;
            // The profile's own id, as Bedrock reports it, is the ModelId dimension its token metrics carry.
            metered.push({ modelId: ref.id, profileId: profile.id });
        }
        return arns;
    }

    private budget(name: string, r: ResolvedTenantAccess): aws.budgets.Budget {
        const b = r.budget!;
        return new aws.budgets.Budget(`${name}-budget`, {
            name: `bedrock-tenant-${r.tenantId}`,
            budgetType: "COST",
            timeUnit: "MONTHLY",
            limitAmount: b.limitUsd.toFixed(2),
            limitUnit: "USD",
            // Budgets name a cost-allocation tag filter `user:<key>$<value>`.
            costFilters: [{ name: "TagKeyValue", values: [`user:${r.costTagKey}$${r.tenantId}`] }],
            notifications: [{
                comparisonOperator: "GREATER_THAN",
                notificationType: "ACTUAL",
                threshold: b.thresholdPercent,
                thresholdType: "PERCENTAGE",
                subscriberEmailAddresses: b.emails.length > 0 ? b.emails : undefined,
                subscriberSnsTopicArns: b.snsTopicArns.length > 0 ? b.snsTopicArns : undefined,
            }],
        }, { parent: this });
    }
}
