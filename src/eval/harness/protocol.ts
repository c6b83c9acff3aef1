// Evaluation protocols. "llava": LLaVA's own eval scripts (vicuna_v1, greedy, the short-answer instruction).
// "paper": the harness of the paper's companion code base: template v0, text-only demos, sampling and answer
// post-processing.
import { pyStrip } from "../../data/py_string.ts";
import type { DecodingOptions } from "./answer_generator.ts";
import type { Bench } from "./types.ts";

export const PROTOCOLS = ["llava", "paper"] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export interface ProtocolSettings {
  template: string;
  /** Defaults the user's decoding flags override. */
  decoding: DecodingOptions;
  /** LLaVA appends SHORT_ANSWER_PROMPT to VQAv2, POPE and MME questions; the paper asks the bare question. */
  shortAnswer: boolean;
  /** Text-only demo turns before the image question. */
  demos: number;
  /** Post-processes each answer before it is recorded. */
  postprocess: ((answer: string) => string) | null;
}

export function protocolSettings(protocol: Protocol, bench: Bench): ProtocolSettings {
  if (protocol === "llava") {
    return {
      template: "vicuna_v1",
      // HF's top-k 50 and top-p 1 apply only when sampling is asked for.
      decoding: { maxNewTokens: 128, temperature: 0, topK: 50, topP: 1, seed: 42 },
      shortAnswer: true,
      demos: 0,
      postprocess: null,
    };
  }
  return {
    // conv v0 for every model, example dialogue kept. The user turn is "<image>\n" + question: the
    // paper's <im_start>/<im_end> wrapping follows the checkpoint's mm_use_im_start_end, off in ours.
    template: "v0",
    // do_sample, temperature 0.2, top_k 50, max_new_tokens 10 (captions too), seed 42.
    decoding: { maxNewTokens: 10, temperature: 0.2, topK: 50, topP: 1, seed: 42 },
    shortAnswer: false,
    // 3 demos for VQAv2 and the captions; MME and POPE are zero-shot.
    demos: bench === "vqav2" || bench === "coco" || bench === "flickr30k" ? 3 : 0,
    postprocess: (answer) => paperAnswer(answer, bench),
  };
}

// The answer ends at the first of these. Cutting at "###" also stands for stopping at the separator:
// sampling draws the same tokens before it either way.
const CUT = /Question|Answer|###|<\/s>/;

/** The paper's post-processing; for VQAv2 an answer with the word "yes" (else "no") becomes "Yes" ("No"). */
export function paperAnswer(answer: string, bench: Bench): string {
  const cut = pyStrip(answer.split(CUT, 1)[0]);
  if (bench !== "vqav2") return cut;
  if (/\byes\b/i.test(cut)) return "Yes";
  if (/\bno\b/i.test(cut)) return "No";
  return cut;
}
