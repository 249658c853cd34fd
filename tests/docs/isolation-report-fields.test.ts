/**
 * docs/verification.md's table of `isolation-report.json` fields against
 * reports the verifier writes: every top-level key, and the keys of each
 * stack, violation, tenant and customer entry the table names.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Writable } from "stream";
import { main } from "../../verifier/cli";
import { shippedPlan } from "../support/plan-files";
import { ROOT } from "./markdown";
import { makeTempDir } from "../support/temp-dir";

/** The table's rows: field to the text describing it. */
function documentedFields(): Map<string, string> {
    const text = fs.readFileSync(path.join(ROOT, "docs/verification.md"), "utf8");
    const start = text.indexOf("| field | what it holds |");
    assert.ok(start >= 0, "docs/verification.md has no table of the JSON report's fields");
    const rows = text.slice(start).split("\n\n")[0].split("\n").slice(2);
    return new Map(rows.map((row): [string, string] => {
        const cells = /^\| `([^`]+)` \| (.*) \|$/.exec(row);
        assert.ok(cells, `a row of the table that names no field: ${row}`);
        return [cells[1], cells[2]];
    }));
}

/** The names in backticks in a row's text. */
const named = (what: string) => new Set([...what.matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1]));

/** The JSON report of `bedrock-tenancy verify <args>`. */
function report(args: string[]): any {
    const out = makeTempDir("bedrock-tenancy-fields-");
    const sink = new Writable({ write(_chunk, _encoding, done) { done(); } });
    main(["verify", "--out", out, ...args], sink, sink);
    return JSON.parse(fs.readFileSync(path.join(out, "isolation-report.json"), "utf8"));
}

describe("docs/verification.md: the JSON isolation report's fields", function () {
    this.timeout(240_000);
    let clean: any;
    let violated: any;

    before(async () => {
        const plans = await shippedPlan();
        clean = report([path.join(plans, "ops.json"), path.join(plans, "customer-a.json")]);
        // customer-b's customer stack is not among the files: with --require-customers, a violation.
        violated = report(["--require-customers", path.join(plans, "ops.json")]);
    });

    it("lists exactly the report's top-level keys, in order", () => {
        assert.deepStrictEqual([...documentedFields().keys()], Object.keys(clean));
        assert.deepStrictEqual(Object.keys(violated), Object.keys(clean));
        assert.strictEqual(clean.schema, "bedrock-tenancy/isolation-report@1");
        assert.deepStrictEqual([clean.result, violated.result], ["clean", "violations"]);
    });

    it("names every key of a stack, tenant and customer entry", () => {
        const fields = documentedFields();
        for (const field of ["stacks", "tenants", "customers"]) {
            const entries = clean[field] as Record<string, unknown>[];
            assert.ok(entries.length > 0, `no ${field} entry to compare`);
            const keys = new Set(entries.flatMap((e) => Object.keys(e).filter((k) => e[k] !== undefined)));
            assert.deepStrictEqual([...keys].filter((k) => !named(fields.get(field)!).has(k)), [], `${field}: keys the table does not name`);
        }
    });

    it("names every key of a violation, the optional urn and drift too", () => {
        const documented = named(documentedFields().get("violations")!);
        const violations = violated.violations as Record<string, unknown>[];
        assert.ok(violations.length > 0);
        const keys = new Set([...violations.flatMap((v) => Object.keys(v)), "urn", "drift"]);
        assert.deepStrictEqual([...keys].filter((k) => !documented.has(k)), []);
    });
});
