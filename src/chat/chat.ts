// One question, one streamed answer, prompted as LLaVA's evaluation does: the question (after "<image>\n"
// when an image comes with it) as a user turn, rendered with the conversation template and an empty
// assistant turn, then tokenised with the image placeholder in place.
import { DEFAULT_IMAGE_TOKEN } from "../data/constants.ts";
import { type ConversationTemplate, getTemplate } from "../data/templates/index.ts";
import { tokenizerImageToken } from "../data/tokenizer_image_token.ts";
import type { Tokenizer } from "../io/tokenizer.ts";
import { generate, leftPad, type PromptBatch } from "../models/generation.ts";
import type { LlamaForCausalLM } from "../models/llama/model.ts";
import { toModelImageToken } from "../models/llava/image_token.ts";
import { LlavaForConditionalGeneration } from "../models/llava/model.ts";
import type { SamplingOptions } from "../models/sampling.ts";
import { noGrad } from "../tensor/autograd.ts";
import { TextStream } from "./text_stream.ts";

export interface AnswerRequest extends SamplingOptions {
  prompt: string;
  /** One preprocessed image [3, S, S] (see loadChatImage); needs a LLaVA model. */
  image?: Float32Array;
  /** Default: vicuna_v1. */
  template?: ConversationTemplate;
  /** Replaces the template's system prompt. */
  system?: string;
  /** Default 256. */
  maxNewTokens?: number;
  seed?: number;
  /** Generation ends when the text contains one of these; the answer is cut before it. */
  stop?: string[];
}

export interface AnswerResult {
  text: string;
  /** Generated ids, the EOS included when one ended generation. */
  tokens: number[];
  finishReason: "eos" | "stop" | "length";
  /** Positions the prompt and the answer took (an image counts its features). */
  positions: number;
  /** The prompt's token ids; an image is one placeholder (the model's image token index). */
  promptIds: number[];
}

/** The rendered prompt text of one user turn awaiting the assistant's answer. */
export function chatPrompt(
  template: ConversationTemplate,
  prompt: string,
  withImage: boolean,
  system?: string,
): string {
  const content = withImage ? `${DEFAULT_IMAGE_TOKEN}\n${prompt}` : prompt;
  return template.render(
    [
      { role: "user", content },
      { role: "assistant", content: null },
    ],
    { system },
  );
}

/** Answers `req`, passing the text to `onText` as it is generated. The model runs in eval mode. */
export function answer(
  model: LlamaForCausalLM | LlavaForConditionalGeneration,
  tokenizer: Tokenizer,
  req: AnswerRequest,
  onText: (chunk: string) => void = () => {},
): AnswerResult {
  const llava = model instanceof LlavaForConditionalGeneration ? model : null;
  const lm = llava ? llava.language_model : (model as LlamaForCausalLM);
  if (req.image && !llava) throw new Error("an image needs a LLaVA model; this one has no vision tower");
  if (req.image && llava?.config.mmUseImStartEnd)
    throw new Error("checkpoints with mm_use_im_start_end are not supported");
  const text = chatPrompt(
    req.template ?? getTemplate("vicuna_v1"),
    req.prompt,
    req.image !== undefined,
    req.system,
  );
  // Without an image, "<image>" in the question is plain text.
  const promptIds = req.image
    ? toModelImageToken(tokenizerImageToken(text, tokenizer), llava!.config)
    : tokenizer.encode(text);
  const eos = new Set([
    ...lm.config.eos_token_id,
    ...(tokenizer.eosTokenId === null ? [] : [tokenizer.eosTokenId]),
  ]);
  const stream = new TextStream(
    (ids) => tokenizer.decode(ids, { skipSpecialTokens: true }),
    onText,
    req.stop ?? [],
  );
  const wasTraining = model.training;
  model.eval();
  try {
    let prompt: PromptBatch = leftPad([promptIds], tokenizer.padTokenId);
    if (req.image) {
      const { embeds, plan } = noGrad(() =>
        llava!.embedMultimodal({
          inputIds: Int32Array.from(promptIds),
          batch: 1,
          seqLen: promptIds.length,
          pixelValues: req.image,
        }),
      );
      prompt = { batch: 1, seqLen: plan.seqLen, inputsEmbeds: embeds, attentionMask: plan.attentionMask };
    }
    const [tokens] = generate(lm, prompt, {
      maxNewTokens: req.maxNewTokens ?? 256,
      eosTokenIds: [...eos],
      temperature: req.temperature,
      topK: req.topK,
      topP: req.topP,
      seed: req.seed,
      onToken: (_row, _token, generated) => stream.update(generated),
    });
    stream.flush();
    const finishReason = stream.stopped ? "stop" : eos.has(tokens.at(-1)!) ? "eos" : "length";
    return { text: stream.text, tokens, finishReason, promptIds, positions: prompt.seqLen + tokens.length };
  } finally {
    model.train(wasTraining);
  }
}
