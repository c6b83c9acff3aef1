// Official VQA accuracy, following the current GT-Vision-Lab/VQA `vqaEval.py` (2021 revision).
//
// Behaviour of that revision reproduced here on purpose:
// - Prediction and human answers are normalised (punctuation, then digits/articles/contractions)
//   only when the human answers are not all identical. A prediction "Yes" against ten "yes"
//   therefore scores 0, exactly as the official tool scores it.
// - Per-question-type and per-answer-type figures average the same leave-one-out accuracy as the
//   overall figure. (Releases of mid-2015 averaged only the last leave-one-out term there; that was
//   fixed upstream and is not reproduced.)
// - Percentages are rounded with Python's round(x, 2), per question and per aggregate.
import { pyRound } from "./py_round.ts";

// Characters the official tool strips; note '-' and '!' are included, ':' and "'" are not.
const PUNCTUATION = [...';/[]"{}()=+\\_-><@`,?!'];
const DIGIT_COMMA_DIGIT = /\d,\d/;
// The official regex `(?!<=\d)(\.)(?!\d)` has a malformed look-behind, so only "not followed by a
// digit" holds; and `re.UNICODE` lands in the `count` argument, so at most 32 periods are removed.
const PERIOD_NOT_BEFORE_DIGIT = /\.(?!\d)/g;
const MAX_PERIODS_REMOVED = 32;

// "none" and "zero".."ten" become digits.
const NUMBER_WORDS = new Map<string, string>([
  ["none", "0"],
  ...["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"].map(
    (word, i): [string, string] => [word, String(i)],
  ),
]);
const ARTICLES = new Set(["a", "an", "the"]);

// Contractions written without their apostrophe, as "spelling => official form". Keys with a capital
// "I" never match (words are lowercased first) and "somebody'd" maps to "somebodyd": both as upstream.
const CONTRACTIONS = new Map<string, string>(
  `aint=>ain't arent=>aren't cant=>can't couldve=>could've couldnt=>couldn't couldn'tve=>couldn't've
  couldnt've=>couldn't've didnt=>didn't doesnt=>doesn't dont=>don't hadnt=>hadn't hadnt've=>hadn't've
  hadn'tve=>hadn't've hasnt=>hasn't havent=>haven't hed=>he'd hed've=>he'd've he'dve=>he'd've hes=>he's
  howd=>how'd howll=>how'll hows=>how's Id've=>I'd've I'dve=>I'd've Im=>I'm Ive=>I've isnt=>isn't itd=>it'd
  itd've=>it'd've it'dve=>it'd've itll=>it'll let's=>let's maam=>ma'am mightnt=>mightn't
  mightnt've=>mightn't've mightn'tve=>mightn't've mightve=>might've mustnt=>mustn't mustve=>must've
  neednt=>needn't notve=>not've oclock=>o'clock oughtnt=>oughtn't ow's'at=>'ow's'at 'ows'at=>'ow's'at
  'ow'sat=>'ow's'at shant=>shan't shed've=>she'd've she'dve=>she'd've she's=>she's shouldve=>should've
  shouldnt=>shouldn't shouldnt've=>shouldn't've shouldn'tve=>shouldn't've somebody'd=>somebodyd
  somebodyd've=>somebody'd've somebody'dve=>somebody'd've somebodyll=>somebody'll somebodys=>somebody's
  someoned=>someone'd someoned've=>someone'd've someone'dve=>someone'd've someonell=>someone'll
  someones=>someone's somethingd=>something'd somethingd've=>something'd've something'dve=>something'd've
  somethingll=>something'll thats=>that's thered=>there'd thered've=>there'd've there'dve=>there'd've
  therere=>there're theres=>there's theyd=>they'd theyd've=>they'd've they'dve=>they'd've theyll=>they'll
  theyre=>they're theyve=>they've twas=>'twas wasnt=>wasn't wed've=>we'd've we'dve=>we'd've weve=>we've
  werent=>weren't whatll=>what'll whatre=>what're whats=>what's whatve=>what've whens=>when's
  whered=>where'd wheres=>where's whereve=>where've whod=>who'd whod've=>who'd've who'dve=>who'd've
  wholl=>who'll whos=>who's whove=>who've whyll=>why'll whyre=>why're whys=>why's wont=>won't
  wouldve=>would've wouldnt=>wouldn't wouldnt've=>wouldn't've wouldn'tve=>wouldn't've yall=>y'all
  yall'll=>y'all'll y'allll=>y'all'll yall'd've=>y'all'd've y'alld've=>y'all'd've y'all'dve=>y'all'd've
  youd=>you'd youd've=>you'd've you'dve=>you'd've youll=>you'll youre=>you're youve=>you've`
    .split(/\s+/)
    .filter((pair) => pair !== "")
    .map((pair) => pair.split("=>") as [string, string]),
);

