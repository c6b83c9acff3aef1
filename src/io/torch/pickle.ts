// A restricted unpickler: the binary opcodes that torch.save's pickles use (protocol 2, and the few that
// protocols 3-5 add for strings, bytes and framing). It never imports or runs anything: a GLOBAL is resolved
// only through the caller's findGlobal, which refuses every name it does not know, and the only calls are
// the caller's own functions it handed out. Python lists and tuples become arrays (tuples frozen), dicts
// become PickleDict.

/** A Python global the caller allowed; `call` is what REDUCE does with it (null: not callable). */
export class PickleGlobal {
  constructor(
    readonly name: string,
    readonly call: ((args: readonly unknown[]) => unknown) | null = null,
  ) {}
}

/** A dict or OrderedDict, in insertion order. `state` is what BUILD set (an OrderedDict's attributes, e.g.
 * the `_metadata` of a module's state_dict()). */
export class PickleDict {
  readonly items = new Map<unknown, unknown>();
  state: unknown = null;
}

export interface PickleHooks {
  /** The object for `module.name`; throws to refuse it. */
  findGlobal(module: string, name: string): PickleGlobal;
  /** The object a persistent id stands for (torch: a storage). */
  persistentLoad(pid: unknown): unknown;
}

/** Longest integer encoding accepted (LONG1/LONG4); a state dict's integers fit in 8 bytes. */
const MAX_LONG_BYTES = 64;

