// The pycocoevalcap caption report (BLEU-1..4, ROUGE-L, CIDEr-D) for already matched captions.
// Raw captions are tokenised first with CoreNLP's PTB tokenizer, as pycocoevalcap's COCOEvalCap does.
import { corpusBleu } from "./bleu.ts";
import { ciderDScores, corpusCiderD } from "./cider_d.ts";
import { tokenizeCaptions } from "./ptb_tokenizer.ts";
import { rougeL } from "./rouge_l.ts";

export interface CaptionItem {
  imageId: number | string;
  candidate: string;
  references: readonly string[];
}

export interface CaptionScores {
  /** Corpus scores on pycocoevalcap's scale (0..1, CIDEr ~0..10); papers print them x100. */
  Bleu_1: number;
  Bleu_2: number;
  Bleu_3: number;
  Bleu_4: number;
  ROUGE_L: number;
  CIDEr: number;
  /** CIDEr-D of each image, keyed by image id. */
  perImageCIDEr: Record<string, number>;
}

/** Scores captions that are already tokenised (space-separated, lowercase, no punctuation). */
export function scoreTokenizedCaptions(items: readonly CaptionItem[]): CaptionScores {
  const [b1, b2, b3, b4] = corpusBleu(items);
  let rougeSum = 0;
  for (const item of items) rougeSum += rougeL(item.candidate, item.references);
  const cider = ciderDScores(items);
  return {
    Bleu_1: b1,
    Bleu_2: b2,
    Bleu_3: b3,
    Bleu_4: b4,
    ROUGE_L: items.length === 0 ? 0 : rougeSum / items.length,
    CIDEr: corpusCiderD(cider),
    perImageCIDEr: Object.fromEntries(items.map((item, i) => [String(item.imageId), cider[i]])),
  };
}

/**
 * Tokenises the captions as pycocoevalcap's COCOEvalCap does, then scores them: all references in
 * one tokenizer run and all candidates in another, each in image order (a caption's tokens can
 * depend on the caption after it).
 */
export function captionScores(items: readonly CaptionItem[]): CaptionScores {
  const references = tokenizeCaptions(items.flatMap((item) => item.references));
  const candidates = tokenizeCaptions(items.map((item) => item.candidate));
  let next = 0;
  return scoreTokenizedCaptions(
    items.map((item, i) => ({
      imageId: item.imageId,
      candidate: candidates[i],
      references: item.references.map(() => references[next++]),
    })),
  );
}
