import * as assert from "assert";
import { ArgumentError } from "../../contract";
import { installMocks } from "../../testing/pulumi-mocks";
import { opsMockOptions, settled } from "../../testing/tenant-access-fixtures";

/** A bad value must fail at construction with an ArgumentError naming the option and showing what was given. */
export function assertRejects(build: () => unknown, name: string, shown: string): void {
    assert.throws(build, (err: unknown) => {
        assert.ok(err instanceof ArgumentError, `expected an ArgumentError, got ${String(err)}`);
        assert.ok(err.message.startsWith(name), `message should start with ${name}: ${err.message}`);
        assert.ok(err.message.includes(shown), `message should show ${shown}: ${err.message}`);
        return true;
    });
}

/**
 * `build` must fail with an ArgumentError matching `message` before any AWS
 * resource is registered (the component's own may be): under the mocks
 * `opsMockOptions` installs.
 */
export async function assertRefusedBeforeResources(build: () => unknown, message: RegExp): Promise<void> {
    const recorded = await installMocks(opsMockOptions());
    assert.throws(build, (e: Error) => {
        assert.ok(e instanceof ArgumentError, `expected an ArgumentError, got ${e.name}: ${e.message}`);
        assert.match(e.message, message);
        return true;
    });
    await settled();
    assert.deepEqual(recorded.filter((r) => !r.type.startsWith("bedrock-tenancy:")).map((r) => `${r.type} ${r.name}`), []);
}
