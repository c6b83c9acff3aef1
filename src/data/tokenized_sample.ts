// The result of preprocessing one sample: ids with IMAGE_TOKEN_INDEX placeholders and aligned labels.
export interface TokenizedSample {
  inputIds: number[];
  /** Same length as inputIds; IGNORE_INDEX where no loss is taken. */
  labels: number[];
  /** Number of IMAGE_TOKEN_INDEX placeholders in inputIds. */
  numImages: number;
  /** LLaVA's "tokenization mismatch": the round lengths did not add up, so every label was masked. */
  mismatch: boolean;
}
