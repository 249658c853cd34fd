/**
 * A Region the file does not know (a preview's unknown marker, an output
 * value not known yet, a provider of another package, a blinded
 * configuration) is read the way each check needs it: a name may clash in
 * any Region, and a read excuses a duplicate name only in a Region known to
 * be its own. Values reach the reader decoded: a secret's plaintext is the
 * Region, an output value without a value is not known.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { egressViolations } from "../../verifier/account-egress";
import { accountNameCollisions } from "../../verifier/account-names";
import type { Violation } from "../../verifier/findings";
import { readTenantIntents } from "../../verifier/intent";
import { meteringViolations } from "../../verifier/ops-metering";
import { planViolations } from "../../verifier/plan-integrity";
import { OUTPUT_VALUE_SIG, SECRET_SIG, SIG_KEY, stackStateOf, UNKNOWN_VALUE } from "../../verifier/pulumi-formats";
import { resource, shippedPlan, type StackDoc } from "../support/plan-files";
import { added, asPreview, CUSTOMER_A, find, named, OPS } from "../support/plan-mutations";
import { rooted } from "../support/stack-root";

const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const AUDIT_GROUP = "/bedrock-tenancy/customer-a/audit";
const EXTRAS = "customer-a-extras";
const UNKNOWN_OUTPUT = { [SIG_KEY]: OUTPUT_VALUE_SIG };
const secret = (value: unknown) => ({ [SIG_KEY]: SECRET_SIG, plaintext: JSON.stringify(value) });

type Config = Record<string, string>;

/** A provider of `stack` and the reference a resource names it by. */
function provider(stack: string, type: string, settings: Record<string, unknown>): { resource: any; ref: string } {
    const p = added(stack, type, "regional", settings);
    return { resource: p, ref: `${p.urn}::${p.id}` };
}

/** A preview of `doc` with the stack's configuration, the stack's root written first if `doc` was built without it. */
function preview(stack: string, doc: StackDoc, config?: Config) {
    return stackStateOf(`${stack}.json`, { ...asPreview(rooted(doc)), ...(config ? { config } : {}) });
}

