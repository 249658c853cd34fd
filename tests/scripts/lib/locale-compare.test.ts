import { strict as assert } from "assert";
import { installLocaleCompareCache } from "../../../scripts/lib/locale-compare";

describe("localeCompare with its collator kept", () => {
    const builtIn = installLocaleCompareCache();
    const words = ["IfExists", "ifexists", "IFEXISTS", "ifExists", "ForAllValues", "forallvalues", "ForAnyValue", "résumé", "resume", "Resume", "RÉSUMÉ", "a", "ä", "b", "å", "z", "10", "9", "", "a-b", "ab", "a b", "ß", "ss", "İ", "i", "\u{1F600}", "e\u0301", "é"];
    const optionSets: (Intl.CollatorOptions | undefined)[] = [
        undefined,
        {},
        { sensitivity: "accent" },
        { sensitivity: "base" },
        { sensitivity: "case" },
        { sensitivity: "variant" },
        { numeric: true },
        { caseFirst: "upper" },
        { ignorePunctuation: true, sensitivity: "base" },
        { usage: "search", sensitivity: "accent" },
    ];
    const localeSets: (string | undefined)[] = [undefined, "en", "de", "sv", "tr"];

    it("answers every pair of strings as the built-in does, for every locale and option set", () => {
        let compared = 0;
        for (const locales of localeSets)
            for (const options of optionSets)
                for (const a of words)
                    for (const b of words) {
                        assert.equal(a.localeCompare(b, locales, options), builtIn.call(a, b, locales, options), `${JSON.stringify(a)} vs ${JSON.stringify(b)}, ${locales}, ${JSON.stringify(options)}`);
                        compared++;
                    }
        assert.equal(compared, localeSets.length * optionSets.length * words.length ** 2);
    });

    it("reads options anew on every call: an options object changed between calls gives the new answer", () => {
        const options: Intl.CollatorOptions = { sensitivity: "accent" };
        assert.equal("IfExists".localeCompare("ifexists", undefined, options), 0);
        options.sensitivity = "variant";
        assert.notEqual("IfExists".localeCompare("ifexists", undefined, options), 0);
    });

    it("leaves to the built-in what it does not answer exactly, errors included", () => {
        assert.equal("a".localeCompare("b", ["de", "en"]), builtIn.call("a", "b", ["de", "en"]));
        assert.equal("a".localeCompare(1 as unknown as string), builtIn.call("a", 1 as unknown as string));
        assert.equal(Object("b").localeCompare("a", undefined, { sensitivity: "base" }), builtIn.call("b", "a", undefined, { sensitivity: "base" }));
        assert.throws(() => "a".localeCompare("b", "not a locale tag!"), RangeError);
        assert.throws(() => "a".localeCompare("b", undefined, { sensitivity: "none" as never }), RangeError);
        assert.throws(() => String.prototype.localeCompare.call(null as unknown as string, "a"), TypeError);
        assert.equal("1".localeCompare("01", undefined, { numeric: 1 as unknown as boolean }), builtIn.call("1", "01", undefined, { numeric: 1 as unknown as boolean }));
        // What a collator does not read changes nothing; what it reads through the prototype counts.
        assert.equal("a".localeCompare("A", undefined, { sensitivity: "base", extra: 1 } as Intl.CollatorOptions), 0);
        const inherited = Object.create({ sensitivity: "base" }) as Intl.CollatorOptions;
        assert.equal("a".localeCompare("A", undefined, inherited), builtIn.call("a", "A", undefined, inherited));
        assert.equal("a".localeCompare("A", undefined, inherited), 0);
    });

    it("installs once: a second install returns the same built-in and keeps one replacement", () => {
        const replaced = String.prototype.localeCompare;
        assert.equal(installLocaleCompareCache(), builtIn);
        assert.equal(String.prototype.localeCompare, replaced);
        assert.notEqual(replaced, builtIn);
    });
});
