/**
 * The names AWS keeps unique within an account (and Region, where the
 * namespace is regional), read from every stack of one account together.
 * Two stacks that declare one name declare one resource: AWS holds
 * whichever update ran last, so neither file says what AWS holds, and the
 * stack proved with the name may not be the one that wrote it. Within one
 * file the same clash is BT-PLAN-DUPLICATE-NAME.
 */
import { violation, type Violation } from "./findings";
import { listUnder } from "./metering-values";
import { physicalNames } from "./physical-names";
import { type StackResource, type StackState } from "./pulumi-formats";
import { resourceRegion } from "./resource-region";

/** One stack of an account, as the check reads it. */
export interface AccountStack {
    state: StackState;
    account: string;
}

interface Holder {
    stack: AccountStack;
    r: StackResource;
    name: string;
    /** Undefined when neither the resource, its AWS provider nor the stack's configuration says, or what says is not known at preview. */
    region: string | undefined;
}

/**
 * Every name that two stacks of one account declare, once for each stack
 * after the first that declares it. `stacks` are the stacks of one account.
 */
export function accountNameCollisions(stacks: readonly AccountStack[]): Violation[] {
    const byName = new Map<string, Holder[]>();
    for (const stack of stacks) {
        for (const r of stack.state.resources) {
            if (!r.custom || r.external) continue;
            for (const named of physicalNames(r)) listUnder(byName, named.key, { stack, r, name: named.name, region: named.space.regional ? resourceRegion(stack.state, r) : undefined });
        }
    }
    const out: Violation[] = [];
    for (const [key, holders] of byName) {
        if (holders.length < 2) continue;
        const what = key.slice(0, key.indexOf("\u0000"));
        const reported = new Set<StackState>();
        for (let i = 1; i < holders.length; i++) {
            const h = holders[i];
            // A URN is of one stack, so the same URN twice is the same stack's, which BT-PLAN-DUPLICATE-URN and BT-PLAN-DUPLICATE-NAME judge.
            const first = holders.slice(0, i).find((o) => o.stack.state !== h.stack.state && o.r.urn !== h.r.urn && sameRegion(o, h));
            if (!first || reported.has(h.stack.state)) continue;
            reported.add(h.stack.state);
            out.push(violation("BT-ACCOUNT-NAME-COLLISION", { tenant: "(stack)", stack: h.stack.state.stack, resource: h.r.name, urn: h.r.urn }, "name",
                `declares ${what} ${h.name}${h.region ? ` in ${h.region}` : ""}, which stack ${first.stack.state.stack} (${first.stack.state.file}) also declares as ${first.r.name}, in the same account ${h.stack.account}: AWS holds one of them, written by whichever update ran last, so neither file says what it holds`));
        }
    }
    return out;
}

/** Two Regions are one when they are equal, or when either is not known: where it could clash, it is taken to. */
function sameRegion(a: Holder, b: Holder): boolean {
    return a.region === undefined || b.region === undefined || a.region === b.region;
}
