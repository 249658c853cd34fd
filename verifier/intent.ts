/**
 * Each tenant's intent, read from the outputs the two components register
 * (what their arguments asked for), never from the policies under test.
 */
import { BEDROCK_TENANT_ACCESS_TYPE, PRIVATE_INVOCATION_LOGGING_TYPE } from "../contract";
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

    optionalString(name: string): string | undefined {
        const v = this.get(name);
        return v === undefined || v === null ? undefined : this.stringValue(v, name);
    }

    optionalNumber(name: string): number | undefined {
        const v = this.get(name);
        if (v === undefined || v === null) return undefined;
        if (typeof v !== "number" || !Number.isFinite(v)) this.fail(name, `must be a number, got ${JSON.stringify(v)}`);
        return v;
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
