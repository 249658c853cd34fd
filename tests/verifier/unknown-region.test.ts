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
import { accountNameCollisions } from "../../verifier/account-names";
import type { Violation } from "../../verifier/findings";
import { planViolations } from "../../verifier/plan-integrity";
import { OUTPUT_VALUE_SIG, SECRET_SIG, SIG_KEY, stackStateOf, UNKNOWN_VALUE } from "../../verifier/pulumi-formats";
import { resource, shippedPlan, type StackDoc } from "../support/plan-files";
import { added, asPreview, CUSTOMER_A } from "../support/plan-mutations";

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

/** A preview of `doc` with the stack's configuration. */
function preview(stack: string, doc: StackDoc, config?: Config) {
    return stackStateOf(`${stack}.json`, { ...asPreview(doc), ...(config ? { config } : {}) });
}

describe("a Region not known from the file", function () {
    this.timeout(300_000);
    let customer: StackDoc;
    before(async () => {
        customer = JSON.parse(fs.readFileSync(path.join(await shippedPlan(), "customer-a.json"), "utf8"));
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
