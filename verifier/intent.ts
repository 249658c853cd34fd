/**
 * Each tenant's intent, read from the outputs the two components register
 * (what their arguments asked for), never from the policies under test.
 */
import { BEDROCK_TENANT_ACCESS_TYPE, PRIVATE_INVOCATION_LOGGING_TYPE, QUOTA_ENFORCER_TYPE, TENANT_TAG_KEY } from "../contract";
import { UNKNOWN_VALUE, UnreadableInputError, type StackResource, type StackState } from "./pulumi-formats";

/** One tenant as its `BedrockTenantAccess` was asked to build it. */
export interface TenantIntent {
    tenantId: string;
    stack: string;
    /** URN of the component, to find the resources it owns. */
    urn: string;
    opsAccount: string;
    roleArn: string;
    roleName: string;
    runtimeRoleName: string;
    accounts: string[];
    externalId: string;
    models: string[];
    region: string;
    regions: string[];
    /** Destination Regions of each system cross-Region profile in `models`. */
    modelDestinations: Record<string, string[]>;
    /** Model id → the tenant's application inference profile ARN. */
    inferenceProfileArns: Record<string, string>;
    guardrailIdentifier?: string;
    /**
     * The cost-allocation tag key on the tenant's profiles and in its budgets'
     * filters. A component older than this output always used the default.
     */
    costTagKey: string;
    /** With a quota: the enforcer function its composite alarm is meant for (unknown at preview while the enforcer is new). */
    enforcerFunctionArn?: string;
    /** With a cost cap: the shared deny policy and the Budgets execution role its action names. */
    costCapPolicyArn?: string;
    costCapExecutionRoleArn?: string;
    /** With a cost cap, from a component that records it: the cap budget's `limitAmount`. */
    costCapLimitAmount?: string;
    /** With a quota, from a component that records them: every alarm it builds, by name. */
    quotaAlarms?: Record<string, PlannedQuotaAlarm>;
}

/** One quota alarm as the component builds it. */
export interface PlannedQuotaAlarm {
    /** How much and over how long: the tenant's own limit, which binds no other tenant. */
    threshold: number;
    period: number;
    /** Model ids whose profiles it counts. */
    models: string[];
    /** A block alarm (the composite alarm combines it); else a warning. */
    block: boolean;
}

/** One customer stack's `PrivateInvocationLogging`. */
export interface CustomerIntent {
    tenantId: string;
    stack: string;
    urn: string;
    accountId: string;
    opsRoleArn: string;
    logGroupArn: string;
    kmsKeyArn: string;
    runtimeRoleArn: string;
    /** The archive's Object Lock as asked for, when the stack has an archive. */
    archiveRetentionMode?: string;
    archiveRetentionDays?: number;
    /** The storage classes the archive's lifecycle was asked to move records to; a component from an older bedrock-tenancy records none. */
    archiveStorageClasses?: string[];
    /**
     * Days the audit log group keeps records, the Region of the customer-side
     * resources and the Region the runtime calls Bedrock in, as asked for; a
     * component from an older bedrock-tenancy records none of them.
     */
    logRetentionDays?: number;
    region?: string;
    bedrockRegion?: string;
    /** Where the runtime runs (`lambda`, `ecs`, `ec2`, `existing-role`); a component from an older bedrock-tenancy records none. */
    compute?: string;
}

export function readTenantIntents(state: StackState): TenantIntent[] {
    return state.resources.filter((r) => r.type === BEDROCK_TENANT_ACCESS_TYPE).map((r) => {
        const o = new Reader(state, r);
        return {
            tenantId: o.string("tenantId"),
            stack: state.stack,
            urn: r.urn,
            opsAccount: o.string("opsAccount"),
            roleArn: o.string("roleArn"),
            roleName: o.string("roleName"),
            runtimeRoleName: o.string("runtimeRoleName"),
            accounts: o.strings("accounts"),
            externalId: o.string("externalId"),
            models: o.strings("allowedModels"),
            region: o.string("region"),
            regions: o.strings("regions"),
            modelDestinations: o.record("modelDestinations", (v, k) => o.stringList(v, `modelDestinations.${k}`)),
            // A new profile's ARN is minted by Bedrock: unknown at preview, proved as the tenant's own new profile (see unknowns.ts).
            inferenceProfileArns: o.record("inferenceProfileArns", (v, k) => o.stringValue(v, `inferenceProfileArns.${k}`, true)),
            guardrailIdentifier: o.optionalString("guardrailIdentifier"),
            costTagKey: o.optionalString("costTagKey") ?? TENANT_TAG_KEY,
            // The shared enforcer's and cost cap's ARNs are minted when the ops stack first creates them.
            enforcerFunctionArn: o.optionalString("enforcerFunctionArn", true),
            costCapPolicyArn: o.optionalString("costCapPolicyArn", true),
            costCapExecutionRoleArn: o.optionalString("costCapExecutionRoleArn", true),
            quotaAlarms: o.optionalRecord("quotaAlarms", (v, k) => o.plannedAlarm(v, `quotaAlarms.${k}`)),
            costCapLimitAmount: o.optionalString("costCapLimitAmount"),
        };
    });
}

/** One `QuotaEnforcer` as it was asked to build its function; a component older than these outputs records neither. */
export interface EnforcerIntent {
    urn: string;
    region?: string;
    maxEventAgeSeconds?: number;
    /** The enforcer's role (and function) name; absent from components older than shardName. */
    roleName?: string;
    /** With `costCaps`: the role the component made for the tenants' Budgets actions (unknown in a preview that creates it). */
    costCapExecutionRoleArn?: string;
}

