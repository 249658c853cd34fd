import { serveJsonWorker } from "../lib/json-worker";
import { crossCheck } from "./cross-check";

serveJsonWorker(crossCheck);
