// Text and JSON input with errors that name the file, line and column. Text must be valid UTF-8: a file in
// another encoding would otherwise be decoded with replacement characters and trained or scored on silently.
// JSON errors carry a position on every Node version (Node 20's JSON.parse messages give none).
import { createReadStream, readFileSync } from "node:fs";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lastBreak = before.lastIndexOf("\n");
  return { line: before.split("\n").length, column: offset - lastBreak };
}

/** Byte offset of the first malformed UTF-8 sequence (-1 when the bytes are valid). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    const n =
      b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (n === 0 || i + n > bytes.length) return i;
    try {
      utf8.decode(bytes.subarray(i, i + n));
    } catch {
      return i;
    }
    i += n;
  }
  return -1;
}

/** Decodes UTF-8 strictly; `where` names the source ("file" or "file:12" for one line of it). */
export function decodeUtf8(bytes: Uint8Array, where: string, firstLine = 1): string {
  try {
    return utf8.decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const { line, column } = lineColumn(Buffer.from(bytes.subarray(0, at)).toString("latin1"), at);
    throw new Error(
      `${where}:${firstLine + line - 1}:${column}: not valid UTF-8 (byte 0x${bytes[at].toString(16)}); save the file as UTF-8`,
    );
  }
}

export function readTextFile(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new Error(`${path}: cannot read file (${err instanceof Error ? err.message : String(err)})`);
  }
  return decodeUtf8(bytes, path);
}

/** Offset at which `text` stops being valid JSON (text.length when it is complete but has trailing content). */
function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i])) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail();
  };
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) fail();
      if (text[i] === "\\") {
        i++;
        if (text[i] === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? "x")) fail();
      }
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === "" || m[0] === "-") fail();
    i += (m as RegExpExecArray)[0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === "{" || c === "[") {
      const close = c === "{" ? "}" : "]";
      i++;
      ws();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (c === "{") {
          ws();
          if (text[i] !== '"') fail();
          string();
          ws();
          if (text[i] !== ":") fail();
          i++;
        }
        value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === close) {
          i++;
          return;
        } else fail();
      }
    }
    if (c === '"') string();
    else if (c === "t") literal("true");
    else if (c === "f") literal("false");
    else if (c === "n") literal("null");
    else number();
  };
  try {
    value();
    ws();
    return i;
  } catch (at) {
    return at as number;
  }
}

/** JSON.parse whose errors read "where:line:column: message". `firstLine` numbers lines of an excerpt. */
export function parseJson(text: string, where: string, firstLine = 1): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const { line, column } = lineColumn(text, Math.min(jsonErrorOffset(text), text.length));
    const message = (err instanceof Error ? err.message : String(err)).replace(/^Unexpected/, "unexpected");
    throw new SyntaxError(`${where}:${firstLine + line - 1}:${column}: not valid JSON (${message})`);
  }
}

/** A line longer than this is refused rather than buffered (a bound on memory, not on the file). */
export const MAX_LINE_BYTES = 64 * 2 ** 20;

/** Lines of a text file (1-based numbers), streamed, each decoded strictly as UTF-8; a final "\r" is dropped. */
export async function* readTextLines(path: string): AsyncGenerator<{ line: number; text: string }> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let line = 0;
  const emit = (bytes: Buffer) => {
    line++;
    const end = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length;
    return { line, text: decodeUtf8(bytes.subarray(0, end), path, line) };
  };
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      pending.push(chunk.subarray(start, nl));
      yield emit(Buffer.concat(pending));
      pending = [];
      pendingBytes = 0;
      start = nl + 1;
    }
    if (start < chunk.length) {
      pending.push(chunk.subarray(start));
      pendingBytes += chunk.length - start;
      if (pendingBytes > MAX_LINE_BYTES)
        throw new Error(`${path}:${line + 1}: a line longer than ${MAX_LINE_BYTES} bytes`);
    }
  }
  if (pending.length > 0) yield emit(Buffer.concat(pending));
}
