// The elements of a top-level JSON array, read as a stream: LLaVA's data files are single JSON lists (the
// 665k-sample mix is over 1 GB, beyond the longest string V8 can hold), so the file is never decoded whole.
// Each element's bytes are cut out by tracking nesting and strings, then decoded (strict UTF-8) and parsed on
// their own; errors keep the file's line and column.
import { createReadStream } from "node:fs";
import { decodeUtf8, parseJson } from "./text.ts";

/** An element larger than this is refused rather than buffered (a bound on memory, not on the file). */
export const MAX_ELEMENT_BYTES = 64 * 2 ** 20;

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const [OPEN_BRACKET, CLOSE_BRACKET, OPEN_BRACE, CLOSE_BRACE, QUOTE, BACKSLASH, COMMA, NEWLINE] = [
  0x5b, 0x5d, 0x7b, 0x7d, 0x22, 0x5c, 0x2c, 0x0a,
];

export interface JsonArrayElement {
  index: number;
  /** 1-based line where the element starts. */
  line: number;
  value: unknown;
}

type State = "start" | "value" | "separator" | "element" | "end";

export async function* streamJsonArray(path: string, what = "a JSON list"): AsyncGenerator<JsonArrayElement> {
  // Where the reader is: before "[", between elements (expecting a value, or "," / "]"), inside one, after "]".
  let state = "start" as State;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let line = 1;
  let column = 0;
  let index = 0;
  let parts: Buffer[] = [];
  let size = 0;
  let startLine = 0;
  let startColumn = 0;
  const fail = (message: string): never => {
    throw new Error(`${path}:${line}:${column}: ${message}`);
  };
  const finish = (): JsonArrayElement => {
    const bytes = Buffer.concat(parts);
    parts = [];
    size = 0;
    // Padding the first line keeps parse-error columns those of the file.
    const text = " ".repeat(startColumn - 1) + decodeUtf8(bytes, path, startLine);
    return { index: index++, line: startLine, value: parseJson(text, path, startLine) };
  };
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let elementFrom = state === "element" ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === NEWLINE) {
        line++;
        column = 0;
      } else if ((b & 0xc0) !== 0x80) column++;
      if (state === "element") {
        if (inString) {
          if (escaped) escaped = false;
          else if (b === BACKSLASH) escaped = true;
          else if (b === QUOTE) inString = false;
          continue;
        }
        if (b === QUOTE) inString = true;
        else if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
        else if (b === CLOSE_BRACE || b === CLOSE_BRACKET || (depth === 0 && b === COMMA)) {
          if (depth > 0) depth--;
          else {
            // The element ended just before this byte; the byte is the array's "," or "]".
            parts.push(chunk.subarray(elementFrom, i));
            elementFrom = -1;
            yield finish();
            state = b === COMMA ? "value" : "end";
            continue;
          }
        } else if (depth === 0 && WS.has(b) && !inString) {
          // A scalar element ends at whitespace; the separator follows.
          parts.push(chunk.subarray(elementFrom, i));
          elementFrom = -1;
          yield finish();
          state = "separator";
          continue;
        }
        continue;
      }
      if (WS.has(b)) continue;
      if (state === "start") {
        if (b !== OPEN_BRACKET) fail(`expected ${what}`);
        state = "value";
      } else if (state === "separator") {
        if (b === COMMA) state = "value";
        else if (b === CLOSE_BRACKET) state = "end";
        else fail('expected "," or "]" after an element');
      } else if (state === "value") {
        if (b === CLOSE_BRACKET && index === 0 && parts.length === 0) state = "end";
        else if (b === COMMA || b === CLOSE_BRACKET) fail("expected a value");
        else {
          state = "element";
          elementFrom = i;
          startLine = line;
          startColumn = column;
          depth = b === OPEN_BRACE || b === OPEN_BRACKET ? 1 : 0;
          // A container ends with its closing bracket, a scalar at the next "," "]" or space.
          inString = b === QUOTE;
        }
      } else fail("unexpected content after the end of the list");
    }
    if (state === "element") {
      parts.push(chunk.subarray(elementFrom));
      size += chunk.length - elementFrom;
      if (size > MAX_ELEMENT_BYTES)
        throw new Error(`${path}:${startLine}: an element larger than ${MAX_ELEMENT_BYTES} bytes`);
    }
  }
  // The loop's assignments are invisible to the narrowing here (they happen across yields).
  const last = state as State;
  if (last !== "end") fail(last === "start" ? `expected ${what}` : "unexpected end of the file");
}
