// A lex/JFlex-style scanner: at each position the rule matching the most text wins, trailing
// context included in that length; equal lengths go to the earlier rule. The text a rule with
// trailing context consumes is its longest head after which the context matches the rest (JFlex's
// rule). Rules are compiled to one NFA and run as a DFA built lazily, one state per set reached.
//
// Pattern dialect (a subset of JS regex syntax; JFlex macros are spliced in as (?:...) groups):
// literals; \-escapes of punctuation; \t \n \r \f \v \0 \xHH \uHHHH; \p{name} for a set given
// in the options; classes [...] / [^...] with ranges, where [^] is any character; `.` (anything
// but a line break); (...) and (?:...); | ; * + ? {m} {m,n}. Input is read in UTF-16 code units,
// as JFlex does. With `caseless`, letters outside classes match both cases (JFlex's %caseless);
// classes are taken as written.

export type CharTest = (code: number) => boolean;

type Node =
  | { kind: "char"; test: CharTest }
  | { kind: "seq"; items: Node[] }
  | { kind: "alt"; items: Node[] }
  | { kind: "repeat"; item: Node; min: number; max: number };

/** JFlex 1.5's `.`: everything except the line-break characters. */
const LINE_BREAKS = new Set([0x0a, 0x0b, 0x0c, 0x0d, 0x85, 0x2028, 0x2029]);

class Parser {
  private i = 0;

  constructor(
    private readonly src: string,
    private readonly options: ScanOptions,
  ) {}

  parse(): Node {
    const node = this.alternation();
    if (this.i !== this.src.length) this.fail("unexpected ')'");
    return node;
  }

  private fail(message: string): never {
    throw new Error(`pattern ${JSON.stringify(this.src)} at ${this.i}: ${message}`);
  }

  private alternation(): Node {
    const items = [this.sequence()];
    while (this.src[this.i] === "|") {
      this.i++;
      items.push(this.sequence());
    }
    return items.length === 1 ? items[0] : { kind: "alt", items };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.i < this.src.length && this.src[this.i] !== "|" && this.src[this.i] !== ")") {
      items.push(this.quantified(this.atom()));
    }
    return { kind: "seq", items };
  }

  private quantified(item: Node): Node {
    for (;;) {
      const c = this.src[this.i];
      if (c === "*" || c === "+" || c === "?") {
        this.i++;
        item = { kind: "repeat", item, min: c === "+" ? 1 : 0, max: c === "?" ? 1 : Infinity };
      } else if (c === "{") {
        const m = /^\{(\d+)(?:,(\d+))?\}/.exec(this.src.slice(this.i));
        if (!m) this.fail("bad repetition");
        this.i += m[0].length;
        item = { kind: "repeat", item, min: Number(m[1]), max: Number(m[2] ?? m[1]) };
      } else {
        return item;
      }
    }
  }

  private atom(): Node {
    const c = this.src[this.i++];
    if (c === "(") {
      if (this.src.startsWith("?:", this.i)) this.i += 2;
      const inner = this.alternation();
      if (this.src[this.i++] !== ")") this.fail("missing ')'");
      return inner;
    }
    if (c === "[") return { kind: "char", test: this.charClass() };
    if (c === ".") return { kind: "char", test: (code) => !LINE_BREAKS.has(code) };
    if (c === "\\") {
      const e = this.escape();
      return { kind: "char", test: typeof e === "number" ? this.literal(e) : e };
    }
    if ("*+?{".includes(c)) this.fail(`nothing to repeat before '${c}'`);
    return { kind: "char", test: this.literal(c.charCodeAt(0)) };
  }

  private literal(code: number): CharTest {
    if (!this.options.caseless) return (x) => x === code;
    const ch = String.fromCharCode(code);
    const lower = ch.toLowerCase().charCodeAt(0);
    const upper = ch.toUpperCase().charCodeAt(0);
    return (x) => x === code || x === lower || x === upper;
  }

  /** After a backslash: a code unit, or a property test for \p{...}. */
  private escape(): number | CharTest {
    const c = this.src[this.i++];
    const hex = (n: number) => {
      const digits = this.src.slice(this.i, this.i + n);
      if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== n) this.fail("bad hex escape");
      this.i += n;
      return Number.parseInt(digits, 16);
    };
    switch (c) {
      case "u":
        return hex(4);
      case "x":
        return hex(2);
      case "t":
        return 0x09;
      case "n":
        return 0x0a;
      case "v":
        return 0x0b;
      case "f":
        return 0x0c;
      case "r":
        return 0x0d;
      case "0":
        return 0;
      case "p": {
        const m = /^\{(\w+)\}/.exec(this.src.slice(this.i));
        const named = m ? this.options.classes[m[1]] : undefined;
        if (!m || !named) this.fail("unknown class \\p{...}");
        this.i += m[0].length;
        return named;
      }
      default:
        if (c === undefined || /[A-Za-z0-9]/.test(c)) this.fail(`unknown escape \\${c}`);
        return c.charCodeAt(0);
    }
  }

  private charClass(): CharTest {
    const negated = this.src[this.i] === "^";
    if (negated) this.i++;
    const singles = new Set<number>();
    const ranges: [number, number][] = [];
    const tests: CharTest[] = [];
    while (this.src[this.i] !== "]") {
      if (this.i >= this.src.length) this.fail("missing ']'");
      const first = this.classItem();
      if (typeof first !== "number") {
        tests.push(first);
        continue;
      }
      if (this.src[this.i] === "-" && this.src[this.i + 1] !== "]") {
        this.i++;
        const last = this.classItem();
        if (typeof last !== "number" || last < first) this.fail("bad range");
        ranges.push([first, last]);
      } else {
        singles.add(first);
      }
    }
    this.i++;
    const inClass = (x: number) =>
      singles.has(x) || ranges.some(([lo, hi]) => x >= lo && x <= hi) || tests.some((t) => t(x));
    return negated ? (x) => !inClass(x) : inClass;
  }

  private classItem(): number | CharTest {
    const c = this.src[this.i++];
    return c === "\\" ? this.escape() : c.charCodeAt(0);
  }
}

