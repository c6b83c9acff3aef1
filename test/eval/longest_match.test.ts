// Expectations worked out by hand from lex/JFlex matching rules.
import assert from "node:assert/strict";
import { test } from "node:test";
import { LongestMatch, type ScanRule } from "../../src/eval/metrics/longest_match.ts";

const scan = (rules: ScanRule[], text: string, pos = 0, caseless = false) =>
  new LongestMatch(rules, {
    caseless,
    classes: { vowel: (c) => "aeiou".includes(String.fromCharCode(c)) },
  }).match(text, pos);

test("the rule matching the most text wins, whatever its place in the list", () => {
  assert.deepEqual(scan([{ pattern: "a" }, { pattern: "ab|abc" }, { pattern: "b" }], "abcd"), {
    rule: 1,
    length: 3,
  });
  assert.deepEqual(scan([{ pattern: "a" }, { pattern: "b" }], "xb", 1), { rule: 1, length: 1 });
});

test("equal lengths go to the earlier rule", () => {
  assert.deepEqual(scan([{ pattern: "[a-z]+" }, { pattern: "if" }], "if("), { rule: 0, length: 2 });
  assert.deepEqual(scan([{ pattern: "if" }, { pattern: "[a-z]+" }], "if("), { rule: 0, length: 2 });
});

test("trailing context counts for the length but is not consumed", () => {
  // Both rules cover "abc"; the first is earlier and consumes only "ab".
  assert.deepEqual(scan([{ pattern: "ab", context: "c" }, { pattern: "abc" }], "abcd"), {
    rule: 0,
    length: 2,
  });
  // "ab" + context beats the shorter "ab" alone even when listed later.
  assert.deepEqual(scan([{ pattern: "ab" }, { pattern: "a", context: "bc" }], "abc"), { rule: 1, length: 1 });
  // Without the context present the rule cannot match.
  assert.deepEqual(scan([{ pattern: "a", context: "bc" }, { pattern: "a" }], "ab"), { rule: 1, length: 1 });
});

test("with trailing context the head is the longest that leaves a matching context", () => {
  assert.deepEqual(scan([{ pattern: "a+", context: "a*b" }], "aaab"), { rule: 0, length: 3 });
});

test("caseless literals match both cases; classes only as written", () => {
  assert.deepEqual(scan([{ pattern: "ab" }], "AB", 0, true), { rule: 0, length: 2 });
  assert.equal(scan([{ pattern: "ab" }], "AB", 0, false), undefined);
  assert.equal(scan([{ pattern: "[a]b" }], "Ab", 0, true), undefined);
});

test("repetitions, negated and any-character classes, dot and named sets", () => {
  assert.deepEqual(scan([{ pattern: "x{2,3}" }], "xxxx"), { rule: 0, length: 3 });
  assert.equal(scan([{ pattern: "x{2,3}" }], "x"), undefined);
  assert.deepEqual(scan([{ pattern: "[^ab]+" }], "cdab"), { rule: 0, length: 2 });
  assert.deepEqual(scan([{ pattern: "[^][^]" }], "\n\n"), { rule: 0, length: 2 });
  assert.deepEqual(scan([{ pattern: ".+" }], "ab\ncd"), { rule: 0, length: 2 });
  assert.deepEqual(scan([{ pattern: String.raw`\p{vowel}+` }], "aeb"), { rule: 0, length: 2 });
  assert.deepEqual(scan([{ pattern: "[,-/]+" }], ",-./0"), { rule: 0, length: 4 });
  assert.deepEqual(scan([{ pattern: String.raw`\u0041\x42` }], "AB"), { rule: 0, length: 2 });
});

test("patterns the dialect cannot read are rejected with their text", () => {
  assert.throws(
    () => scan([{ pattern: String.raw`\p{nope}` }], "a"),
    /pattern "\\\\p\{nope\}" at \d+: unknown class/,
  );
  assert.throws(() => scan([{ pattern: "(a" }], "a"), /missing '\)'/);
  assert.throws(() => scan([{ pattern: "*a" }], "a"), /nothing to repeat/);
  assert.throws(() => scan([{ pattern: "[b-a]" }], "a"), /bad range/);
});
