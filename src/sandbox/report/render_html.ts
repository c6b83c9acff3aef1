// report.html from results.json: one self-contained page (inline CSS and SVG, no script, nothing fetched;
// its Content-Security-Policy forbids loading anything) that is the same bytes for the same results.
import { escapeHtml } from "./format.ts";
import {
  ablationSection,
  dataTypesSection,
  gradVarianceSection,
  lossSection,
  lrSweepSection,
  probeSection,
  settingsSection,
  similaritySection,
  table1Section,
  table2Section,
} from "./report_sections.ts";
import type { SandboxResults } from "./results.ts";

const STYLE = `
body{margin:0;background:#fff;color:#222;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
main{max-width:880px;margin:0 auto;padding:24px 20px 40px}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:30px 0 8px;padding-bottom:3px;border-bottom:1px solid #ddd}
p.note{color:#555;font-size:12.5px;margin:6px 0 10px}
table{border-collapse:collapse;margin:6px 0;font-size:13px}
caption{text-align:left;color:#555;font-size:12.5px;padding-bottom:4px}
th,td{padding:3px 9px;text-align:left;white-space:nowrap}
th{border-bottom:1.5px solid #444;font-weight:600}
tbody tr:nth-child(even){background:#f5f7fa}
tbody tr:last-child td{border-bottom:1px solid #bbb}
.num{text-align:right;font-variant-numeric:tabular-nums}
dl.facts{display:grid;grid-template-columns:max-content auto;gap:2px 14px;margin:6px 0 12px;font-size:13px}
dl.facts dt{color:#555}
dl.facts dd{margin:0;font-variant-numeric:tabular-nums}
figure{margin:10px 0 4px}
svg{display:block;width:100%;height:auto;max-width:720px;font-family:inherit}
svg .chart-title{font-size:14px;font-weight:600;fill:#222}
svg .panel-title{font-size:12.5px;font-weight:600;fill:#333}
svg .tick{font-size:11px;fill:#555}
svg .axis-label,svg .legend,svg .point-label{font-size:12px;fill:#333}
svg .note{font-size:11px;fill:#777;font-style:italic}
svg .grid{stroke:#e6e6e6;stroke-width:1}
svg .axis{stroke:#666;stroke-width:1}
svg .line{fill:none;stroke-width:2;stroke-linejoin:round;stroke-linecap:round}
`;

export function renderHtml(results: SandboxResults): string {
  const title = results.title ?? "lntune demo";
  const sections = [
    settingsSection,
    probeSection,
    lrSweepSection,
    table1Section,
    table2Section,
    lossSection,
    dataTypesSection,
    ablationSection,
    similaritySection,
    gradVarianceSection,
  ].map((render) => render(results));
  return [
    "<!DOCTYPE html>",
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>`,
    `<body><main><h1>${escapeHtml(title)}</h1>`,
    '<p class="note">LayerNorm tuning and the methods it is compared with, trained and evaluated on the synthetic sandbox.</p>',
    ...sections.filter(Boolean),
    "</main></body></html>",
    "",
  ].join("\n");
}
