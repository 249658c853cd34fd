import * as assert from "assert";
import { IAM_ROLE_NAME_MAX, assertTenantId, opsRoleName, runtimeRoleName } from "../../contract/naming";

describe("naming", () => {
    it("derives both role names from the tenant id", () => {
        assert.strictEqual(runtimeRoleName("customer-a"), "BedrockTenancyRuntime-customer-a");
        assert.strictEqual(opsRoleName("customer-a"), "BedrockTenantAccess-customer-a");
    });

    it("keeps the longest tenant id's role names within IAM's 64 characters", () => {
        const longest = "a".repeat(32);
        assert.ok(runtimeRoleName(longest).length <= IAM_ROLE_NAME_MAX);
        assert.ok(opsRoleName(longest).length <= IAM_ROLE_NAME_MAX);
    });

    for (const bad of ["Acme Corp", "", "-a", "a-", "a".repeat(33), "a_b", "ümlaut"]) {
        it(`rejects the tenant id ${JSON.stringify(bad)}`, () => {
            assert.throws(() => runtimeRoleName(bad), (e: Error) => e instanceof TypeError && e.message.includes(JSON.stringify(bad)) && e.message.startsWith("tenantId"));
        });
    }

    it("names the argument it was given in the error", () => {
        assert.throws(() => assertTenantId(42, "tenants[1].id"), /^ArgumentError: tenants\[1\]\.id must be 1 to 32 lowercase letters, digits and hyphens.*, got 42$/);
    });
});
