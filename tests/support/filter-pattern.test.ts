import * as assert from "assert";
import { matchesFilterPattern, metricValue, parseFilterPattern } from "./filter-pattern";

/**
 * Examples from AWS's "Filter pattern syntax for metric filters" page
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html,
 * section "Matching terms in JSON log events" and "Using compound expressions to
 * match terms in JSON objects"; source: awsdocs/amazon-cloudwatch-logs-user-guide,
 * doc_source/FilterAndPatternSyntax.md). Pattern, event and expected result are
 * as the page gives them, so the helper is checked against AWS's word, not ours.
 */
const DOC_EVENT = JSON.stringify({
    eventType: "UpdateTrail",
    sourceIPAddress: "111.111.111.111",
    arrayKey: ["value", "another value"],
    objectList: [
        { name: "a", id: 1 },
        { name: "b", id: 2 },
    ],
    SomeObject: null,
});

const DOC_COMPOUND_EVENT = JSON.stringify({
    user: { id: 1, email: "John.Stiles@example.com" },
    users: [
        { id: 2, email: "John.Doe@example.com" },
        { id: 3, email: "Jane.Doe@example.com" },
    ],
    actions: ["GET", "PUT", "DELETE"],
    coordinates: [
        [0, 1, 2],
        [4, 5, 6],
        [7, 8, 9],
    ],
});

const documented: { pattern: string; event: string; matches: boolean }[] = [
    { pattern: '{ $.eventType = "UpdateTrail" }', event: DOC_EVENT, matches: true },
    { pattern: "{ $.sourceIPAddress != 123.123.* }", event: DOC_EVENT, matches: true },
    { pattern: '{ $.arrayKey[0] = "value" }', event: DOC_EVENT, matches: true },
    { pattern: "{ $.objectList[1].id = 2 }", event: DOC_EVENT, matches: true },
    { pattern: "{ $.SomeObject IS NULL }", event: DOC_EVENT, matches: true },
    { pattern: "{ $.SomeOtherObject NOT EXISTS }", event: DOC_EVENT, matches: true },
    { pattern: '{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }', event: DOC_COMPOUND_EVENT, matches: true },
    {
        pattern: '{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch" && $.actions[2] = "nonmatch" }',
        event: DOC_COMPOUND_EVENT,
        matches: true,
    },
    {
        pattern: '{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch") && $.actions[2] = "nonmatch" }',
        event: DOC_COMPOUND_EVENT,
        matches: false,
    },
    { pattern: '{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }', event: DOC_COMPOUND_EVENT, matches: false },
];

describe("filter-pattern helper", () => {
    describe("agrees with the examples in AWS's filter pattern documentation", () => {
        for (const { pattern, event, matches } of documented) {
            it(`${matches ? "matches" : "does not match"} ${pattern}`, () => {
                assert.strictEqual(matchesFilterPattern(pattern, event), matches);
            });
        }
    });

    it("applies the documented numeric operators", () => {
        // Documented patterns (`{ $.bandwidth > 75 }`, `{ $.latency < 50 }`, ...), with events on both sides of the bound.
        assert.strictEqual(matchesFilterPattern("{ $.bandwidth > 75 }", '{"bandwidth":80}'), true);
        assert.strictEqual(matchesFilterPattern("{ $.bandwidth > 75 }", '{"bandwidth":75}'), false);
        assert.strictEqual(matchesFilterPattern("{ $.refreshRate >= 60 }", '{"refreshRate":60}'), true);
        assert.strictEqual(matchesFilterPattern("{ $.responseTime <= 5 }", '{"responseTime":6}'), false);
        assert.strictEqual(matchesFilterPattern("{ $.errorCode != 500 }", '{"errorCode":400}'), true);
        assert.strictEqual(matchesFilterPattern("{ $.number[0] = 1e-3 }", '{"number":[0.001]}'), true);
    });

    it("matches IS TRUE only on the boolean true", () => {
        assert.strictEqual(matchesFilterPattern("{ $.ThisFlag IS TRUE }", '{"ThisFlag":true}'), true);
        assert.strictEqual(matchesFilterPattern("{ $.ThisFlag IS TRUE }", '{"ThisFlag":false}'), false);
        assert.strictEqual(matchesFilterPattern("{ $.ThisFlag IS FALSE }", '{"ThisFlag":false}'), true);
        assert.strictEqual(matchesFilterPattern("{ $.ThisFlag IS TRUE }", "{}"), false);
    });

    it("does not match a selector that points to an array or object, or to nothing", () => {
        assert.strictEqual(matchesFilterPattern('{ $.arrayKey = "value" }', DOC_EVENT), false);
        assert.strictEqual(matchesFilterPattern('{ $.arrayKey[1] = "value" }', DOC_EVENT), false);
        assert.strictEqual(matchesFilterPattern('{ $.missing != "x" }', DOC_EVENT), false);
    });

    it("never matches an event that is not JSON", () => {
        assert.strictEqual(matchesFilterPattern('{ $.eventType = "UpdateTrail" }', "UpdateTrail eventType"), false);
    });

    it("rejects syntax outside the subset instead of guessing", () => {
        assert.throws(() => parseFilterPattern("[ip, user]"), SyntaxError);
        assert.throws(() => parseFilterPattern("{ $.a EXISTS }"), SyntaxError);
        assert.throws(() => parseFilterPattern("{ $.a = }"), SyntaxError);
    });

    it("extracts a metric value from a selector or a literal", () => {
        assert.strictEqual(metricValue("$.bandwidth", '{"bandwidth":80}'), 80);
        assert.strictEqual(metricValue("1", '{"bandwidth":80}'), 1);
        assert.strictEqual(metricValue("$.bandwidth", '{"bandwidth":"80"}'), undefined);
    });
});
