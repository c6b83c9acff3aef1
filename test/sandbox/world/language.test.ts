import assert from "node:assert/strict";
import { test } from "node:test";
import {
  cocoCaptions,
  complexReasoning,
  conversation,
  detailedDescription,
  flickrCaptions,
  humanAnswers,
  MME_WORLD_SUBTASKS,
  mmePair,
  sceneInWords,
  shortQuestion,
  wordsOf,
  worldLanguage,
  worldWords,
} from "../../../src/sandbox/world/language.ts";
import { type Scene, sampleScene } from "../../../src/sandbox/world/scene.ts";
import { Rng } from "../../../src/tensor/rng.ts";
import {
  answerShortQuestion,
  mmeTruth,
  NUMBERS,
  PHRASE_POSITION,
  relationHolds,
  resolve,
  singular,
} from "./oracle.ts";

const SCENES = 3000;

function scenes(seed: number, n = SCENES): Scene[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, i) => sampleScene(rng, 64 + (i % 33)));
}

/** (size?, colour, shape) of every "a/an [size] colour shape" a text mentions. */
function mentioned(text: string) {
  const re =
    /\b[Aa]n? (?:(small|large) )?(red|green|blue|yellow|purple|orange|pink|cyan) (square|circle|triangle|diamond|star|cross)\b/g;
  return [...text.matchAll(re)].map(([, size, color, shape]) => ({ size, color, shape }));
}

test("every text the generators produce for 3000 other scenes uses only worldWords(), a few hundred words", () => {
  const words = new Set(worldWords());
  assert.ok(words.size <= 300, `${words.size} words`);
  const rng = new Rng(99);
  for (const s of scenes(98)) {
    const texts = [
      sceneInWords(s),
      ...cocoCaptions(s, rng),
      ...flickrCaptions(s, rng),
      detailedDescription(s, rng),
      ...conversation(s, rng).flatMap((t) => [t.question, t.answer]),
      ...Object.values(complexReasoning(s, rng)),
      ...[shortQuestion(s, rng)].flatMap((q) => [q.question, q.answer, ...q.confusions]),
      ...MME_WORLD_SUBTASKS.flatMap((t) => mmePair(s, t, rng)),
    ];
    for (const t of texts)
      for (const w of wordsOf(t)) assert.ok(words.has(w), `"${w}" in "${t}" is not a world word`);
  }
});

test("worldLanguage() is the same on every call, has no duplicates, and holds the stage-1 and benchmark prompts", () => {
  const lines = worldLanguage();
  assert.equal(new Set(lines).size, lines.length);
  assert.deepEqual(worldLanguage(), lines);
  assert.ok(lines.includes("Describe the image concisely."));
  assert.ok(lines.includes("Answer the question using a single word or phrase."));
  assert.ok(worldWords().includes("crosses"));
});

test("articles agree: never 'a' before a vowel or 'an' before a consonant", () => {
  const rng = new Rng(5);
  for (const s of scenes(4, 500)) {
    const text = [...cocoCaptions(s, rng), ...flickrCaptions(s, rng), detailedDescription(s, rng)].join(" ");
    assert.doesNotMatch(text, /\b[Aa] [aeiou]/);
    assert.doesNotMatch(text, /\b[Aa]n [^aeiou]/);
  }
});

test("five distinct captions per image in each style; every object they name is in the scene", () => {
  const rng = new Rng(6);
  for (const s of scenes(7)) {
    for (const caps of [cocoCaptions(s, rng), flickrCaptions(s, rng)]) {
      assert.equal(caps.length, 5);
      assert.equal(new Set(caps).size, 5);
      for (const c of caps) {
        assert.match(c, /^[A-Z].*\.$/);
        for (const m of mentioned(c))
          assert.ok(
            s.objects.some(
              (o) => o.color === m.color && o.shape === m.shape && (!m.size || o.size === m.size),
            ),
            `"${c}" names a ${m.color} ${m.shape} not in ${JSON.stringify(s.objects)}`,
          );
      }
    }
    // The scene in words names every object once, with its size and place.
    const words = sceneInWords(s);
    assert.equal(mentioned(words).length, s.objects.length);
    for (const o of s.objects) assert.ok(words.includes(`${o.size} ${o.color} ${o.shape}`));
  }
});