export function unpickle(bytes: Uint8Array, hooks: PickleHooks, fail: (detail: string) => Error): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  let pos = 0;
  let opAt = 0;
  const error = (detail: string) => fail(`byte ${opAt}: ${detail}`);
  const need = (n: number) => {
    if (pos + n > bytes.length) throw error("the pickle ends early (truncated?)");
  };
  const u8 = () => {
    need(1);
    return bytes[pos++];
  };
  const u16 = () => {
    need(2);
    pos += 2;
    return view.getUint16(pos - 2, true);
  };
  const u32 = () => {
    need(4);
    pos += 4;
    return view.getUint32(pos - 4, true);
  };
  const u64 = () => {
    need(8);
    const v = view.getBigUint64(pos, true);
    pos += 8;
    if (v > BigInt(bytes.length)) throw error(`a length of ${v} runs past the pickle`);
    return Number(v);
  };
  const take = (n: number) => {
    need(n);
    pos += n;
    return bytes.subarray(pos - n, pos);
  };
  const line = () => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) throw error("the pickle ends early (truncated?)");
    const s = new TextDecoder().decode(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const text = (n: number) => {
    const raw = take(n);
    try {
      return utf8.decode(raw);
    } catch {
      throw error("a string is not valid UTF-8");
    }
  };
  const latin1 = (n: number) => Array.from(take(n), (c) => String.fromCharCode(c)).join("");
  const long = (n: number) => {
    if (n > MAX_LONG_BYTES) throw error(`an integer of ${n} bytes`);
    const b = take(n);
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    if (n > 0 && b[n - 1] & 0x80) v -= 1n << BigInt(8 * n);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  };

  let stack: unknown[] = [];
  const marks: unknown[][] = [];
  const memo = new Map<number, unknown>();
  const pop = () => {
    if (stack.length === 0) throw error("pops an empty stack");
    return stack.pop();
  };
  const top = () => {
    if (stack.length === 0) throw error("reads an empty stack");
    return stack[stack.length - 1];
  };
  const popMark = () => {
    const items = stack;
    const outer = marks.pop();
    if (!outer) throw error("no MARK to pop to");
    stack = outer;
    return items;
  };
  const tuple = (items: unknown[]) => Object.freeze(items);
  const list = (v: unknown) => {
    if (!Array.isArray(v) || Object.isFrozen(v)) throw error("appends to something that is not a list");
    return v;
  };
  const dict = (v: unknown) => {
    if (!(v instanceof PickleDict)) throw error("sets an item on something that is not a dict");
    return v;
  };
  const get = (i: number) => {
    if (!memo.has(i)) throw error(`memo slot ${i} was never set`);
    return memo.get(i);
  };
  const global = (module: string, name: string) => stack.push(hooks.findGlobal(module, name));

  for (;;) {
    opAt = pos;
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        if (u8() > 5) throw error("pickle protocol newer than 5");
        break;
      case 0x95: // FRAME: a length hint only
        u64();
        break;
      case 0x2e: // STOP
        if (marks.length) throw error("STOP inside an unclosed MARK");
        return pop();
      case 0x28: // MARK
        marks.push(stack);
        stack = [];
        break;
      case 0x30: // POP
        pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4a: // BININT
        need(4);
        stack.push(view.getInt32(pos, true));
        pos += 4;
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x8a: // LONG1
        stack.push(long(u8()));
        break;
      case 0x8b: // LONG4
        stack.push(long(u32()));
        break;
      case 0x47: // BINFLOAT (big-endian)
        need(8);
        stack.push(view.getFloat64(pos, false));
        pos += 8;
        break;
      case 0x58: // BINUNICODE
        stack.push(text(u32()));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(text(u8()));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(text(u64()));
        break;
      case 0x54: // BINSTRING (Python 2 str)
        stack.push(latin1(u32()));
        break;
      case 0x55: // SHORT_BINSTRING
        stack.push(latin1(u8()));
        break;
      case 0x42: // BINBYTES
        stack.push(take(u32()).slice());
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(take(u8()).slice());
        break;
      case 0x8e: // BINBYTES8
        stack.push(take(u64()).slice());
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push(tuple([]));
        break;
      case 0x85: // TUPLE1
        stack.push(tuple([pop()]));
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        stack.push(tuple([pop(), b]));
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        stack.push(tuple([pop(), b, c]));
        break;
      }
      case 0x74: {
        // TUPLE (popMark replaces `stack`: take the items before pushing)
        const items = tuple(popMark());
        stack.push(items);
        break;
      }
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x6c: {
        // LIST
        const items = popMark();
        stack.push(items);
        break;
      }
      case 0x61: {
        // APPEND
        const v = pop();
        list(top()).push(v);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        const target = list(top());
        for (const v of items) target.push(v);
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(new PickleDict());
        break;
      case 0x64: {
        // DICT
        const items = popMark();
        const d = new PickleDict();
        if (items.length % 2) throw error("DICT with an odd number of items");
        for (let i = 0; i < items.length; i += 2) d.items.set(items[i], items[i + 1]);
        stack.push(d);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        dict(top()).items.set(k, v);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        if (items.length % 2) throw error("SETITEMS with an odd number of items");
        const d = dict(top());
        for (let i = 0; i < items.length; i += 2) d.items.set(items[i], items[i + 1]);
        break;
      }
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
        stack.push(get(u8()));
        break;
      case 0x6a: // LONG_BINGET
        stack.push(get(u32()));
        break;
      case 0x63: // GLOBAL "module\nname\n"
        global(line(), line());
        break;
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== "string" || typeof name !== "string")
          throw error("STACK_GLOBAL needs two strings");
        global(module, name);
        break;
      }
      case 0x51: // BINPERSID
        stack.push(hooks.persistentLoad(pop()));
        break;
      case 0x52: {
        // REDUCE
        const args = pop();
        const f = pop();
        if (!(f instanceof PickleGlobal) || !f.call)
          throw error(`calls ${describe(f)}, which is not callable`);
        if (!Array.isArray(args)) throw error(`calls ${f.name} with ${describe(args)} instead of a tuple`);
        stack.push(f.call(args));
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop();
        const obj = top();
        if (!(obj instanceof PickleDict)) throw error(`sets the state of ${describe(obj)}`);
        obj.state = state;
        break;
      }
      default:
        throw error(`opcode 0x${op.toString(16).padStart(2, "0")} is not one a state dict needs`);
    }
  }
}

/** A short description of a pickled value for error messages. */
export function describe(v: unknown): string {
  if (v === null) return "None";
  if (v instanceof PickleGlobal) return v.name;
  if (v instanceof PickleDict) return "a dict";
  if (Array.isArray(v)) return Object.isFrozen(v) ? "a tuple" : "a list";
  if (v instanceof Uint8Array) return "bytes";
  if (typeof v === "object") return `a ${v.constructor.name}`;
  const text = JSON.stringify(typeof v === "bigint" ? String(v) : v) ?? String(v);
  return `the ${typeof v} ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
}
