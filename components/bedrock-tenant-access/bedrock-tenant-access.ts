import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
    BEDROCK_TENANT_ACCESS_TYPE,
    accountIdProblem,
    applicationProfileName,
    externalIdProblem,
    foundationModelArn,
    managedPolicyArn,
    opsRoleName,
    raise,
    recordProblem,
    roleArn,
    systemProfileArn,
    tenantBoundaryPolicyName,
    type Problem,
} from "../../contract";
import { TENANT_ACCESS_DEFAULTS, type BedrockTenantAccessArgs } from "./args";
import { costCapLimitAmount, createCostCap } from "./cost-cap";
import { deriveExternalId, externalIdSecretProblem } from "./external-id";
import { createQuotaAlarms, plannedQuotaAlarms, type MeteredProfile } from "./quota-alarms";
import { costCapArnProblem, enforcerFunctionArnProblem, warningTopicArnProblem } from "./quota-validation";
import { tenantPermissionsDocument, tenantTrustDocument } from "./tenant-policies";
import { resolveTenantAccess, resolvedByFleet } from "./resolution";
import { TENANT_FLEET_DEFAULTS } from "../bedrock-tenant-fleet/args";
import { checkModelCatalogue } from "../bedrock-tenant-fleet/model-catalogue";
import { opsAccountInAccountsProblem, tenantAccessOptionsProblem, type ResolvedTenantAccess } from "./validation";
import { inputError } from "../input-error";
import { stackRegion } from "../stack-region";

/**
 * One tenant's access to Bedrock in the operations account: a role only the
 * tenant's runtime role may assume (with the tenant's ExternalId), allowed to
 * invoke only the tenant's models in the tenant's Regions, plus per-tenant
 * application inference profiles for cost attribution and an optional budget.
 */
export class BedrockTenantAccess extends pulumi.ComponentResource {
    /** ARN of the tenant's role in the ops account, built from the account and the role name (known at preview). */
    public readonly roleArn: pulumi.Output<string>;
    /**
     * ARN of the role's permissions boundary, the managed policy
     * `tenantBoundaryPolicyName(tenantId)` (known at preview).
     */
    public readonly boundaryPolicyArn: pulumi.Output<string>;
    /** `tenantBoundaryPolicyName(tenantId)`. */
    public readonly boundaryPolicyName: pulumi.Output<string>;
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
        // Checked before `args.region` is read below, which would fail with a bare TypeError.
        raise(recordProblem("args", args, "an object of BedrockTenantAccess arguments"));
        // Every option read once, before any is used: a getter that throws or a revoked Proxy is named by its option.
        raise(tenantAccessOptionsProblem(args));
        // Reading aws:region parses the whole stack config, tenant list included: skip it when the Region is given.
        const r = resolveTenantAccess(args, args.region ?? stackRegion(aws.config.region));
        // The fleet's own check, on this tenant's models: a fleet checks all its tenants' at once.
        const checkedModels = resolvedByFleet(args) ? undefined : checkModelCatalogue(
            new Map(r.models.map((m, i) => [`${r.region}|${m.ref.id}`, `models[${i}]`])),
            args.modelCatalogue ?? TENANT_FLEET_DEFAULTS.modelCatalogue,
            new Set(args.allowUnlistedModels ?? []),
            this,
        );
        const tags = { ...(args.tags ?? {}), [r.costTagKey]: r.tenantId };
        // Checked again once known: the caller identity (or a StackReference) is no plain value at preview.
        const account = pulumi.output(args.accountId ?? aws.getCallerIdentityOutput({}, { parent: this }).accountId).apply((acct) => {
            const problem = accountIdProblem("accountId", acct) ?? opsAccountInAccountsProblem(r.accounts, acct);
            if (problem !== undefined) {
                throw inputError(problem, this);
            }
            return acct;
        });

        const fail = (message: string): never => {
            throw inputError(message, this);
        };
        const externalId = this.externalIdFor(name, r.tenantId, args);

        const metered: MeteredProfile[] = [];
        const profiles = r.costAttribution ? this.applicationProfiles(name, r, account, tags, metered) : {};
        const profileArns = pulumi.output(profiles) as pulumi.Output<Record<string, string>>;
        // One document, twice: the inline grant and the boundary that caps every policy the role will ever have.
        const permissions = tenantPermissionsDocument(r, account, profiles, fail);
        const boundaryName = tenantBoundaryPolicyName(r.tenantId);
        const boundary = new aws.iam.Policy(`${name}-boundary`, {
            name: boundaryName,
            description: `Caps the Bedrock role of tenant ${r.tenantId} at its own models, Regions and profiles`,
            policy: permissions,
            tags,
        }, { parent: this });
        // Built from the account and the name, so the role's boundary is known at preview; the role waits for the policy.
        const boundaryArn = account.apply((acct) => managedPolicyArn(acct, boundaryName));

