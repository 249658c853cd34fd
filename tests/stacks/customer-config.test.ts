import * as assert from "assert";
import { parseCustomerConfig } from "../../stacks/customer-config";

const BASE: Record<string, string> = { opsStack: "acme/bedrock-tenancy/ops", tenantId: "customer-a" };
const reader = (values: Record<string, string>) => (key: string) => values[key];

describe("parseCustomerConfig", () => {
    it("leaves unset settings out so the component defaults apply", () => {
        assert.deepStrictEqual(parseCustomerConfig(reader(BASE)), { opsStack: "acme/bedrock-tenancy/ops", tenantId: "customer-a", settings: {} });
    });

    it("reads numbers, modes and objects", () => {
        const parsed = parseCustomerConfig(
            reader({ ...BASE, logRetentionDays: "90", contentMode: "full", throttleAlarm: '{"threshold":3}', networkIsolation: "true", reservedConcurrency: "10" }),
        );
        assert.deepStrictEqual(parsed.settings, { logRetentionDays: 90, contentMode: "full", throttleAlarm: { threshold: 3 }, networkIsolation: {}, reservedConcurrency: 10 });
    });

    it("reads the Bedrock client settings, per-user sessions as true or false", () => {
        const parsed = parseCustomerConfig(reader({ ...BASE, bedrockMaxAttempts: "5", bedrockRequestTimeoutMs: "20000", sessionUserTag: "true" }));
        assert.deepStrictEqual(parsed.settings, { bedrockMaxAttempts: 5, bedrockRequestTimeoutMs: 20_000, sessionUserTag: true });
        assert.strictEqual(parseCustomerConfig(reader({ ...BASE, sessionUserTag: "false" })).settings.sessionUserTag, false);
    });

    it("turns network isolation off with false", () => {
        assert.strictEqual(parseCustomerConfig(reader({ ...BASE, networkIsolation: "false" })).settings.networkIsolation, undefined);
    });

    it("turns the archive on with true or an object, and off with false", () => {
        assert.deepStrictEqual(parseCustomerConfig(reader({ ...BASE, archive: "true" })).settings.archive, {});
        assert.deepStrictEqual(parseCustomerConfig(reader({ ...BASE, archive: '{"retentionDays":3650}' })).settings.archive, { retentionDays: 3650 });
        assert.strictEqual(parseCustomerConfig(reader({ ...BASE, archive: "false" })).settings.archive, undefined);
    });

    const bad: [string, Record<string, string>, RegExp][] = [
        ["a stack name that is not fully qualified", { ...BASE, opsStack: "ops" }, /^bedrock-tenancy:opsStack must be a fully qualified stack name .*, got "ops"$/],
        ["a missing tenant id", { opsStack: BASE.opsStack }, /^bedrock-tenancy:tenantId is required \(1 to 32 lowercase letters, digits and hyphens.*\), got undefined$/],
        ["a retention that is not a number", { ...BASE, logRetentionDays: "forever" }, /^bedrock-tenancy:logRetentionDays must be a number, got "forever"$/],
        // Number() reads each of these: a setting is written in decimal digits.
        ["a retention in hexadecimal", { ...BASE, logRetentionDays: "0x16D" }, /^bedrock-tenancy:logRetentionDays must be a number, got "0x16D"$/],
        ["a retention in binary", { ...BASE, logRetentionDays: "0b101101101" }, /^bedrock-tenancy:logRetentionDays must be a number, got "0b101101101"$/],
        ["a retention with spaces around it", { ...BASE, logRetentionDays: " 365 " }, /^bedrock-tenancy:logRetentionDays must be a number, got " 365 "$/],
        ["a retention with a line break after it", { ...BASE, logRetentionDays: "365\n" }, /^bedrock-tenancy:logRetentionDays must be a number, got "365\\n"$/],
        ["per-user sessions that are neither true nor false", { ...BASE, sessionUserTag: "yes" }, /^bedrock-tenancy:sessionUserTag must be true or false, got "yes"$/],
        ["an alarm that is a list", { ...BASE, throttleAlarm: "[1]" }, /^bedrock-tenancy:throttleAlarm must be an object, got \[1\]$/],
        // Only archive and networkIsolation are switched on by true; an alarm's settings are not.
        ["an alarm given as true", { ...BASE, throttleAlarm: "true" }, /^bedrock-tenancy:throttleAlarm must be an object, got true$/],
        ["an alarm given as false", { ...BASE, throttleAlarm: "false" }, /^bedrock-tenancy:throttleAlarm must be an object, got false$/],
    ];
    for (const [what, values, message] of bad) {
        it(`rejects ${what}`, () => {
            assert.throws(() => parseCustomerConfig(reader(values)), (e: Error) => e instanceof TypeError && message.test(e.message));
        });
    }

    // JSON.parse keeps the last: a 1-day COMPLIANCE lock in place of the 2,555 days the first key says.
    it("refuses a key written twice in an object setting", () => {
        assert.throws(
            () => parseCustomerConfig(reader({ ...BASE, archive: '{"retentionDays":2555,"retentionDays":1}' })),
            /^ArgumentError: bedrock-tenancy:archive writes the key "retentionDays" twice in one object: JSON keeps the last/,
        );
    });
});
