import * as path from "path";
import { defaultLambdaBundlePath } from "../private-invocation-logging/lambda-bundle";

/** Where `npm run build` writes the enforcer bundle, relative to the package root. */
export const ENFORCER_BUNDLE_RELATIVE_PATH = path.join("dist", "enforcer", "index.mjs");

/** The bundled enforcer shipped with this package, next to the runtime bundle. */
export function defaultEnforcerBundlePath(): string {
    return path.join(path.dirname(path.dirname(defaultLambdaBundlePath())), "enforcer", "index.mjs");
}
