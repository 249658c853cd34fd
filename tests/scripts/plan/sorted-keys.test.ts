import * as assert from "assert";
import { sortedKeys } from "../../../scripts/plan/sorted-keys";

describe("sortedKeys", () => {
    it("sorts plain objects at every depth and leaves class instances and arrays' order alone", () => {
        class Archive {
            constructor(readonly z: number, readonly a: number) {}
        }
        const archive = new Archive(1, 2);
        const value = { b: [{ y: 1, x: 2 }, 3], a: { d: archive, c: null } };
        const sorted = sortedKeys(value);
        assert.strictEqual(JSON.stringify(sorted), '{"a":{"c":null,"d":{"z":1,"a":2}},"b":[{"x":2,"y":1},3]}');
        assert.strictEqual(sorted.a.d, archive);
    });
});
