import { strict as assert } from "assert";
// The evaluator wrapper installs the collators when it loads, as in the proof and the IAM tests.
import "../../../scripts/lib/iam-evaluator";
import { engineLocaleCompare } from "../../../scripts/lib/reused-collators";

describe("reused collators (the IAM evaluator's string comparisons)", () => {
    const words = ["", "a", "A", "abc", "ABC", "abd", "é", "e", "E", "ß", "ss", "SS", "i", "I", "İ", "ı", "ﬁ", "fi", "arn:aws:iam::1:role/X", "ARN:AWS:IAM::1:ROLE/x", "10", "9", "Ä", "ä", "a\u0308"];
    const shapes: [string | string[] | undefined, Intl.CollatorOptions | undefined][] = [
        [undefined, { sensitivity: "accent" }],
        [undefined, { sensitivity: "base" }],
        ["en", { sensitivity: "base" }],
        ["tr", { sensitivity: "base" }],
        ["tr", { sensitivity: "accent" }],
        ["de", { sensitivity: "case" }],
        [undefined, { sensitivity: "variant" }],
        [undefined, undefined],
        ["en", undefined],
        [["tr", "en"], { sensitivity: "base" }],
        [undefined, { sensitivity: "base", numeric: true }],
        [undefined, { numeric: true }],
    ];

    it("decides every pair of strings as the engine does, for every locale and option shape, in any order of use", () => {
        // Twice through, so the second pass is served by collators the first one cached for other locales.
        for (let pass = 0; pass < 2; pass++) {
            for (const [locales, options] of shapes) {
                for (const a of words) {
                    for (const b of words) {
                        const label = `${JSON.stringify(a)}.localeCompare(${JSON.stringify(b)}, ${JSON.stringify(locales)}, ${JSON.stringify(options)})`;
                        assert.equal(Math.sign(a.localeCompare(b, locales, options)), Math.sign(engineLocaleCompare.call(a, b, locales, options)), label);
                    }
                }
            }
        }
    });

    it("is installed by the evaluator wrapper", () => {
        assert.notEqual(String.prototype.localeCompare, engineLocaleCompare);
    });
});
