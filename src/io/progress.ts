// Progress display for long work: a bar with rate and ETA on a terminal (cli-progress), plain periodic
// lines otherwise (logs, CI), nothing when quiet.
import cliProgress from "cli-progress";

export interface Progress {
  update(done: number, fields: Record<string, string | number>): void;
  stop(): void;
}

export function createProgress(
  label: string,
  total: number,
  start: number,
  mode: "auto" | "quiet" = "auto",
): Progress {
  if (mode === "quiet") return { update() {}, stop() {} };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} |{bar}| {value}/{total} {info} | ETA {eta_formatted}`,
        stream: process.stderr,
        etaBuffer: 20,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, start, { info: "" });
    return {
      update(done, fields) {
        bar.update(done, {
          info: Object.entries(fields)
            .map(([k, v]) => `${k} ${v}`)
            .join(" "),
        });
      },
      stop: () => bar.stop(),
    };
  }
  const t0 = Date.now();
  let lastPrint = 0;
  return {
    update(done, fields) {
      const now = Date.now();
      if (done < total && now - lastPrint < 10_000) return;
      lastPrint = now;
      const rate = (done - start) / Math.max(1e-3, (now - t0) / 1000);
      const eta = rate > 0 ? Math.round((total - done) / rate) : 0;
      const info = Object.entries(fields)
        .map(([k, v]) => `${k} ${v}`)
        .join(" ");
      process.stderr.write(`${label} ${done}/${total} ${info} | ${rate.toFixed(2)}/s | ETA ${eta}s\n`);
    },
    stop() {},
  };
}