export function readEnforcerIntents(state: StackState): EnforcerIntent[] {
    return state.resources.filter((r) => r.type === QUOTA_ENFORCER_TYPE).map((r) => {
        const o = new Reader(state, r);
        return {
            urn: r.urn, region: o.optionalString("region"), maxEventAgeSeconds: o.optionalNumber("maxEventAgeSeconds"), roleName: o.optionalString("roleName"),
            costCapExecutionRoleArn: o.optionalString("costCapExecutionRoleArn", true),
        };
    });
}

export function readCustomerIntents(state: StackState): CustomerIntent[] {
    return state.resources.filter((r) => r.type === PRIVATE_INVOCATION_LOGGING_TYPE).map((r) => {
        const o = new Reader(state, r);
        return {
            tenantId: o.string("tenantId"),
            stack: state.stack,
            urn: r.urn,
            accountId: o.string("accountId"),
            opsRoleArn: o.string("opsRoleArn"),
            logGroupArn: o.string("logGroupArn"),
            // A new key's ARN is minted by KMS: unknown at preview, proved as the stack's own new key.
            kmsKeyArn: o.stringValue(o.raw("kmsKeyArn"), "kmsKeyArn", true),
            runtimeRoleArn: o.string("runtimeRoleArn"),
            archiveRetentionMode: o.optionalString("archiveRetentionMode"),
            archiveRetentionDays: o.optionalNumber("archiveRetentionDays"),
            archiveStorageClasses: o.optionalStrings("archiveStorageClasses"),
            logRetentionDays: o.optionalNumber("logRetentionDays"),
            region: o.optionalString("region"),
            bedrockRegion: o.optionalString("bedrockRegion"),
            compute: o.optionalString("compute"),
        };
    });
}

/** Reads component outputs; a missing or malformed one makes the file unreadable, naming the output. */
class Reader {
    constructor(private readonly state: StackState, private readonly resource: StackResource) {}

    private fail(name: string, why: string): never {
        throw new UnreadableInputError(
            `${this.state.file}: ${this.resource.type} ${JSON.stringify(this.resource.name)} output ${name} ${why}` +
                " (a component from an older bedrock-tenancy, or a preview before the value is known?)",
        );
    }

    private get(name: string): unknown {
        return this.resource.outputs[name];
    }

    raw(name: string): unknown {
        return this.get(name);
    }

    /** `unknownAllowed`: the value may be the preview's unknown marker, for values AWS mints on create. */
    stringValue(v: unknown, name: string, unknownAllowed = false): string {
        if (typeof v !== "string" || v === "") this.fail(name, `must be a string, got ${JSON.stringify(v)}`);
        // Only a preview may hold the marker: in a stack export it would be a value AWS never holds.
        if (v === UNKNOWN_VALUE && !(unknownAllowed && this.state.format === "preview")) this.fail(name, "is not known yet");
        if (v === "[secret]") this.fail(name, "is masked: export with --show-secrets");
        return v;
    }

    stringList(v: unknown, name: string): string[] {
        if (!Array.isArray(v)) this.fail(name, `must be a list of strings, got ${JSON.stringify(v)}`);
        return v.map((x, i) => this.stringValue(x, `${name}[${i}]`));
    }

    string(name: string): string {
        return this.stringValue(this.get(name), name);
    }

    optionalString(name: string, unknownAllowed = false): string | undefined {
        const v = this.get(name);
        return v === undefined || v === null ? undefined : this.stringValue(v, name, unknownAllowed);
    }

    optionalRecord<T>(name: string, item: (v: unknown, key: string) => T): Record<string, T> | undefined {
        const v = this.get(name);
        return v === undefined || v === null ? undefined : this.record(name, item);
    }

    plannedAlarm(v: unknown, name: string): PlannedQuotaAlarm {
        if (typeof v !== "object" || v === null || Array.isArray(v)) this.fail(name, `must be an object, got ${JSON.stringify(v)}`);
        const a = v as Record<string, unknown>;
        const count = (x: unknown, field: string) => (typeof x === "number" && Number.isFinite(x) ? x : this.fail(`${name}.${field}`, `must be a number, got ${JSON.stringify(x)}`));
        if (typeof a.block !== "boolean") this.fail(`${name}.block`, `must be true or false, got ${JSON.stringify(a.block)}`);
        return { threshold: count(a.threshold, "threshold"), period: count(a.period, "period"), models: this.stringList(a.models, `${name}.models`), block: a.block };
    }

    optionalNumber(name: string): number | undefined {
        const v = this.get(name);
        if (v === undefined || v === null) return undefined;
        if (typeof v !== "number" || !Number.isFinite(v)) this.fail(name, `must be a number, got ${JSON.stringify(v)}`);
        return v;
    }

    optionalStrings(name: string): string[] | undefined {
        const v = this.get(name);
        return v === undefined || v === null ? undefined : this.stringList(v, name);
    }

    strings(name: string): string[] {
        return this.stringList(this.get(name), name);
    }

    record<T>(name: string, item: (v: unknown, key: string) => T): Record<string, T> {
        const v = this.get(name) ?? {};
        if (typeof v !== "object" || Array.isArray(v) || v === null) this.fail(name, `must be an object, got ${JSON.stringify(v)}`);
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, item(x, k)]));
    }
}
