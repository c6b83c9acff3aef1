// Debian's Chromium, headless, driven over the DevTools protocol on a pipe (--remote-debugging-pipe: JSON
// messages separated by NUL bytes, commands written to the browser's fd 3 and answers read from its fd 4), so
// the test needs no WebSocket client and no npm package. Every command has a deadline and the browser is
// killed on close, so a broken browser fails the test instead of hanging it.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";

export const CHROMIUM = "/usr/bin/chromium";

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--hide-scrollbars",
  "--remote-debugging-pipe",
];

const DEADLINE_MS = 30_000;

// biome-ignore lint/suspicious/noExplicitAny: protocol messages are JSON of many shapes
type Json = any;

export interface CdpEvent {
  method: string;
  sessionId?: string;
  params: Json;
}

export class HeadlessChromium {
  readonly events: CdpEvent[] = [];
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: Json) => void; reject: (e: Error) => void }>();
  private waiters: { test: (e: CdpEvent) => boolean; resolve: (e: CdpEvent) => void }[] = [];
  private stderr = "";
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
  ) {
    const input = child.stdio[4] as Readable;
    let buffered = "";
    input.setEncoding("utf8");
    input.on("data", (chunk: string) => {
      buffered += chunk;
      let end = buffered.indexOf("\0");
      while (end >= 0) {
        this.dispatch(JSON.parse(buffered.slice(0, end)));
        buffered = buffered.slice(end + 1);
        end = buffered.indexOf("\0");
      }
    });
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (s: string) => {
      this.stderr = (this.stderr + s).slice(-4000);
    });
    child.on("exit", () => {
      this.exited = true;
      for (const p of this.pending.values())
        p.reject(new Error(`chromium exited; its stderr:\n${this.stderr}`));
      this.pending.clear();
    });
  }

  /** Starts the browser with a fresh profile directory; fails with the fix when it is not installed. */
  static launch(): HeadlessChromium {
    if (!existsSync(CHROMIUM))
      throw new Error(
        `${CHROMIUM} not found: the report's browser test needs Debian's Chromium; install it with ` +
          "`apt-get install -y --no-install-recommends chromium`",
      );
    const profile = mkdtempSync(join(tmpdir(), "lntune-chromium-"));
    const child = spawn(CHROMIUM, [...FLAGS, `--user-data-dir=${profile}`, "about:blank"], {
      stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"],
    });
    return new HeadlessChromium(child, profile);
  }

  private dispatch(message: Json): void {
    if (message.id !== undefined) {
      const p = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) p?.reject(new Error(`DevTools: ${JSON.stringify(message.error)}`));
      else p?.resolve(message.result);
      return;
    }
    const event: CdpEvent = { method: message.method, sessionId: message.sessionId, params: message.params };
    this.events.push(event);
    this.waiters = this.waiters.filter((w) => {
      if (!w.test(event)) return true;
      w.resolve(event);
      return false;
    });
  }

  send(method: string, params: Json = {}, sessionId?: string): Promise<Json> {
    if (this.exited) return Promise.reject(new Error(`chromium is not running; its stderr:\n${this.stderr}`));
    const id = this.nextId++;
    const out = this.child.stdio[3] as Writable;
    out.write(`${JSON.stringify({ id, method, params, sessionId })}\0`);
    return this.deadline(
      new Promise((resolve, reject) => this.pending.set(id, { resolve, reject })),
      `DevTools command ${method}`,
    );
  }

  /** The first event (already seen or to come) that passes `test`. */
  waitFor(test: (e: CdpEvent) => boolean, what: string): Promise<CdpEvent> {
    const seen = this.events.find(test);
    if (seen) return Promise.resolve(seen);
    return this.deadline(
      new Promise((resolve) => this.waiters.push({ test, resolve })),
      `waiting for ${what}`,
    );
  }

  private deadline<T>(p: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new Error(`${what}: no answer in ${DEADLINE_MS} ms; chromium's stderr:\n${this.stderr}`)),
        DEADLINE_MS,
      );
    });
    return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
  }

  /** A new tab with network, page, log and runtime events on, loaded with `url`; returns its session. */
  async open(url: string): Promise<string> {
    const { targetId } = await this.send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await this.send("Target.attachToTarget", { targetId, flatten: true });
    for (const domain of ["Network", "Page", "Log", "Runtime"])
      await this.send(`${domain}.enable`, {}, sessionId);
    await this.send("Page.navigate", { url }, sessionId);
    await this.waitFor(
      (e) => e.sessionId === sessionId && e.method === "Page.loadEventFired",
      `${url} to load`,
    );
    return sessionId;
  }

  /** The value of a JavaScript expression evaluated in the page. */
  async evaluate(sessionId: string, expression: string): Promise<Json> {
    const r = await this.send("Runtime.evaluate", { expression, returnByValue: true }, sessionId);
    if (r.exceptionDetails) throw new Error(`in the page: ${JSON.stringify(r.exceptionDetails)}`);
    return r.result.value;
  }

  /** A PNG of the whole page at the given CSS width. */
  async screenshot(sessionId: string, width: number): Promise<Buffer> {
    await this.send(
      "Emulation.setDeviceMetricsOverride",
      { width, height: 800, deviceScaleFactor: 1, mobile: false },
      sessionId,
    );
    const { cssContentSize } = await this.send("Page.getLayoutMetrics", {}, sessionId);
    const clip = { x: 0, y: 0, width, height: Math.ceil(cssContentSize.height), scale: 1 };
    const { data } = await this.send(
      "Page.captureScreenshot",
      { format: "png", captureBeyondViewport: true, clip },
      sessionId,
    );
    return Buffer.from(data, "base64");
  }

  /** Events of one tab. */
  eventsOf(sessionId: string): CdpEvent[] {
    return this.events.filter((e) => e.sessionId === sessionId);
  }

  /** Kills the browser, waits for it to exit, and removes its profile. */
  async close(): Promise<void> {
    if (!this.exited) {
      const exited = new Promise((resolve) => this.child.once("exit", resolve));
      this.child.kill("SIGKILL");
      await exited;
    }
    rmSync(this.profile, { recursive: true, force: true });
  }
}