describe("a Region not known from the file", function () {
    this.timeout(300_000);
    let customer: StackDoc;
    let ops: StackDoc;
    before(async () => {
        const plan = await shippedPlan();
        customer = JSON.parse(fs.readFileSync(path.join(plan, "customer-a.json"), "utf8"));
        ops = JSON.parse(fs.readFileSync(path.join(plan, "ops.json"), "utf8"));
    });
    const copy = (): StackDoc => JSON.parse(JSON.stringify(customer));

    describe("names two stacks of one account declare (BT-ACCOUNT-NAME-COLLISION)", () => {
        /** The collisions of customer-a with a second stack of its account that declares customer-a's audit log group name. */
        function collisions(group: Record<string, unknown>, options: { via?: ReturnType<typeof provider>; config?: Config } = {}): Violation[] {
            const legacy = { ...added(EXTRAS, LOG_GROUP, "legacy-audit", { name: AUDIT_GROUP, retentionInDays: 1, ...group }), ...(options.via ? { provider: options.via.ref } : {}) };
            const extras: StackDoc = { version: 3, deployment: { resources: [...(options.via ? [options.via.resource] : []), legacy] } };
            const found = accountNameCollisions([
                { state: preview("customer-a", copy(), { "aws:region": "us-east-1" }), account: CUSTOMER_A },
                { state: preview(EXTRAS, extras, options.config), account: CUSTOMER_A },
            ]);
            return found.filter((v) => v.code === "BT-ACCOUNT-NAME-COLLISION" && v.resource === "legacy-audit");
        }
        const awsProvider = (region: unknown) => provider(EXTRAS, "pulumi:providers:aws", { region });

        it("finds the name when the second declaration's own Region is not known at preview", () => {
            const found = collisions({ region: UNKNOWN_VALUE });
            assert.strictEqual(found.length, 1, JSON.stringify(found));
            assert.match(found[0].why, /log group "\/bedrock-tenancy\/customer-a\/audit", which stack customer-a .* in the same account 111111111111/);
        });

        it("finds it when the own Region is an output value not known yet", () => {
            assert.strictEqual(collisions({ region: UNKNOWN_OUTPUT }).length, 1);
        });

        it("finds it when the AWS provider's Region is not known, whatever the configuration says", () => {
            assert.strictEqual(collisions({}, { via: awsProvider(UNKNOWN_VALUE), config: { "aws:region": "eu-west-1" } }).length, 1);
        });

        it("finds it when the own Region is not known, whatever the provider and configuration say", () => {
            assert.strictEqual(collisions({ region: UNKNOWN_VALUE }, { via: awsProvider("eu-west-1"), config: { "aws:region": "eu-west-1" } }).length, 1);
        });

        it("finds it when the provider is of another package, whatever Region that provider names", () => {
            const foreign = provider(EXTRAS, "pulumi:providers:aws-native", { region: "eu-west-1" });
            assert.strictEqual(collisions({}, { via: foreign, config: { "aws:region": "eu-west-1" } }).length, 1);
        });

        it("finds it when the configured Region is blinded as a secret", () => {
            assert.strictEqual(collisions({}, { config: { "aws:region": "[secret]" } }).length, 1);
        });

        it("reads a Region held as a secret by its plaintext", () => {
            assert.strictEqual(collisions({ region: secret("us-east-1") }).length, 1);
            assert.deepStrictEqual(collisions({ region: secret("eu-west-1") }), []);
        });

        it("proves the same name in two Regions both known", () => {
            assert.deepStrictEqual(collisions({ region: "eu-west-1" }), []);
            assert.deepStrictEqual(collisions({}, { via: awsProvider("eu-west-1") }), []);
            assert.deepStrictEqual(collisions({}, { config: { "aws:region": "eu-west-1" } }), []);
        });
    });

    describe("one name declared twice in one stack, Regions read one way (BT-PLAN-DUPLICATE-NAME)", () => {
        /**
         * The duplicate names of customer-a (its audit log group in us-east-1,
         * its own Region) with a second log group of that name, `first` in the file or after it.
         */
        function duplicates(group: Record<string, unknown>, options: { via?: ReturnType<typeof provider>; config?: Config; first?: boolean } = {}): Violation[] {
            const doc = copy();
            const second = { ...added("customer-a", LOG_GROUP, "second-audit", { name: AUDIT_GROUP, retentionInDays: 1, ...group }), ...(options.via ? { provider: options.via.ref } : {}) };
            const extra = [...(options.via ? [options.via.resource] : []), second];
            if (options.first) doc.deployment.resources.unshift(...extra);
            else doc.deployment.resources.push(...extra);
            return planViolations(preview("customer-a", doc, options.config), CUSTOMER_A).filter((v) => v.code === "BT-PLAN-DUPLICATE-NAME");
        }
        const awsProvider = (region: unknown) => provider("customer-a", "pulumi:providers:aws", { region });

        it("finds it when the second takes the same Region from its AWS provider", () => {
            const found = duplicates({}, { via: awsProvider("us-east-1") });
            assert.deepStrictEqual(found.map((v) => v.resource), ["second-audit"], JSON.stringify(found));
            assert.match(found[0].why, /declares log group "\/bedrock-tenancy\/customer-a\/audit", like customer-a-log-group in us-east-1/);
        });

        it("finds it when the second takes the same Region from the stack's configuration", () => {
            assert.deepStrictEqual(duplicates({}, { config: { "aws:region": "us-east-1" } }).map((v) => v.resource), ["second-audit"]);
        });

        it("finds it when the second's own Region is not known at preview, before or after the first", () => {
            assert.deepStrictEqual(duplicates({ region: UNKNOWN_VALUE }).map((v) => v.resource), ["second-audit"]);
            assert.deepStrictEqual(duplicates({ region: UNKNOWN_VALUE }, { first: true }).map((v) => v.resource), ["customer-a-log-group"]);
            assert.deepStrictEqual(duplicates({ region: UNKNOWN_OUTPUT }).map((v) => v.resource), ["second-audit"]);
        });

        it("finds it when the second's AWS provider's Region is not known, or its provider is of another package", () => {
            assert.deepStrictEqual(duplicates({}, { via: awsProvider(UNKNOWN_VALUE), config: { "aws:region": "eu-west-1" } }).map((v) => v.resource), ["second-audit"]);
            const foreign = provider("customer-a", "pulumi:providers:aws-native", { region: "eu-west-1" });
            assert.deepStrictEqual(duplicates({}, { via: foreign }).map((v) => v.resource), ["second-audit"]);
        });

        it("proves the same name in two Regions both known", () => {
            assert.deepStrictEqual(duplicates({ region: "eu-west-1" }), []);
            assert.deepStrictEqual(duplicates({}, { via: awsProvider("eu-west-1") }), []);
            assert.deepStrictEqual(duplicates({}, { config: { "aws:region": "eu-west-1" } }), []);
            assert.deepStrictEqual(duplicates({ region: "eu-west-1" }, { first: true }), []);
        });

        it("excuses a read of itself whose Region is the configuration's, the one it sets, and no read whose Region is not known", () => {
            const doc = copy();
            const g = resource(doc, LOG_GROUP, "customer-a-log-group");
            const { region: _, ...inputs } = g.inputs;
            doc.deployment.resources.push({ ...added("customer-a", LOG_GROUP, "audit-read", { ...inputs, arn: g.outputs.arn }), external: true, id: g.inputs.name });
            const found = (config: Config) => planViolations(preview("customer-a", doc, config), CUSTOMER_A).filter((v) => v.code === "BT-PLAN-DUPLICATE-NAME");
            assert.deepStrictEqual(found({ "aws:region": "us-east-1" }), []);
            // Read in another Region, it is another log group, whose name is its Region's own.
            assert.deepStrictEqual(found({ "aws:region": "eu-west-1" }), []);
            assert.deepStrictEqual(found({ "aws:region": "[secret]" }).map((v) => v.resource), ["audit-read"]);
        });

        it("weighs each of 20,000 declarations of one name in three Regions, a quarter of them not known, against those of its Region", () => {
            const doc: StackDoc = { version: 3, deployment: { resources: [] } };
            for (let i = 0; i < 20_000; i++) {
                const region = i % 4 === 0 ? UNKNOWN_VALUE : ["us-east-1", "eu-west-1", "ap-south-1"][i % 3];
                doc.deployment.resources.push(added("fleet", LOG_GROUP, `group-${i}`, { name: AUDIT_GROUP, region }));
            }
            const found = planViolations(preview("fleet", doc), CUSTOMER_A).filter((v) => v.code === "BT-PLAN-DUPLICATE-NAME");
            assert.strictEqual(found.length, 19_999);
        });

        it("finds a name kept worldwide or per account (a bucket, a role) declared twice whatever Regions the two name", () => {
            const doc = copy();
            const bucketType = "aws:s3/bucketV2:BucketV2";
            doc.deployment.resources.push(added("customer-a", bucketType, "east-bucket", { bucket: "acme-shared-name", region: "us-east-1" }));
            doc.deployment.resources.push(added("customer-a", bucketType, "west-bucket", { bucket: "acme-shared-name", region: "eu-west-1" }));
            doc.deployment.resources.push(added("customer-a", "aws:iam/role:Role", "east-role", { name: "SharedName", region: "us-east-1" }));
            doc.deployment.resources.push(added("customer-a", "aws:iam/role:Role", "west-role", { name: "sharedname", region: "eu-west-1" }));
            const found = planViolations(preview("customer-a", doc), CUSTOMER_A).filter((v) => v.code === "BT-PLAN-DUPLICATE-NAME");
            assert.deepStrictEqual(found.map((v) => v.resource).sort(), ["west-bucket", "west-role"], JSON.stringify(found));
        });
    });

    describe("a receiver a destination names by the ARN AWS forms from its name and Region (BT-CUSTOMER-EGRESS)", () => {
        const ALERTS = `arn:aws:sns:us-east-1:${CUSTOMER_A}:alerts`;
        /** A topic of the stack whose ARN the preview does not know yet, in the Region `props` or the configuration gives it. */
        const topic = (props: Record<string, unknown> = {}) => added("customer-a", "aws:sns/topic:Topic", "alerts", { name: "alerts", ...props }, { arn: UNKNOWN_VALUE });
        const alarm = added("customer-a", "aws:cloudwatch/metricAlarm:MetricAlarm", "throttle", { alarmActions: [ALERTS] });
        const email = added("customer-a", "aws:sns/topicSubscription:TopicSubscription", "to-people", { topic: ALERTS, protocol: "email", endpoint: "oncall@example.com" });
        const eventsMayPublish = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sns:Publish", Resource: ALERTS }] });

        /** The egress findings of a preview of customer-a holding only `resources`. */
        function egress(resources: any[], config?: Config): string[] {
            const state = preview("customer-a", { version: 3, deployment: { resources } }, config);
            const out: string[] = [];
            egressViolations({ state, account: CUSTOMER_A, code: "BT-CUSTOMER-EGRESS", invokeCode: "BT-CUSTOMER-EGRESS", buckets: new Set(), outbound: () => false, notScanned: new Set(),
                flag: (_code, r, at, why) => out.push(`${r.name} ${at}: ${why}`) });
            return out;
        }
        const sendsOut = (found: string[]) => found.filter((f) => f.startsWith("throttle ") && f.includes("which is not a resource of this stack"));
        const feedsPeople = (found: string[]) => found.filter((f) => f.startsWith("alerts policy: lets Service events.amazonaws.com publish"));

        it("takes a topic in the configuration's Region as the one its Region's ARN names", () => {
            assert.deepStrictEqual(sendsOut(egress([topic(), alarm], { "aws:region": "us-east-1" })), []);
            assert.deepStrictEqual(sendsOut(egress([topic({ region: "us-east-1" }), alarm])), []);
        });

        it("finds a topic that e-mails people and lets EventBridge publish, in the configuration's Region", () => {
            const found = egress([topic({ policy: eventsMayPublish }), email, alarm], { "aws:region": "us-east-1" });
            assert.strictEqual(feedsPeople(found).length, 1, JSON.stringify(found));
        });

        it("takes no topic in another Region, or in one the file does not know, as the one the ARN names", () => {
            for (const config of [{ "aws:region": "eu-west-1" }, { "aws:region": "[secret]" }, undefined]) {
                assert.strictEqual(sendsOut(egress([topic(), alarm], config)).length, 1, JSON.stringify(config));
                assert.deepStrictEqual(feedsPeople(egress([topic({ policy: eventsMayPublish }), email, alarm], config)), []);
            }
            assert.strictEqual(sendsOut(egress([topic({ region: UNKNOWN_VALUE }), alarm], { "aws:region": "us-east-1" })).length, 1);
        });
    });

    describe("the quota enforcer an ARN names (BT-OPS-QUOTA-WIRING)", () => {
        const ENFORCER = "BedrockTenancyQuotaEnforcer";
        /**
         * The quota wiring findings of the ops stack whose enforcer, new in a
         * preview, takes its Region from the configuration, and whose event
         * target invokes the function of its name in `targetRegion`.
         */
        function wiring(targetRegion: string, config: Config): string[] {
            const doc: StackDoc = JSON.parse(JSON.stringify(ops));
            const fn = find(doc, "aws:lambda/function:Function", named(ENFORCER));
            for (const side of [fn.inputs, fn.outputs]) delete side.region;
            fn.outputs.arn = UNKNOWN_VALUE;
            const target = find(doc, "aws:cloudwatch/eventTarget:EventTarget", (r) => r.inputs.rule === "BedrockTenancyQuotaAlarms");
            for (const side of [target.inputs, target.outputs]) side.arn = `arn:aws:lambda:${targetRegion}:${OPS}:function:${ENFORCER}`;
            const state = preview("ops", doc, config);
            return meteringViolations(state, OPS, readTenantIntents(state)).filter((v) => v.code === "BT-OPS-QUOTA-WIRING").map((v) => `${v.resource}: ${v.why}`);
        }

        it("proves the enforcer in the configuration's Region that its target names", () => {
            assert.deepStrictEqual(wiring("us-east-1", { "aws:region": "us-east-1" }), []);
        });

        it("finds a target invoking the function of the enforcer's name in another Region, the enforcer's own Region being the configuration's", () => {
            const found = wiring("eu-west-1", { "aws:region": "us-east-1" });
            assert.ok(found.some((f) => f.includes("hands composite quota alarm changes to the quota enforcer unchanged")), JSON.stringify(found));
        });
    });

    describe("the Region of a tenant's profile and guardrail (BT-TENANT-PATH-CLOSED, BT-TENANT-GUARDRAIL)", () => {
        const PROFILE = "aws:bedrock/inferenceProfile:InferenceProfile";
        const GUARDRAIL = "aws:bedrock/guardrail:Guardrail";
        /** customer-a's guardrail (us-east-1 by its ARN), with `props` as its own settings. */
        const guardrail = (props: Record<string, unknown>) => added("ops", GUARDRAIL, "tenant-guardrail", { name: "tenant-guardrail", blockedInputMessaging: "no", blockedOutputsMessaging: "no", ...props },
            { guardrailArn: `arn:aws:bedrock:us-east-1:${OPS}:guardrail/a1b2c3d4e5f6`, guardrailId: "a1b2c3d4e5f6" });

        /**
         * The metering findings `code` of a preview of the ops stack whose
         * customer-a profiles set no Region of their own (taking it from
         * `via`, else the configuration), with `extra` resources added.
         */
        function findings(code: string, options: { via?: ReturnType<typeof provider>; config?: Config; extra?: (via?: string) => any[] } = {}): string[] {
            const doc: StackDoc = JSON.parse(JSON.stringify(ops));
            for (const p of doc.deployment.resources.filter((r) => r.type === PROFILE && r.urn.includes("tenants-customer-a-"))) {
                for (const side of [p.inputs, p.outputs]) delete side.region;
                if (options.via) p.provider = options.via.ref;
            }
            if (options.via) doc.deployment.resources.push(options.via.resource);
            doc.deployment.resources.push(...(options.extra?.(options.via?.ref) ?? []));
            const state = preview("ops", doc, options.config);
            return meteringViolations(state, OPS, readTenantIntents(state)).filter((v) => v.code === code).map((v) => `${v.resource}: ${v.why}`);
        }
        const opsProvider = (region: unknown) => provider("ops", "pulumi:providers:aws", { region });
        const elsewhere = (found: string[]) => found.filter((f) => f.includes("application inference profile of tenant customer-a is in"));

        it("finds a tenant's profile its provider makes in another Region", () => {
            const found = elsewhere(findings("BT-TENANT-PATH-CLOSED", { via: opsProvider("eu-west-1") }));
            assert.ok(found.length > 0 && found.every((f) => f.includes("is in eu-west-1; the component creates it in the tenant's home Region us-east-1")), JSON.stringify(found));
        });

        it("finds a tenant's profile the configuration makes in another Region, or in one the file does not know", () => {
            assert.ok(elsewhere(findings("BT-TENANT-PATH-CLOSED", { config: { "aws:region": "eu-west-1" } })).length > 0);
            assert.ok(elsewhere(findings("BT-TENANT-PATH-CLOSED", { config: { "aws:region": "[secret]" } })).some((f) => f.includes("is in a Region not known at preview")));
            assert.ok(elsewhere(findings("BT-TENANT-PATH-CLOSED", { via: opsProvider(UNKNOWN_VALUE), config: { "aws:region": "us-east-1" } })).length > 0);
            assert.ok(elsewhere(findings("BT-TENANT-PATH-CLOSED", { via: provider("ops", "pulumi:providers:aws-native", { region: "us-east-1" }) })).length > 0);
        });

        it("proves a tenant's profile its provider or the configuration makes in its home Region, or that the file leaves to the deployer", () => {
            assert.deepStrictEqual(elsewhere(findings("BT-TENANT-PATH-CLOSED", { via: opsProvider("us-east-1") })), []);
            assert.deepStrictEqual(elsewhere(findings("BT-TENANT-PATH-CLOSED", { config: { "aws:region": "us-east-1" } })), []);
            assert.deepStrictEqual(elsewhere(findings("BT-TENANT-PATH-CLOSED")), []);
        });

        it("finds a tenant's guardrail its provider puts in a Region the tenant is not entitled to, or in one not known", () => {
            const at = (via: ReturnType<typeof provider>) => findings("BT-TENANT-GUARDRAIL", { via, extra: (ref) => [{ ...guardrail({}), provider: ref }] });
            assert.ok(at(opsProvider("eu-west-1")).some((f) => f.includes("through its Region eu-west-1, in eu-west-1")), JSON.stringify(at(opsProvider("eu-west-1"))));
            assert.ok(at(opsProvider(UNKNOWN_VALUE)).some((f) => f.includes("its Region, which is not known at preview; the proof does not know where that is")));
            assert.deepStrictEqual(at(opsProvider("us-east-2")), []);
        });

        it("finds a tenant's guardrail whose guardrail profile is not known at preview", () => {
            const found = findings("BT-TENANT-GUARDRAIL", { extra: () => [guardrail({ region: "us-east-1", crossRegionConfig: { guardrailProfileIdentifier: UNKNOWN_VALUE } })] });
            assert.ok(found.some((f) => f.includes("a guardrail profile not known at preview")), JSON.stringify(found));
            assert.ok(findings("BT-TENANT-GUARDRAIL", { extra: () => [guardrail({ region: "us-east-1", crossRegionConfig: UNKNOWN_VALUE })] }).length > 0);
            assert.deepStrictEqual(findings("BT-TENANT-GUARDRAIL", { extra: () => [guardrail({ region: "us-east-1" })] }), []);
        });
    });

    describe("a .get() read of the stack's own resource (BT-PLAN-DUPLICATE-NAME)", () => {
        /** The duplicate names of customer-a with a read of its audit log group, both in `region` (none: through `via`). */
        function duplicates(region: unknown, via?: ReturnType<typeof provider>): Violation[] {
            const doc = copy();
            const g = resource(doc, LOG_GROUP, "customer-a-log-group");
            for (const side of [g.inputs, g.outputs]) {
                if (region === undefined) delete side.region;
                else side.region = region;
            }
            const { region: _, ...inputs } = g.inputs;
            const read = { ...added("customer-a", LOG_GROUP, "audit-read", { ...inputs, ...(region === undefined ? {} : { region }), arn: g.outputs.arn }), external: true, id: g.inputs.name };
            if (via) {
                g.provider = read.provider = via.ref;
                doc.deployment.resources.push(via.resource);
            }
            doc.deployment.resources.push(read);
            return planViolations(preview("customer-a", doc), CUSTOMER_A).filter((v) => v.code === "BT-PLAN-DUPLICATE-NAME");
        }

        it("keeps the duplicate when both Regions are not known at preview", () => {
            const found = duplicates(UNKNOWN_VALUE);
            assert.deepStrictEqual(found.map((v) => v.resource), ["audit-read"], JSON.stringify(found));
        });

        it("keeps the duplicate when both Regions are output values not known yet", () => {
            assert.deepStrictEqual(duplicates(UNKNOWN_OUTPUT).map((v) => v.resource), ["audit-read"]);
        });

        it("excuses a read of itself in one known Region", () => {
            assert.deepStrictEqual(duplicates("us-east-1"), []);
        });

        it("excuses a read of itself through its own provider, whose Region is not known", () => {
            assert.deepStrictEqual(duplicates(undefined, provider("customer-a", "pulumi:providers:aws", { region: UNKNOWN_VALUE })), []);
        });
    });
});