        const role = new aws.iam.Role(`${name}-role`, {
            name: opsRoleName(r.tenantId),
            description: `Bedrock access for tenant ${r.tenantId}, assumable only by its runtime role`,
            assumeRolePolicy: tenantTrustDocument(r, externalId, fail),
            maxSessionDuration: TENANT_ACCESS_DEFAULTS.maxSessionDurationSeconds,
            permissionsBoundary: boundaryArn,
            tags,
        }, { parent: this, dependsOn: [boundary] });
        new aws.iam.RolePolicy(`${name}-invoke`, { role: role.id, name: "bedrock-invoke", policy: permissions }, { parent: this });

        if (r.budget) {
            this.budget(name, r, tags);
        }
        if (r.quota && args.quota) {
            const warningTopicArn = args.quota.warningTopicArn === undefined
                ? undefined
                : this.checked(args.quota.warningTopicArn, account, (arn) => warningTopicArnProblem("quota.warningTopicArn", arn, r.region));
            createQuotaAlarms(name, { tenantId: r.tenantId, region: r.region, quota: r.quota, profiles: metered, tags, warningTopicArn, account }, this);
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

        this.roleArn = account.apply((acct) => roleArn(acct, opsRoleName(r.tenantId)));
        this.roleName = pulumi.output(opsRoleName(r.tenantId));
        this.boundaryPolicyArn = boundaryArn;
        this.boundaryPolicyName = pulumi.output(boundaryName);
        this.externalId = pulumi.secret(externalId);
        this.runtimeRoleName = pulumi.output(r.runtimeRoleName);
        this.accounts = pulumi.output(r.accounts);
        this.allowedModels = pulumi.output(r.models.map((m) => m.ref.id));
        this.inferenceProfileArns = profileArns;
        this.region = pulumi.output(r.region);
        this.registerOutputs({
            roleArn: this.roleArn,
            roleName: this.roleName,
            boundaryPolicyArn: this.boundaryPolicyArn,
            boundaryPolicyName: this.boundaryPolicyName,
            externalId: this.externalId,
            runtimeRoleName: this.runtimeRoleName,
            accounts: this.accounts,
            allowedModels: this.allowedModels,
            // By model, so that a preview knows the models and leaves unknown only the ARNs of profiles still to be created.
            inferenceProfileArns: profiles,
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
            // How the quota and the cost cap are wired, so the verifier can hold the alarms, budgets and profiles to them.
            costTagKey: r.costTagKey,
            quotaAlarms: r.quota && args.quota ? plannedQuotaAlarms(r.tenantId, r.quota, metered.map((p) => p.modelId)) : undefined,
            // As the cap budget's limitAmount holds it, so that the verifier compares the same text.
            costCapLimitAmount: r.costCap && args.costCap ? costCapLimitAmount(r.costCap) : undefined,
            // Registered so that a real preview waits for the provider's answer on every model.
            checkedModels,
        });
    }

    /** An ARN of the ops stack's shared resources, passed through once known or failing the deployment naming the input. */
    private checked(arn: pulumi.Input<string>, account: pulumi.Output<string>, problem: (arn: string, account: string) => Problem): pulumi.Output<string> {
        return pulumi.all([arn, account]).apply(([value, acct]) => {
            const message = problem(value, acct);
            if (message !== undefined) {
                throw inputError(message, this);
            }
            return value;
        });
    }

    /**
     * The caller's `externalId` (checked once known); else the one derived
     * from `externalIdSecret` and the tenant id, known at preview once the
     * secret is; else a random one kept in state, unknown until the first
     * deployment.
     */
    private externalIdFor(name: string, tenantId: string, args: BedrockTenantAccessArgs): pulumi.Output<string> {
        if (args.externalId !== undefined) {
            return pulumi.output(args.externalId).apply((id) => {
                const problem = externalIdProblem("externalId", id);
                if (problem !== undefined) {
                    throw inputError(problem, this);
                }
                return id;
            });
        }
        if (args.externalIdSecret !== undefined) {
            return pulumi.secret(pulumi.output(args.externalIdSecret).apply((secret) => {
                const problem = externalIdSecretProblem("externalIdSecret", secret);
                if (problem !== undefined) {
                    throw inputError(problem, this);
                }
                return deriveExternalId(secret, tenantId);
            }));
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

    private budget(name: string, r: ResolvedTenantAccess, tags: Record<string, string>): aws.budgets.Budget {
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
            tags,
        }, { parent: this });
    }
}
