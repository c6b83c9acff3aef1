// Writes a run's results.json and the report.html rendered from it into the run's directory, each atomically,
// so a reader never sees half a file and a killed run leaves the previous pair intact.
import { join } from "node:path";
import { writeFileAtomic } from "../../io/atomic_write.ts";
import { renderHtml } from "./render_html.ts";
import type { SandboxResults } from "./results.ts";

export function writeReport(dir: string, results: SandboxResults): { results: string; report: string } {
  const paths = { results: join(dir, "results.json"), report: join(dir, "report.html") };
  writeFileAtomic(paths.results, `${JSON.stringify(results, null, 2)}\n`);
  writeFileAtomic(paths.report, renderHtml(results));
  return paths;
}
