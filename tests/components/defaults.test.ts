/**
 * The frozen defaults objects are what the components resolve with; the
 * `@default` tags are what users read (and docs/ copies, checked by
 * tests/docs/args-tables.test.ts). These tests hold the two together.
 */
import * as assert from "assert";
import { TENANT_ACCESS_DEFAULTS } from "../../components/bedrock-tenant-access/args";
import { INVOCATION_LOGGING_DEFAULTS } from "../../components/private-invocation-logging/args";
import { ARCHIVE_DEFAULTS } from "../../components/private-invocation-logging/archive-args";
import { QUOTA_ENFORCER_DEFAULTS } from "../../components/quota-enforcer/quota-enforcer";
import { TENANT_FLEET_DEFAULTS } from "../../components/bedrock-tenant-fleet/args";
import { componentInterfaces, resolveInterface } from "../support/arg-interfaces";

/** `Interface.property` → the defaults key that resolves it. */
type Bindings = Record<string, string>;

const TENANT_ACCESS_BINDINGS: Bindings = {
    "BedrockTenantAccessArgs.costAttribution": "costAttribution",
    "BedrockTenantAccessArgs.costTagKey": "costTagKey",
    "BedrockTenantAccessArgs.applicationProfileQuota": "applicationProfileQuota",
    "BedrockTenantAccessArgs.trustPolicySizeQuota": "trustPolicySizeQuota",
    "TenantBudgetArgs.thresholdPercent": "budgetThresholdPercent",
    "TenantQuotaArgs.warningPercent": "quotaWarningPercent",
};
/** Defaults that are not arguments: fixed by AWS or by design, documented where they apply. */
const TENANT_ACCESS_INTERNAL = ["maxSessionDurationSeconds", "generatedExternalIdLength"];

const INVOCATION_LOGGING_BINDINGS: Bindings = {
    "PrivateInvocationLoggingArgs.logRetentionDays": "logRetentionDays",
    "PrivateInvocationLoggingArgs.contentMode": "contentMode",
    "PrivateInvocationLoggingArgs.auditMode": "auditMode",
    "PrivateInvocationLoggingArgs.memorySizeMb": "memorySizeMb",
    "PrivateInvocationLoggingArgs.timeoutSeconds": "timeoutSeconds",
    "PrivateInvocationLoggingArgs.compute": "compute",
    "PrivateInvocationLoggingArgs.responseStreaming": "responseStreaming",
    "ThrottleAlarmArgs.threshold": "alarmThreshold",
    "ThrottleAlarmArgs.periodSeconds": "alarmPeriodSeconds",
    "ThrottleAlarmArgs.evaluationPeriods": "alarmEvaluationPeriods",
    "RuntimeNetworkArgs.cidrBlock": "vpcCidrBlock",
    "RuntimeNetworkArgs.availabilityZoneCount": "availabilityZoneCount",
    "RuntimeNetworkArgs.createEndpoints": "createEndpoints",
};
/** The namespace default is documented as `"BedrockTenancy/<tenantId>"`, a template, checked below. */
const INVOCATION_LOGGING_INTERNAL = ["metricNamespacePrefix"];

function defaultTag(binding: string): string {
    const [iface, property] = binding.split(".");
    const p = resolveInterface(componentInterfaces(), iface).properties.find((x) => x.name === property);
    assert.ok(p, `${binding} is not a property`);
    assert.ok(p.defaultTag !== undefined, `${binding} has no @default tag`);
    return p.defaultTag.trim();
}

function checkDefaults(name: string, defaults: Readonly<Record<string, unknown>>, bindings: Bindings, internal: string[]): void {
    describe(name, () => {
        it("is frozen", () => {
            assert.ok(Object.isFrozen(defaults));
        });

        for (const [binding, key] of Object.entries(bindings)) {
            it(`states ${binding}'s @default as ${key} resolves it`, () => {
                assert.deepStrictEqual(JSON.parse(defaultTag(binding)), defaults[key]);
            });
        }

        it("has no key that is neither an argument's default nor documented as internal", () => {
            const bound = new Set([...Object.values(bindings), ...internal]);
            assert.deepStrictEqual(Object.keys(defaults).filter((k) => !bound.has(k)), []);
        });
    });
}

checkDefaults("TENANT_ACCESS_DEFAULTS", TENANT_ACCESS_DEFAULTS, TENANT_ACCESS_BINDINGS, TENANT_ACCESS_INTERNAL);
checkDefaults("QUOTA_ENFORCER_DEFAULTS", QUOTA_ENFORCER_DEFAULTS, { "QuotaEnforcerArgs.maxEventAgeSeconds": "maxEventAgeSeconds", "QuotaEnforcerArgs.costCaps": "costCaps" }, []);
checkDefaults("INVOCATION_LOGGING_DEFAULTS", INVOCATION_LOGGING_DEFAULTS, INVOCATION_LOGGING_BINDINGS, INVOCATION_LOGGING_INTERNAL);
checkDefaults("TENANT_FLEET_DEFAULTS", TENANT_FLEET_DEFAULTS, { "BedrockTenantFleetArgs.modelCatalogue": "modelCatalogue" }, ["generatedExternalIdSecretLength"]);

const ARCHIVE_BINDINGS: Bindings = {
    "AuditArchiveArgs.retentionDays": "retentionDays",
    "AuditArchiveArgs.retentionMode": "retentionMode",
    "AuditArchiveArgs.allowGovernanceMode": "allowGovernanceMode",
    "AuditArchiveArgs.transitions": "transitions",
};
/** Failed multipart uploads are aborted after a day; fixed by design, stated in docs/archive.md. */
const ARCHIVE_INTERNAL = ["abortIncompleteUploadDays"];
checkDefaults("ARCHIVE_DEFAULTS", ARCHIVE_DEFAULTS, ARCHIVE_BINDINGS, ARCHIVE_INTERNAL);

describe("metric namespace default", () => {
    it("documents the prefix the component uses", () => {
        assert.strictEqual(defaultTag("PrivateInvocationLoggingArgs.metricNamespace"), `"${INVOCATION_LOGGING_DEFAULTS.metricNamespacePrefix}/<tenantId>"`);
    });
});