test("detailed descriptions state the true count, each object's place and true relations", () => {
  const rng = new Rng(8);
  for (const s of scenes(9)) {
    const d = detailedDescription(s, rng);
    const n = s.objects.length;
    assert.match(d, new RegExp(`\\b${["", "one", "two", "three", "four"][n]} shapes?\\b`));
    assert.equal(mentioned(d).length, n);
    const rel = /(?:^|\. )(The [^.]+?) is (to the left of|above) (the [^.]+)\./.exec(d);
    if (n > 1) {
      assert.ok(rel, d);
      assert.ok(relationHolds(rel[2], resolve(s, rel[1].toLowerCase()), resolve(s, rel[3])), d);
    }
  }
});

test("VQA-style answers equal the scene's truth, and at least 7 of 10 human answers agree with it", () => {
  const rng = new Rng(10);
  const types = new Set<string>();
  const yesNoKinds = { count: 0, relation: 0 };
  for (const s of scenes(11)) {
    for (let k = 0; k < 2; k++) {
      const q = shortQuestion(s, rng);
      types.add(q.answerType);
      if (/^(Is there only one|Are there (one|two|three|four)) /.test(q.question)) yesNoKinds.count++;
      if (/ (to the left of|to the right of|above|below) /.test(q.question)) yesNoKinds.relation++;
      assert.equal(q.answer, answerShortQuestion(s, q.question), q.question);
      const humans = humanAnswers(q, rng);
      assert.equal(humans.length, 10);
      assert.ok(humans.filter((h) => h === q.answer).length >= 7);
    }
  }
  assert.deepEqual([...types].sort(), ["number", "other", "yes/no"]);
  // GQA-style yes/no questions about counts and spatial relations are among them.
  assert.ok(yesNoKinds.count > 100 && yesNoKinds.relation > 100, JSON.stringify(yesNoKinds));
});

test("conversation answers are true of the scene (counts, existence, colours, places, sizes)", () => {
  const rng = new Rng(12);
  let checked = 0;
  for (const s of scenes(13)) {
    const turns = conversation(s, rng);
    assert.ok(turns.length >= 2 && turns.length <= 4);
    for (const { question: q, answer: a } of turns) {
      let m: RegExpExecArray | null;
      checked++;
      if (q === "How many shapes are in the image?" || q === "How many shapes can you see?") {
        m = /^There (?:is|are) (\w+) shapes? in the image\.$/.exec(a);
        assert.equal(NUMBERS[m![1]], s.objects.length, a);
      } else if ((m = /^How many (\w+) are there\?$/.exec(q))) {
        const n = s.objects.filter((o) => o.shape === singular(m![1])).length;
        assert.equal(NUMBERS[/^There (?:is|are) (\w+) /.exec(a)![1]], n, `${q} ${a}`);
      } else if ((m = /^Is there an? (\w+) (\w+) in the image\?$/.exec(q))) {
        const [, color, shape] = m;
        assert.equal(a.startsWith("Yes"), answerShortQuestion(s, q) === "yes", `${q} ${a}`);
        const n = s.objects.filter((o) => o.color === color && o.shape === shape).length;
        if (n > 1)
          assert.match(a, new RegExp(`there are ${["", "one", "two", "three", "four"][n]} ${color}`));
      } else if ((m = /^What color is (the .+)\?$/.exec(q))) {
        assert.ok(a.endsWith(` is ${answerShortQuestion(s, q)}.`), `${q} ${a}`);
      } else if ((m = /^Where is (the .+)\?$/.exec(q))) {
        const where = / is ((?:at|on|in) the \w+)\.$/.exec(a)![1];
        assert.equal(PHRASE_POSITION[where], resolve(s, m[1]).position, `${q} ${a}`);
      } else if ((m = /^Is (the .+) small or large\?$/.exec(q))) {
        assert.ok(a.endsWith(` is ${resolve(s, m[1]).size}.`), `${q} ${a}`);
      } else if ((m = /^(?:What shape is|Which shape can you see) ((?:at|on|in) the \w+)\?$/.exec(q))) {
        const o = s.objects.find((p) => p.position === PHRASE_POSITION[m![1]])!;
        assert.equal(
          a,
          `There is ${/^[aeiou]/.test(o.size) ? "an" : "a"} ${o.size} ${o.color} ${o.shape} ${m[1]}.`,
        );
      } else if (q === "What color is the background?") {
        assert.equal(a, `The background is ${s.background}.`);
      } else assert.fail(`unknown conversation question: ${q}`);
    }
  }
  assert.ok(checked > SCENES * 2);
});

