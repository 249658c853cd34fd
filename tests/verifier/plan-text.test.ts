/**
 * A plan file's text as Pulumi writes it: UTF-8, every key of an object
 * written once, every number one a double holds. A file with bytes that are
 * not UTF-8, a key written twice (JSON.parse keeps the last, another reader
 * may take the first) or a number JSON.parse reads as infinity is not one
 * Pulumi wrote, and is refused (exit 2) naming the file and where.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { repeatedJsonKey, writesEachKeyOnce } from "../../contract/json-keys";
import { shippedPlan, verify } from "../support/plan-files";
import { mutatedPlan, TENANT_A_ROLE } from "../support/plan-mutations";
import { readStackState, SECRET_SIG, SIG_KEY } from "../../verifier/pulumi-formats";
import { byteOrderMark, unmarkedWideEncoding } from "../../verifier/text-encoding";
import { stackRoot } from "../support/stack-root";

const MARK = "__mark__";

/** The shipped plan in `shape`, the tenant role's description replaced by `raw` text (written as text: JSON.stringify could not write it). */
function planWithText(plan: string, shape: "stack-export" | "preview", raw: string | Buffer, field = "description"): string {
    const dir = mutatedPlan(plan, shape, { ops: (doc) => {
        const role = doc.deployment.resources.find((r: any) => r.type === "aws:iam/role:Role" && r.inputs?.name === TENANT_A_ROLE);
        role.inputs[field] = MARK;
    } });
    const file = path.join(dir, "ops.json");
    const text = fs.readFileSync(file);
    const mark = Buffer.from(JSON.stringify(MARK));
    // Every copy (a preview step holds the old state as well as the new).
    const parts: Buffer[] = [];
    let from = 0;
    for (let at = text.indexOf(mark); at !== -1; at = text.indexOf(mark, from)) {
        parts.push(text.subarray(from, at), Buffer.from(raw));
        from = at + mark.length;
    }
    fs.writeFileSync(file, Buffer.concat([...parts, text.subarray(from)]));
    return dir;
}

