/**
 * Lake Formation grants on a stack's Glue databases: a grantee must be one
 * the account holds (the account, its IAM users and roles, or IAM's own
 * decision); a directory's users, an organization or another account could
 * otherwise read the archive's tables under no policy of the files.
 */
import * as assert from "assert";
import { editedPlan, resource, shippedPlan, verify, type StackDoc } from "../support/plan-files";

const DATABASE = "aws:glue/catalogDatabase:CatalogDatabase";
const CUSTOMER = "111111111111";

const grantTo = (principal: unknown, permissions = ["ALL"]) => [{ permissions, principal: { dataLakePrincipalIdentifier: principal } }];

describe("Lake Formation grants on Glue databases", function () {
    this.timeout(120_000);
    let plan: string;
    before(async () => {
        plan = await shippedPlan();
    });

    const archiveDatabase = (d: StackDoc) => resource(d, DATABASE, "customer-a-archive-db");
    const run = (grants: unknown) => verify(editedPlan(plan, "customer-a", (d) => { archiveDatabase(d).inputs.createTableDefaultPermissions = grants; }));

    const outside: [string, unknown][] = [
        ["an IAM Identity Center group", "arn:aws:identitystore:::group/9067c8e4f1-0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e"],
        ["an IAM Identity Center user", "arn:aws:identitystore:::user/9067c8e4f1-0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e"],
        ["the organization whose management account is the customer's", `arn:aws:organizations::${CUSTOMER}:organization/o-abcdefghij`],
        ["an organizational unit", `arn:aws:organizations::${CUSTOMER}:ou/o-abcdefghij/ou-ab12-cdef3456`],
        ["a SAML directory's group", `arn:aws:iam::${CUSTOMER}:saml-provider/corp:group/analysts`],
        ["a QuickSight user of the account", `arn:aws:quicksight:us-east-1:${CUSTOMER}:user/default/analyst`],
        ["another account", "arn:aws:iam::999999999999:root"],
        ["a principal that is not text", { toString: 1 }],
    ];
    for (const [label, principal] of outside) {
        it(`finds a grant to ${label}`, () => {
            const result = run(grantTo(principal));
            assert.strictEqual(result.code, 1, result.stderr);
            assert.ok(result.report.violations.some((v: any) => v.code === "BT-CUSTOMER-EGRESS" && v.statement === "createTableDefaultPermissions[0].principal.dataLakePrincipalIdentifier" && /Lake Formation/.test(v.why)), result.stderr);
        });
    }

    it("finds grants it cannot read", () => {
        for (const grants of ["ALL to everyone", [{ permissions: ["ALL"], principal: "IAM_ALLOWED_PRINCIPALS" }]]) {
            const result = run(grants);
            assert.strictEqual(result.code, 1, result.stderr);
            assert.ok(result.report.violations.some((v: any) => v.code === "BT-CUSTOMER-EGRESS" && v.statement.startsWith("createTableDefaultPermissions") && /cannot be proved/.test(v.why)), result.stderr);
        }
    });

    it("accepts grants to IAM's own decision, the account and its IAM roles and users", () => {
        const result = run([
            ...grantTo("IAM_ALLOWED_PRINCIPALS"),
            ...grantTo(CUSTOMER, ["DESCRIBE"]),
            ...grantTo(`arn:aws:iam::${CUSTOMER}:root`, ["DESCRIBE"]),
            ...grantTo(`arn:aws:iam::${CUSTOMER}:role/BedrockTenancyRuntime-customer-a`, ["SELECT"]),
            ...grantTo(`arn:aws:iam::${CUSTOMER}:user/auditor`, ["SELECT"]),
        ]);
        assert.strictEqual(result.code, 0, result.stderr);
    });

    it("finds a grant to a directory on a database of the ops stack", () => {
        const result = verify(editedPlan(plan, "ops", (d) => {
            const stack = d.deployment.resources.find((r) => r.type === "pulumi:pulumi:Stack").urn;
            d.deployment.resources.push({ urn: `${stack.split("::pulumi:pulumi:Stack::")[0]}::${DATABASE}::usage`, type: DATABASE, custom: true, id: "usage", parent: stack, outputs: {},
                inputs: { name: "usage", createTableDefaultPermissions: grantTo("arn:aws:identitystore:::group/9067c8e4f1-0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e") } });
        }));
        assert.strictEqual(result.code, 1, result.stderr);
        assert.ok(result.report.violations.some((v: any) => v.code === "BT-OPS-EGRESS" && /Lake Formation/.test(v.why)), result.stderr);
    });
});