test("complex-reasoning answers are true of the scene (relations, count differences, removals, colours)", () => {
  const rng = new Rng(14);
  for (const s of scenes(15)) {
    const { question: q, answer: a } = complexReasoning(s, rng);
    let m: RegExpExecArray | null;
    if ((m = /^Which shape is (to the left of|to the right of|above|below) (the .+)\?$/.exec(q))) {
      const b = resolve(s, m[2]);
      const found = s.objects.filter((o) => relationHolds(m![1], o, b));
      assert.equal(found.length, 1, q);
      assert.ok(
        a.startsWith(`A${/^[aeiou]/.test(found[0].color) ? "n" : ""} ${found[0].color} ${found[0].shape} is`),
        a,
      );
    } else if (
      (m = /^How many shapes are (to the left of|to the right of|above|below) (the .+)\?$/.exec(q))
    ) {
      const b = resolve(s, m[2]);
      const n = s.objects.filter((o) => relationHolds(m![1], o, b)).length;
      assert.equal(NUMBERS[/there (?:is|are) (\w+) shapes? /.exec(a)![1]], n, a);
    } else if ((m = /^Is (the .+?) (to the left of|to the right of|above|below) (the .+)\?$/.exec(q))) {
      assert.equal(a.startsWith("Yes"), relationHolds(m[2], resolve(s, m[1]), resolve(s, m[3])), `${q} ${a}`);
    } else if ((m = /^How many more (\w+) than (\w+) are there\?$/.exec(q))) {
      const [n1, n2] = [m[1], m[2]].map((p) => s.objects.filter((o) => o.shape === singular(p)).length);
      const said = /^There (?:is|are) (\w+) \w+ and (\w+) \w+, so there (?:is|are) (\w+) more /.exec(a)!;
      assert.deepEqual([NUMBERS[said[1]], NUMBERS[said[2]], NUMBERS[said[3]]], [n1, n2, n1 - n2], a);
    } else if ((m = /^If (the .+) were removed, how many shapes would be left\?$/.exec(q))) {
      resolve(s, m[1]);
      assert.equal(NUMBERS[/, (\w+) shapes? would be left\.$/.exec(a)![1]], s.objects.length - 1, a);
    } else if (q === "Do all of the shapes have the same color?") {
      assert.equal(a.startsWith("Yes"), new Set(s.objects.map((o) => o.color)).size === 1, a);
    } else assert.fail(`unknown reasoning question: ${q}`);
  }
});

test("MME pairs: the first question is true of the scene, the second false, for every subtask", () => {
  const rng = new Rng(16);
  for (const s of scenes(17)) {
    for (const subtask of MME_WORLD_SUBTASKS) {
      const [yes, no] = mmePair(s, subtask, rng);
      for (const q of [yes, no]) assert.ok(q.endsWith(" Please answer yes or no."));
      const strip = (q: string) => q.slice(0, -" Please answer yes or no.".length);
      assert.equal(mmeTruth(s, strip(yes)), true, yes);
      assert.equal(mmeTruth(s, strip(no)), false, no);
    }
  }
});