describe("a plan file's text as Pulumi writes it", function () {
    this.timeout(120_000);
    let plan: string;
    before(async () => {
        plan = await shippedPlan();
    });

    it("refuses bytes that are not UTF-8, naming the file and the first such byte, and reads escaped and literal U+FFFD", () => {
        for (const shape of ["stack-export", "preview"] as const) {
            const dir = planWithText(plan, shape, Buffer.from([0x22, 0x41, 0xc3, 0x28, 0x22]));
            const offset = fs.readFileSync(path.join(dir, "ops.json")).indexOf(Buffer.from([0xc3, 0x28]));
            const run = verify(dir);
            assert.strictEqual(run.code, 2, `${run.stderr}${run.stdout}`);
            assert.ok(run.stderr.includes("ops.json is not UTF-8") && run.stderr.includes(`byte ${offset} `), run.stderr);
        }
        const replacement = verify(planWithText(plan, "stack-export", '"\uFFFD \\ufffd"'));
        assert.strictEqual(replacement.code, 0, replacement.stderr);
        const afterReplacement = planWithText(plan, "stack-export", Buffer.concat([Buffer.from('"\uFFFD'), Buffer.from([0xff]), Buffer.from('"')]));
        const offset = fs.readFileSync(path.join(afterReplacement, "ops.json")).indexOf(Buffer.from([0xff]));
        const run = verify(afterReplacement);
        assert.ok(run.code === 2 && run.stderr.includes(`byte ${offset} `), run.stderr);
    });

    it("names the encoding of a file re-encoded on its way (a byte order mark, UTF-16 or UTF-32 text), which Pulumi never writes", () => {
        const utf16be = (text: string) => Buffer.from(text, "utf16le").swap16();
        const utf32le = (text: string) => Buffer.concat([...text].map((ch) => Buffer.from(new Uint32Array([ch.codePointAt(0)!]).buffer)));
        const encodings: [string, (text: string) => Buffer, string][] = [
            ["UTF-8 with its mark", (text) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), "starts with a UTF-8 byte order mark (EF BB BF)"],
            ["UTF-16LE with its mark", (text) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]), "is UTF-16LE text (it starts with the byte order mark FF FE)"],
            ["UTF-16BE with its mark", (text) => Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)]), "is UTF-16BE text (it starts with the byte order mark FE FF)"],
            ["UTF-32LE with its mark", (text) => Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), utf32le(text)]), "is UTF-32LE text (it starts with the byte order mark FF FE 00 00)"],
            ["UTF-16LE without a mark", (text) => Buffer.from(text, "utf16le"), "is UTF-16LE text (NUL bytes stand beside its first characters)"],
            ["UTF-16BE without a mark", (text) => utf16be(text), "is UTF-16BE text (NUL bytes stand beside its first characters)"],
        ];
        for (const shape of ["stack-export", "preview"] as const) {
            const dir = mutatedPlan(plan, shape, {});
            const file = path.join(dir, "ops.json");
            const text = fs.readFileSync(file, "utf8");
            for (const [name, encode, says] of encodings) {
                fs.writeFileSync(file, encode(text));
                const run = verify(dir);
                assert.strictEqual(run.code, 2, `${name}: ${run.stderr}${run.stdout}`);
                assert.ok(run.stderr.includes(`ops.json ${says}, which Pulumi never writes`) && run.stderr.includes("pulumi stack export --file"), `${name}: ${run.stderr}`);
            }
            fs.writeFileSync(file, text);
            assert.strictEqual(verify(dir).code, 0, `${shape}: the same file as Pulumi writes it`);
        }
    });

    it("reads a file's first bytes as UTF-16 or UTF-32 only beside a text character, not a binary file's NUL bytes", () => {
        assert.deepEqual(
            [[0x7b, 0, 0x22, 0], [0, 0x7b, 0, 0x22], [0x7b, 0, 0, 0], [0, 0, 0, 0x7b], [0x89, 0, 0x50, 0x4e], [0, 0, 0, 0], [0x7b, 0x22, 0, 0], [0x7b, 0]].map((b) => unmarkedWideEncoding(Buffer.from(b))),
            ["UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE", undefined, undefined, undefined, undefined],
        );
        assert.deepEqual(
            [[0xff, 0xfe, 0, 0], [0xff, 0xfe, 0x7b, 0], [0, 0, 0xfe, 0xff], [0xef, 0xbb, 0xbf], [0xef, 0xbb], [0xfe, 0xff], []].map((b) => byteOrderMark(Buffer.from(b))?.encoding),
            ["UTF-32LE", "UTF-16LE", "UTF-32BE", "UTF-8", undefined, "UTF-16BE", undefined],
        );
    });

    it("refuses a key written twice anywhere in the file, naming the file, the resource and the key", () => {
        const role = (doc: any) => doc.deployment.resources.find((r: any) => r.type === "aws:iam/role:Role" && r.inputs?.name === TENANT_A_ROLE);
        // The first of the two is the wider trust: JSON.parse keeps the shipped one, and the file would prove clean.
        const wide = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }] });
        for (const shape of ["stack-export", "preview"] as const) {
            const dir = mutatedPlan(plan, shape, { ops: (doc) => (role(doc).inputs = { [MARK]: 1, ...role(doc).inputs }) });
            const file = path.join(dir, "ops.json");
            fs.writeFileSync(file, fs.readFileSync(file, "utf8").split(`"${MARK}":1,`).join(`"assumeRolePolicy":${JSON.stringify(wide)},`));
            const run = verify(dir);
            assert.strictEqual(run.code, 2, `${run.stderr}${run.stdout}`);
            assert.ok(run.stderr.includes("ops.json") && run.stderr.includes('"assumeRolePolicy" more than once') && run.stderr.includes("::tenants-customer-a-role"), run.stderr);
        }
        // Not only in resources: the digest's own keys, a resource's fields, an escaped spelling of a key.
        const roleText = '{"urn":"urn:pulumi:ops::p::aws:iam/role:Role::r","type":"aws:iam/role:Role","custom":true,EXTRA"inputs":{}}';
        // The stack's root first, as Pulumi writes it: the role is resource 1.
        const exported = (extra: string) => `{"version":3,"deployment":{"resources":[${JSON.stringify(stackRoot("urn:pulumi:ops::p::x:y:Z::r"))},${roleText.replace("EXTRA", extra)}]}}`;
        assert.throws(() => readStackState("ops.json", exported('"custom":false,')), /ops\.json: deployment\.resources\[1\] \(of urn:pulumi:ops::p::aws:iam\/role:Role::r\) writes the key "custom" more than once/);
        assert.throws(() => readStackState("ops.json", exported('"outputs":{"tags":{"a":"1","\\u0061":"2"}},')), /deployment\.resources\[1\]\.outputs\.tags \(of urn:pulumi:ops::p::aws:iam\/role:Role::r\) writes the key "a" more than once/);
        assert.throws(() => readStackState("ops.json", `{"version":3,"version":3,"deployment":{"resources":[]}}`), /ops\.json: \(the document\) writes the key "version" more than once/);
        assert.doesNotThrow(() => readStackState("ops.json", exported('"outputs":{"tags":{"a":"\\"a\\":1,","b":{"a":1}}},')));
    });

    it("counts keys as a scan for the repeated one finds them, in text with escapes, nesting and keys in strings", () => {
        const texts = ['{"a":1,"b":{"a":[{"a":1},{"a":2}]}}', '{"a":"x\\":y","b\\\\":"\\\\","c":{}}', '[{"k":1},{"k":2,"k":3}]', '{"a":{"b":1,"b":2}}', '{"x":"{\\"a\\":1,\\"a\\":2}"}', '[]', '"a:b"'];
        for (const text of texts) assert.strictEqual(writesEachKeyOnce(text, JSON.parse(text)), repeatedJsonKey(text, false) === undefined, text);
    });

    it("refuses a number JSON.parse reads as infinity, in a value or a secret's plaintext, naming the file, the resource and the path", () => {
        const huge = verify(planWithText(plan, "stack-export", "1e400", "maxSessionDuration"));
        assert.strictEqual(huge.code, 2, `${huge.stderr}${huge.stdout}`);
        assert.ok(huge.stderr.includes("ops.json") && huge.stderr.includes("::tenants-customer-a-role) inputs: maxSessionDuration is a number beyond the largest a double holds"), huge.stderr);
        const negative = verify(planWithText(plan, "preview", '{"a":[-1e999]}', "tags"));
        assert.strictEqual(negative.code, 2, negative.stderr);
        assert.ok(negative.stderr.includes("inputs: tags.a[0] is a number beyond"), negative.stderr);
        const hidden = verify(planWithText(plan, "stack-export", JSON.stringify({ [SIG_KEY]: SECRET_SIG, plaintext: '{"days":1e400}' }), "tags"));
        assert.strictEqual(hidden.code, 2, hidden.stderr);
        assert.ok(hidden.stderr.includes("tags.plaintext.days is a number beyond"), hidden.stderr);
        assert.strictEqual(verify(planWithText(plan, "stack-export", "1.7976931348623157e308", "maxSessionDuration")).code !== 2, true);
    });
});
