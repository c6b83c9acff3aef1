import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { renderHtml } from "../../../src/sandbox/report/render_html.ts";
import { writeReport } from "../../../src/sandbox/report/write_report.ts";
import { sampleResults } from "./sample_results.ts";

test("writeReport leaves exactly results.json and report.html, the page being what the file renders to", () => {
  const dir = mkdtempSync(join(tmpdir(), "lntune-write-report-"));
  try {
    const paths = writeReport(dir, sampleResults());
    assert.deepEqual(paths, { results: join(dir, "results.json"), report: join(dir, "report.html") });
    assert.deepEqual(readdirSync(dir).sort(), ["report.html", "results.json"]);
    const fromFile = JSON.parse(readFileSync(paths.results, "utf8"));
    assert.deepEqual(fromFile, sampleResults());
    assert.equal(readFileSync(paths.report, "utf8"), renderHtml(fromFile));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("writeReport into a missing directory fails with the path in the error", () => {
  const missing = join(tmpdir(), "lntune-no-such-dir", "run");
  assert.throws(
    () => writeReport(missing, {}),
    (e: Error) => e.message.includes(missing),
  );
});