/** NFA state: epsilon moves, and at most one character move. */
interface NfaState {
  eps: number[];
  test?: CharTest;
  next?: number;
}

class Nfa {
  readonly states: NfaState[] = [];
  /** Accepting state -> rule index. */
  readonly accepts = new Map<number, number>();

  add(): number {
    this.states.push({ eps: [] });
    return this.states.length - 1;
  }

  /** Builds `node` between two fresh states; returns [start, end]. */
  build(node: Node): [number, number] {
    const start = this.add();
    let end = start;
    const append = (fragment: [number, number]) => {
      this.states[end].eps.push(fragment[0]);
      end = fragment[1];
    };
    switch (node.kind) {
      case "char": {
        end = this.add();
        Object.assign(this.states[start], { test: node.test, next: end });
        break;
      }
      case "seq":
        for (const item of node.items) append(this.build(item));
        break;
      case "alt": {
        end = this.add();
        for (const item of node.items) {
          const [s, e] = this.build(item);
          this.states[start].eps.push(s);
          this.states[e].eps.push(end);
        }
        break;
      }
      case "repeat": {
        for (let k = 0; k < node.min; k++) append(this.build(node.item));
        if (node.max === Infinity) {
          const [s, e] = this.build(node.item);
          const loopEnd = this.add();
          this.states[end].eps.push(s, loopEnd);
          this.states[e].eps.push(s, loopEnd);
          end = loopEnd;
        } else {
          const optionalEnd = this.add();
          for (let k = node.min; k < node.max; k++) {
            this.states[end].eps.push(optionalEnd);
            append(this.build(node.item));
          }
          this.states[end].eps.push(optionalEnd);
          end = optionalEnd;
        }
        break;
      }
    }
    return [start, end];
  }
}

interface DfaState {
  nfa: number[];
  /** Lowest accepting rule index, or -1. */
  accept: number;
  next: Map<number, DfaState | null>;
}

