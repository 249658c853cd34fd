import * as assert from "assert";
import { ArgumentError } from "../../contract";

/** A bad value must fail at construction with an ArgumentError naming the option and showing what was given. */
export function assertRejects(build: () => unknown, name: string, shown: string): void {
    assert.throws(build, (err: unknown) => {
        assert.ok(err instanceof ArgumentError, `expected an ArgumentError, got ${String(err)}`);
        assert.ok(err.message.startsWith(name), `message should start with ${name}: ${err.message}`);
        assert.ok(err.message.includes(shown), `message should show ${shown}: ${err.message}`);
        return true;
    });
}