/** The official punctuation pass. Its conditions look at the original text, not the text being edited. */
export function processPunctuation(text: string): string {
  const hasDigitComma = DIGIT_COMMA_DIGIT.test(text);
  let out = text;
  for (const p of PUNCTUATION) {
    const attached = text.includes(`${p} `) || text.includes(` ${p}`) || hasDigitComma;
    out = out.replaceAll(p, attached ? "" : " ");
  }
  let removed = 0;
  return out.replace(PERIOD_NOT_BEFORE_DIGIT, (dot) => (removed++ < MAX_PERIODS_REMOVED ? "" : dot));
}

/** Lowercase, number words to digits, drop articles, restore contractions, single-space join. */
export function processDigitArticle(text: string): string {
  const words = text
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== "")
    .map((w) => NUMBER_WORDS.get(w) ?? w)
    .filter((w) => !ARTICLES.has(w));
  return words.map((w) => CONTRACTIONS.get(w) ?? w).join(" ");
}

/** Newlines and tabs become spaces, then the ends are trimmed (applied to every answer first). */
function clean(answer: string): string {
  return answer.replace(/[\n\t]/g, " ").trim();
}

/**
 * Accuracy of one prediction in [0, 1]: for each of the human answers, min(1, matches among the
 * other answers / 3), averaged. Leave-one-out is by position (upstream compares answer records,
 * which differ by their answer_id).
 */
export function questionAccuracy(prediction: string, humanAnswers: readonly string[]): number {
  let answers = humanAnswers.map(clean);
  let pred = clean(prediction);
  if (new Set(answers).size > 1) {
    answers = answers.map((a) => processDigitArticle(processPunctuation(a)));
    pred = processDigitArticle(processPunctuation(pred));
  }
  const matches = answers.filter((a) => a === pred).length;
  let sum = 0;
  for (const a of answers) sum += Math.min(1, (matches - (a === pred ? 1 : 0)) / 3);
  return answers.length === 0 ? 0 : sum / answers.length;
}

export interface VqaItem {
  questionId: number | string;
  questionType: string;
  answerType: string;
  humanAnswers: readonly string[];
  prediction: string;
}

export interface VqaScores {
  /** All figures in percent, rounded to 2 decimals like the official tool. */
  overall: number;
  perAnswerType: Record<string, number>;
  perQuestionType: Record<string, number>;
  perQuestion: Record<string, number>;
}

/** Percent of the mean, summed in order like upstream; an empty list gives 0 (upstream divides by 0). */
function percent(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return values.length === 0 ? 0 : pyRound((100 * sum) / values.length, 2);
}

function groupPercent(groups: Map<string, number[]>): Record<string, number> {
  return Object.fromEntries([...groups].map(([key, values]) => [key, percent(values)]));
}

export function vqaAccuracy(items: readonly VqaItem[]): VqaScores {
  const all: number[] = [];
  const byAnswerType = new Map<string, number[]>();
  const byQuestionType = new Map<string, number[]>();
  const perQuestion: Record<string, number> = {};
  for (const item of items) {
    const acc = questionAccuracy(item.prediction, item.humanAnswers);
    all.push(acc);
    pushTo(byAnswerType, item.answerType, acc);
    pushTo(byQuestionType, item.questionType, acc);
    perQuestion[String(item.questionId)] = pyRound(100 * acc, 2);
  }
  return {
    overall: percent(all),
    perAnswerType: groupPercent(byAnswerType),
    perQuestionType: groupPercent(byQuestionType),
    perQuestion,
  };
}

function pushTo(groups: Map<string, number[]>, key: string, value: number): void {
  const list = groups.get(key);
  if (list) list.push(value);
  else groups.set(key, [value]);
}
