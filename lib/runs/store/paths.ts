import { resolve } from "node:path";

/**
 * Where SQLite keeps runs by default: `.data/runs.db` in the directory `npm` was run from (the
 * standalone server changes into its own directory, which a rebuild deletes).
 */
export function defaultRunsDbPath(): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), ".data", "runs.db");
}
