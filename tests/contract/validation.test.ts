import * as assert from "assert";
import { ArgumentError, accountIdProblem, duplicateProblem, integerProblem, listProblem, oneOfProblem, patternProblem, raise, withContext } from "../../contract";

describe("validation style", () => {
    it("raises the first problem as an ArgumentError, a TypeError", () => {
        assert.throws(() => raise(undefined, "b must be 1, got 2", "c"), (e: Error) => e instanceof ArgumentError && e instanceof TypeError && e.name === "ArgumentError" && e.message === "b must be 1, got 2");
        assert.doesNotThrow(() => raise(undefined, undefined));
    });

    it("keeps the cause when a problem is re-raised with context", () => {
        const cause = new ArgumentError("accounts[0] must be a 12-digit AWS account id, got \"1\"");
        const wrapped = withContext("bedrock-tenancy:tenants[2] (acme)", cause);
        assert.strictEqual(wrapped.message, 'bedrock-tenancy:tenants[2] (acme): accounts[0] must be a 12-digit AWS account id, got "1"');
        assert.strictEqual(wrapped.cause, cause);
    });

    // An unquoted id in YAML or JSON is a number: "got 222222222222" alone would read as the right value refused.
    it("says an account id given as a number must be quoted", () => {
        assert.strictEqual(
            accountIdProblem("accounts[0]", 222222222222),
            "accounts[0] must be a 12-digit AWS account id written as a string (quote it: as a number it loses its leading zeros), got the number 222222222222",
        );
        assert.strictEqual(accountIdProblem("accounts[0]", "222222222222"), undefined);
    });

    it("names the argument and the value received", () => {
        assert.strictEqual(patternProblem("tenantId", "Acme Corp", /^[a-z]+$/), 'tenantId must match /^[a-z]+$/, got "Acme Corp"');
        assert.strictEqual(patternProblem("accountId", 12, /^\d{12}$/, "a 12-digit AWS account id"), "accountId must be a 12-digit AWS account id, got 12");
        assert.strictEqual(integerProblem("memorySizeMb", 64, 128, 10240), "memorySizeMb must be an integer from 128 to 10240, got 64");
        assert.strictEqual(oneOfProblem("auditMode", "strict", ["best-effort", "fail-closed"]), 'auditMode must be one of best-effort, fail-closed, got "strict"');
        assert.strictEqual(listProblem("models", [], true, "model id"), "models must list at least one model id, got []");
        assert.strictEqual(listProblem("models", "x"), 'models must be a list, got "x"');
        assert.strictEqual(duplicateProblem("accounts", ["1", "2", "1"]), 'accounts[2] repeats "1" (also accounts[0])');
    });

    it("passes good values", () => {
        assert.deepStrictEqual(
            [patternProblem("a", "abc", /^[a-z]+$/), integerProblem("b", 128, 128, 10240), oneOfProblem("c", "none", ["none"]), listProblem("d", ["x"], true), duplicateProblem("e", [1, 2])],
            [undefined, undefined, undefined, undefined, undefined],
        );
    });
});