/** One automaton over several rules, scanning for the longest match at a position. */
class Automaton {
  private readonly nfa = new Nfa();
  private readonly cache = new Map<string, DfaState>();
  private readonly start: DfaState;

  constructor(patterns: readonly Node[]) {
    const root = this.nfa.add();
    patterns.forEach((node, rule) => {
      const [s, e] = this.nfa.build(node);
      this.nfa.states[root].eps.push(s);
      this.nfa.accepts.set(e, rule);
    });
    this.start = this.state([root]);
  }

  private state(seeds: number[]): DfaState {
    const seen = new Set<number>();
    const stack = [...seeds];
    while (stack.length > 0) {
      const s = stack.pop()!;
      if (seen.has(s)) continue;
      seen.add(s);
      stack.push(...this.nfa.states[s].eps);
    }
    const nfa = [...seen].sort((a, b) => a - b);
    const key = nfa.join(",");
    let state = this.cache.get(key);
    if (!state) {
      let accept = -1;
      for (const s of nfa) {
        const rule = this.nfa.accepts.get(s);
        if (rule !== undefined && (accept < 0 || rule < accept)) accept = rule;
      }
      state = { nfa, accept, next: new Map() };
      this.cache.set(key, state);
    }
    return state;
  }

  private step(state: DfaState, code: number): DfaState | null {
    let next = state.next.get(code);
    if (next === undefined) {
      const targets: number[] = [];
      for (const s of state.nfa) {
        const { test, next: to } = this.nfa.states[s];
        if (test?.(code)) targets.push(to!);
      }
      next = targets.length === 0 ? null : this.state(targets);
      state.next.set(code, next);
    }
    return next;
  }

  /** Ends (exclusive) of every match starting at `from` and ending at or before `limit`, with
   * the lowest rule accepting there. */
  *matches(text: string, from: number, limit = text.length): Generator<{ end: number; rule: number }> {
    let state: DfaState | null = this.start;
    if (state.accept >= 0) yield { end: from, rule: state.accept };
    for (let i = from; i < limit && state; i++) {
      state = this.step(state, text.charCodeAt(i));
      if (state && state.accept >= 0) yield { end: i + 1, rule: state.accept };
    }
  }
}

export interface ScanOptions {
  /** Letters outside classes match both cases (JFlex's %caseless). */
  caseless: boolean;
  /** Named character sets, written \p{name} in patterns. */
  classes: Record<string, CharTest>;
}

export interface ScanRule {
  pattern: string;
  /** Trailing context: must follow the match, counts for its length, is not consumed. */
  context?: string;
}

export class LongestMatch {
  private readonly all: Automaton;
  private readonly heads: (Automaton | undefined)[];
  private readonly contexts: (Automaton | undefined)[];

  constructor(rules: readonly ScanRule[], options: ScanOptions) {
    const parse = (src: string) => new Parser(src, options).parse();
    this.all = new Automaton(
      rules.map((r) =>
        r.context === undefined ? parse(r.pattern) : parse(`(?:${r.pattern})(?:${r.context})`),
      ),
    );
    this.heads = rules.map((r) => (r.context === undefined ? undefined : new Automaton([parse(r.pattern)])));
    this.contexts = rules.map((r) =>
      r.context === undefined ? undefined : new Automaton([parse(r.context)]),
    );
  }

  /** The winning rule at `pos` and the length it consumes; undefined if no rule matches text. */
  match(text: string, pos: number): { rule: number; length: number } | undefined {
    let best: { end: number; rule: number } | undefined;
    for (const m of this.all.matches(text, pos)) if (m.end > pos) best = m;
    if (!best) return undefined;
    const head = this.heads[best.rule];
    if (!head) return { rule: best.rule, length: best.end - pos };
    const total = best.end;
    const headEnds = [...head.matches(text, pos, total)].map((m) => m.end).reverse();
    for (const end of headEnds) {
      let contextEnd = -1;
      for (const m of this.contexts[best.rule]!.matches(text, end, total)) contextEnd = m.end;
      if (contextEnd === total) return { rule: best.rule, length: end - pos };
    }
    throw new Error(`rule ${best.rule}: no split of its match into head and context`);
  }
}
