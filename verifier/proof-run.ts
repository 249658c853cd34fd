/**
 * What one proof derives from a stack that several checks read (the
 * resources it manages, its receivers), derived once while the proof runs
 * and let go when it ends: a plan proved again, changed or not, is read
 * afresh. Outside a proof every call derives it anew.
 */

let derived: WeakMap<object, Map<string, unknown>> | undefined;

/** Runs `work` as one proof (a proof run inside another belongs to it). */
export function asOneProof<T>(work: () => T): T {
    if (derived !== undefined) return work();
    derived = new WeakMap();
    try {
        return work();
    } finally {
        derived = undefined;
    }
}

/**
 * `derive(of)` once per proof for each `kind` (naming the derivation and
 * everything else its result depends on); a caller must not change what it
 * returns.
 */
export function perProof<K extends object, V>(kind: string, of: K, derive: (of: K) => V): V {
    if (derived === undefined) return derive(of);
    let kinds = derived.get(of);
    if (kinds === undefined) derived.set(of, (kinds = new Map<string, unknown>()));
    if (kinds.has(kind)) return kinds.get(kind) as V;
    const value = derive(of);
    kinds.set(kind, value);
    return value;
}
