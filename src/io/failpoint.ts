// Fault injection for the reliability tests. LNTUNE_FAILPOINT="name[@k][:action]" makes the k-th pass (default
// the first) through failpoint(name) end the process as SIGKILL would ("kill", the default), or fail like a full
// disk ("enospc") or a read-only file system ("eacces"); "count" only reports the passes on stderr at exit, so
// a test knows the points there are to try. Unset, as it always is outside those tests, a failpoint costs one
// comparison.

interface Failpoint {
  name: string;
  hit: number;
  action: "kill" | "enospc" | "eacces" | "count";
}

function parse(value: string | undefined): Failpoint | null {
  if (!value) return null;
  const m = /^([\w:.-]+?)(?:@(\d+))?(?::(kill|enospc|eacces|count))?$/.exec(value);
  if (!m) throw new Error(`LNTUNE_FAILPOINT must be "name[@k][:kill|enospc|eacces|count]", not "${value}"`);
  return { name: m[1], hit: m[2] ? Number(m[2]) : 1, action: (m[3] as Failpoint["action"]) ?? "kill" };
}

const armed = parse(process.env.LNTUNE_FAILPOINT);
let hits = 0;
if (armed?.action === "count")
  process.on("exit", () => process.stderr.write(`failpoint ${armed.name}: ${hits} passes\n`));

export function failpoint(name: string): void {
  if (armed === null || armed.name !== name || ++hits !== armed.hit || armed.action === "count") return;
  if (armed.action === "kill") process.kill(process.pid, "SIGKILL");
  const code = armed.action === "enospc" ? "ENOSPC" : "EACCES";
  const what = code === "ENOSPC" ? "no space left on device" : "permission denied";
  throw Object.assign(new Error(`${code}: ${what} (injected at ${name})`), { code });
}
